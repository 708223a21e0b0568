"""The volunteer's time on a task, asked when it is marked done."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the handlers (filled in later)."""
