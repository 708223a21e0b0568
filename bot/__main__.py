"""Command line: ``hjalpsam run | db upgrade | admin … | import FILE | demo-data | transcribe``.

Settings are read here, once, and passed down.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from bot.settings import Settings

log = logging.getLogger("hjalpsam")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hjalpsam", description="Hjälpsam Telegram bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling)")
    db = commands.add_parser("db", help="database tasks")
    db.add_argument("action", choices=["upgrade"])
    admin = commands.add_parser("admin", help="administration")
    admin_cmds = admin.add_subparsers(dest="admin_command", required=True)
    add_coord = admin_cmds.add_parser("add-coordinator", help="make a Telegram user coordinator")
    add_coord.add_argument("telegram_id", type=int)
    add_coord.add_argument(
        "--organisation", help="the organisation they coordinate for (they vet its volunteers)"
    )
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
    transcribe = commands.add_parser("transcribe", help="print what the bot hears in FILE")
    transcribe.add_argument("file", type=Path, help="a voice note: OGG/Opus, WAV or MP3")
    transcribe.add_argument(
        "--parse", action="store_true", help="print JSON: the text, category and time heard"
    )
    transcribe.add_argument("--language", choices=["sv", "en"], default="sv")
    return parser


def _load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        print(f"hjalpsam: setting HJALPSAM_{field.upper()}: {first['msg']}", file=sys.stderr)
        raise SystemExit(2) from None


def _upgrade(settings: Settings) -> None:
    from storage.migrate import upgrade

    upgrade(settings.database_url)


def _run(settings: Settings) -> int:
    from telegram import Update

    from bot.app import build_application
    from bot.i18n import Catalogs
    from bot.ui import texts
    from storage.db import is_sqlite
    from storage.instance import AlreadyRunning, InstanceLock

    Catalogs(settings.default_locale).activate(settings.default_locale)
    problem = settings.token_problem()
    if problem is not None:
        print(texts.cli_bad_token(problem), file=sys.stderr)
        return 2
    problem = asyncio.run(_reach_telegram(settings))
    if problem is not None:
        print(problem, file=sys.stderr)
        return 3
    if is_sqlite(settings.database_url):
        _upgrade(settings)
    lock = InstanceLock(settings.database_url)
    try:
        lock.acquire(on_wait=lambda: log.warning(texts.cli_standby()))
    except AlreadyRunning:
        print(texts.cli_already_running(), file=sys.stderr)
        return 4
    app = build_application(settings)
    if settings.webhook_url:
        from bot.telegram.web import serve_webhook

        log.info("Hjälpsam starts (webhook)")
        asyncio.run(serve_webhook(app, settings))
        return 0
    log.info("Hjälpsam starts (long polling)")
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


async def _reach_telegram(settings: Settings) -> str | None:
    """Ask Telegram who we are once, so a wrong token or no network is one clear line."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError

    from bot.ui import texts

    bot = Bot(settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url)
    try:
        async with bot:
            return None
    except InvalidToken:
        return texts.cli_token_rejected()
    except NetworkError:
        return texts.cli_unreachable(settings.telegram_api_url)


async def _admin(settings: Settings, args: argparse.Namespace) -> str:
    from datetime import UTC, datetime

    from bot.services import organisations, people
    from bot.services.errors import Duplicate
    from bot.ui import texts
    from storage.db import create_engine, create_session_factory
    from storage.uow import UnitOfWorkFactory

    engine = create_engine(settings.database_url)
    uow = UnitOfWorkFactory(create_session_factory(engine))
    now = datetime.now(UTC)
    try:
        async with uow() as work:
            if args.admin_command == "add-coordinator":
                organisation = None
                if args.organisation:
                    organisation = await organisations.named(work, args.organisation)
                await people.add_coordinator(work, args.telegram_id, now, organisation)
                return texts.cli_coordinator_added(args.telegram_id)
            try:
                area = await people.add_area(work, None, args.name, now)
            except Duplicate:
                return texts.cli_area_exists(" ".join(args.name.split()))
            return texts.area_added(area.name)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hjalpsam`` console script and ``python -m bot``."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler logs every poll of the reminder job at INFO.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    settings = _load_settings()
    from bot.i18n import Catalogs
    from bot.ui import texts

    Catalogs(settings.default_locale).activate(settings.default_locale)
    if args.command == "run":
        return _run(settings)
    if args.command == "transcribe":
        from bot.cli.transcribe import transcribe_file

        return transcribe_file(settings, args.file, args.language, args.parse)
    _upgrade(settings)
    if args.command == "db":
        print(texts.cli_database_ready())
        return 0
    if args.command == "export":
        from bot.cli.places import export_dir

        return export_dir(settings, args.out)
    if args.command == "report":
        from bot.cli.report import write_report

        return write_report(settings, args.start, args.end, args.out)
    if args.command in ("import", "demo-data"):
        from bot.cli.places import DEMO_FILE, import_file

        path = args.file if args.command == "import" else DEMO_FILE
        return import_file(settings, path)
    print(asyncio.run(_admin(settings, args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
