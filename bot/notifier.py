"""Sending to other people: each in their own language, and blocked bots noted, not retried."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.i18n import Catalogs
from bot.services import people
from bot.services.views import Recipient
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None
Render = Callable[[], tuple[str, Markup]]


class Notifier:
    """Sends rendered messages to recipients; the render runs in the recipient's locale."""

    def __init__(
        self,
        bot: Bot,
        catalogs: Catalogs,
        uow: UnitOfWorkFactory,
        forget: Callable[[int], object] = lambda _id: None,
    ) -> None:
        self._bot = bot
        self._catalogs = catalogs
        self._uow = uow
        # Called with a chat id that blocked us, so that their next message is looked up anew
        # (and marks them reachable again).
        self._forget = forget

    async def send(self, to: Recipient, render: Render) -> Message | None:
        """Send one message; None if it could not be delivered (and why is logged)."""
        if to.telegram_id is None:
            return None
        with self._catalogs.use(to.locale):
            text, markup = render()
        return await self.send_to_chat(to.telegram_id, text, markup)

    async def send_to_chat(self, chat_id: int, text: str, markup: Markup = None) -> Message | None:
        try:
            return await self._bot.send_message(chat_id, text, reply_markup=markup)
        except Forbidden:
            log.info("chat %s blocked the bot; marked unreachable", chat_id)
            await self._blocked(chat_id)
        except TelegramError as error:
            log.warning("could not send to chat %s: %s", chat_id, error.__class__.__name__)
        return None

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
