"""Queries for reports. They flush but never commit."""

from __future__ import annotations

from storage.repositories import _Repo


class ReportRepo(_Repo):
    """Report rows."""
