"""APScheduler runs the periodic jobs; each job polls its own rows in the database.

The rows are the truth; the scheduler only polls. A job's first run is right at start, so what
fell due while the bot was down goes out (or, if too late to help, is dropped) at once.

Every job is a ``Job``: a name, ``run(app, scheduler)``, how often, and the limiter lane its
messages go in. ``run`` checks ``scheduler.stopping`` between batches and leaves every batch it
began recorded. Stopping is graceful: no new run starts, and the runs under way get
``STOP_GRACE`` seconds to finish and record themselves before APScheduler is shut down (which
would cancel them in the middle of a send).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.job import Job as ApsJob
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.ratelimit import Lane, in_lane

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
STOP_GRACE = 10.0  # seconds the running jobs get to finish when the bot stops


@dataclass(frozen=True)
class Job:
    """A periodic job: ``run(app, scheduler)`` every ``seconds(settings)`` seconds, sending in
    ``lane``."""

    name: str
    run: Callable[[App, Scheduler], Awaitable[object]]
    seconds: Callable[[Settings], float]
    lane: Lane = Lane.ALERT


class Scheduler:
    """APScheduler with our jobs, one run of each at a time. Kept on BotData."""

    def __init__(self, app: App, jobs: Sequence[Job] = ()) -> None:
        self._app = app
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._stopping = False
        self._jobs = list(jobs)
        # Held while a job runs, so that stopping can wait for its batch to be recorded.
        self._running: dict[str, asyncio.Lock] = {}
        self.runs: Counter[str] = Counter()  # finished runs per job (health checks, tests)

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    def job(self, name: str) -> ApsJob | None:
        return self._aps.get_job(name)

    def start(self) -> None:
        for job in self._jobs:
            self._aps.add_job(
                self._runner(job),
                "interval",
                seconds=job.seconds(self._app.bot_data.settings),
                id=job.name,
                # A second instance returns at once while a run is under way (below), instead
                # of APScheduler logging a warning for every skipped tick of a long broadcast.
                max_instances=2,
                coalesce=True,
                misfire_grace_time=None,
                next_run_time=datetime.now(UTC),
            )
        self._aps.start()

    def _runner(self, job: Job) -> Callable[[], Awaitable[None]]:
        lock = self._running.setdefault(job.name, asyncio.Lock())

        async def run() -> None:
            if self._stopping or lock.locked():
                return
            async with lock:
                try:
                    with in_lane(job.lane):
                        await job.run(self._app, self)
                except Exception:  # one bad run must not stop the job for good
                    log.exception("job %s failed; it runs again at the next interval", job.name)
                self.runs[job.name] += 1

        return run

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """No new runs; wait (at most ``grace`` s) for those under way; then shut down."""
        self._stopping = True
        if self._aps.running:
            self._aps.pause()
        try:
            async with asyncio.timeout(grace):
                for lock in self._running.values():
                    async with lock:
                        pass
        except TimeoutError:
            busy = [name for name, lock in self._running.items() if lock.locked()]
            log.warning("jobs %s did not finish within %s s of the stop", busy, grace)
        if self._aps.running:
            self._aps.shutdown(wait=False)
            await asyncio.sleep(0)  # APScheduler shuts down in a callback on the loop


async def start(app: App, jobs: Sequence[Job] = ()) -> None:
    """Start the periodic jobs (post_init)."""
    scheduler = Scheduler(app, jobs)
    app.bot_data.scheduler = scheduler
    scheduler.start()


async def stop(app: App) -> None:
    """Stop them (post_stop: while the bot can still send), after the runs under way."""
    scheduler = getattr(app.bot_data, "scheduler", None)
    if scheduler is not None:
        await scheduler.stop()
