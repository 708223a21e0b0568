"""Coordinators send an announcement to many people, each in their own language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.context import BotContext
from bot.conversations import common

NAME = "broadcast"


async def start(update: Update, context: BotContext) -> int:
    """Not built yet: show the menu."""
    return await common.end_to_menu(update, context)


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The broadcast conversation."""
    return ConversationHandler(
        entry_points=[CommandHandler("utskick", start)],
        states={},
        fallbacks=[],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
