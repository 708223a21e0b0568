"""``hjalpsam run``: check the token, reach Telegram once, prepare the database, serve."""

from __future__ import annotations

import asyncio
import logging
import sys

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application
from bot.cli.db import check
from bot.settings import Settings
from bot.ui import texts
from storage.db import is_sqlite
from storage.instance import AlreadyRunning, InstanceLock
from storage.migrate import upgrade

log = logging.getLogger("hjalpsam")


def run(settings: Settings) -> int:
    """Serve updates (long polling, or a webhook when HJALPSAM_WEBHOOK_URL is set).

    Exits at once with one line when the token is missing or wrong, Telegram cannot be
    reached, the PostgreSQL schema is not current, or another process holds the SQLite file.
    """
    problem = settings.token_problem()
    if problem is not None:
        print(texts.cli_bad_token(problem), file=sys.stderr)
        return 2
    problem = asyncio.run(_reach_telegram(settings))
    if problem is not None:
        print(problem, file=sys.stderr)
        return 3
    # SQLite belongs to this one process, so it is migrated here; PostgreSQL only by
    # `hjalpsam db upgrade`, which the operator runs once for all processes.
    if is_sqlite(settings.database_url):
        upgrade(settings.database_url)
    else:
        asyncio.run(check(settings))  # raises SchemaNotReady: one line from `main`
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
    bot = Bot(settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url)
    try:
        async with bot:
            return None
    except InvalidToken:
        return texts.cli_token_rejected()
    except NetworkError:
        return texts.cli_unreachable(settings.telegram_api_url)
