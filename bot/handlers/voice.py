"""Voice notes: listening (shared by every step), and a voice note at the main menu, which
starts a request for help."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from bot.services import people
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode, pattern
from bot.voice.stt import VoiceBusy, VoiceError, VoiceTooLong, VoiceUnavailable

log = logging.getLogger(__name__)
VOICE = filters.VOICE | filters.AUDIO


def language(update: Update, context: BotContext) -> str:
    """The person's language, which is also the language the note is heard in."""
    user_id = update.effective_user.id if update.effective_user else None
    return context.data.catalogs.normalise(context.data.locales.get(user_id or 0))


# The step of a note spoken outside any conversation.
AT_MENU = "menu"


async def hear(update: Update, context: BotContext, scope: str, step: str) -> bool:
    """Listen to the voice note and read it back with Ja / Säg det igen / Skriv i stället.

    False (after a kind word) when it could not be heard; nothing is kept then.
    """
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return False
    listener = context.data.listener
    if not listener.available:
        await message.reply_text(texts.voice_not_available())
        return False
    try:
        # There is no "listening" action; "typing…" shows the person that an answer comes.
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        text = await listener.hear(message, language(update, context))
    except VoiceError as error:
        await message.reply_text(_why(error))
        return False
    except TelegramError as error:
        log.warning("could not show that we listen: %s", error.__class__.__name__)
        return False
    if not text:
        await message.reply_text(texts.voice_nothing_heard())
        return False
    nonce = listener.keep(chat.id, text, context.now(), step)
    await message.reply_text(texts.heard(text), reply_markup=keyboards.voice.heard(scope, nonce))
    return True


def _why(error: VoiceError) -> str:
    if isinstance(error, VoiceBusy):
        return texts.voice_busy()
    if isinstance(error, VoiceTooLong):
        return texts.voice_too_long()
    if isinstance(error, VoiceUnavailable):
        return texts.voice_not_available()
    return texts.voice_unreadable()


async def take(update: Update, context: BotContext, step: str) -> str | None:
    """The transcript this button confirms at ``step`` (the buttons are taken away), or None
    after an alert."""
    query = update.callback_query
    parsed = decode(query.data) if query else None
    if query is None or parsed is None or update.effective_chat is None:
        return None
    text = context.data.listener.take(update.effective_chat.id, parsed.id, context.now(), step)
    if text is None:
        await query.answer(texts.voice_forgotten(), show_alert=True)
        return None
    await query.answer()
    await drop_buttons(query)
    return text


async def drop_buttons(query: CallbackQuery) -> None:
    """Take the buttons off a read-back once it is answered (it stays as a record)."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as error:
        log.debug("could not take buttons away: %s", error.__class__.__name__)


async def again(update: Update, context: BotContext, step: str = AT_MENU) -> None:
    """«Säg det igen»: forget this transcript and listen for a new note."""
    if await take(update, context, step) is not None:
        await update.effective_message.reply_text(texts.listening_again())


async def at_menu(update: Update, context: BotContext) -> None:
    """A voice note outside any conversation: a resident may start a request by speaking."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != "private":
        return
    async with context.uow() as uow:
        found = await people.find(uow, user.id)
    if found is None or not found.onboarded:
        await update.effective_message.reply_text(texts.start_first())
        return
    if "resident" not in found.roles:
        await update.effective_message.reply_text(texts.voice_at_menu())
        return
    await hear(update, context, "vf", AT_MENU)


def register_fallbacks(app: Application, group: int = 0) -> None:  # type: ignore[type-arg]
    """After the conversations: a voice note nobody else took, and «Säg det igen» at the menu.

    «Ja» and «Skriv i stället» at the menu open the request conversation (its entry points).
    """
    app.add_handler(CallbackQueryHandler(again, pattern=pattern("vf", "again", ids=1)), group)
    app.add_handler(MessageHandler(VOICE & filters.ChatType.PRIVATE, at_menu), group)
