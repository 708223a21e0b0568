"""After a task is done: one tap for how it went, then an optional comment."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.context import BotContext
from bot.conversations import common
from bot.handlers import screens
from bot.handlers.buttons import Refused, act
from bot.services import followup
from bot.services.errors import NotAllowed, NotFound, NotOpen, NotRegistered
from bot.ui import keyboards, texts
from bot.ui.callbacks import pattern

_KEY = "follow_up_request"


NAME = "follow_up"


class State(IntEnum):
    COMMENT = 0


async def scored(update: Update, context: BotContext) -> int:
    """Store the score, then offer to add a comment."""
    query = update.callback_query
    request_id = await act(
        update,
        context,
        lambda uow, user, data, now: followup.answer(uow, user, data.id, data.action, now),
    )
    if isinstance(request_id, Refused):
        return common.END
    await query.answer(texts.follow_up_thanks())
    try:
        await query.edit_message_reply_markup(None)
    except Exception:
        pass
    context.user_data[_KEY] = request_id  # type: ignore[index]
    return await ask_comment(update, context)


async def ask_comment(update: Update, context: BotContext) -> int:
    """Ask for an optional comment."""
    await common.checkpoint(update, context, NAME, State.COMMENT)
    await update.effective_message.reply_text(
        texts.ask_follow_up_comment(), reply_markup=keyboards.common.with_skip()
    )
    return State.COMMENT


async def got_comment(update: Update, context: BotContext) -> int:
    """Store the comment (or none) and thank them."""
    choice = common.pressed(update.effective_message, "skip", "back")
    if choice is None:
        text = await common.read_text(update, context, 1000)
        if text is None:
            return await ask_comment(update, context)
        request_id = context.user_data.get(_KEY)
        if request_id is not None:
            try:
                async with context.uow() as uow:
                    await followup.comment(
                        uow, update.effective_user.id, request_id, text, context.now()
                    )
            except (NotAllowed, NotRegistered, NotFound, NotOpen):
                pass
    context.user_data.pop(_KEY, None)
    await common.finish(update, context, NAME)
    return await screens.end_to_menu(update, context, texts.follow_up_thanks())


async def cancel(update: Update, context: BotContext) -> int:
    """No comment; the score is kept."""
    context.user_data.pop(_KEY, None)
    return await screens.end_to_menu(update, context, texts.follow_up_thanks())


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The follow-up conversation."""
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(scored, pattern=pattern("fu"))],
        states={
            State.COMMENT: common.text_step(got_comment, ask_comment, cancel),
            ConversationHandler.TIMEOUT: common.timeout_handlers(
                texts.paused_to_menu, forget=_KEY
            ),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
