"""The command line's meeting places: ``hjalpsam import FILE``, ``export``, ``demo-data``."""

from __future__ import annotations

import asyncio
import csv
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tqdm import tqdm

from bot.cli.db import units
from bot.services.place_export import export
from bot.services.place_import import COLUMNS, RowProblem, import_text, read
from bot.settings import Settings
from bot.ui import texts

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "places.csv"


def import_file(settings: Settings, path: Path) -> int:
    """Import a CSV file with a progress bar; print each bad row with its line and reason."""
    try:
        text = path.read_text(encoding="utf-8")
        total = len(read(text))
    except (OSError, UnicodeDecodeError):
        print(texts.cli_cannot_read(str(path)), file=sys.stderr)
        return 2
    except RowProblem as problem:
        print(str(problem), file=sys.stderr)
        return 2
    return asyncio.run(_import(settings, text, total))


async def _import(settings: Settings, text: str, total: int) -> int:
    # Like `admin`, an import may be the first thing done with a new SQLite file.
    async with units(settings, create=True) as uow:
        with tqdm(
            total=total, unit=texts.cli_rows_unit(), file=sys.stderr, disable=total < 2
        ) as bar:
            report = await import_text(
                uow, text, ZoneInfo(settings.timezone), datetime.now(UTC), progress=bar.update
            )
    for line, reason in report.errors:
        print(texts.cli_bad_row(line, reason), file=sys.stderr)
    print(texts.cli_import_done(report.rows, report.places, report.activities, len(report.errors)))
    return 1 if report.errors and len(report.errors) == report.rows else 0


def export_dir(settings: Settings, out: Path) -> int:
    """Write places.csv (the import format) and ics/<place>.ics into ``out``."""
    rows, feeds = asyncio.run(_export(settings))
    (out / "ics").mkdir(parents=True, exist_ok=True)
    with (out / "places.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    for key, body in feeds.items():
        (out / "ics" / f"{key}.ics").write_bytes(body)
    print(texts.cli_export_done(len(rows), len(feeds), str(out)))
    return 0


async def _export(settings: Settings) -> tuple[list[dict[str, str]], dict[str, bytes]]:
    async with units(settings) as uow, uow() as work:
        return await export(work, ZoneInfo(settings.timezone))
