"""The volunteer's time on a task, asked when it is marked done."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers.buttons import Refused, act
from bot.services import hours
from bot.services.errors import Duplicate, NotFound
from bot.ui import texts
from bot.ui.callbacks import Callback, pattern
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def _answer(uow: UnitOfWork, user: int, data: Callback, now: datetime) -> hours.Minutes:
    try:
        request_id = data.id
        minutes = data.id2 if data.action == "set" else None
    except ValueError:
        raise NotFound("button") from None
    return await hours.answer(uow, user, request_id, minutes, now)


async def answered(update: Update, context: BotContext) -> None:
    """Store the volunteer's time (or keep the guess) and thank them in the same message."""
    result = await act(update, context, _answer, {Duplicate: texts.hours_already_saved})
    if isinstance(result, Refused):
        return
    query = update.callback_query
    await query.answer()
    try:
        await query.edit_message_text(texts.hours_saved(result.minutes))
    except TelegramError:
        log.debug("could not edit the hours question of request %s", result.request_id)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The answer buttons under "about how long did it take?"."""
    app.add_handler(CallbackQueryHandler(answered, pattern=pattern("hrs")))
