"""The outbound job: sends again the notifications Telegram did not take at once.

Like the broadcast outbox (bot/jobs/send_broadcasts.py), one message per unit of work: the job
takes its slot in the limiter (the alert lane) before it opens the transaction, claims the row
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), sends it through the one sender and records what
became of it before the transaction commits, with nothing awaited in between but the commit.
A restart neither loses a row nor, but for a kill during that commit, sends it twice.

A row with ``edit_message_id`` edits that message instead (the edit that strips an address when
a task ends). A holder's address message goes only while its task is still held.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup
from telegram.ext import Application

from bot.jobs.scheduler import Job, Scheduler
from bot.services import outbound
from bot.telegram.ratelimit import Lane, slot
from bot.telegram.sender import Delivery, Kind, Markup, Notifier

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
BATCH = 50  # at most this many messages a run; the next run comes a few seconds later
INTERVAL = 5.0  # seconds between runs


@dataclass
class Run:
    """What one run of the job did."""

    sent: int = 0
    unreachable: int = 0
    refused: int = 0
    retried: int = 0
    given_up: int = 0
    dropped: int = 0  # a holder's address message whose task ended before it could go


def restore(markup: str | None, bot: Bot | None = None) -> Markup:
    """The reply markup from the Telegram JSON that ``markup.to_json()`` wrote."""
    if not markup:
        return None
    data = json.loads(markup)
    if "inline_keyboard" in data:
        return InlineKeyboardMarkup.de_json(data, bot)
    return ReplyKeyboardMarkup.de_json(data, bot)


async def send_due(app: App, scheduler: Scheduler) -> None:
    """The job: send every queued message that is due."""
    run = await resend(app, lambda: scheduler.stopping)
    if run.sent or run.unreachable or run.refused or run.given_up or run.dropped:
        log.info("outbound: %s", run)


async def resend(app: App, stopping: Callable[[], bool], batch: int = BATCH) -> Run:
    """Send up to ``batch`` due messages, until none is due, Telegram asks to slow down, or the
    scheduler stops; returns what this run did."""
    run = Run()
    for _ in range(batch):
        if stopping() or not await _step(app, run):
            break
    async with app.bot_data.uow() as uow:
        app.bot_data.metrics.outbound_depth.set(await uow.health.outbound_depth())
    return run


async def _step(app: App, run: Run) -> bool:
    """Send one due message; False when there was none (or Telegram asks to wait)."""
    data = app.bot_data
    now = data.clock()
    async with slot(app.bot, Lane.ALERT), data.uow() as uow:
        item = await outbound.claim_next(uow, now)
        if item is None:
            return False
        if outbound.expired(item, now):
            await outbound.give_up(uow, item.id, now)
            log.warning("outbound %s to chat %s: given up after a day", item.id, item.chat_id)
            run.given_up += 1
            return True
        if not await outbound.still_wanted(uow, item, now):
            log.info("outbound %s to chat %s: its task has ended; dropped", item.id, item.chat_id)
            run.dropped += 1
            return True
        sent = await _attempt(app, item)
        if sent.kind is Kind.SENT:
            message_id = sent.message.message_id if sent.message else item.edit_message_id
            assert message_id is not None
            await outbound.record_sent(uow, item.id, message_id, now)
            run.sent += 1
        elif sent.kind is Kind.UNREACHABLE:
            await outbound.record_unreachable(uow, item.id, now)
            run.unreachable += 1
        elif sent.kind is Kind.FINAL:
            await outbound.record_refused(uow, item.id, now, sent.reason)
            run.refused += 1
        elif await outbound.record_error(uow, item.id, now, sent.reason, sent.retry_after):
            run.retried += 1
        else:
            run.given_up += 1
    if not sent.sent:
        log.info("outbound %s to chat %s: %s", item.id, item.chat_id, sent.reason)
    # After a 429 the limiter has waited and tried already: the rest waits for a later run.
    return sent.retry_after is None


async def _attempt(app: App, item: outbound.Pending) -> Delivery:
    """Send the queued message, or make the queued edit, once."""
    markup = restore(item.markup, app.bot)
    notifier: Notifier = app.bot_data.notifier
    if item.edit_message_id is None:
        return await notifier.attempt(item.chat_id, item.text, markup)
    inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
    return await notifier.attempt_edit(item.chat_id, item.edit_message_id, item.text, inline)


# Notifications Telegram did not take at once (bot/telegram/sender.py).
JOB = Job("outbound", send_due, lambda s: INTERVAL, Lane.ALERT)
