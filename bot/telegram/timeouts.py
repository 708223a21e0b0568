"""Conversation timeouts survive a restart.

PTB arms a conversation's timeout only when one of its handlers returns a state, and keeps the
job in memory. After a restart, someone who walked away in the middle of a flow would never be
timed out, and never hear that we paused. So at start ``rearm`` hands every stored conversation
a ``ResumeTimeout``: an update with the person's chat and user but no message or button, which
no step takes, only the fallback ``TypeHandler(ResumeTimeout, resume, strict=True)`` that
``common.leave_handlers()`` gives every conversation. ``resume`` returns the state the
conversation is in, so PTB arms a fresh timeout (a full one, from the start); when the time ran
out while the bot was down, it runs the conversation's own TIMEOUT handlers (the calm word and
the menu, in the person's language) and ends it.

The update goes to each conversation directly, not through ``Application.process_update``: the
other handler groups (metrics, language, flood control, the state save) have no business with
it, and in group 0 only the first conversation that matched would get it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Chat, Update, User
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler, ConversationHandler, TypeHandler

from bot.context import BotContext
from bot.telegram.persistence import SqlPersistence
from storage.uow import StorageUnavailable

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
Conversation = ConversationHandler[Any]


class ResumeTimeout(Update):
    """A conversation stored before the restart, to pick up at start; never from Telegram."""

    __slots__ = ("_chat", "_end", "_expired", "_on_timeout", "_state", "_user")

    def __init__(
        self,
        conversation: Conversation,
        key: tuple[int | str, ...],
        state: object,
        expired: bool,
        end: bool = False,
    ) -> None:
        super().__init__(update_id=0)
        ids = list(key)
        chat_id = ids.pop(0) if conversation.per_chat else None
        user_id = ids.pop(0) if conversation.per_user else None
        # Our conversations are private chats: the chat id is the person's own.
        self._chat = Chat(int(chat_id), Chat.PRIVATE) if chat_id is not None else None
        self._user = User(int(user_id), "", is_bot=False) if user_id is not None else None
        self._state = state
        self._expired = expired
        # End the conversation quietly (the person's data was just erased).
        self._end = end
        self._on_timeout: Sequence[BaseHandler[Any, Any, Any]] = conversation.states.get(
            ConversationHandler.TIMEOUT, []
        )

    @property
    def effective_chat(self) -> Chat | None:
        return self._chat

    @property
    def effective_user(self) -> User | None:
        return self._user

    @property
    def state(self) -> object:
        """The step the conversation was at."""
        return self._state

    @property
    def expired(self) -> bool:
        """True when the conversation's time ran out while the bot was down."""
        return self._expired

    @property
    def end(self) -> bool:
        """True when the conversation is to end at once, without a word."""
        return self._end

    @property
    def on_timeout(self) -> Sequence[BaseHandler[Any, Any, Any]]:
        """The conversation's own TIMEOUT handlers."""
        return self._on_timeout


async def resume(update: ResumeTimeout, context: BotContext) -> object:
    """Stay at the same step (PTB arms a fresh timeout), or time out now if the time ran out."""
    if update.end:
        return ConversationHandler.END
    if not update.expired:
        return update.state
    # What PTB does when the timeout job fires.
    for handler in update.on_timeout:
        check = handler.check_update(update)
        if check is None or check is False:
            continue
        try:
            await handler.handle_update(update, context.application, check, context)
        except TelegramError as error:
            # Blocked, say: the conversation ends all the same.
            log.info("timeout after the restart not told: %s", error.__class__.__name__)
    return ConversationHandler.END


def resume_handler() -> BaseHandler[Update, BotContext, object]:
    """The fallback every conversation needs for ``rearm``; no real update ever matches it."""
    return TypeHandler(ResumeTimeout, resume, strict=True)  # type: ignore[arg-type]


async def rearm(app: App) -> int:
    """Arm the timeout of every stored conversation again, or time out those whose time ran
    out while the bot was down. Returns how many conversations were picked up."""
    persistence = app.persistence
    if not isinstance(persistence, SqlPersistence) or app.job_queue is None:
        return 0
    # PTB arms a timeout only while its JobQueue runs, and post_init comes before
    # Application.start() (which leaves a running JobQueue as it is).
    await app.job_queue.start()
    now = datetime.now(UTC)
    picked_up = 0
    for conversation in _with_timeouts(app):
        try:
            stored = await persistence.conversations_dated(str(conversation.name))
        except StorageUnavailable:
            log.exception("could not read the stored steps of %s", conversation.name)
            continue
        timeout = _timedelta(conversation.conversation_timeout)
        not_taken = 0
        for key, (state, written) in stored.items():
            # Unknown age (written before this was recorded): a full timeout from now.
            expired = written is not None and written + timeout <= now
            update = ResumeTimeout(conversation, key, state, expired)
            # A task of its own, so the language the timeout message switches to stays there.
            done = await asyncio.create_task(_resume(app, conversation, update))
            if done is None:
                not_taken += 1
            else:
                picked_up += done
        if not_taken:
            log.warning("%s: %s without a timeout (no fallback)", conversation.name, not_taken)
    await app.update_persistence()
    if picked_up:
        log.info("conversation timeouts picked up again: %s", picked_up)
    return picked_up


async def _resume(app: App, conversation: Conversation, update: ResumeTimeout) -> bool | None:
    """Hand one conversation its ResumeTimeout: whether that worked, None if nothing took it."""
    check = conversation.check_update(update)
    if check is None:
        return None
    context = app.context_types.context.from_update(update, app)
    await context.refresh_data()
    try:
        await conversation.handle_update(update, app, check, context)
    except Exception:
        # One stored conversation must not keep the bot from starting; it is tried next time.
        log.exception("could not resume conversation %s", conversation.name)
        return False
    if update.effective_user is not None:
        app.mark_data_for_update_persistence(user_ids=update.effective_user.id)
    return True


async def end_all(app: App, user_id: int) -> int:
    """End every conversation this person is in (after /radera: nothing of theirs is left to
    go on with); how many there were."""
    ended = 0
    for conversation in _conversations(app):
        key = (user_id, user_id)
        update = ResumeTimeout(conversation, key, None, expired=False, end=True)
        ended += bool(await _resume(app, conversation, update))
    return ended


def _conversations(app: App) -> list[Conversation]:
    return [
        handler
        for group in app.handlers.values()
        for handler in group
        if isinstance(handler, ConversationHandler) and handler.persistent and handler.name
    ]


def _with_timeouts(app: App) -> list[Conversation]:
    return [handler for handler in _conversations(app) if handler.conversation_timeout]


def _timedelta(timeout: float | timedelta | None) -> timedelta:
    if isinstance(timeout, timedelta):
        return timeout
    return timedelta(seconds=timeout or 0)
