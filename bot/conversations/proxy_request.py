"""A coordinator asks for help on behalf of a resident who has no Telegram."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.context import BotContext
from bot.conversations import common

NAME = "proxy_request"


async def start(update: Update, context: BotContext) -> int:
    """Not built yet: show the menu."""
    return await common.end_to_menu(update, context)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The proxy_request conversation."""
    return ConversationHandler(
        entry_points=[CommandHandler("atnagon", start)],
        states={},
        fallbacks=[],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
