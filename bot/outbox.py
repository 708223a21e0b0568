"""The broadcast outbox job: sends pending deliveries at Telegram's pace, edits the progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application

if TYPE_CHECKING:
    from bot.scheduler import Scheduler


async def send_due(app: Application[Any, Any, Any, Any, Any, Any], scheduler: Scheduler) -> None:
    """Send what is pending (filled in with the broadcasts)."""
