"""The retention job: runs every few hours; each run blanks what has passed the limit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application

from bot.services import retention

if TYPE_CHECKING:
    from bot.jobs.scheduler import Scheduler


async def purge_old(app: Application[Any, Any, Any, Any, Any, Any], scheduler: Scheduler) -> None:
    """Blank the personal details of requests closed longer ago than the retention period."""
    data = app.bot_data
    async with data.uow() as uow:
        await retention.purge(uow, data.clock(), data.settings.retention_days)
