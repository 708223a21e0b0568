"""The main menu's buttons and commands: /mina, /paus, /hjalp; and anything unexpected."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.handlers import screens
from bot.services import people, requests
from bot.services.errors import NotAllowed, NotRegistered
from bot.ui import keyboards, texts
from bot.ui.labels import LabelFilter


async def mine(update: Update, context: BotContext) -> None:
    """List a resident's requests and a volunteer's tasks, each with its buttons, and offer
    «⚠️ Något kändes fel»."""
    found = await screens.person(update, context)
    if found is None or not found.onboarded:
        await update.effective_message.reply_text(texts.start_first())
        return
    message, tz, user_id = update.effective_message, context.tz, update.effective_user.id
    async with context.uow() as uow:
        own = await requests.mine(uow, user_id) if "resident" in found.roles else []
        tasks = await requests.my_tasks(uow, user_id) if "volunteer" in found.roles else []
    if "resident" in found.roles:
        await message.reply_text(
            texts.my_requests(own, tz), reply_markup=keyboards.common.main_menu(found)
        )
        for req in own:
            if req.status in ("open", "claimed"):
                markup = keyboards.tasks.request_actions(req.id, req.status)
                await message.reply_text(texts.request_line(req, tz), reply_markup=markup)
    if "volunteer" in found.roles:
        await message.reply_text(
            texts.my_tasks(tasks, tz), reply_markup=keyboards.common.main_menu(found)
        )
        for req in tasks:
            await message.reply_text(
                texts.request_line(req, tz), reply_markup=keyboards.tasks.task_show(req.id)
            )
    if not {"resident", "volunteer"} & found.roles:
        await screens.show_menu(update, context)
        return
    # Last, under both lists: «⚠️ Något kändes fel» (about one of the tasks, or anything).
    await message.reply_text(texts.report_offer(), reply_markup=keyboards.safety.report_button())


async def pause(update: Update, context: BotContext) -> None:
    """Pause or resume a volunteer's new tasks."""
    try:
        async with context.uow() as uow:
            now_paused = await people.toggle_pause(uow, update.effective_user.id, context.now())
    except (NotAllowed, NotRegistered):
        await update.effective_message.reply_text(texts.not_a_volunteer())
        return
    await screens.show_menu(update, context, texts.paused(now_paused))


async def help_command(update: Update, context: BotContext) -> None:
    """Explain plainly what the bot does."""
    found = await screens.person(update, context)
    markup = keyboards.common.main_menu(found) if found and found.onboarded else None
    await update.effective_message.reply_text(texts.help_text(), reply_markup=markup)


async def unexpected(update: Update, context: BotContext) -> None:
    """Anything no other handler took: a kind word and the menu."""
    message = update.effective_message
    if message is None or update.effective_chat is None or update.effective_chat.type != "private":
        return
    if message.voice or message.audio or message.video_note:
        await message.reply_text(texts.voice_not_available())
    found = await screens.person(update, context)
    if found is None or not found.onboarded:
        await message.reply_text(texts.start_first())
        return
    if not (message.voice or message.audio or message.video_note):
        await message.reply_text(
            texts.not_understood(), reply_markup=keyboards.common.main_menu(found)
        )


async def stale_button(update: Update, context: BotContext) -> None:
    """An old or unknown inline button: say so, and show the menu."""
    query = update.callback_query
    await query.answer(texts.stale_button(), show_alert=True)
    if update.effective_chat is not None and update.effective_chat.type == "private":
        await screens.show_menu(update, context)


def register(app: Application, group: int = 0) -> None:  # type: ignore[type-arg]
    """Menu commands and buttons; the catch-alls go in a later group."""
    app.add_handler(CommandHandler(["mina", "mine"], mine), group)
    app.add_handler(MessageHandler(LabelFilter("menu.mine", "menu.tasks"), mine), group)
    app.add_handler(CommandHandler(["paus", "pause"], pause), group)
    app.add_handler(MessageHandler(LabelFilter("menu.pause", "menu.resume"), pause), group)
    app.add_handler(CommandHandler(["hjalp", "help"], help_command), group)
    app.add_handler(MessageHandler(LabelFilter("menu.help"), help_command), group)


def register_fallbacks(app: Application, group: int = 0) -> None:  # type: ignore[type-arg]
    """Last in line: unknown text, stickers, photos and buttons."""
    app.add_handler(CallbackQueryHandler(stale_button), group)
    app.add_handler(MessageHandler(filters.ALL, unexpected), group)
