"""Coordinators add an activity at a place, or change one field of one, in chat.

The typed answers of a new (or changed) activity are the steps. The activity card, the edit
menu and cancelling (a date or all of it) are screens in ``bot.handlers.activity_admin``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ConversationHandler,
)

from bot.context import BotContext
from bot.conversations import common
from bot.conversations.activity_questions import (
    KEY as _KEY,
)
from bot.conversations.activity_questions import (
    NAME,
    State,
    ask_confirm_when,
    ask_cost,
    ask_description,
    ask_kind,
    ask_length,
    ask_repeat,
    ask_seats,
    ask_signup,
    ask_summary,
    ask_title,
    ask_when,
)
from bot.conversations.activity_questions import answers as _answers
from bot.conversations.activity_questions import answers_of as _answers_of
from bot.conversations.activity_questions import draft as _draft
from bot.conversations.activity_questions import kinds as _kinds
from bot.conversations.activity_questions import options as _options
from bot.handlers import screens
from bot.handlers.activity_admin import card_of
from bot.handlers.activity_admin import send_card as send_activity_card
from bot.handlers.buttons import Refused
from bot.handlers.place_admin import card_of as place_card_of
from bot.handlers.place_admin import forget, pattern, send_card
from bot.services import activity_admin, place_admin, when
from bot.services.errors import DomainError
from bot.services.place_admin import ACTIVITY_FIELDS, Invalid
from bot.ui import texts
from bot.ui.labels import extra_code_of

_NUMBER = re.compile(r"^(\d{1,6})\s*(kr|kronor|sek|st|platser|:-)?\.?$")


# --- Steps -----------------------------------------------------------------------------------


async def new_activity(update: Update, context: BotContext) -> int | None:
    """Begin a new activity at a place (coordinators who may change it only)."""
    card = await place_card_of(update, context, editing=True)
    if isinstance(card, Refused):
        return None
    await update.callback_query.answer()
    context.user_data[_KEY] = {"place_id": card.id, "place": card.name}  # type: ignore[index]
    return await ask_title(update, context)


async def edit_field(update: Update, context: BotContext) -> int | None:
    """Ask again the question of one field of an activity."""
    card = await card_of(update, context, editing=True)
    if isinstance(card, Refused):
        return None
    which = int(update.callback_query.data.rsplit(":", 1)[1])
    if which >= len(ACTIVITY_FIELDS) or card.cancelled:
        await update.callback_query.answer(texts.stale_button(), show_alert=True)
        return None
    await update.callback_query.answer()
    field = ACTIVITY_FIELDS[which]
    context.user_data[_KEY] = {**_answers_of(card), "field": field}  # type: ignore[index]
    return await FIELD_ASK[field](update, context)


# --- Answers ---------------------------------------------------------------------------------


async def _back(update: Update, context: BotContext, previous: common.Ask | None) -> int:
    """Back one step in a new activity; from a change or the first step, the card before."""
    answers = _answers(context)
    if previous is not None and "field" not in answers:
        return await previous(update, context)
    context.user_data.pop(_KEY, None)
    await screens.show_menu(update, context, texts.kept())
    user, now = update.effective_user.id, context.now()
    async with context.uow() as uow:
        if "activity_id" in answers:
            card = await activity_admin.activity_card(
                uow, user, answers["activity_id"], now, context.tz
            )
        else:
            place = await place_admin.place_card(uow, user, answers.get("place_id", 0), now)
    if "activity_id" in answers:
        await send_activity_card(update, context, card)
    else:
        await send_card(update, place)
    return common.END


async def _set(update: Update, context: BotContext, then: common.Ask, **values: Any) -> int:
    """Keep the answers; save at once when one field is being changed, else ask ``then``."""
    answers = _answers(context)
    answers.update(values)
    if "field" not in answers:
        return await then(update, context)
    try:
        async with context.uow() as uow:
            card = await activity_admin.update_activity(
                uow,
                update.effective_user.id,
                answers["activity_id"],
                _draft(answers),
                context.now(),
                context.tz,
            )
    except Invalid as problem:
        await update.effective_message.reply_text(texts.admin_problem(problem.reason))
        return await _back(update, context, None)
    except DomainError as error:
        return await forget(update, context, _KEY, error)
    context.user_data.pop(_KEY, None)
    await common.finish(update, context, NAME)
    await screens.show_menu(update, context, texts.admin_changed())
    await send_activity_card(update, context, card)
    return common.END


async def got_title(update: Update, context: BotContext) -> int:
    """Keep the title."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, None)
    text = await common.read_text(update, context, place_admin.MAX_CHARS["title"])
    if text is None:
        return await ask_title(update, context)
    return await _set(update, context, ask_kind, title=text)


