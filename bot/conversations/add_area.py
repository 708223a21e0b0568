"""A coordinator adds an area."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler

from bot.context import BotContext
from bot.conversations import common
from bot.handlers import screens
from bot.services import people
from bot.services.errors import Duplicate, NotAllowed
from bot.ui import keyboards, texts
from bot.ui.labels import LabelFilter

NAME = "add_area"


class State(IntEnum):
    AREA_NAME = 0


async def start(update: Update, context: BotContext) -> int:
    """Ask coordinators for the name; others get the menu."""
    found = await screens.person(update, context)
    if found is None or "coordinator" not in found.roles:
        await update.effective_message.reply_text(texts.not_allowed())
        return common.END
    return await ask_name(update, context)


async def ask_name(update: Update, context: BotContext) -> int:
    """Ask for the area's name."""
    await common.checkpoint(update, context, NAME, State.AREA_NAME)
    await update.effective_message.reply_text(
        texts.ask_area_name(), reply_markup=keyboards.common.nav_only()
    )
    return State.AREA_NAME


async def got_name(update: Update, context: BotContext) -> int:
    """Add the area."""
    if common.pressed(update.effective_message, "back"):
        return await screens.end_to_menu(update, context)
    name = await common.read_text(update, context, 60)
    if name is None:
        return await ask_name(update, context)
    try:
        async with context.uow() as uow:
            area = await people.add_area(uow, update.effective_user.id, name, context.now())
    except Duplicate:
        await update.effective_message.reply_text(texts.area_exists(" ".join(name.split())))
        return State.AREA_NAME
    except NotAllowed:
        return await screens.end_to_menu(update, context, texts.not_allowed())
    await common.finish(update, context, NAME)
    return await screens.end_to_menu(update, context, texts.area_added(area.name))


async def cancel(update: Update, context: BotContext) -> int:
    """Stop without adding anything."""
    return await screens.end_to_menu(update, context)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The add-area conversation."""
    return ConversationHandler(
        entry_points=[
            MessageHandler(LabelFilter("menu.area"), start),
            CommandHandler(["nyttomrade", "addarea"], start),
        ],
        states={
            State.AREA_NAME: common.text_step(got_name, ask_name, cancel),
            ConversationHandler.TIMEOUT: common.timeout_handlers(texts.paused_to_menu),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
