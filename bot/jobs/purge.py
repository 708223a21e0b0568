"""The retention job: runs every few hours; each run blanks what has passed the limit."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.jobs.scheduler import Job, Scheduler
from bot.services import retention


async def purge_old(app: Application[Any, Any, Any, Any, Any, Any], scheduler: Scheduler) -> None:
    """Blank the personal details of requests closed longer ago than the retention period."""
    data = app.bot_data
    async with data.uow() as uow:
        await retention.purge(uow, data.clock(), data.settings.retention_days)


# Idempotent, so "nightly" is simply: every six hours.
JOB = Job("retention", purge_old, lambda s: 6 * 3600.0)
