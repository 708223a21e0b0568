"""/rapport: the figures that show what the work achieves, as charts and CSV."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the handlers (filled in later)."""
