"""/minadata (a person's own data as a file) and /radera (erase it after one confirmation)."""

from __future__ import annotations

import json

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers import addresses, screens
from bot.handlers.buttons import Refused, act
from bot.handlers.places import tell_moved_up
from bot.handlers.requests import tell_cancelled, tell_given_back
from bot.services import privacy
from bot.services.errors import NotRegistered
from bot.telegram import timeouts
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode, pattern


async def my_data(update: Update, context: BotContext) -> None:
    """Send everything stored about the person as a JSON file, with a short summary."""
    try:
        async with context.uow() as uow:
            data = await privacy.export(uow, update.effective_user.id, context.now())
    except NotRegistered:
        await update.effective_message.reply_text(texts.start_first())
        return
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await update.effective_message.reply_document(
        InputFile(content, filename="minadata.json"), caption=texts.my_data_caption()
    )
    await update.effective_message.reply_text(texts.my_data_summary(data))


async def ask_erase(update: Update, context: BotContext) -> None:
    """Ask once, plainly, whether to erase everything."""
    found = await screens.person(update, context)
    if found is None:
        await update.effective_message.reply_text(texts.start_first())
        return
    await update.effective_message.reply_text(
        texts.ask_erase(), reply_markup=keyboards.privacy.confirm_erase()
    )


async def erase(update: Update, context: BotContext) -> None:
    """Erase (or keep) the person's data; tell whoever is affected."""
    query = update.callback_query
    data = decode(query.data)
    if data is not None and data.action == "keep":
        await query.answer()
        await query.edit_message_text(texts.kept())
        return
    tz, policy = context.tz, context.data.reminder_policy
    done = await act(
        update, context, lambda uow, user, _data, now: privacy.erase(uow, user, now, tz, policy)
    )
    if isinstance(done, Refused):
        return
    user_id = update.effective_user.id
    context.data.locales.pop(user_id, None)
    # A flow they were in would go on without its answers: end them all.
    await timeouts.end_all(context.application, user_id)
    context.application.drop_user_data(user_id)
    await query.answer()
    await query.edit_message_text(texts.erased())
    await update.effective_message.reply_text(
        texts.erased_restart(), reply_markup=keyboards.common.remove()
    )
    for closed in done.cancelled:
        await tell_cancelled(context, closed)
    for reopened in done.given_back:
        await tell_given_back(context, reopened)
    for moved in done.moved_up:
        await tell_moved_up(context, moved.recipient, moved.activity_id, moved.title, moved.at)
    await addresses.strip_for_erasure(context, done.stripped)


async def notice(update: Update, context: BotContext) -> None:
    """/integritet: what is saved, who sees it, for how long, and who answers for it."""
    settings = context.data.settings
    await update.effective_message.reply_text(
        texts.privacy_notice(
            settings.controller_name, settings.controller_contact, settings.retention_days
        )
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The privacy commands and the erase buttons."""
    app.add_handler(CommandHandler(["integritet", "privacy"], notice))
    app.add_handler(CommandHandler(["minadata", "mydata"], my_data))
    app.add_handler(CommandHandler(["radera", "erase"], ask_erase))
    app.add_handler(CallbackQueryHandler(erase, pattern=pattern("me", "erase", "keep")))
