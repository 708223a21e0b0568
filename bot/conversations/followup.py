"""After a task is done: one tap for how it went, then an optional comment.

A ☹️ or a comment reaches the coordinators responsible at once (``bot.handlers.safety``).
"""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.context import BotContext
from bot.conversations import common
from bot.handlers import screens
from bot.handlers.buttons import Refused, act
from bot.handlers.safety import tell_coordinators
from bot.services import followup
from bot.services.errors import NotAllowed, NotFound, NotOpen, NotRegistered
from bot.ui import keyboards, texts
from bot.ui.callbacks import pattern

_KEY = "follow_up_request"


NAME = "follow_up"


class State(IntEnum):
    COMMENT = 0


async def scored(update: Update, context: BotContext) -> int:
    """Store the score (a ☹️ goes to the coordinators at once), then offer to add a comment.

    The score buttons give way to «⚠️ Något kändes fel», which stays under the question.
    """
    query = update.callback_query
    answered = await act(
        update,
        context,
        lambda uow, user, data, now: followup.answer(uow, user, data.id, data.action, now),
    )
    if isinstance(answered, Refused):
        return common.END
    await query.answer(texts.follow_up_thanks())
    try:
        await query.edit_message_reply_markup(keyboards.safety.report_button(answered.request_id))
    except Exception:
        pass
    context.user_data[_KEY] = answered.request_id  # type: ignore[index]
    if answered.alert is not None:
        await tell_coordinators(context, answered.alert)
    return await ask_comment(update, context)


async def ask_comment(update: Update, context: BotContext) -> int:
    """Ask for an optional comment."""
    await common.checkpoint(update, context, NAME, State.COMMENT)
    await update.effective_message.reply_text(
        texts.ask_follow_up_comment_read(), reply_markup=keyboards.common.with_skip()
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
            alert = None
            try:
                async with context.uow() as uow:
                    alert = await followup.comment(
                        uow, update.effective_user.id, request_id, text, context.now()
                    )
            except (NotAllowed, NotRegistered, NotFound, NotOpen):
                pass
            if alert is not None:
                await tell_coordinators(context, alert)
    context.user_data.pop(_KEY, None)
    await common.finish(update, context, NAME)
    return await screens.end_to_menu(update, context, texts.follow_up_thanks())


async def cancel(update: Update, context: BotContext) -> int:
    """No comment; the score is kept."""
    context.user_data.pop(_KEY, None)
    return await screens.end_to_menu(update, context, texts.follow_up_thanks())


async def report_after(update: Update, context: BotContext) -> None:
    """«⚠️ Något kändes fel» while the comment is asked for: the comment is the way now (it
    goes to the coordinators too); the question stays."""
    await update.callback_query.answer(texts.comment_goes_to_coordinators(), show_alert=True)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The follow-up conversation."""
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(scored, pattern=pattern("fu"))],
        states={
            State.COMMENT: [
                CallbackQueryHandler(report_after, pattern=r"^sr:new(?::[0-9]{1,12})?$"),
                *common.text_step(got_comment, ask_comment, cancel),
            ],
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
