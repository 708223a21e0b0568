"""Queries for broadcasts. They flush but never commit."""

from __future__ import annotations

from storage.repositories import _Repo


class BroadcastRepo(_Repo):
    """Broadcast rows."""
