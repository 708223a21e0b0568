"""APScheduler: short periodic jobs that send due work (reminders) from the database."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


async def start(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Start the periodic jobs (post_init)."""


async def stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop them (post_shutdown)."""
