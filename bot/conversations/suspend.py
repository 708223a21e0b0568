"""A coordinator stops a volunteer: at once on «Yes, stop», then an optional reason.

The volunteer is stopped before the question, so that nothing waits on the coordinator's
typing: their tasks open again, each resident is told calmly, and the volunteer is told
kindly, without the reason.
"""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.context import BotContext
from bot.conversations import common
from bot.handlers import screens
from bot.handlers.buttons import Refused, act
from bot.handlers.requests import tell_given_back
from bot.services import suspension
from bot.services.errors import NotAllowed, NotFound, NotOpen
from bot.ui import keyboards, texts

_KEY = "suspend_person"
NAME = "suspend"


class State(IntEnum):
    REASON = 0


async def start(update: Update, context: BotContext) -> int:
    """Stop the volunteer now; tell them, their residents and the coordinator."""
    done = await act(
        update,
        context,
        lambda uow, user, data, now: suspension.suspend(uow, user, data.id, None, now),
        {NotOpen: texts.stale_button},
    )
    if isinstance(done, Refused):
        return common.END
    await update.callback_query.answer()
    name = done.volunteer.first_name
    await update.callback_query.edit_message_text(
        texts.suspended_coordinator(name, len(done.released))
    )
    await context.data.notifier.send(
        done.volunteer, lambda: (texts.suspended_volunteer(name), None)
    )
    for released in done.released:
        await tell_given_back(context, released)
    context.user_data[_KEY] = done.volunteer.person_id  # type: ignore[index]
    return await ask_reason(update, context)


async def ask_reason(update: Update, context: BotContext) -> int:
    """Ask why (optional; only coordinators read it)."""
    await common.checkpoint(update, context, NAME, State.REASON)
    await update.effective_message.reply_text(
        texts.ask_suspend_reason(), reply_markup=keyboards.common.with_skip()
    )
    return State.REASON


async def got_reason(update: Update, context: BotContext) -> int:
    """Keep the reason with the suspension."""
    choice = common.pressed(update.effective_message, "skip", "back")
    if choice is not None:
        return await skip(update, context)
    reason = await common.read_text(update, context, suspension.REASON_CHARS)
    if reason is None:
        return await ask_reason(update, context)
    person_id = context.user_data.pop(_KEY, None)
    if person_id is not None:
        try:
            async with context.uow() as uow:
                await suspension.note_reason(
                    uow, update.effective_user.id, person_id, reason, context.now()
                )
        except (NotAllowed, NotFound, NotOpen):
            return await screens.end_to_menu(update, context, texts.stale_button())
    await common.finish(update, context, NAME)
    return await screens.end_to_menu(update, context, texts.suspend_reason_saved())


async def skip(update: Update, context: BotContext) -> int:
    """No reason: the volunteer stays stopped."""
    context.user_data.pop(_KEY, None)
    return await screens.end_to_menu(update, context)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The suspend conversation."""
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(start, pattern=r"^vol:stopyes:[0-9]{1,12}$")],
        states={
            State.REASON: common.text_step(got_reason, ask_reason, skip),
            ConversationHandler.TIMEOUT: common.timeout_handlers(
                texts.paused_to_menu, forget=_KEY
            ),
        },
        fallbacks=[*common.cancel_handlers(skip), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
