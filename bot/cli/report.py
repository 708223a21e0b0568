"""``hjalpsam report --from --to --out DIR``: the report as a PNG chart and a CSV file."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli.db import units
from bot.services import reports
from bot.settings import Settings
from bot.ui import report_files, texts


def write_report(settings: Settings, start: date, end: date, out: Path) -> int:
    """Write report.png and report.csv for the days ``start`` to ``end`` (both included)."""
    try:
        period = reports.days(start, end, ZoneInfo(settings.timezone))
    except ValueError:
        print(texts.cli_report_backwards(), file=sys.stderr)
        return 2
    report = asyncio.run(_build(settings, period))
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.png").write_bytes(report_files.report_png(report))
    (out / "report.csv").write_bytes(report_files.report_csv(report))
    print(texts.cli_report_written(str(out)))
    return 0


async def _build(settings: Settings, period: reports.Period) -> reports.Report:
    async with units(settings) as uow, uow() as work:
        return await reports.for_command_line(work, period, datetime.now(UTC))
