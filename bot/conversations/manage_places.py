"""Coordinators keep the list of meeting places: add a place, or change one field of one.

The list (from the menu or /platser) and its close button are entry points, as are the buttons
that start a step; the other ``pa:`` screens are in ``bot.handlers.place_admin``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.context import BotContext
from bot.conversations import common
from bot.handlers import screens
from bot.handlers.buttons import Refused, act
from bot.handlers.place_admin import card_of, forget, pattern, send_card, show_list
from bot.services import people, place_admin
from bot.services.errors import DomainError
from bot.services.place_admin import PLACE_FIELDS, Invalid
from bot.ui import keyboards, texts
from bot.ui.labels import LabelFilter, extra_code_of, label

NAME = "manage_places"
_KEY = "manage_places"


class State(IntEnum):
    NAME = 0
    AREA = 1
    ADDRESS = 2
    LINK = 3
    TRANSIT = 4


def _answers(context: BotContext) -> dict[str, Any]:
    answers: dict[str, Any] = context.user_data.setdefault(_KEY, {})
    return answers


# --- Entry points ----------------------------------------------------------------------------


async def close(update: Update, context: BotContext) -> int:
    """Leave the list for the menu."""
    await update.callback_query.answer()
    return await cancel(update, context)


# --- Steps -----------------------------------------------------------------------------------


async def new_place(update: Update, context: BotContext) -> int | None:
    """Begin a new place (coordinators only)."""
    page = await act(
        update, context, lambda uow, user, d, now: place_admin.places_page(uow, user, 0, now)
    )
    if isinstance(page, Refused):
        return None
    await update.callback_query.answer()
    context.user_data[_KEY] = {}  # type: ignore[index]
    return await ask_name(update, context)


async def edit_field(update: Update, context: BotContext) -> int | None:
    """Ask for the new value of one field of a place."""
    card = await card_of(update, context, editing=True)
    if isinstance(card, Refused):
        return None
    which = int(update.callback_query.data.rsplit(":", 1)[1])
    if which >= len(PLACE_FIELDS):
        await update.callback_query.answer(texts.stale_button(), show_alert=True)
        return None
    field = PLACE_FIELDS[which]
    await update.callback_query.answer()
    now = {"name": card.name, "address": card.address, "area": card.area}
    now.update(link=card.online_url, transit=card.transit_hint)
    context.user_data[_KEY] = {  # type: ignore[index]
        "place_id": card.id,
        "field": field,
        "name": card.name,
        "online": not card.address,
        "now": now[field],
    }
    return await ASK[field](update, context)


async def _ask(
    update: Update, context: BotContext, state: State, question: str, markup: Any
) -> int:
    await common.checkpoint(update, context, NAME, state)
    if "field" in _answers(context):
        question = texts.admin_now(question, _answers(context).get("now"))
    await update.effective_message.reply_text(question, reply_markup=markup)
    return state


async def ask_name(update: Update, context: BotContext) -> int:
    """Ask what the place is called."""
    question = texts.admin_ask_place_name()
    return await _ask(update, context, State.NAME, question, keyboards.place_admin.reply())


async def ask_area(update: Update, context: BotContext) -> int:
    """Ask which area the place is in (the areas as big buttons)."""
    async with context.uow() as uow:
        names = [a.name for a in await people.areas(uow)]
    question = texts.admin_ask_area(_answers(context).get("name", ""))
    return await _ask(update, context, State.AREA, question, keyboards.place_admin.reply(*names))


async def ask_address(update: Update, context: BotContext) -> int:
    """Ask for the street address, or «Online only»."""
    markup = keyboards.place_admin.reply(texts.admin_online_only())
    return await _ask(update, context, State.ADDRESS, texts.admin_ask_address(), markup)


async def ask_link(update: Update, context: BotContext) -> int:
    """Ask for a link: needed for an online place, else it can be skipped."""
    required = bool(_answers(context).get("online"))
    markup = (
        keyboards.place_admin.reply() if required else keyboards.place_admin.reply(label("skip"))
    )
    return await _ask(update, context, State.LINK, texts.admin_ask_link(required), markup)


async def ask_transit(update: Update, context: BotContext) -> int:
    """Ask how to get there by bus or train."""
    markup = keyboards.place_admin.reply(label("skip"))
    return await _ask(update, context, State.TRANSIT, texts.admin_ask_transit(), markup)


ASK: dict[str, common.Ask] = {
    "name": ask_name,
    "area": ask_area,
    "address": ask_address,
    "link": ask_link,
    "transit": ask_transit,
}


async def _back(update: Update, context: BotContext, previous: common.Ask | None) -> int:
    """Back: one step in a new place; from a change (or the first step), the screen before."""
    answers = _answers(context)
    if previous is not None and "field" not in answers:
        return await previous(update, context)
    context.user_data.pop(_KEY, None)
    if "place_id" in answers:
        async with context.uow() as uow:
            card = await place_admin.place_card(
                uow, update.effective_user.id, answers["place_id"], context.now()
            )
        await screens.show_menu(update, context, texts.kept())
        await send_card(update, card)
        return common.END
    await screens.show_menu(update, context, texts.kept())
    return await show_list(update, context)


async def _answer(
    update: Update, context: BotContext, field: str, value: object, ask: common.Ask
) -> int:
    """Keep the answer; save it at once when one field is being changed, else go on."""
    answers = _answers(context)
    if "field" not in answers:
        answers[field] = value
        return await NEXT[field](update, context)
    try:
        async with context.uow() as uow:
            card = await place_admin.edit_place(
                uow, update.effective_user.id, answers["place_id"], field, value, context.now()
            )
    except Invalid as problem:
        await update.effective_message.reply_text(texts.admin_problem(problem.reason))
        return await ask(update, context)
    except DomainError as error:
        return await forget(update, context, _KEY, error)
    context.user_data.pop(_KEY, None)
    await common.finish(update, context, NAME)
    await screens.show_menu(update, context, texts.admin_changed())
    await send_card(update, card)
    return common.END


async def got_name(update: Update, context: BotContext) -> int:
    """Keep the name."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, None)
    text = await common.read_text(update, context, place_admin.MAX_CHARS["name"])
    if text is None:
        return await ask_name(update, context)
    return await _answer(update, context, "name", text, ask_name)


