"""Queries for escalations. They flush but never commit."""

from __future__ import annotations

from storage.repositories import _Repo


class EscalationRepo(_Repo):
    """Escalation rows."""
