"""The questions of a request for help, each saved as the step before it is sent (the answers
are in request_help.py)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.conversations import common
from bot.handlers import screens
from bot.i18n import format_day_short
from bot.services import drafts
from bot.services.views import DraftView
from bot.ui import keyboards, texts

NAME = "request_help"


class State(IntEnum):
    RESUME = 0
    CATEGORY = 1
    WHEN = 2
    DAY = 3
    PART = 4
    CONFIRM_TIME = 5
    DETAILS = 6
    CONFIRM = 7
    GUESS_CATEGORY = 8


async def save(update: Update, context: BotContext, state: State, **fields: Any) -> DraftView:
    """Store the draft at this step, and the step itself, before anything is sent."""
    async with context.uow() as uow:
        draft = await drafts.save(
            uow, update.effective_user.id, step=state.name.lower(), now=context.now(), **fields
        )
    await common.checkpoint(update, context, NAME, state)
    return draft


async def draft_of(update: Update, context: BotContext) -> DraftView | None:
    async with context.uow() as uow:
        return await drafts.get(uow, update.effective_user.id)


async def reply(update: Update, text: str, markup: Any) -> None:
    await update.effective_message.reply_text(text, reply_markup=markup)


# --- Questions -----------------------------------------------------------------------------


async def ask_category(update: Update, context: BotContext) -> int:
    """Ask what kind of help is needed."""
    await save(update, context, State.CATEGORY)
    await reply(update, texts.ask_category(), keyboards.asking.categories())
    return State.CATEGORY


async def ask_when(update: Update, context: BotContext) -> int:
    """Ask when the help is needed."""
    await save(update, context, State.WHEN)
    await reply(update, texts.ask_when(), keyboards.asking.when())
    return State.WHEN


def next_days(context: BotContext) -> dict[str, str]:
    today = context.now().astimezone(context.tz).date()
    days = [today + timedelta(days=i) for i in range(7)]
    return {d.isoformat(): format_day_short(d) for d in days}


async def ask_day(update: Update, context: BotContext) -> int:
    """Offer the coming seven days."""
    await save(update, context, State.DAY)
    await reply(update, texts.ask_day(), keyboards.asking.days(list(next_days(context).values())))
    return State.DAY


async def ask_part(update: Update, context: BotContext) -> int:
    """Ask for the time of day on the chosen day."""
    draft = await save(update, context, State.PART)
    day_text = texts.day(date.fromisoformat(draft.when_day)) if draft.when_day else ""
    await reply(update, texts.ask_part(day_text.capitalize()), keyboards.asking.parts())
    return State.PART


async def ask_confirm_time(update: Update, context: BotContext) -> int:
    """Read a typed time back for confirmation."""
    draft = await save(update, context, State.CONFIRM_TIME)
    await reply(
        update,
        texts.confirm_time(texts.when(draft.when, context.tz)),
        keyboards.asking.yes_retype(),
    )
    return State.CONFIRM_TIME


async def ask_details(update: Update, context: BotContext) -> int:
    """Offer to add a few words."""
    await save(update, context, State.DETAILS)
    await reply(update, texts.ask_details(), keyboards.common.with_skip())
    return State.DETAILS


async def ask_confirm(update: Update, context: BotContext) -> int:
    """Show the summary, with the emergency note, and ask to send."""
    draft = await save(update, context, State.CONFIRM)
    found = await screens.person(update, context)
    area = found.area.name if found and found.area else ""
    await reply(
        update,
        texts.summary(
            draft.category or "other", texts.when(draft.when, context.tz), draft.details, area
        ),
        keyboards.asking.send(),
    )
    return State.CONFIRM


async def ask_guess_category(update: Update, context: BotContext) -> int:
    """Read back the kind of help heard, to confirm with one tap."""
    draft = await save(update, context, State.GUESS_CATEGORY)
    guessed = texts.category(draft.category or "other")
    await reply(update, texts.guess_category(guessed), keyboards.asking.yes_choose())
    return State.GUESS_CATEGORY


ASK: dict[str, common.Ask] = {
    "category": ask_category,
    "when": ask_when,
    "day": ask_day,
    "part": ask_part,
    "confirm_time": ask_confirm_time,
    "details": ask_details,
    "confirm": ask_confirm,
    "guess_category": ask_guess_category,
}