async def got_kind(update: Update, context: BotContext) -> int:
    """Keep the kind of activity."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, ask_title)
    code = extra_code_of(update.effective_message.text, _kinds())
    if code is None:
        return await common.reprompt(ask_kind)(update, context)
    return await _set(update, context, ask_when, category=code)


async def got_when(update: Update, context: BotContext) -> int:
    """Understand the typed first date and time, then read it back."""
    message = update.effective_message
    if common.pressed(message, "back"):
        return await _back(update, context, ask_kind)
    text = await common.read_text(update, context, 200)
    if text is None:
        return await ask_when(update, context)
    locale = context.data.catalogs.normalise(context.data.locales.get(update.effective_user.id))
    now, tz = context.now(), context.tz
    parsed = when.parse(text, now, tz, locale)
    if parsed is None or parsed.clock is None:
        await message.reply_text(texts.admin_when_not_understood(parsed is not None))
        return await ask_when(update, context)
    at = datetime.combine(parsed.day, parsed.clock, tz)
    if at <= now or at > now + timedelta(days=when.MAX_DAYS_AHEAD):
        await message.reply_text(texts.time_in_past())
        return await ask_when(update, context)
    _answers(context)["starts_at"] = at.isoformat()
    return await ask_confirm_when(update, context)


async def got_when_confirmation(update: Update, context: BotContext) -> int:
    """Go on when the time read back is right; ask again when it is not."""
    choice = common.pressed(update.effective_message, "yes", "retype", "back", "no")
    if choice == "yes":
        return await _set(update, context, ask_repeat)
    if choice is None:
        return await common.reprompt(ask_confirm_when)(update, context)
    return await ask_when(update, context)


async def _choice(
    update: Update, context: BotContext, names: dict[Any, str], ask: common.Ask
) -> str | None:
    code = extra_code_of(update.effective_message.text, _options(names))
    if code is None:
        await common.reprompt(ask)(update, context)
    return code


async def got_repeat(update: Update, context: BotContext) -> int:
    """Keep how often it happens."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, ask_when)
    code = await _choice(update, context, texts.ADMIN_REPEATS, ask_repeat)
    if code is None:
        return State.REPEAT
    return await _set(update, context, ask_length, repeat=code)


async def got_length(update: Update, context: BotContext) -> int:
    """Keep how long it lasts."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, ask_repeat)
    code = await _choice(update, context, texts.ADMIN_LENGTHS, ask_length)
    if code is None:
        return State.LENGTH
    return await _set(update, context, ask_signup, duration=int(code))


async def got_signup(update: Update, context: BotContext) -> int:
    """Drop-in goes on to the cost; sign-up asks for the seats."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, ask_length)
    code = await _choice(update, context, texts.ADMIN_SIGNUP, ask_signup)
    if code is None:
        return State.SIGNUP
    if code == "signup":
        return await ask_seats(update, context)
    return await _set(update, context, ask_cost, signup=False, capacity=None)


async def _number(update: Update, context: BotContext, reason: str, ask: common.Ask) -> int | None:
    text = await common.read_text(update, context, 40)
    match = _NUMBER.match(text.lower().replace(" ", "")) if text else None
    if match is None:
        if text is not None:
            await update.effective_message.reply_text(texts.admin_problem(reason))
        await ask(update, context)
        return None
    return int(match.group(1))


