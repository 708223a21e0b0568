"""Sending to other people: each in their own language; blocked bots noted, not retried.

A message Telegram still does not take after the HTTP retries
(bot/telegram/retrying.py) is kept in the
outbound queue and sent again by the outbound job (bot/jobs/resend.py), so a passing Bot API
failure does not lose it. Forbidden (blocked), BadRequest (the message itself is refused) and
ChatMigrated are final: sending the same again would not help.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.i18n import Catalogs
from bot.services import outbound, people
from bot.services.views import Recipient
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None
Render = Callable[[], tuple[str, Markup]]


@dataclass(frozen=True)
class Outcome:
    """What became of one message: sent now, queued to be sent later, or neither."""

    message: Message | None = None
    queued: bool = False

    @property
    def arrives(self) -> bool:
        """Sent, or on its way: only a blocked bot or a refused message does not arrive."""
        return self.message is not None or self.queued


class Notifier:
    """Sends rendered messages to recipients; the render runs in the recipient's locale."""

    def __init__(
        self,
        bot: Bot,
        catalogs: Catalogs,
        uow: UnitOfWorkFactory,
        forget: Callable[[int], object] = lambda _id: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._bot = bot
        self._catalogs = catalogs
        self._uow = uow
        self._clock = clock
        # Called with a chat id that blocked us, so that their next message is looked up anew
        # (and marks them reachable again).
        self._forget = forget

    async def send(self, to: Recipient, render: Render) -> Message | None:
        """Send one message; None if it was not sent now (queued, or why not is logged)."""
        return (await self.deliver(to, render)).message

    async def send_to_chat(self, chat_id: int, text: str, markup: Markup = None) -> Message | None:
        return (await self.deliver_to_chat(chat_id, text, markup)).message

    async def deliver(self, to: Recipient, render: Render) -> Outcome:
        """Send one message, or queue it when Telegram fails for now."""
        if to.telegram_id is None:
            return Outcome()
        with self._catalogs.use(to.locale):
            text, markup = render()
        return await self.deliver_to_chat(to.telegram_id, text, markup)

    async def deliver_to_chat(self, chat_id: int, text: str, markup: Markup = None) -> Outcome:
        try:
            return Outcome(await self._bot.send_message(chat_id, text, reply_markup=markup))
        except Forbidden:
            log.info("chat %s blocked the bot; marked unreachable", chat_id)
            await self._blocked(chat_id)
        except (BadRequest, ChatMigrated) as error:
            log.warning("Telegram refused a message to chat %s: %s", chat_id, error.message)
        except TelegramError as error:
            return await self._queue(chat_id, text, markup, error)
        return Outcome()

    async def _queue(self, chat_id: int, text: str, markup: Markup, error: Exception) -> Outcome:
        reason = error.__class__.__name__
        try:
            async with self._uow() as uow:
                row_id = await outbound.enqueue(
                    uow, chat_id, text, markup.to_json() if markup else None, self._clock(), reason
                )
        except Exception:
            log.exception("could not send to chat %s (%s), nor queue the message", chat_id, reason)
            return Outcome()
        log.warning("could not send to chat %s now (%s); queued as %s", chat_id, reason, row_id)
        return Outcome(queued=True)

    async def edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Replace an earlier message's text; quietly skip messages that are gone."""
        try:
            await self._bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except BadRequest as error:
            log.debug("could not edit %s/%s: %s", chat_id, message_id, error.message)
        except Forbidden:
            await self._blocked(chat_id)
        except TelegramError as error:
            log.warning("could not edit in chat %s: %s", chat_id, error.__class__.__name__)

    async def _blocked(self, chat_id: int) -> None:
        self._forget(chat_id)
        async with self._uow() as uow:
            await people.mark_reachable(uow, chat_id, False)
