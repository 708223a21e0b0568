"""«⚠️ Något kändes fel»: a resident or a volunteer says, in a few words or a voice note, that
something felt wrong; it goes straight to the coordinators responsible.

From a task (after it is done) the task is known. From «Mina förfrågningar» / «Mina uppdrag»
the person first chooses one of their recent tasks, or «Något annat».
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.context import BotContext
from bot.conversations import common
from bot.handlers import screens
from bot.handlers.buttons import Refused, act
from bot.handlers.safety import tell_coordinators
from bot.services import safety
from bot.services.errors import NotAllowed, NotFound, NotRegistered
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode, pattern

# {"request": id or None, "chose": whether Back goes to the choice of task, "phone": bool}
_KEY = "report_concern"
NAME = "report_concern"


class State(IntEnum):
    ABOUT = 0
    WORDS = 1


def _state(context: BotContext) -> dict[str, Any]:
    """This conversation's answers so far (kept in user_data, so a restart keeps them)."""
    assert context.user_data is not None  # every update here comes from a person
    found: dict[str, Any] = context.user_data.setdefault(_KEY, {"chose": False})
    return found


async def start(update: Update, context: BotContext) -> int:
    """Check the person may report (about this task); then ask which task, or for the words."""
    if update.effective_chat is None or update.effective_chat.type != "private":
        await update.callback_query.answer(texts.private_chat_only(), show_alert=True)
        return common.END
    found = await act(
        update,
        context,
        lambda uow, user, data, now: safety.start(uow, user, data.id if data.arg else None, now),
    )
    if isinstance(found, Refused):
        return common.END
    await update.callback_query.answer()
    data = decode(update.callback_query.data)
    request_id = data.id if data is not None and data.arg else None
    _state(context).update(request=request_id, chose=False, phone=found.has_phone)
    if request_id is None:
        return await _choose(update, context, found)
    return await ask_words(update, context)


async def ask_about(update: Update, context: BotContext) -> int:
    """Which task is it about? (Asked again after Back, or after something unexpected.)"""
    try:
        async with context.uow() as uow:
            found = await safety.start(uow, update.effective_user.id, None, context.now())
    except (NotAllowed, NotRegistered, NotFound):
        return await _gone(update, context)
    return await _choose(update, context, found)


async def _choose(update: Update, context: BotContext, found: safety.Start) -> int:
    """The recent tasks to choose from; straight to the words when there are none."""
    _state(context).update(request=None, phone=found.has_phone, chose=bool(found.tasks))
    if not found.tasks:
        return await ask_words(update, context)
    await common.checkpoint(update, context, NAME, State.ABOUT)
    await update.effective_message.reply_text(
        texts.ask_which_task(), reply_markup=keyboards.safety.choose_task(found.tasks, context.tz)
    )
    return State.ABOUT


async def chose(update: Update, context: BotContext) -> int:
    """A task from the list (checked again: it must be one of theirs)."""
    found = await act(
        update, context, lambda uow, user, data, now: safety.start(uow, user, data.id, now)
    )
    if isinstance(found, Refused):
        return State.ABOUT
    await update.callback_query.answer()
    data = decode(update.callback_query.data)
    _state(context).update(request=data.id if data else None, phone=found.has_phone)
    return await ask_words(update, context)


async def something_else(update: Update, context: BotContext) -> int:
    """«Något annat»: not about one task."""
    await update.callback_query.answer()
    _state(context)["request"] = None
    return await ask_words(update, context)


async def ask_words(update: Update, context: BotContext) -> int:
    """Ask for a few words (or a voice note), saying who reads them."""
    await common.checkpoint(update, context, NAME, State.WORDS)
    await update.effective_message.reply_text(
        texts.ask_report_words(bool(_state(context).get("phone"))),
        reply_markup=keyboards.common.nav_only(),
    )
    return State.WORDS


async def got_words(update: Update, context: BotContext) -> int:
    """File the report, alert the coordinators responsible, and thank the reporter."""
    message = update.effective_message
    state = _state(context)
    if common.pressed(message, "back") == "back":
        return await (ask_about if state.get("chose") else cancel)(update, context)
    text = (message.text or "").strip()
    if not text:
        await message.reply_text(texts.please_text())
        return await ask_words(update, context)
    try:
        async with context.uow() as uow:
            filed = await safety.report(
                uow, update.effective_user.id, state.get("request"), text, context.now()
            )
    except (NotAllowed, NotRegistered, NotFound):
        return await _gone(update, context)
    _forget(context)
    await common.finish(update, context, NAME)
    reached = await tell_coordinators(context, filed.alert)
    phone = context.data.settings.municipality_phone
    thanks = texts.report_thanks(filed, reached, phone, safety.TEXT_CHARS)
    try:
        await screens.show_menu(update, context, thanks)
    except Forbidden:  # they blocked the bot meanwhile; the report stands
        await context.data.notifier.mark_unreachable(message.chat_id)
    return common.END


async def cancel(update: Update, context: BotContext) -> int:
    """Send nothing; back to the menu."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    _forget(context)
    return await screens.end_to_menu(update, context, texts.report_not_sent())


async def _gone(update: Update, context: BotContext) -> int:
    """The task is no longer theirs to report on (or the person is gone): the menu."""
    _forget(context)
    return await screens.end_to_menu(update, context, texts.stale_button())


def _forget(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(_KEY, None)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The «Något kändes fel» conversation."""
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(start, pattern=r"^sr:new(?::[0-9]{1,12})?$")],
        states={
            State.ABOUT: [
                CallbackQueryHandler(chose, pattern=pattern("sr", "about", ids=1)),
                CallbackQueryHandler(something_else, pattern=r"^sr:other$"),
                CallbackQueryHandler(cancel, pattern=r"^sr:cancel$"),
                *common.cancel_handlers(cancel),
                *common.catch_all(ask_about),
            ],
            State.WORDS: common.text_step(got_words, ask_words, cancel),
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
