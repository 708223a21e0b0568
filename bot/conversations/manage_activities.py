"""Coordinators add, change and cancel activities (or one date) in chat.

The activity card, the edit menu and the cancel questions are screens behind ``pa:`` buttons;
the typed answers of a new (or changed) activity are the steps. Cancelling tells everyone who
was going, each in their own language, and the volunteer of any company asked for.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.conversations import common
from bot.conversations.manage_places import pattern, send_card
from bot.handlers.buttons import Refused, act
from bot.handlers.requests import tell_cancelled
from bot.i18n import _
from bot.services import place_admin, when
from bot.services.errors import DomainError, NotAllowed
from bot.services.place_admin import ACTIVITY_FIELDS, ActivityCard, ActivityDraft, Invalid
from bot.ui import admin_keyboards, keyboards, texts
from bot.ui.callbacks import decode
from bot.ui.labels import extra_code_of, label
from storage.place_models import ACTIVITY_CATEGORIES

NAME = "manage_activities"
_KEY = "manage_activities"
_NUMBER = re.compile(r"^(\d{1,6})\s*(kr|kronor|sek|st|platser|:-)?\.?$")


class State(IntEnum):
    TITLE = 0
    KIND = 1
    WHEN = 2
    CONFIRM_WHEN = 3
    REPEAT = 4
    LENGTH = 5
    SIGNUP = 6
    SEATS = 7
    COST = 8
    SUMMARY = 9
    DESCRIPTION = 10


def _answers(context: BotContext) -> dict[str, Any]:
    answers: dict[str, Any] = context.user_data.setdefault(_KEY, {})
    return answers


def _draft(answers: dict[str, Any]) -> ActivityDraft:
    return ActivityDraft(
        title=answers.get("title", ""),
        category=answers.get("category", ""),
        starts_at=datetime.fromisoformat(answers["starts_at"]),
        repeat=answers.get("repeat", "once"),
        duration_minutes=answers.get("duration", 60),
        signup_required=answers.get("signup", False),
        capacity=answers.get("capacity"),
        cost_sek=answers.get("cost"),
        description=answers.get("description"),
        rrule=answers.get("rrule"),
    )


def _answers_of(card: ActivityCard) -> dict[str, Any]:
    d = card.draft
    return {
        "activity_id": card.id,
        "place_id": card.place_id,
        "place": card.place,
        "title": d.title,
        "category": d.category,
        "starts_at": d.starts_at.isoformat(),
        "repeat": d.repeat,
        "duration": d.duration_minutes,
        "signup": d.signup_required,
        "capacity": d.capacity,
        "cost": d.cost_sek,
        "description": d.description,
        "rrule": d.rrule,
    }


async def _send(update: Update, context: BotContext, card: ActivityCard) -> None:
    await update.effective_message.reply_text(
        texts.admin_activity_card(card, context.tz),
        reply_markup=admin_keyboards.activity_card(card),
    )


def _card_of(update: Update, context: BotContext) -> Any:
    return act(
        update,
        context,
        lambda uow, user, d, now: place_admin.activity_card(uow, user, d.id, now, context.tz),
    )


# --- Screens ---------------------------------------------------------------------------------


async def show(update: Update, context: BotContext) -> int | None:
    """Show an activity's card."""
    card = await _card_of(update, context)
    if isinstance(card, Refused):
        return None
    await update.callback_query.answer()
    await _send(update, context, card)
    return common.END


async def edit_menu(update: Update, context: BotContext) -> int | None:
    """Offer the fields of an activity to change."""
    card = await _card_of(update, context)
    if isinstance(card, Refused):
        return None
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_edit_activity(card.draft.title),
        reply_markup=admin_keyboards.activity_edit(card),
    )
    return common.END


async def pick_date(update: Update, context: BotContext) -> int | None:
    """Offer the next six dates to cancel."""
    card = await _card_of(update, context)
    if isinstance(card, Refused):
        return None
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_pick_date(bool(card.next_dates)),
        reply_markup=admin_keyboards.dates(card, context.tz),
    )
    return common.END


