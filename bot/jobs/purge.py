"""The retention job: runs every few hours; each run removes what has passed the limit."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.jobs.scheduler import Job, Scheduler
from bot.services import retention


async def purge_old(app: Application[Any, Any, Any, Any, Any, Any], scheduler: Scheduler) -> None:
    """Blank old closed requests; drop abandoned drafts and old saved locations."""
    data = app.bot_data
    now, days = data.clock(), data.settings.retention_days
    async with data.uow() as uow:
        await retention.purge(uow, now, days)
        await retention.forget_abandoned(uow, now, days)
    # The running bot holds its own copy of user data and would write the location back.
    cutoff = retention.abandoned_before(now, days)
    for kept in app.user_data.values():
        retention.drop_old_location(kept, cutoff)


# Idempotent, so "nightly" is simply: every six hours.
JOB = Job("retention", purge_old, lambda s: 6 * 3600.0)
