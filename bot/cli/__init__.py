"""The command line, one module per command group: ``run``, ``db``, ``admin``, ``places``
(import, export, demo-data), ``report``, ``privacy-record`` and ``transcribe``.

:func:`main` reads the settings once and hands them to the command. Each command's module is
imported only when that command runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from bot.settings import Settings

# A schema behind (or ahead of) the code: the operator runs `hjalpsam db upgrade` first.
SCHEMA_NOT_READY = 5


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hjalpsam`` console script and ``python -m bot``."""
    args = _parser().parse_args(argv)
    _quiet_logging()
    try:
        settings = Settings()
    except ValidationError as error:
        print(_setting_problem(error), file=sys.stderr)
        return 2
    from bot.cli.db import SchemaNotReady
    from bot.i18n import Catalogs

    Catalogs(settings.default_locale).activate(settings.default_locale)
    try:
        return _dispatch(settings, args)
    except SchemaNotReady as not_ready:
        print(not_ready.line(), file=sys.stderr)
        return SCHEMA_NOT_READY


def _dispatch(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "run":
        from bot.cli.run import run

        return run(settings)
    if args.command == "db":
        from bot.cli.db import upgrade_command

        return upgrade_command(settings)
    if args.command == "admin":
        from bot.cli import admin

        if args.admin_command == "add-coordinator":
            return admin.add_coordinator(settings, args.telegram_id, args.organisation)
        if args.admin_command == "remove-coordinator":
            return admin.remove_coordinator(settings, args.telegram_id)
        if args.admin_command == "suspend":
            return admin.suspend(settings, args.telegram_id, args.reason)
        if args.admin_command == "reinstate":
            return admin.reinstate(settings, args.telegram_id)
        return admin.add_area(settings, args.name)
    if args.command in ("import", "demo-data"):
        from bot.cli.places import DEMO_FILE, import_file

        return import_file(settings, args.file if args.command == "import" else DEMO_FILE)
    if args.command == "export":
        from bot.cli.places import export_dir

        return export_dir(settings, args.out)
    if args.command == "report":
        from bot.cli.report import write_report

        return write_report(settings, args.start, args.end, args.out)
    if args.command == "privacy-record":
        from bot.cli.privacy import print_record

        return print_record(settings)
    from bot.cli.transcribe import transcribe_file

    return transcribe_file(settings, args.file, args.language, args.parse)


def _setting_problem(error: ValidationError) -> str:
    """The first bad setting by its environment name, without its value (it may be a secret)."""
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "?"
    return f"hjalpsam: setting HJALPSAM_{name.upper()}: {first['msg']}"


def _quiet_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler logs every poll of the reminder job at INFO.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hjalpsam", description="Hjälpsam Telegram bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling, or webhook when configured)")
    db = commands.add_parser("db", help="database tasks")
    db.add_argument("action", choices=["upgrade"])
    admin = commands.add_parser("admin", help="administration")
    admin_cmds = admin.add_subparsers(dest="admin_command", required=True)
    add_coord = admin_cmds.add_parser("add-coordinator", help="make a Telegram user coordinator")
    add_coord.add_argument("telegram_id", type=int)
    kind = add_coord.add_mutually_exclusive_group()
    kind.add_argument(
        "--municipal",
        action="store_true",
        help="the municipality's coordinator, responsible for residents (the default)",
    )
    kind.add_argument(
        "--organisation",
        help="the organisation they coordinate for (its volunteers, places and activities)",
    )
    remove_coord = admin_cmds.add_parser(
        "remove-coordinator", help="take the coordinator role away"
    )
    remove_coord.add_argument("telegram_id", type=int)
    suspend = admin_cmds.add_parser(
        "suspend", help="stop a volunteer at once: no offers, and their tasks open again"
    )
    suspend.add_argument("telegram_id", type=int)
    suspend.add_argument("--reason", help="why (seen by coordinators only)")
    reinstate = admin_cmds.add_parser("reinstate", help="let a stopped volunteer in again")
    reinstate.add_argument("telegram_id", type=int)
    add_area = admin_cmds.add_parser("add-area", help="add an area")
    add_area.add_argument("name")
    importer = commands.add_parser("import", help="import meeting places from a CSV file")
    importer.add_argument("file", type=Path)
    exporter = commands.add_parser("export", help="write places.csv and an .ics feed per place")
    exporter.add_argument("--out", type=Path, default=Path("export"))
    commands.add_parser("demo-data", help="load a sample municipality's meeting places")
    report = commands.add_parser("report", help="write the report (PNG charts and CSV) to DIR")
    report.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    report.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    report.add_argument("--out", type=Path, default=Path("report"))
    commands.add_parser(
        "privacy-record", help="print the record of processing (GDPR Art. 30) as Markdown"
    )
    transcribe = commands.add_parser("transcribe", help="print what the bot hears in FILE")
    transcribe.add_argument("file", type=Path, help="a recording: .ogg, .opus, .mp3, .m4a or .wav")
    transcribe.add_argument(
        "--parse", action="store_true", help="print JSON: the text, category and time heard"
    )
    transcribe.add_argument("--language", choices=["sv", "en"], default="sv")
    return parser
