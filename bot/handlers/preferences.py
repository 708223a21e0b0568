"""/installningar: reading aloud, reminders and language, on one screen of big buttons."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers import screens
from bot.handlers.buttons import Refused, Say, act
from bot.i18n import current_locale
from bot.services import settings_prefs
from bot.services.errors import DomainError, NotRegistered
from bot.services.settings_prefs import NoVoice, Preferences
from bot.ui import keyboards, texts
from bot.ui.callbacks import Callback, decode, pattern
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
ANSWERS: Mapping[type[DomainError], Say] = {
    NotRegistered: texts.start_first,
    NoVoice: texts.read_aloud_unavailable,
}
# What each button may carry; anything else was never made by us.
CHOICES: dict[str, tuple[str | None, ...]] = {
    "read": ("on", "off"),
    "rem": ("on", "off"),
    "lang": settings_prefs.LANGUAGES,
    "menu": (None,),
}


def _markup(prefs: Preferences, context: BotContext) -> InlineKeyboardMarkup:
    # Without a speech engine the setting reads "off", whatever was stored.
    reading = prefs.read_aloud and context.data.read_aloud.available
    return keyboards.preferences.screen(reading, prefs.reminders, current_locale())


async def show(update: Update, context: BotContext) -> None:
    """Show the settings screen, one big button for each setting."""
    try:
        async with context.uow() as uow:
            prefs = await settings_prefs.preferences(uow, update.effective_user.id)
    except NotRegistered:
        await update.effective_message.reply_text(texts.start_first())
        return
    await update.effective_message.reply_text(
        texts.preferences_screen(), reply_markup=_markup(prefs, context)
    )


def _change(
    uow: UnitOfWork, telegram_id: int, data: Callback, can_speak: bool
) -> Awaitable[Preferences]:
    on = data.arg == "on"
    if data.action == "read":
        return settings_prefs.set_read_aloud(uow, telegram_id, on, can_speak=can_speak)
    if data.action == "rem":
        return settings_prefs.set_reminders(uow, telegram_id, on)
    return settings_prefs.set_language(uow, telegram_id, str(data.arg))


async def press(update: Update, context: BotContext) -> None:
    """Change the setting on the pressed button, redraw the screen and say what changed."""
    query, chat = update.callback_query, update.effective_chat
    data = decode(query.data)
    private = chat is not None and chat.type == "private"
    if data is None or not private or data.arg not in CHOICES.get(data.action, ()):
        await _refuse(update, context)
        return
    if data.action == "menu":
        await _to_menu(update, context)
        return
    reader = context.data.read_aloud
    prefs = await act(
        update,
        context,
        lambda uow, user, d, _now: _change(uow, user, d, reader.available),
        ANSWERS,
    )
    if isinstance(prefs, Refused):
        return
    await query.answer()
    user_id = update.effective_user.id
    if data.action == "read":
        # From this very reply on: the confirmation below is already read aloud.
        reader.remember(user_id, prefs.read_aloud)
        reader.begin(chat.id)
    if data.action == "lang" and data.arg:
        context.data.locales[user_id] = data.arg
        context.data.catalogs.activate(data.arg)
    await _redraw(update, context, prefs)
    await _confirm(update, context, data.action, prefs)


async def _redraw(update: Update, context: BotContext, prefs: Preferences) -> None:
    try:
        await update.callback_query.edit_message_text(
            texts.preferences_screen(), reply_markup=_markup(prefs, context)
        )
    except BadRequest as error:  # unchanged (a double tap), or the message is gone
        log.debug("settings screen not redrawn: %s", error.message)


async def _confirm(update: Update, context: BotContext, action: str, prefs: Preferences) -> None:
    message = update.effective_message
    if action == "lang":
        # The menu's big buttons are in the old language until it is sent again.
        await screens.show_menu(update, context, texts.language_changed())
    elif action == "read":
        on = prefs.read_aloud
        await message.reply_text(
            texts.read_aloud_turned_on() if on else texts.read_aloud_turned_off()
        )
    else:
        on = prefs.reminders
        await message.reply_text(
            texts.reminders_turned_on() if on else texts.reminders_turned_off()
        )


async def _to_menu(update: Update, context: BotContext) -> None:
    await update.callback_query.answer()
    try:
        await update.callback_query.edit_message_reply_markup(None)
    except BadRequest as error:
        log.debug("settings buttons not removed: %s", error.message)
    await screens.show_menu(update, context)


async def _refuse(update: Update, context: BotContext) -> None:
    """A settings button we never made (forged, or from another version): a kind word."""
    log.warning(
        "unknown settings button from %s",
        update.effective_user.id if update.effective_user else None,
    )
    await update.callback_query.answer(texts.stale_button(), show_alert=True)
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        await screens.show_menu(update, context)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add /installningar (and /settings) and its buttons."""
    app.add_handler(CallbackQueryHandler(press, pattern=pattern("set")))
    app.add_handler(CommandHandler(["installningar", "settings"], show))
