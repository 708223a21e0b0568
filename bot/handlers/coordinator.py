"""Coordinators: the list of volunteers waiting, approving or turning down, linking groups."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.context import BotContext
from bot.handlers.buttons import Refused, act
from bot.services import people, vetting
from bot.services.errors import NotAllowed, NotFound, NotOpen
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode, pattern
from bot.ui.labels import LabelFilter


async def pending(update: Update, context: BotContext) -> None:
    """List volunteers waiting for vetting, each with approve / turn down."""
    message = update.effective_message
    try:
        async with context.uow() as uow:
            waiting = await vetting.pending(uow, update.effective_user.id, context.now())
    except NotAllowed:
        await message.reply_text(texts.not_allowed())
        return
    everyone = keyboards.volunteers.all_volunteers()
    if not waiting:
        await message.reply_text(texts.pending_none(), reply_markup=everyone)
        return
    await message.reply_text(texts.vetting_note(), reply_markup=everyone)
    for volunteer in waiting:
        await message.reply_text(
            texts.pending_card(volunteer, context.tz),
            reply_markup=keyboards.coordination.vetting(volunteer.person_id),
        )


async def decide(update: Update, context: BotContext) -> None:
    """Approve or turn down one volunteer, and tell them."""
    query = update.callback_query
    data = decode(query.data)
    approve = data is not None and data.action == "ok"
    volunteer = await act(
        update,
        context,
        lambda uow, user, data, now: vetting.decide(uow, user, data.id, approve, now),
        {NotFound: texts.already_decided, NotOpen: texts.already_decided},
    )
    if isinstance(volunteer, Refused):
        return
    await query.answer()
    name = volunteer.first_name
    await query.edit_message_text(
        texts.approved_coordinator(name) if approve else texts.declined_coordinator(name)
    )
    async with context.uow() as uow:
        # Their keyboard was made while they waited; the answer brings the menu they have now.
        person = await people.find(uow, volunteer.telegram_id) if volunteer.telegram_id else None
    render = texts.approved_volunteer if approve else texts.declined_volunteer
    await context.data.notifier.send(
        volunteer, lambda: (render(name), keyboards.common.main_menu(person) if person else None)
    )


async def link_group(update: Update, context: BotContext) -> None:
    """/koppla in a group: post new tasks there too."""
    chat = update.effective_chat
    if chat is None or chat.type == "private":
        await update.effective_message.reply_text(texts.group_only())
        return
    try:
        async with context.uow() as uow:
            await vetting.link_group(uow, update.effective_user.id, chat.id, context.now())
    except NotAllowed:
        await update.effective_message.reply_text(texts.not_allowed())
        return
    await update.effective_message.reply_text(texts.group_linked())


async def unlink_group(update: Update, context: BotContext) -> None:
    """/avkoppla in a group: stop posting tasks there."""
    chat = update.effective_chat
    if chat is None or chat.type == "private":
        await update.effective_message.reply_text(texts.group_only())
        return
    try:
        async with context.uow() as uow:
            await vetting.unlink_group(uow, update.effective_user.id, chat.id, context.now())
    except NotAllowed:
        await update.effective_message.reply_text(texts.not_allowed())
        return
    await update.effective_message.reply_text(texts.group_unlinked())


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Coordinator commands and buttons (the checks are in the services)."""
    app.add_handler(CommandHandler(["vantande", "pending"], pending))
    app.add_handler(MessageHandler(LabelFilter("menu.pending"), pending))
    app.add_handler(CallbackQueryHandler(decide, pattern=pattern("vet")))
    app.add_handler(CommandHandler(["koppla", "link"], link_group))
    app.add_handler(CommandHandler(["avkoppla", "unlink"], unlink_group))
