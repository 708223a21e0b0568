"""Coordinators' list of volunteers: a page of names, one card each, stop and let back in.

Stopping itself (and the optional reason) is the ``suspend`` conversation.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.buttons import Refused, act
from bot.services import suspension, vetting, volunteer_admin
from bot.services.errors import NotAllowed, NotOpen
from bot.ui import keyboards, texts
from bot.ui.callbacks import Callback


def _page_of(data: Callback) -> int:
    try:
        return data.id2 if data.arg2 is not None else 0
    except ValueError:
        return 0


async def list_command(update: Update, context: BotContext) -> None:
    """/volontarer: the first page of the coordinator's volunteers."""
    try:
        async with context.uow() as uow:
            found = await volunteer_admin.page(uow, update.effective_user.id, 0, context.now())
    except NotAllowed:
        await update.effective_message.reply_text(texts.not_allowed())
        return
    await update.effective_message.reply_text(
        texts.volunteers_title(found), reply_markup=keyboards.volunteers.volunteer_list(found)
    )


async def list_page(update: Update, context: BotContext) -> None:
    """A page of the list, in place of the message pressed."""
    found = await act(
        update,
        context,
        lambda uow, user, data, now: volunteer_admin.page(uow, user, data.id, now),
    )
    if isinstance(found, Refused):
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        texts.volunteers_title(found), reply_markup=keyboards.volunteers.volunteer_list(found)
    )


async def show_card(update: Update, context: BotContext) -> None:
    """One volunteer's card, with what the coordinator can do."""
    card = await act(
        update,
        context,
        lambda uow, user, data, now: volunteer_admin.card(uow, user, data.id, now, _page_of(data)),
    )
    if isinstance(card, Refused):
        return
    await update.callback_query.answer()
    months, tz = context.data.settings.vetting_valid_months, context.tz
    due = vetting.due(card.vetted_at, months, tz)
    await update.callback_query.edit_message_text(
        texts.volunteer_card(card, due, tz), reply_markup=keyboards.volunteers.volunteer_card(card)
    )


async def ask_suspend(update: Update, context: BotContext) -> None:
    """«Stop»: ask once more, saying what it means."""
    card = await act(
        update,
        context,
        lambda uow, user, data, now: volunteer_admin.card(uow, user, data.id, now),
    )
    if isinstance(card, Refused):
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        texts.confirm_suspend(card.first_name),
        reply_markup=keyboards.volunteers.confirm_suspend(card.person_id, card.first_name),
    )


async def reinstate(update: Update, context: BotContext) -> None:
    """Let a stopped volunteer take tasks again, and tell them."""
    volunteer = await act(
        update,
        context,
        lambda uow, user, data, now: suspension.reinstate(uow, user, data.id, now),
        {NotOpen: texts.stale_button},
    )
    if isinstance(volunteer, Refused):
        return
    await update.callback_query.answer()
    name = volunteer.first_name
    await update.callback_query.edit_message_text(texts.reinstated_coordinator(name))
    await context.data.notifier.send(volunteer, lambda: (texts.reinstated_volunteer(name), None))


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The vol buttons (but «stop, yes», which starts the suspend conversation)."""
    app.add_handler(CommandHandler(["volontarer", "volunteers"], list_command))
    app.add_handler(CallbackQueryHandler(list_page, pattern=r"^vol:list:[0-9]{1,6}$"))
    app.add_handler(
        CallbackQueryHandler(show_card, pattern=r"^vol:card:[0-9]{1,12}(?::[0-9]{1,6})?$")
    )
    app.add_handler(CallbackQueryHandler(ask_suspend, pattern=r"^vol:stop:[0-9]{1,12}$"))
    app.add_handler(CallbackQueryHandler(reinstate, pattern=r"^vol:in:[0-9]{1,12}$"))
