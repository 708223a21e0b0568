"""Someone sending very many messages gets one calm answer and is ignored for a short while."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.services.flood import DROP, WARN
from bot.ui import texts

log = logging.getLogger(__name__)


async def guard(update: Update, context: BotContext) -> None:
    """Count the sender's updates; past the limit, answer once and then ignore them."""
    user = update.effective_user
    if user is None:
        return
    # Real elapsed time, not the bot's clock (which tests fix).
    verdict = context.data.flood.check(user.id, time.monotonic())
    if verdict == WARN:
        log.info("flood control: user %s paused", user.id)
        chat = update.effective_chat
        if chat is not None and chat.type == "private":
            await context.bot.send_message(chat.id, texts.slow_down())
    if verdict in (WARN, DROP):
        if update.callback_query is not None:
            await update.callback_query.answer()
        raise ApplicationHandlerStop
