"""The escalation job: alerts coordinators about unclaimed requests, tells residents in time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application

if TYPE_CHECKING:
    from bot.scheduler import Scheduler


async def check_due(app: Application[Any, Any, Any, Any, Any, Any], scheduler: Scheduler) -> None:
    """Alert and expire what is due (filled in with the escalations)."""
