"""The outbound job: sends again the notifications Telegram did not take at once.

Like the broadcast outbox (bot/jobs/send_broadcasts.py), one message per unit of work: the row
is claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), sent through the bot (so through the
retries and the one rate limiter) and recorded before the transaction commits, so a restart
neither loses a row nor, but for a kill in the millisecond between Telegram's answer and the
commit, sends it twice. The job paces itself before it opens the transaction, so on SQLite the
write lock is not held while waiting for the limiter.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.jobs.send_broadcasts import retry_seconds
from bot.services import outbound
from bot.telegram import ratelimit
from bot.telegram.ratelimit import Pace
from bot.telegram.sender import Markup
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.jobs.scheduler import Scheduler

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
    if run.sent or run.unreachable or run.refused or run.given_up:
        log.info("outbound: %s", run)


async def resend(app: App, stopping: Callable[[], bool], batch: int = BATCH) -> Run:
    """Send up to ``batch`` due messages, until none is due, Telegram asks to slow down, or the
    scheduler stops; returns what this run did."""
    run = Run()
    settings = app.bot_data.settings
    pace = Pace(ratelimit.overall_rate(settings)) if settings.outgoing_rate > 0 else None
    for _ in range(batch):
        if stopping():
            break
        if pace is not None:
            await pace.wait()
        if not await _step(app, run):
            break
    async with app.bot_data.uow() as uow:
        app.bot_data.metrics.outbound_depth.set(await uow.health.outbound_depth())
    return run


async def _step(app: App, run: Run) -> bool:
    """Send one due message; False when there was none (or Telegram asks to wait)."""
    data = app.bot_data
    now = data.clock()
    async with data.uow() as uow:
        item = await outbound.claim_next(uow, now)
        if item is None:
            return False
        if outbound.expired(item, now):
            await outbound.give_up(uow, item.id, now)
            log.warning("outbound %s to chat %s: given up after a day", item.id, item.chat_id)
            run.given_up += 1
            return True
        try:
            message = await app.bot.send_message(
                item.chat_id, item.text, reply_markup=restore(item.markup, app.bot)
            )
        except Forbidden:
            log.info("outbound %s: chat %s blocked the bot", item.id, item.chat_id)
            await outbound.record_unreachable(uow, item.id, now)
            data.locales.pop(item.chat_id, None)  # looked up anew if they come back
            run.unreachable += 1
        except (BadRequest, ChatMigrated) as error:
            log.warning("outbound %s: Telegram refused it: %s", item.id, error.message)
            await outbound.record_refused(uow, item.id, now, error.message)
            run.refused += 1
        except RetryAfter as error:
            # The limiter already waited and tried again: leave the rest for a later run.
            wait = timedelta(seconds=retry_seconds(error))
            await _retry_later(uow, item, now, run, "RetryAfter", wait)
            return False
        except TelegramError as error:
            await _retry_later(uow, item, now, run, error.__class__.__name__)
        else:
            await outbound.record_sent(uow, item.id, message.message_id, now)
            run.sent += 1
    return True


async def _retry_later(
    uow: UnitOfWork,
    item: outbound.Pending,
    now: datetime,
    run: Run,
    reason: str,
    wait: timedelta | None = None,
) -> None:
    if await outbound.record_error(uow, item.id, now, reason, wait):
        log.info("outbound %s to chat %s: %s; tried again later", item.id, item.chat_id, reason)
        run.retried += 1
    else:
        log.warning("outbound %s to chat %s: %s; given up", item.id, item.chat_id, reason)
        run.given_up += 1
