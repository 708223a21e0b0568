"""A volunteer gives a task back, with an optional reason; it opens again for others."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.context import BotContext
from bot.conversations import common
from bot.handlers import screens
from bot.handlers.buttons import Refused, act
from bot.handlers.requests import tell_given_back
from bot.services import requests
from bot.services.errors import NotAllowed, NotFound, NotOpen, NotRegistered
from bot.ui import keyboards, texts
from bot.ui.callbacks import pattern

_KEY = "give_back_request"


NAME = "give_back"


class State(IntEnum):
    REASON = 0


async def start(update: Update, context: BotContext) -> int:
    """Check the volunteer holds the task, then ask (optionally) why."""
    task = await act(
        update, context, lambda uow, user, data, now: requests.held(uow, user, data.id, now)
    )
    if isinstance(task, Refused):
        return common.END
    await update.callback_query.answer()
    context.user_data[_KEY] = task.id  # type: ignore[index]
    return await ask_reason(update, context)


async def ask_reason(update: Update, context: BotContext) -> int:
    """Ask for an optional reason."""
    await common.checkpoint(update, context, NAME, State.REASON)
    await update.effective_message.reply_text(
        texts.ask_give_back_reason(), reply_markup=keyboards.common.with_skip()
    )
    return State.REASON


async def got_reason(update: Update, context: BotContext) -> int:
    """Give the task back with the reason (or none) and tell the resident calmly."""
    choice = common.pressed(update.effective_message, "skip", "back")
    if choice == "back":
        return await cancel(update, context)
    reason = None
    if choice is None:
        reason = await common.read_text(update, context, 500)
        if reason is None:
            return await ask_reason(update, context)
    request_id = context.user_data.pop(_KEY, None)
    if request_id is None:
        return await screens.end_to_menu(update, context)
    try:
        async with context.uow() as uow:
            result = await requests.give_back(
                uow, update.effective_user.id, request_id, reason, context.now()
            )
    except (NotAllowed, NotRegistered, NotFound, NotOpen):
        return await screens.end_to_menu(update, context, texts.stale_button())
    await common.finish(update, context, NAME)
    await screens.show_menu(update, context, texts.given_back_volunteer())
    await tell_given_back(context, result)
    return common.END


async def cancel(update: Update, context: BotContext) -> int:
    """Keep the task after all."""
    context.user_data.pop(_KEY, None)
    return await screens.end_to_menu(update, context, texts.kept())


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The give-back conversation."""
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(start, pattern=pattern("task", "back"))],
        states={
            State.REASON: common.text_step(got_reason, ask_reason, cancel),
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
