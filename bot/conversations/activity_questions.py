"""The questions of the activity conversation (manage_activities): its states and answers so far.

Kept apart so the conversation module holds the answers and the wiring, each under ~300 lines.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.conversations import common
from bot.i18n import _
from bot.services.place_admin import ActivityCard, ActivityDraft
from bot.ui import keyboards, texts
from bot.ui.labels import label
from storage.place_models import ACTIVITY_CATEGORIES

NAME = "manage_activities"
KEY = "manage_activities"


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


def answers(context: BotContext) -> dict[str, Any]:
    found: dict[str, Any] = context.user_data.setdefault(KEY, {})
    return found


def draft(given: dict[str, Any]) -> ActivityDraft:
    return ActivityDraft(
        title=given.get("title", ""),
        category=given.get("category", ""),
        starts_at=datetime.fromisoformat(given["starts_at"]),
        repeat=given.get("repeat", "once"),
        duration_minutes=given.get("duration", 60),
        signup_required=given.get("signup", False),
        capacity=given.get("capacity"),
        cost_sek=given.get("cost"),
        description=given.get("description"),
        rrule=given.get("rrule"),
    )


def answers_of(card: ActivityCard) -> dict[str, Any]:
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


async def _ask(update: Update, context: BotContext, state: State, text: str, markup: Any) -> int:
    await common.checkpoint(update, context, NAME, state)
    await update.effective_message.reply_text(text, reply_markup=markup)
    return state


async def ask_title(update: Update, context: BotContext) -> int:
    """Ask what the activity is called."""
    return await _ask(
        update, context, State.TITLE, texts.admin_ask_title(), keyboards.place_admin.reply()
    )


def kinds() -> dict[str, str]:
    return {c: texts.admin_kind_label(c) for c in ACTIVITY_CATEGORIES}


async def ask_kind(update: Update, context: BotContext) -> int:
    """Ask what kind of activity it is."""
    markup = keyboards.place_admin.reply(*kinds().values())
    return await _ask(update, context, State.KIND, texts.admin_ask_kind(), markup)


async def ask_when(update: Update, context: BotContext) -> int:
    """Ask for the first date and time, typed."""
    return await _ask(
        update, context, State.WHEN, texts.admin_ask_when(), keyboards.place_admin.reply()
    )


async def ask_confirm_when(update: Update, context: BotContext) -> int:
    """Read the time back: «Jag uppfattade: … Stämmer det?»."""
    at = datetime.fromisoformat(answers(context)["starts_at"])
    text = texts.confirm_time(texts.moment(at, context.tz))
    return await _ask(update, context, State.CONFIRM_WHEN, text, keyboards.asking.yes_retype())


def options(names: dict[Any, str]) -> dict[str, str]:
    return {str(code): _(name) for code, name in names.items()}


async def ask_repeat(update: Update, context: BotContext) -> int:
    """Ask how often it happens."""
    markup = keyboards.place_admin.reply(*options(texts.ADMIN_REPEATS).values())
    return await _ask(update, context, State.REPEAT, texts.admin_ask_repeat(), markup)


async def ask_length(update: Update, context: BotContext) -> int:
    """Ask how long it lasts."""
    markup = keyboards.place_admin.reply(*options(texts.ADMIN_LENGTHS).values())
    return await _ask(update, context, State.LENGTH, texts.admin_ask_length(), markup)


async def ask_signup(update: Update, context: BotContext) -> int:
    """Ask whether people just come or sign up."""
    markup = keyboards.place_admin.reply(*options(texts.ADMIN_SIGNUP).values())
    return await _ask(update, context, State.SIGNUP, texts.admin_ask_signup(), markup)


async def ask_seats(update: Update, context: BotContext) -> int:
    """Ask for the number of seats."""
    return await _ask(
        update, context, State.SEATS, texts.admin_ask_seats(), keyboards.place_admin.reply()
    )


async def ask_cost(update: Update, context: BotContext) -> int:
    """Ask what it costs."""
    markup = keyboards.place_admin.reply(texts.cost(None))
    return await _ask(update, context, State.COST, texts.admin_ask_cost(), markup)


async def ask_description(update: Update, context: BotContext) -> int:
    """Ask for a few words about it (only when changing)."""
    markup = keyboards.place_admin.reply(label("skip"))
    return await _ask(update, context, State.DESCRIPTION, texts.admin_ask_description(), markup)


async def ask_summary(update: Update, context: BotContext) -> int:
    """Show the whole activity and ask to save it."""
    given = answers(context)
    text = texts.admin_summary(draft(given), given.get("place", ""), context.tz)
    markup = keyboards.place_admin.reply(texts.admin_save_label())
    return await _ask(update, context, State.SUMMARY, text, markup)