async def ask_cancel(update: Update, context: BotContext) -> int | None:
    """Ask once before cancelling a date (``cdate``) or the whole activity (``call``)."""
    data = decode(update.callback_query.data)
    at = data.moment if data is not None and data.arg2 is not None else None
    preview = await act(
        update,
        context,
        lambda uow, user, d, now: place_admin.cancel_preview(uow, user, d.id, at, now, context.tz),
    )
    if isinstance(preview, Refused) or data is None:
        return None
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_confirm_cancel(preview.title, at, preview.people, context.tz),
        reply_markup=admin_keyboards.confirm(data.id, at),
    )
    return common.END


async def do_cancel(update: Update, context: BotContext) -> int | None:
    """Cancel, then tell everyone who was going and every volunteer who was to go with them."""
    data = decode(update.callback_query.data)
    at = data.moment if data is not None and data.arg2 is not None else None
    tz = context.tz
    done = await act(
        update,
        context,
        lambda uow, user, d, now: place_admin.cancel(uow, user, d.id, at, now, tz),
    )
    if isinstance(done, Refused) or data is None:
        return None
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_cancelled(done.title, at, len(done.told), len(done.escorts), tz)
    )
    for seat in done.told:
        await context.data.notifier.send(
            seat.recipient,
            lambda seat=seat: (  # type: ignore[misc]
                texts.admin_told_resident(done.title, done.place, at, seat, tz),
                None,
            ),
        )
    for closed in done.escorts:
        await tell_cancelled(context, closed)
    return await show(update, context)


async def keep(update: Update, context: BotContext) -> int | None:
    """Do not cancel after all."""
    await update.effective_message.reply_text(texts.kept())
    return await show(update, context)


# --- Steps -----------------------------------------------------------------------------------


async def new_activity(update: Update, context: BotContext) -> int | None:
    """Begin a new activity at a place (coordinators only)."""
    card = await act(
        update, context, lambda uow, user, d, now: place_admin.place_card(uow, user, d.id, now)
    )
    if isinstance(card, Refused):
        return None
    await update.callback_query.answer()
    context.user_data[_KEY] = {"place_id": card.id, "place": card.name}  # type: ignore[index]
    return await ask_title(update, context)


async def edit_field(update: Update, context: BotContext) -> int | None:
    """Ask again the question of one field of an activity."""
    card = await _card_of(update, context)
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


async def _ask(update: Update, context: BotContext, state: State, text: str, markup: Any) -> int:
    await common.checkpoint(update, context, NAME, state)
    await update.effective_message.reply_text(text, reply_markup=markup)
    return state


async def ask_title(update: Update, context: BotContext) -> int:
    """Ask what the activity is called."""
    return await _ask(
        update, context, State.TITLE, texts.admin_ask_title(), admin_keyboards.reply()
    )


def _kinds() -> dict[str, str]:
    return {c: texts.admin_kind_label(c) for c in ACTIVITY_CATEGORIES}


async def ask_kind(update: Update, context: BotContext) -> int:
    """Ask what kind of activity it is."""
    markup = admin_keyboards.reply(*_kinds().values())
    return await _ask(update, context, State.KIND, texts.admin_ask_kind(), markup)


async def ask_when(update: Update, context: BotContext) -> int:
    """Ask for the first date and time, typed."""
    return await _ask(update, context, State.WHEN, texts.admin_ask_when(), admin_keyboards.reply())


async def ask_confirm_when(update: Update, context: BotContext) -> int:
    """Read the time back: «Jag uppfattade: … Stämmer det?»."""
    at = datetime.fromisoformat(_answers(context)["starts_at"])
    text = texts.confirm_time(texts.moment(at, context.tz))
    return await _ask(update, context, State.CONFIRM_WHEN, text, keyboards.yes_retype())


def _options(names: dict[Any, str]) -> dict[str, str]:
    return {str(code): _(name) for code, name in names.items()}


async def ask_repeat(update: Update, context: BotContext) -> int:
    """Ask how often it happens."""
    markup = admin_keyboards.reply(*_options(texts.ADMIN_REPEATS).values())
    return await _ask(update, context, State.REPEAT, texts.admin_ask_repeat(), markup)


async def ask_length(update: Update, context: BotContext) -> int:
    """Ask how long it lasts."""
    markup = admin_keyboards.reply(*_options(texts.ADMIN_LENGTHS).values())
    return await _ask(update, context, State.LENGTH, texts.admin_ask_length(), markup)


async def ask_signup(update: Update, context: BotContext) -> int:
    """Ask whether people just come or sign up."""
    markup = admin_keyboards.reply(*_options(texts.ADMIN_SIGNUP).values())
    return await _ask(update, context, State.SIGNUP, texts.admin_ask_signup(), markup)


