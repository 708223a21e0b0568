"""Turning meeting-place reminders off and on again."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the reminder buttons and command."""