async def got_seats(update: Update, context: BotContext) -> int:
    """Keep the number of seats."""
    if common.pressed(update.effective_message, "back"):
        return await ask_signup(update, context)
    seats = await _number(update, context, "seats", ask_seats)
    if seats is None:
        return State.SEATS
    if not 1 <= seats <= place_admin.MAX_SEATS:
        await update.effective_message.reply_text(texts.admin_problem("seats"))
        return await ask_seats(update, context)
    return await _set(update, context, ask_cost, signup=True, capacity=seats)


async def got_cost(update: Update, context: BotContext) -> int:
    """Keep the price: free, or whole kronor."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, ask_signup)
    if extra_code_of(update.effective_message.text, {"free": texts.cost(None)}):
        return await _set(update, context, ask_summary, cost=None)
    price = await _number(update, context, "cost", ask_cost)
    if price is None:
        return State.COST
    if price > place_admin.MAX_COST:
        await update.effective_message.reply_text(texts.admin_problem("cost"))
        return await ask_cost(update, context)
    return await _set(update, context, ask_summary, cost=price or None)


async def got_description(update: Update, context: BotContext) -> int:
    """Keep a few words about the activity (or none)."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, None)
    if common.pressed(update.effective_message, "skip"):
        return await _set(update, context, ask_summary, description=None)
    text = await common.read_text(update, context, place_admin.MAX_DESCRIPTION)
    if text is None:
        return await ask_description(update, context)
    return await _set(update, context, ask_summary, description=text)


async def got_summary(update: Update, context: BotContext) -> int:
    """Save the new activity and show its card."""
    message = update.effective_message
    if common.pressed(message, "back"):
        return await ask_cost(update, context)
    save = extra_code_of(message.text, {"save": texts.admin_save_label()})
    if not save and not common.pressed(message, "yes"):
        return await common.reprompt(ask_summary)(update, context)
    answers = _answers(context)
    try:
        async with context.uow() as uow:
            card = await activity_admin.add_activity(
                uow,
                update.effective_user.id,
                answers["place_id"],
                _draft(answers),
                context.now(),
                context.tz,
            )
    except Invalid as problem:
        await message.reply_text(texts.admin_problem(problem.reason))
        return await (ask_when if problem.reason == "past" else ask_summary)(update, context)
    except DomainError as error:
        return await forget(update, context, _KEY, error)
    context.user_data.pop(_KEY, None)
    await common.finish(update, context, NAME)
    await screens.show_menu(update, context, texts.admin_activity_saved(card.draft.title))
    await send_activity_card(update, context, card)
    return common.END


FIELD_ASK: dict[str, common.Ask] = {
    "title": ask_title,
    "description": ask_description,
    "category": ask_kind,
    "time": ask_when,
    "repeat": ask_repeat,
    "length": ask_length,
    "seats": ask_signup,
    "cost": ask_cost,
}


async def cancel(update: Update, context: BotContext) -> int:
    """Stop; nothing more is changed."""
    return await forget(update, context, _KEY)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The manage_activities conversation, entered from the buttons of a place card."""
    buttons = [(new_activity, pattern("newact")), (edit_field, pattern("afield", 2))]
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(cb, pattern=p) for cb, p in buttons],
        states={
            State.TITLE: common.text_step(got_title, ask_title, cancel),
            State.KIND: common.text_step(got_kind, ask_kind, cancel),
            State.WHEN: common.text_step(got_when, ask_when, cancel),
            State.CONFIRM_WHEN: common.text_step(got_when_confirmation, ask_confirm_when, cancel),
            State.REPEAT: common.text_step(got_repeat, ask_repeat, cancel),
            State.LENGTH: common.text_step(got_length, ask_length, cancel),
            State.SIGNUP: common.text_step(got_signup, ask_signup, cancel),
            State.SEATS: common.text_step(got_seats, ask_seats, cancel),
            State.COST: common.text_step(got_cost, ask_cost, cancel),
            State.SUMMARY: common.text_step(got_summary, ask_summary, cancel),
            State.DESCRIPTION: common.text_step(got_description, ask_description, cancel),
            ConversationHandler.TIMEOUT: common.timeout_handlers(texts.paused_to_menu),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