async def ask_seats(update: Update, context: BotContext) -> int:
    """Ask for the number of seats."""
    return await _ask(
        update, context, State.SEATS, texts.admin_ask_seats(), admin_keyboards.reply()
    )


async def ask_cost(update: Update, context: BotContext) -> int:
    """Ask what it costs."""
    markup = admin_keyboards.reply(texts.cost(None))
    return await _ask(update, context, State.COST, texts.admin_ask_cost(), markup)


async def ask_description(update: Update, context: BotContext) -> int:
    """Ask for a few words about it (only when changing)."""
    markup = admin_keyboards.reply(label("skip"))
    return await _ask(update, context, State.DESCRIPTION, texts.admin_ask_description(), markup)


async def ask_summary(update: Update, context: BotContext) -> int:
    """Show the whole activity and ask to save it."""
    answers = _answers(context)
    text = texts.admin_summary(_draft(answers), answers.get("place", ""), context.tz)
    markup = admin_keyboards.reply(texts.admin_save_label())
    return await _ask(update, context, State.SUMMARY, text, markup)


# --- Answers ---------------------------------------------------------------------------------


async def _back(update: Update, context: BotContext, previous: common.Ask | None) -> int:
    """Back one step in a new activity; from a change or the first step, the card before."""
    answers = _answers(context)
    if previous is not None and "field" not in answers:
        return await previous(update, context)
    context.user_data.pop(_KEY, None)
    await common.show_menu(update, context, texts.kept())
    user, now = update.effective_user.id, context.now()
    async with context.uow() as uow:
        if "activity_id" in answers:
            card = await place_admin.activity_card(
                uow, user, answers["activity_id"], now, context.tz
            )
        else:
            place = await place_admin.place_card(uow, user, answers.get("place_id", 0), now)
    if "activity_id" in answers:
        await _send(update, context, card)
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
            card = await place_admin.update_activity(
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
        return await _refused(update, context, error)
    context.user_data.pop(_KEY, None)
    await common.show_menu(update, context, texts.admin_changed())
    await _send(update, context, card)
    return common.END


async def _refused(update: Update, context: BotContext, error: DomainError) -> int:
    context.user_data.pop(_KEY, None)
    say = texts.not_allowed if isinstance(error, NotAllowed) else texts.stale_button
    return await common.end_to_menu(update, context, say())


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
            card = await place_admin.add_activity(
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
        return await _refused(update, context, error)
    context.user_data.pop(_KEY, None)
    await common.show_menu(update, context, texts.admin_activity_saved(card.draft.title))
    await _send(update, context, card)
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
    context.user_data.pop(_KEY, None)
    return await common.end_to_menu(update, context)


def _state(callback: common.Ask, ask: common.Ask) -> list[Any]:
    return [
        *common.cancel_handlers(cancel),
        MessageHandler(filters.TEXT & ~filters.COMMAND, callback),
        *common.catch_all(ask),
    ]


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The manage_activities conversation, entered from the buttons of a place card."""
    buttons = [
        (show, pattern("act")),
        (new_activity, pattern("newact")),
        (edit_menu, pattern("editact")),
        (edit_field, pattern("afield", 2)),
        (pick_date, pattern("date")),
        (ask_cancel, pattern("cdate", 2)),
        (ask_cancel, pattern("call")),
        (do_cancel, pattern("yes") + "|" + pattern("yes", 2)),
        (keep, pattern("no")),
    ]
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(cb, pattern=p) for cb, p in buttons],
        states={
            State.TITLE: _state(got_title, ask_title),
            State.KIND: _state(got_kind, ask_kind),
            State.WHEN: _state(got_when, ask_when),
            State.CONFIRM_WHEN: _state(got_when_confirmation, ask_confirm_when),
            State.REPEAT: _state(got_repeat, ask_repeat),
            State.LENGTH: _state(got_length, ask_length),
            State.SIGNUP: _state(got_signup, ask_signup),
            State.SEATS: _state(got_seats, ask_seats),
            State.COST: _state(got_cost, ask_cost),
            State.SUMMARY: _state(got_summary, ask_summary),
            State.DESCRIPTION: _state(got_description, ask_description),
            ConversationHandler.TIMEOUT: common.timeout_handlers(texts.paused_to_menu),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
