"""Residents find a meeting place near them and sign up for a date."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.context import BotContext
from bot.conversations import common

NAME = "find_place"


async def start(update: Update, context: BotContext) -> int:
    """Not built yet: show the menu."""
    return await common.end_to_menu(update, context)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The find_place conversation."""
    return ConversationHandler(
        entry_points=[CommandHandler("motesplats", start)],
        states={},
        fallbacks=[],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
