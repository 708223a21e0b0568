"""Unclaimed requests: a coordinator assigns a volunteer or calls the resident.

The volunteer asked answers yes or no.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the handlers (filled in later)."""
