"""The one rate limiter for everything the bot sends (replies, reminders, broadcasts)."""

from __future__ import annotations

from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.settings import Settings


def build(settings: Settings) -> BaseRateLimiter[Any] | None:
    """The limiter for this bot, or None when outgoing_rate is 0 (tests and benchmarks)."""
    if settings.outgoing_rate <= 0:
        return None
    return AIORateLimiter(
        overall_max_rate=min(settings.outgoing_rate, settings.broadcast_rate, 30),
        overall_time_period=1,
        group_max_rate=20,
        group_time_period=60,
        max_retries=2,
    )
