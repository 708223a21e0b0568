"""``hjalpsam report --from --to --out DIR``: the report as PNG charts and CSV files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.settings import Settings


def write_report(settings: Settings, start: date, end: date, out: Path) -> int:
    """Write the report; the exit code (filled in with the reports)."""
    return 0