async def got_area(update: Update, context: BotContext) -> int:
    """Keep the area chosen from the buttons."""
    if common.pressed(update.effective_message, "back"):
        return await _back(update, context, ask_name)
    async with context.uow() as uow:
        areas = {str(a.id): a.name for a in await people.areas(uow)}
    code = extra_code_of(update.effective_message.text, areas)
    if code is None:
        return await common.reprompt(ask_area)(update, context)
    return await _answer(update, context, "area", int(code), ask_area)


async def got_address(update: Update, context: BotContext) -> int:
    """Keep the address, or note that the place is online only."""
    message = update.effective_message
    if common.pressed(message, "back"):
        return await _back(update, context, ask_area)
    online = extra_code_of(message.text, {"online": texts.admin_online_only()}) is not None
    text = None if online else await common.read_text(update, context, 200)
    if text is None and not online:
        return await ask_address(update, context)
    _answers(context)["online"] = online
    return await _answer(update, context, "address", text, ask_address)


async def got_link(update: Update, context: BotContext) -> int:
    """Keep the link (or none), then save a new place."""
    message = update.effective_message
    if common.pressed(message, "back"):
        return await _back(update, context, ask_address)
    skip = not _answers(context).get("online") and common.pressed(message, "skip")
    text = None if skip else await common.read_text(update, context, 300)
    if text is None and not skip:
        return await ask_link(update, context)
    return await _answer(update, context, "link", text, ask_link)


async def got_transit(update: Update, context: BotContext) -> int:
    """Keep how to get there (only asked when changing a place)."""
    message = update.effective_message
    if common.pressed(message, "back"):
        return await _back(update, context, None)
    skip = common.pressed(message, "skip")
    text = None if skip else await common.read_text(update, context, 200)
    if text is None and not skip:
        return await ask_transit(update, context)
    return await _answer(update, context, "transit", text, ask_transit)


async def save_new(update: Update, context: BotContext) -> int:
    """Save the new place and show its card."""
    answers = _answers(context)
    try:
        async with context.uow() as uow:
            card = await place_admin.add_place(
                uow,
                update.effective_user.id,
                name=answers.get("name", ""),
                area_id=answers.get("area"),
                address=answers.get("address"),
                link=answers.get("link"),
                now=context.now(),
            )
    except Invalid as problem:
        await update.effective_message.reply_text(texts.admin_problem(problem.reason))
        return await ask_link(update, context)
    except DomainError as error:
        return await forget(update, context, _KEY, error)
    context.user_data.pop(_KEY, None)
    await common.finish(update, context, NAME)
    await screens.show_menu(update, context, texts.admin_place_saved(card.name))
    await send_card(update, card)
    return common.END


NEXT: dict[str, common.Ask] = {
    "name": ask_area,
    "area": ask_address,
    "address": ask_link,
    "link": save_new,
}


async def cancel(update: Update, context: BotContext) -> int:
    """Stop; nothing more is changed."""
    return await forget(update, context, _KEY)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The manage_places conversation."""
    buttons = [(edit_field, "field", 2), (new_place, "new", 0), (close, "back", 0)]
    entry: common.Handlers = [
        MessageHandler(LabelFilter("menu.places_admin"), show_list),
        CommandHandler(["platser", "places"], show_list),
    ]
    entry += [CallbackQueryHandler(cb, pattern=pattern(a, n)) for cb, a, n in buttons]
    return ConversationHandler(
        entry_points=entry,
        states={
            State.NAME: common.text_step(got_name, ask_name, cancel),
            State.AREA: common.text_step(got_area, ask_area, cancel),
            State.ADDRESS: common.text_step(got_address, ask_address, cancel),
            State.LINK: common.text_step(got_link, ask_link, cancel),
            State.TRANSIT: common.text_step(got_transit, ask_transit, cancel),
            ConversationHandler.TIMEOUT: common.timeout_handlers(texts.paused_to_menu),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
