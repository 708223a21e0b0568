"""The one error handler: log with the traceback, tell the person kindly, keep their draft."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, ConversationHandler

from bot.context import BotContext
from bot.ui import texts

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the error and say sorry; drafts live in the database, so nothing is lost.

    The rest of the update is not handled: the person has just been asked to try again, and a
    step that went on anyway (after their language could not be read, say) would confuse.
    """
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    _speak_their_language(update, context)
    await _say_sorry(update, context)
    await _keep_the_step(update, context)
    raise ApplicationHandlerStop


def _speak_their_language(update: Update, context: BotContext) -> None:
    """Choose the person's language again, without the database: reading it may be what
    failed, and then the language in force is the one of the update before, someone else's."""
    user = update.effective_user
    locale = (context.data.locales.get(user.id) or user.language_code) if user else None
    context.data.catalogs.activate(locale)


async def _say_sorry(update: Update, context: BotContext) -> None:
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(texts.error_on_our_side(), show_alert=True)
        except TelegramError:
            pass
        return
    if update.effective_chat is None or update.effective_chat.type != "private":
        return
    try:
        await context.bot.send_message(update.effective_chat.id, texts.error_on_our_side())
    except Forbidden:
        log.info("chat %s blocked the bot", update.effective_chat.id)
    except TelegramError:
        log.warning("could not tell chat %s about an error", update.effective_chat.id)


async def _keep_the_step(update: Update, context: BotContext) -> None:
    """Store again the step each conversation is at.

    A handler that failed leaves its conversation at the step it was at, but it may have
    stored the next one already (``common.checkpoint``, before the question that then never
    went out); after a restart the person would be at a question they never saw.
    """
    app = context.application
    if app.persistence is None:
        return
    for group in app.handlers.values():
        for handler in group:
            if not (isinstance(handler, ConversationHandler) and handler.persistent):
                continue
            # For a conversation, the check result is (state, key, handler, check).
            found = handler.check_update(update)
            if not isinstance(found, tuple) or handler.name is None:
                continue
            state, key = found[0], found[1]
            try:
                await app.persistence.update_conversation(handler.name, key, state)
            except Exception:
                # Still away: the persistence tries again with its next write.
                log.warning("could not store the step of %s again", handler.name, exc_info=True)
                return
