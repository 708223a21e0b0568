"""APScheduler: short periodic jobs that send due work (reminders) from the database.

The rows are the truth; the scheduler only polls. Its first run is right at start, so what fell
due while the bot was down goes out (or, if too late to help, is dropped) at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.job import Job as ApsJob
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Message
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.jobs.send_broadcasts import retry_seconds
from bot.services import reminders
from bot.services.reminders import DispatchResult, ReminderView
from bot.settings import Settings
from bot.ui import keyboards, texts

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
REMINDERS_JOB = "reminders"


async def send_reminder(app: App, view: ReminderView) -> int | None:
    """Send one reminder in its reader's language; the message id, or None if not delivered.

    Not through ``Notifier.send``: it records a blocked bot in a unit of work of its own, which
    on SQLite would wait for the dispatcher's open transaction. The dispatcher records it in
    its own transaction instead, when told so by ``Unreachable``.
    """
    data = app.bot_data
    chat_id = view.recipient.telegram_id
    if chat_id is None:
        return None
    with data.catalogs.use(view.recipient.locale):
        text, markup = texts.reminder(view, data.tz), keyboards.reminders.reminder(view)
    try:
        message: Message = await app.bot.send_message(chat_id, text, reply_markup=markup)
    except Forbidden:
        log.info("reminder %s: the person blocked the bot; marked unreachable", view.id)
        data.locales.pop(chat_id, None)  # so that their next message is looked up anew
        raise reminders.Unreachable() from None
    except RetryAfter as error:
        log.warning("reminder %s: Telegram asks to wait %.0f s", view.id, retry_seconds(error))
        raise reminders.NotNow() from error
    except TelegramError as error:
        log.warning("reminder %s could not be sent: %s", view.id, error.__class__.__name__)
        return None
    return message.message_id


class Scheduler:
    """APScheduler with one job that sends the reminders that are due. Kept on BotData."""

    def __init__(self, app: App, jobs: Sequence[Job] = ()) -> None:
        self._app = app
        self._aps = AsyncIOScheduler(timezone=UTC)
        # Held while a dispatch runs, so that stopping waits for its batch to be recorded.
        self._busy = asyncio.Lock()
        self._stopping = False
        self.runs = 0  # finished runs of the reminder job (for health checks and tests)
        # Other periodic jobs (broadcasts, escalations): each polls its own rows.
        self._jobs = list(jobs)
        self._running: dict[str, asyncio.Lock] = {}

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    @property
    def reminders_job(self) -> ApsJob | None:
        return self._aps.get_job(REMINDERS_JOB)

    def start(self) -> None:
        self._aps.add_job(
            self.send_reminders,
            "interval",
            seconds=self._app.bot_data.settings.reminder_poll_seconds,
            id=REMINDERS_JOB,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )
        for job in self._jobs:
            self._aps.add_job(
                self._runner(job),
                "interval",
                seconds=job.seconds(self._app.bot_data.settings),
                id=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                next_run_time=datetime.now(UTC),
            )
        self._aps.start()

    def _runner(self, job: Job) -> Callable[[], Awaitable[None]]:
        lock = self._running.setdefault(job.name, asyncio.Lock())

        async def run() -> None:
            if self._stopping:
                return
            async with lock:
                try:
                    await job.run(self._app, self)
                except Exception:  # one bad run must not stop the job for good
                    log.exception("job %s failed; it runs again at the next interval", job.name)

        return run

    async def stop(self) -> None:
        self._stopping = True
        if self._aps.running:
            self._aps.shutdown(wait=False)
            await asyncio.sleep(0)  # APScheduler shuts down in a callback on the loop
        async with self._busy:
            pass
        for lock in self._running.values():
            async with lock:
                pass

    async def send_reminders(self) -> DispatchResult:
        """The job: send (or drop) every reminder due now."""
        if self._stopping:
            return DispatchResult()
        data = self._app.bot_data
        async with self._busy:
            result = await reminders.dispatch(
                data.uow,
                lambda view: send_reminder(self._app, view),
                data.clock(),
                data.tz,
                data.reminder_policy,
                stopping=lambda: self._stopping,
            )
            self.runs += 1
        if result.handled:
            log.info(
                "reminders: %s sent, %s dropped, %s not delivered",
                result.sent,
                result.dropped,
                result.failed,
            )
        return result


@dataclass(frozen=True)
class Job:
    """A periodic job: ``run(app, scheduler)`` every ``seconds(settings)`` seconds.

    ``run`` should check ``scheduler.stopping`` between batches and leave every batch it began
    recorded: stopping waits for it.
    """

    name: str
    run: Callable[[App, Scheduler], Awaitable[object]]
    seconds: Callable[[Settings], float]


async def start(app: App, jobs: Sequence[Job] = ()) -> None:
    """Start the periodic jobs (post_init)."""
    scheduler = Scheduler(app, jobs)
    app.bot_data.scheduler = scheduler
    scheduler.start()


async def stop(app: App) -> None:
    """Stop them (post_shutdown), after a batch in flight has been recorded."""
    scheduler = app.bot_data.scheduler
    if scheduler is not None:
        await scheduler.stop()
