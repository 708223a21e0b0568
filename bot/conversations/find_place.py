"""Residents find a meeting place: near them, in their area, today, this week or by kind.

The search itself is one step; the cards it sends have inline buttons that work on their own
(bot/handlers/places.py), so the person can keep searching here while reading them.
"""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import BotContext
from bot.conversations import common, voice
from bot.handlers import screens
from bot.handlers.places import send_page
from bot.services import places
from bot.services.places import Search
from bot.ui import keyboards, texts
from bot.ui.labels import LabelFilter, label
from storage.place_models import ACTIVITY_CATEGORIES

NAME = "find_place"
WAYS = ("find.near", "find.area", "find.today", "find.week", "find.kind", "find.mine")
KINDS = tuple(f"act.{code}" for code in ACTIVITY_CATEGORIES)
NOT_A_LOCATION = (
    filters.PHOTO | filters.Sticker.ALL | filters.Document.ALL | filters.VIDEO | filters.CONTACT
)


class State(IntEnum):
    WAY = 0
    KIND = 1


async def start(update: Update, context: BotContext) -> int:
    """Ask how to search, if the person has finished joining."""
    found = await screens.person(update, context)
    if found is None or not found.onboarded:
        await screens.show_menu(update, context)
        return common.END
    return await ask_way(update, context)


async def ask_way(update: Update, context: BotContext) -> int:
    """Offer the ways to search."""
    await common.checkpoint(update, context, NAME, State.WAY)
    await update.effective_message.reply_text(
        texts.find_how(), reply_markup=keyboards.places.ways()
    )
    return State.WAY


async def got_way(update: Update, context: BotContext) -> int:
    """A way was chosen (or typed)."""
    choice = common.pressed(update.effective_message, *WAYS, "back")
    if choice == "back":
        return await screens.end_to_menu(update, context, texts.menu())
    if choice == "find.near":
        # Typed, or pressed where the phone cannot send a location (Telegram Desktop).
        await update.effective_message.reply_text(texts.location_not_sent())
        return State.WAY
    if choice == "find.kind":
        return await ask_kind(update, context)
    if choice == "find.mine":
        return await show_planned(update, context)
    if choice is None:
        return await common.reprompt(ask_way)(update, context)
    mode = {"find.area": "area", "find.today": "today", "find.week": "week"}[choice]
    return await show_results(update, context, Search(mode))


async def got_location(update: Update, context: BotContext) -> int:
    """A shared location: the nearest places first."""
    spot = update.effective_message.location
    if spot is None or not places.valid_location(spot.latitude, spot.longitude):
        await update.effective_message.reply_text(texts.bad_location())
        return State.WAY
    # About 100 m is close enough for "how far", and keeps less of where the person is.
    here = Search("near", round(spot.latitude, 3), round(spot.longitude, 3))
    return await show_results(update, context, here)


async def show_planned(update: Update, context: BotContext) -> int:
    """The dates the person is going to, each a button to see it or cancel."""
    async with context.uow() as uow:
        items = await places.planned(uow, update.effective_user.id, context.now())
    await update.effective_message.reply_text(
        texts.planned_intro(items), reply_markup=keyboards.places.planned(items, context.tz)
    )
    return State.WAY


async def not_a_location(update: Update, context: BotContext) -> int:
    """A photo, sticker or file where a location or a choice belongs."""
    await update.effective_message.reply_text(texts.not_a_location())
    return State.WAY


async def ask_kind(update: Update, context: BotContext) -> int:
    """Ask which kind of meeting place."""
    await common.checkpoint(update, context, NAME, State.KIND)
    await update.effective_message.reply_text(
        texts.ask_kind(), reply_markup=keyboards.places.kinds()
    )
    return State.KIND


async def got_kind(update: Update, context: BotContext) -> int:
    """A kind was chosen."""
    choice = common.pressed(update.effective_message, *KINDS, "back")
    if choice == "back":
        return await ask_way(update, context)
    if choice is None:
        return await common.reprompt(ask_kind)(update, context)
    return await show_results(update, context, Search("category", category=choice[4:]))


async def show_results(update: Update, context: BotContext, search: Search) -> int:
    """The first cards of a search; the ways stay on screen for the next search."""
    found = await screens.person(update, context)
    detail = None
    if search.mode == "area":
        detail = found.area.name if found and found.area else None
    elif search.category:
        detail = label(f"act.{search.category}")
    message = update.effective_message
    if message is None:
        return common.END
    # Saved before the cards go out: a restart while they arrive keeps the ways on screen.
    await common.checkpoint(update, context, NAME, State.WAY)
    page = await send_page(
        message,
        context,
        update.effective_user.id,
        search,
        0,
        intro=lambda total: texts.results_intro(search.mode, total, detail),
        intro_markup=keyboards.places.ways(),
    )
    if page is None:
        await message.reply_text(
            texts.nothing_found(search.mode), reply_markup=keyboards.places.ways()
        )
    return State.WAY


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the search for the menu."""
    return await screens.end_to_menu(update, context, texts.menu())


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The find-a-meeting-place conversation."""
    return ConversationHandler(
        entry_points=[
            MessageHandler(LabelFilter("menu.places"), start),
            CommandHandler(["motesplats", "places"], start),
        ],
        states={
            State.WAY: [
                *common.cancel_handlers(cancel),
                MessageHandler(filters.LOCATION, got_location),
                # "Idag", "nära mig", "i mitt område" may be spoken, like any typed choice.
                *voice.handlers(got_way, ask_way),
                MessageHandler(NOT_A_LOCATION, not_a_location),
                MessageHandler(filters.TEXT & ~filters.COMMAND, got_way),
                *common.catch_all(ask_way),
            ],
            State.KIND: common.text_step(got_kind, ask_kind, cancel),
            ConversationHandler.TIMEOUT: common.timeout_handlers(texts.paused_to_menu),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
