"""The broadcast outbox job: sends pending deliveries at Telegram's pace, edits the progress.

One delivery per unit of work: the row is claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL),
sent through the bot (so through the one rate limiter) and marked sent with its message id
before the transaction commits. A process killed at any moment leaves every row either sent
and recorded, or pending; only a kill between Telegram's answer and our commit, a window of a
millisecond or two, can send one row twice. A batch per transaction would widen that window
to the whole batch.

Why one at a time is fast enough: the limiter lets a message go every 1/29 s; a send and its
commit take a few milliseconds. And it keeps ordinary replies fast: the outbox never has more
than one message waiting in the limiter, so a reply waits for at most one broadcast message.
The outbox paces itself before it opens the transaction, so on SQLite (one writer at a time)
the write lock is not held while waiting for the limiter.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBDeprecationWarning

from bot.services import broadcasts
from bot.services.broadcasts import Outgoing, Progress
from bot.telegram import ratelimit
from bot.telegram.ratelimit import Pace
from bot.ui import texts

if TYPE_CHECKING:
    from bot.jobs.scheduler import Scheduler

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
# Rows sent between looks at the progress (and at whether to stop).
BATCH = 10
PROGRESS_SECONDS = 2.0  # the progress message is edited about this often ...
PROGRESS_STEP = 0.05  # ... or after this share of the recipients, but never twice a second
PROGRESS_MIN_SECONDS = 1.0


@dataclass
class Shown:
    """What the coordinator's progress message showed last, and when."""

    handled: int = 0
    at: float = 0.0


@dataclass
class Run:
    """One run of the job: what it sent, and what each progress message shows."""

    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    retries: int = 0
    shown: dict[int, Shown] = field(default_factory=dict)


async def send_due(app: App, scheduler: Scheduler) -> None:
    """The job: send every delivery that is due, then close the broadcasts that are done."""
    await deliver(app, lambda: scheduler.stopping)


async def deliver(app: App, stopping: Callable[[], bool]) -> Run:
    """Send until nothing is due or the scheduler stops; returns what this run did."""
    run = Run()
    pace = _pacer(app)
    more = True
    while more and not stopping():
        for _ in range(BATCH):
            if stopping():
                break
            more = await _step(app, run, pace, stopping)
            if not more:
                break
        await _show_progress(app, run)
    return run


def _pacer(app: App) -> Pace | None:
    """The outbox's own pace, the same as the limiter's: it waits *before* its transaction."""
    settings = app.bot_data.settings
    if settings.outgoing_rate <= 0:
        return None
    return Pace(ratelimit.overall_rate(settings))


async def _step(app: App, run: Run, pace: Pace | None, stopping: Callable[[], bool]) -> bool:
    """Send one due delivery; False when there was none."""
    if pace is not None:
        await pace.wait()
    data = app.bot_data
    wait: float | None = None
    async with data.uow() as uow:
        out = await broadcasts.claim_next(uow, data.clock())
        if out is None:
            return False
        try:
            message = await app.bot.send_message(out.chat_id, _render(app, out))
        except RetryAfter as error:
            # Nothing is written: the row stays pending and is sent again after the wait.
            wait = retry_seconds(error)
        except Forbidden:
            log.info("broadcast %s: chat %s blocked the bot", out.broadcast_id, out.chat_id)
            await broadcasts.record_unreachable(uow, out.delivery_id)
            data.locales.pop(out.chat_id, None)  # looked up anew if they come back
            run.unreachable += 1
        except TelegramError as error:
            status = await broadcasts.record_error(uow, out.delivery_id, data.clock())
            log.warning(
                "broadcast %s: delivery %s %s (%s)",
                out.broadcast_id,
                out.delivery_id,
                "failed" if status == "failed" else "will be retried",
                error.__class__.__name__,
            )
            run.failed += status == "failed"
        else:
            await broadcasts.record_sent(uow, out.delivery_id, message.message_id, data.clock())
            run.sent += 1
    if wait is not None:
        run.retries += 1
        log.warning("broadcast: Telegram asks to wait %.1f s", wait)
        await _sleep(wait, stopping)
    return True


def _render(app: App, out: Outgoing) -> str:
    with app.bot_data.catalogs.use(out.locale):
        return texts.broadcast_message(out.text)


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asks us to wait (read without PTB's int-or-timedelta warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(seconds, 0.0) + 0.1


async def _sleep(seconds: float, stopping: Callable[[], bool]) -> None:
    """Sleep, but wake up for a shutdown."""
    end = time.monotonic() + seconds
    for _ in range(math.ceil(seconds / 0.2) + 1):
        left = end - time.monotonic()
        if stopping() or left <= 0:
            return
        await asyncio.sleep(min(left, 0.2))


async def _show_progress(app: App, run: Run) -> None:
    """Edit each coordinator's progress message when due; close the broadcasts that are done."""
    data = app.bot_data
    async with data.uow() as uow:
        states = await broadcasts.sending(uow)
    for progress in states:
        if progress.done:
            async with data.uow() as uow:
                closed = await broadcasts.finish(uow, progress.broadcast_id, data.clock())
            if closed:
                log.info("broadcast %s done: %s", progress.broadcast_id, progress)
                await _edit(app, progress, texts.broadcast_summary)
            continue
        if run.sent + run.unreachable + run.failed and _due(run, progress):
            await _edit(app, progress, texts.broadcast_progress)


def _due(run: Run, progress: Progress) -> bool:
    shown = run.shown.setdefault(progress.broadcast_id, Shown())
    now = time.monotonic()
    if progress.handled == shown.handled or now - shown.at < PROGRESS_MIN_SECONDS:
        return False
    step = progress.handled - shown.handled >= PROGRESS_STEP * max(progress.total, 1)
    if not (step or now - shown.at >= PROGRESS_SECONDS):
        return False
    shown.handled, shown.at = progress.handled, now
    return True


async def _edit(app: App, progress: Progress, render: Callable[[Progress], str]) -> None:
    if progress.chat_id is None or progress.message_id is None:
        return
    with app.bot_data.catalogs.use(progress.locale):
        text = render(progress)
    await app.bot_data.notifier.edit(progress.chat_id, progress.message_id, text)
