"""The scheduler: APScheduler really runs the reminder job, right at start and then again;
and two dispatchers at once (on PostgreSQL) send each reminder once.

PTB runs post_init only in run_polling/run_webhook, so these tests call ``scheduler.start``
and ``scheduler.stop`` themselves. They wait for what the job does, never for a time.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from bench import reminders as bench
from bot.app import build_application
from bot.jobs import remind, scheduler
from bot.services import reminders
from bot.services.reminders import DispatchResult
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.uow import UnitOfWorkFactory
from tests.conftest import NOW, PG_URL, TZ
from tests.fakes import RecordingRequest
from tests.test_reminders import (
    ANNA,
    EVENING,
    MONDAY_EVENING,
    SOON,
    TUESDAY_NOON,
    rows,
    set_up,
    sign_up,
)


async def until(condition: Callable[[], bool], limit: float = 20.0) -> None:
    """Wait until ``condition`` holds (the job runs on its own); fail after ``limit`` s."""
    async with asyncio.timeout(limit):
        while not condition():  # noqa: ASYNC110 - polling what another task does
            await asyncio.sleep(0.01)


async def restart(settings: Settings, moment: datetime) -> list[str]:
    """A fresh process starts at ``moment``: its scheduler runs the job once, then stops.

    Returns what Anna got from it.
    """
    request = RecordingRequest()
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: moment
    async with app:
        await scheduler.start(app, [remind.JOB])
        await until(lambda: app.bot_data.scheduler.runs["reminders"] >= 1)
        await scheduler.stop(app)
    await app.bot_data.engine.dispose()
    return [call.text for call in request.sent(ANNA)]


async def test_after_a_restart_a_still_useful_reminder_goes_out_once_at_start(harness, settings):
    await set_up(harness.data.uow)
    await sign_up(harness.data.uow, ANNA)
    # The bot was down from Monday afternoon; it starts again on Tuesday at 12.30, twice.
    assert await restart(settings, TUESDAY_NOON + timedelta(minutes=30)) == [SOON]
    assert await restart(settings, TUESDAY_NOON + timedelta(minutes=31)) == []
    stored = await rows(harness.data.uow)
    assert [(r.kind, bool(r.sent_at), bool(r.dropped_at)) for r in stored] == [
        ("evening", False, True),
        ("before", True, False),
    ]


async def test_apscheduler_runs_the_job_again_and_again_until_stopped(harness):
    h = harness
    await set_up(h.data.uow)
    await sign_up(h.data.uow, ANNA)
    h.data.settings = h.data.settings.model_copy(update={"reminder_poll_seconds": 0.05})
    h.app.bot_data.clock = lambda: MONDAY_EVENING
    await scheduler.start(h.app, [remind.JOB])
    job = h.data.scheduler.job("reminders")
    assert (job.max_instances, job.coalesce, job.trigger.interval) == (
        2,
        True,
        timedelta(seconds=0.05),
    )
    await until(lambda: h.texts(ANNA) == [EVENING])
    h.app.bot_data.clock = lambda: TUESDAY_NOON
    await until(lambda: h.texts(ANNA) == [EVENING, SOON])
    await scheduler.stop(h.app)
    assert not h.data.scheduler.running
    assert h.texts(ANNA) == [EVENING, SOON]


async def test_stopping_a_scheduler_that_never_started_is_harmless(harness):
    await scheduler.stop(harness.app)
    assert getattr(harness.data, "scheduler", None) is None


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (HJALPSAM_TEST_DATABASE_URL)")
async def test_two_dispatchers_at_once_send_every_reminder_exactly_once(db_url):
    engines = [create_engine(db_url) for _ in range(2)]
    first, second = (UnitOfWorkFactory(create_session_factory(e)) for e in engines)
    try:
        ids = await bench.seed(first, 200, NOW, off_every=0)
        sender = bench.FakeSender()
        total = DispatchResult()
        # Four rounds, each 50 s later than the last: 50 more rows fall due each time.
        for k in range(1, 5):
            now = NOW - timedelta(seconds=200) + timedelta(seconds=50 * k)
            results = await asyncio.gather(
                *(reminders.dispatch(f, sender, now, TZ, batch=7) for f in (first, second))
            )
            total = sum(results, total)
        assert total == DispatchResult(sent=200)
        assert sender.sends == Counter(dict.fromkeys(ids, 1))
        assert all(r.sent_at and r.message_id for r in await rows(first))
    finally:
        for engine in engines:
            await engine.dispose()
