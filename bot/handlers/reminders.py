"""Turning meeting-place reminders off and on again: the buttons and /paminnelser."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.buttons import Refused, Say, act
from bot.services import reminders
from bot.services.errors import DomainError, NotRegistered
from bot.ui import keyboards, texts
from bot.ui.callbacks import pattern

# Someone who never finished /start is asked to begin there, not told they may not.
ANSWERS: Mapping[type[DomainError], Say] = {NotRegistered: texts.start_first}


async def switch(update: Update, context: BotContext) -> None:
    """Turn reminders off (or on again) from a button; offer the way back."""
    on = await act(
        update,
        context,
        lambda uow, user, data, _now: reminders.set_reminders(uow, user, data.action == "on"),
        ANSWERS,
    )
    if isinstance(on, Refused):
        return
    await update.callback_query.answer()
    text = texts.reminders_turned_on() if on else texts.reminders_turned_off()
    await update.effective_message.reply_text(text, reply_markup=keyboards.reminders.toggle(on))


async def show(update: Update, context: BotContext) -> None:
    """Say whether reminders are on, with one button to flip it."""
    try:
        async with context.uow() as uow:
            on = await reminders.reminders_on(uow, update.effective_user.id)
    except NotRegistered:
        await update.effective_message.reply_text(texts.start_first())
        return
    await update.effective_message.reply_text(
        texts.reminders_status(on), reply_markup=keyboards.reminders.toggle(on)
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the reminder buttons and command."""
    app.add_handler(CallbackQueryHandler(switch, pattern=pattern("rem", "off", "on")))
    app.add_handler(CommandHandler(["paminnelser", "reminders"], show))
