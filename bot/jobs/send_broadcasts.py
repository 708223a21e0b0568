"""The broadcast outbox job: sends pending deliveries at Telegram's pace, edits the progress.

One delivery per unit of work: the job takes its slot in the limiter's broadcast lane (so
every reply and alert goes first, and no database lock is held while it waits), claims a row
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), sends it, and records what became of it before the
transaction commits, with nothing awaited in between but the commit itself. A process killed
at any moment leaves every row either sent and recorded, or pending; only a kill between
Telegram's answer and the end of our commit can send one row twice, so delivery is *at least
once* (the window is measured in bench/README.md). A batch per transaction would widen that
window to the whole batch.

Why one at a time is fast enough: the limiter lets a message go every 1/29 s; a send and its
commit take a few milliseconds.

The coordinator's summary is edited in before the broadcast is marked done: a stop in between
edits it again after the restart, and never leaves it half-way.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application

from bot.jobs.scheduler import Job, Scheduler
from bot.services import broadcasts
from bot.services.broadcasts import Outgoing, Progress
from bot.telegram.ratelimit import Lane, slot
from bot.telegram.sender import Delivery, Kind
from bot.ui import texts

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
    more = True
    while more and not stopping():
        for _ in range(BATCH):
            if stopping():
                break
            more = await _step(app, run, stopping)
            if not more:
                break
        await _show_progress(app, run)
    return run


async def _step(app: App, run: Run, stopping: Callable[[], bool]) -> bool:
    """Send one due delivery; False when there was none."""
    data = app.bot_data
    async with slot(app.bot, Lane.BROADCAST), data.uow() as uow:
        out = await broadcasts.claim_next(uow, data.clock())
        if out is None:
            return False
        sent = await data.notifier.attempt(out.chat_id, _render(app, out))
        now = data.clock()
        if sent.kind is Kind.SENT:
            assert sent.message is not None
            await broadcasts.record_sent(uow, out.delivery_id, sent.message.message_id, now)
            run.sent += 1
        elif sent.kind is Kind.UNREACHABLE:
            await broadcasts.record_unreachable(uow, out.delivery_id)
            run.unreachable += 1
        elif sent.retry_after is None:
            final = sent.kind is Kind.FINAL
            status = await broadcasts.record_error(uow, out.delivery_id, now, final=final)
            run.failed += status == "failed"
        # else Telegram asks to wait: nothing is written, the row stays pending.
    if sent.kind is not Kind.SENT:
        log.info("broadcast %s to chat %s: %s", out.broadcast_id, out.chat_id, sent.reason)
    if sent.retry_after is not None:
        run.retries += 1
        await _sleep(sent.retry_after, stopping)
    return True


def _render(app: App, out: Outgoing) -> str:
    with app.bot_data.catalogs.use(out.locale):
        return texts.broadcast_message(out.text)


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
            # The summary first: a stop before the mark means it is edited in again, and so
            # does an edit that failed for now (it is tried again at the next run).
            edited = await _edit(app, progress, texts.broadcast_summary)
            if edited is not None and edited.kind is Kind.RETRY:
                continue
            async with data.uow() as uow:
                if await broadcasts.finish(uow, progress.broadcast_id, data.clock()):
                    log.info("broadcast %s done: %s", progress.broadcast_id, progress)
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


async def _edit(
    app: App, progress: Progress, render: Callable[[Progress], str]
) -> Delivery | None:
    if progress.chat_id is None or progress.message_id is None:
        return None
    with app.bot_data.catalogs.use(progress.locale):
        text = render(progress)
    edited: Delivery = await app.bot_data.notifier.edit(
        progress.chat_id, progress.message_id, text
    )
    return edited


JOB = Job("broadcasts", send_due, lambda s: 1.0, Lane.BROADCAST)
