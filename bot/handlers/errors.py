"""The one error handler: log with the traceback, tell the person kindly, keep their draft."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import BotContext
from bot.ui import texts

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the error and say sorry; drafts live in the database, so nothing is lost."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
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
