"""/rapport: the figures that show what the work achieves, as a chart and a CSV file."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.context import BotContext
from bot.handlers.buttons import Refused, act
from bot.services import reports
from bot.services.errors import NotAllowed
from bot.ui import keyboards, report_files, texts
from bot.ui.callbacks import pattern
from bot.ui.labels import LabelFilter

log = logging.getLogger(__name__)


async def choose_period(update: Update, context: BotContext) -> None:
    """Ask a coordinator which period the report should cover."""
    message = update.effective_message
    try:
        async with context.uow() as uow:
            await reports.may_report(uow, update.effective_user.id, context.now())
    except NotAllowed:
        await message.reply_text(texts.not_allowed())
        return
    await message.reply_text(
        texts.report_choose_period(), reply_markup=keyboards.reports.periods()
    )


def _files(report: reports.Report) -> tuple[bytes, bytes]:
    """The chart and the CSV; drawing takes a moment, so this runs in a worker thread."""
    return report_files.report_png(report), report_files.report_csv(report)


async def send_report(update: Update, context: BotContext) -> None:
    """Make the report of the chosen period and send the chart and the CSV file."""
    tz = context.tz
    report = await act(
        update,
        context,
        lambda uow, user, data, now: reports.for_coordinator(
            uow, user, reports.period(data.action, now, tz), now
        ),
    )
    if isinstance(report, Refused):
        return
    query = update.callback_query
    await query.answer()
    try:
        await query.edit_message_text(texts.report_making())
    except TelegramError:
        log.debug("could not edit the period question")
    # The worker thread gets a copy of this context, so the labels are in the reader's language.
    png, csv = await asyncio.to_thread(_files, report)
    name = f"hjalpsam-{report.period.first.isoformat()}-{report.period.last.isoformat()}"
    chat_id = update.effective_chat.id
    await context.bot.send_photo(
        chat_id, photo=png, caption=texts.report_caption(report), filename=f"{name}.png"
    )
    await context.bot.send_document(chat_id, document=csv, filename=f"{name}.csv")
    log.info("report for %s..%s sent", report.period.first, report.period.last)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """/rapport, the menu button and the period buttons (the service checks the role)."""
    app.add_handler(CommandHandler(["rapport", "report"], choose_period))
    app.add_handler(MessageHandler(LabelFilter("menu.report"), choose_period))
    app.add_handler(CallbackQueryHandler(send_report, pattern=pattern("rep")))
