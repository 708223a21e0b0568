"""The one way out: every message to a person goes through here, and ``classify`` says what
became of it.

``classify`` turns Telegram's answer into one of four outcomes, the same for every sender:

* ``SENT``;
* ``RETRY``: try again later (after ``retry_after`` seconds when Telegram said how long: a
  429; otherwise a 5xx, a timeout or a network error that the HTTP retries in
  bot/telegram/retrying.py could not get past);
* ``UNREACHABLE``: the person blocked the bot, deleted their account, or the chat is gone;
  never tried again, and the person is marked unreachable;
* ``FINAL``: Telegram refused this message (a bad request); sending it again would not help.

``Notifier.attempt`` sends once and classifies; it never touches the database, so a job may
call it while it holds a transaction (on SQLite a second unit of work would wait for the
first). ``Notifier.deliver`` is for handlers telling someone else something: it marks a
blocked bot and keeps a ``RETRY`` in the outbound queue (bot/jobs/resend.py sends it again).
``Notifier.amend`` does the same for an edit that must happen (stripping an address): a
``RETRY`` is queued as an edit.

The jobs record an outcome with nothing awaited between Telegram's answer and the commit that
records it, so a process killed in that window (the commit's own few milliseconds) is the one
way a message can go out twice: delivery is *at least once*.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.i18n import Catalogs
from bot.services import outbound, people
from bot.services.views import Recipient
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None
Render = Callable[[], tuple[str, Markup]]
# Telegram's words for a chat that is gone, in a 400 answer.
_GONE = ("chat not found", "user is deactivated", "peer_id_invalid", "bot was blocked")


class Kind(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    UNREACHABLE = "unreachable"
    FINAL = "final"


@dataclass(frozen=True)
class Delivery:
    """What became of one message (or edit)."""

    kind: Kind
    message: Message | None = None
    retry_after: float | None = None  # seconds Telegram asked us to wait (a 429)
    reason: str = ""  # the error's class and Telegram's words; never the message's text

    @property
    def sent(self) -> bool:
        return self.kind is Kind.SENT


@dataclass(frozen=True)
class Outcome:
    """What became of a notification: sent now, queued to be sent later, or neither."""

    message: Message | None = None
    queued: bool = False

    @property
    def arrives(self) -> bool:
        """Sent, or on its way: only a blocked bot or a refused message does not arrive."""
        return self.message is not None or self.queued


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asks us to wait (read without PTB's int-or-timedelta warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(seconds, 0.0) + 0.1


def classify(error: TelegramError) -> Delivery:
    """The one reading of a Bot API error for every sender."""
    reason = f"{error.__class__.__name__}: {error.message}"
    if isinstance(error, RetryAfter):
        return Delivery(Kind.RETRY, retry_after=retry_seconds(error), reason=reason)
    if isinstance(error, Forbidden):
        return Delivery(Kind.UNREACHABLE, reason=reason)
    if isinstance(error, BadRequest):  # before NetworkError: BadRequest is one
        gone = any(words in error.message.lower() for words in _GONE)
        return Delivery(Kind.UNREACHABLE if gone else Kind.FINAL, reason=reason)
    if isinstance(error, NetworkError):  # TimedOut too: Telegram may answer in a while
        return Delivery(Kind.RETRY, reason=reason)
    # ChatMigrated, InvalidToken, Conflict, …: the same call would fail the same way.
    return Delivery(Kind.FINAL, reason=reason)


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

    def render(self, to: Recipient, render: Render) -> tuple[str, Markup]:
        """The text and buttons in the recipient's language."""
        with self._catalogs.use(to.locale):
            return render()

    async def attempt(self, chat_id: int, text: str, markup: Markup = None) -> Delivery:
        """Send once and say what became of it; no database, no retry, never raises a
        TelegramError."""
        try:
            message = await self._bot.send_message(chat_id, text, reply_markup=markup)
        except TelegramError as error:
            delivery = classify(error)
            if delivery.kind is Kind.UNREACHABLE:
                self._forget(chat_id)
            return delivery
        return Delivery(Kind.SENT, message)

    async def attempt_edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Delivery:
        """Replace an earlier message's text once; like ``attempt``."""
        try:
            await self._bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except TelegramError as error:
            return classify(error)
        return Delivery(Kind.SENT)

    async def send(self, to: Recipient, render: Render) -> Message | None:
        """Send one message; None if it was not sent now (queued, or why not is logged)."""
        return (await self.deliver(to, render)).message

    async def deliver(
        self,
        to: Recipient,
        render: Render,
        *,
        about: int | None = None,
        task: int | None = None,
    ) -> Outcome:
        """Send one message, or queue it when Telegram fails for now.

        ``about``: whose personal data the text holds (erasing them drops it from the queue);
        ``task``: it is the holder's message with that task's address (see ``outbound``).
        """
        if to.telegram_id is None:
            return Outcome()
        text, markup = self.render(to, render)
        return await self.deliver_to_chat(to.telegram_id, text, markup, about=about, task=task)

    async def deliver_to_chat(
        self,
        chat_id: int,
        text: str,
        markup: Markup = None,
        *,
        about: int | None = None,
        task: int | None = None,
    ) -> Outcome:
        delivery = await self.attempt(chat_id, text, markup)
        if delivery.kind is Kind.SENT:
            return Outcome(delivery.message)
        if delivery.kind is Kind.RETRY:
            return await self._queue(chat_id, text, markup, delivery, about=about, task=task)
        if delivery.kind is Kind.UNREACHABLE:
            log.info("chat %s cannot be reached (%s); marked", chat_id, delivery.reason)
            await self.mark_unreachable(chat_id)
        else:
            log.warning("Telegram refused a message to chat %s: %s", chat_id, delivery.reason)
        return Outcome()

    async def _queue(
        self,
        chat_id: int,
        text: str,
        markup: Markup,
        why: Delivery,
        *,
        edit: int | None = None,
        about: int | None = None,
        task: int | None = None,
    ) -> Outcome:
        reason = why.reason.split(":")[0]
        try:
            async with self._uow() as uow:
                row_id = await outbound.enqueue(
                    uow,
                    chat_id,
                    text,
                    markup.to_json() if markup else None,
                    self._clock(),
                    reason,
                    why.retry_after,
                    edit_message_id=edit,
                    about_id=about,
                    request_id=task,
                )
        except Exception:
            log.exception("could not send to chat %s (%s), nor queue the message", chat_id, reason)
            return Outcome()
        log.warning("could not send to chat %s now (%s); queued as %s", chat_id, reason, row_id)
        return Outcome(queued=True)

    async def edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Delivery:
        """Replace an earlier message's text; quietly skip messages that are gone."""
        delivery = await self.attempt_edit(chat_id, message_id, text, markup)
        if delivery.kind is Kind.UNREACHABLE:
            await self.mark_unreachable(chat_id)
        elif delivery.kind is Kind.RETRY:
            log.warning("could not edit in chat %s: %s", chat_id, delivery.reason)
        elif not delivery.sent:
            log.debug("could not edit %s/%s: %s", chat_id, message_id, delivery.reason)
        return delivery

    async def amend(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> bool:
        """Replace an earlier message's text, or queue the edit when Telegram fails for now:
        for an edit that must happen (a message whose address has to go). A refused edit (the
        message is gone, or says this already) is not tried again. True: edited or queued."""
        delivery = await self.attempt_edit(chat_id, message_id, text, markup)
        if delivery.kind is Kind.SENT:
            return True
        if delivery.kind is Kind.RETRY:
            return (await self._queue(chat_id, text, markup, delivery, edit=message_id)).queued
        if delivery.kind is Kind.UNREACHABLE:
            await self.mark_unreachable(chat_id)
        else:
            log.info("could not edit %s/%s: %s", chat_id, message_id, delivery.reason)
        return False

    async def mark_unreachable(self, chat_id: int) -> None:
        """In a unit of work of its own: not from inside a job's transaction."""
        self._forget(chat_id)
        async with self._uow() as uow:
            await people.mark_reachable(uow, chat_id, False)
