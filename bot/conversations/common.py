"""What every conversation shares: reading text safely, Back, Cancel, timeouts, re-asking."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import BotContext
from bot.conversations import voice
from bot.handlers import voice as voice_notes
from bot.handlers.screens import END as END  # what every conversation returns to end
from bot.handlers.screens import person, show_menu
from bot.services import said_time, when
from bot.telegram import timeouts
from bot.ui import keyboards, texts
from bot.ui.labels import LabelFilter, code_of

log = logging.getLogger(__name__)
Ask = Callable[[Update, BotContext], Coroutine[Any, Any, int]]
Handlers = list[BaseHandler[Update, BotContext, object]]
CANCEL_COMMANDS = ["avbryt", "cancel"]


async def checkpoint(update: Update, context: BotContext, name: str, state: int) -> None:
    """Record the conversation state (and answers so far) before the question is sent.

    PTB confirms an update to Telegram before handling it and records the new state only after
    the handler returns; a SIGKILL in between would otherwise lose a question already shown.
    """
    persistence = context.application.persistence
    chat, user = update.effective_chat, update.effective_user
    if persistence is None or chat is None or user is None:
        return
    await persistence.update_conversation(name, (chat.id, user.id), state)
    if context.user_data is not None:
        await persistence.update_user_data(user.id, context.user_data)


async def finish(update: Update, context: BotContext, name: str) -> None:
    """Record that the conversation is over (and the answers as they are now) before its last
    message goes out, as ``checkpoint`` does for a question: a SIGKILL while the confirmation
    is sent must not bring back the last question, to be answered twice."""
    persistence = context.application.persistence
    chat, user = update.effective_chat, update.effective_user
    if persistence is None or chat is None or user is None:
        return
    await persistence.update_conversation(name, (chat.id, user.id), None)
    if context.user_data is not None:
        await persistence.update_user_data(user.id, context.user_data)


async def read_text(update: Update, context: BotContext, limit: int) -> str | None:
    """The text the person sent, or None after telling them kindly why it cannot be used."""
    message = update.effective_message
    if message is None:
        return None
    if message.voice or message.audio or message.video_note:
        await message.reply_text(texts.voice_not_available())
        return None
    text = (message.text or "").strip()
    if not text:
        await message.reply_text(texts.please_text())
        return None
    if len(text) > limit:
        await message.reply_text(texts.too_long(limit))
        return None
    return text


async def read_time(update: Update, context: BotContext) -> when.Parsed | None:
    """A typed (or spoken) time, understood – "imorgon kl 10", "klockan tio", "halv tre" – or
    None after telling the person kindly why it cannot be used."""
    text = await read_text(update, context, 200)
    if text is None:
        return None
    parsed = said_time.understand(
        text, context.now(), context.tz, voice_notes.language(update, context)
    )
    if parsed is None:
        await update.effective_message.reply_text(texts.time_not_understood())
    return parsed


def pressed(message: Message | None, *codes: str) -> str | None:
    """Which of these reply buttons the message is (or says in words)."""
    return code_of(message.text if message else None, codes)


def reprompt(ask: Ask) -> Ask:
    """A catch-all for a state: a kind word about what went wrong, then the same question."""

    async def _again(update: Update, context: BotContext) -> int:
        """Explain kindly, then ask the question of this step again."""
        message = update.effective_message
        if update.callback_query is not None:
            await update.callback_query.answer(texts.old_button(), show_alert=True)
        elif message is not None:
            if message.voice or message.audio or message.video_note:
                await message.reply_text(texts.voice_not_available())
            elif message.text and len(message.text) > 1000:
                await message.reply_text(texts.too_long(1000))
            elif message.text:
                await message.reply_text(texts.not_understood_step())
            else:
                await message.reply_text(texts.please_text())
        return await ask(update, context)

    return _again


def catch_all(ask: Ask) -> Handlers:
    """The last handlers of a state: anything unexpected gets re-asked, nothing is lost.

    Buttons with a meaning of their own (task, request, vetting, follow-up) are registered
    before the conversations and never reach this; an old or forged button does.
    """
    return [
        MessageHandler(filters.ALL & ~filters.COMMAND, reprompt(ask)),
        CallbackQueryHandler(old_button),
    ]


async def old_button(update: Update, context: BotContext) -> None:
    """An old button in the middle of a step: say so; the question is still on screen."""
    await update.callback_query.answer(texts.old_button(), show_alert=True)


def text_step(answer: Ask, ask: Ask, on_cancel: Ask) -> Handlers:
    """The handlers of a step that waits for typed text: Cancel, the answer, a voice note
    (read back, then answered as if typed), then the catch-all that explains kindly and asks
    ``ask`` again."""
    return [
        *cancel_handlers(on_cancel),
        MessageHandler(filters.TEXT & ~filters.COMMAND, answer),
        *voice.handlers(answer, ask),
        *catch_all(ask),
    ]


def cancel_handlers(on_cancel: Ask) -> Handlers:
    """The Cancel button (or /avbryt) at every step."""
    return [
        CommandHandler(CANCEL_COMMANDS, on_cancel),
        MessageHandler(LabelFilter("cancel"), on_cancel),
    ]


async def leave(update: Update, context: BotContext) -> int:
    """/start in the middle of something: show the menu; saved answers stay saved."""
    await show_menu(update, context)
    return END


def leave_handlers() -> Handlers:
    """/start and /meny leave the conversation for the menu. After a restart, the timeout is
    armed again through the last one (see bot/telegram/timeouts.py); no real update matches it."""
    return [CommandHandler(["start", "meny", "menu"], leave), timeouts.resume_handler()]


def timeout_handlers(say: Callable[[], str], forget: str | None = None) -> Handlers:
    """What happens when a conversation times out: a calm word and the menu.

    ``forget`` names a user_data key to drop (answers that are not worth keeping).
    """

    async def _timed_out(update: Update, context: BotContext) -> int:
        """Tell the person we paused, in their own language."""
        if forget and context.user_data is not None and update.effective_user is not None:
            context.user_data.pop(forget, None)
            # A timeout is a job, not an update: mark the data so it is written now.
            context.application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
            await context.application.update_persistence()
        found = await person(update, context)
        # A timeout runs outside the update, so the person's language is set here.
        context.bot_data.catalogs.activate(found.locale if found else None)
        chat = update.effective_chat
        if chat is not None:
            markup = keyboards.common.main_menu(found) if found and found.onboarded else None
            await context.bot.send_message(chat.id, say(), reply_markup=markup)
        return END

    return [TypeHandler(Update, _timed_out)]
