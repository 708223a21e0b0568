"""The broadcast outbox at Telegram's speed limit, against an emulator that enforces it.

    python -m bench.broadcast --recipients 10000 [--database-url URL] [--rate 29]

Seeds a coordinator and ``--recipients`` residents in a fresh database (a temporary SQLite
file unless ``--database-url`` names an empty one), writes one broadcast to all residents with
the real service, and runs the real outbox sender
(``bot.jobs.send_broadcasts.deliver``) through the real
Application and rate limiter against a local Bot API emulator (tests/e2e/emulator.py) that
answers 429 with ``retry_after`` above 30 messages in any one second, or above 1 a second in
one chat. Progress is printed every 2 s; the last line is one JSON object:
``{"recipients", "delivered", "duplicates", "lost", "msgs_per_s", "ratio_to_30", "http_429",
"seconds", "database"}``. ``msgs_per_s`` counts recipients' messages from the first to the last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.jobs import send_broadcasts
from bot.services import broadcasts
from bot.services.broadcasts import Audience
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Person, Role
from storage.uow import UnitOfWorkFactory
from tests.e2e.emulator import BotApiEmulator, Limits

TOKEN = "123456789:AAHfakeFAKEfakeFAKEfakeFAKEfake_123"
COORDINATOR = 900
FIRST = 1_000_000
CHUNK = 2000


async def seed(url: str, recipients: int) -> None:
    """A coordinator and the residents, straight into the database."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    try:
        factory = create_session_factory(engine)
        async with factory() as session, session.begin():
            boss = Person(telegram_id=COORDINATOR, first_name="Karin", created_at=now)
            boss.onboarded_at = now
            session.add(boss)
            await session.flush()
            session.add(Role(person_id=boss.id, role="coordinator"))
        for start in range(0, recipients, CHUNK):
            async with factory() as session, session.begin():
                people = [
                    Person(telegram_id=FIRST + n, locale="sv", onboarded_at=now, created_at=now)
                    for n in range(start, min(start + CHUNK, recipients))
                ]
                session.add_all(people)
                await session.flush()
                session.add_all(Role(person_id=p.id, role="resident") for p in people)
    finally:
        await engine.dispose()


async def _progress(api: BotApiEmulator, recipients: int, began: float, quiet: bool) -> None:
    while not quiet:
        await asyncio.sleep(2)
        done = sum(1 for chat in api.counts if chat >= FIRST)
        seconds = time.monotonic() - began
        print(
            f"{done}/{recipients} sent, {done / max(seconds, 1e-9):.1f} msg/s, "
            f"{api.http_429} × 429",
            file=sys.stderr,
        )


async def run(recipients: int, url: str, rate: float = 29, quiet: bool = False) -> dict[str, Any]:
    """Seed, broadcast, send everything; the figures."""
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    await seed(url, recipients)
    api = BotApiEmulator(TOKEN, Limits())
    await api.start()
    settings = Settings(
        _env_file=None,
        telegram_token=TOKEN,
        telegram_api_url=api.base_url,
        database_url=url,
        outgoing_rate=rate,
        broadcast_rate=rate,
    )
    app = build_application(settings)
    try:
        async with app:
            progress = await app.bot.send_message(COORDINATOR, "…")
            uow: UnitOfWorkFactory = app.bot_data.uow
            async with uow() as work:
                await broadcasts.create(
                    work,
                    COORDINATOR,
                    Audience("residents"),
                    "Hej!",
                    None,
                    datetime.now(UTC),
                    "sv",
                    progress.message_id,
                )
            began = time.monotonic()
            ticker = asyncio.create_task(_progress(api, recipients, began, quiet))
            await send_broadcasts.deliver(app, lambda: False)
            ticker.cancel()
    finally:
        await app.bot_data.engine.dispose()
        await api.stop()
    return figures(api, recipients, url)


def figures(api: BotApiEmulator, recipients: int, url: str) -> dict[str, Any]:
    times = [m.at for m in api.sent if m.chat_id >= FIRST]
    seconds = (times[-1] - times[0]) if len(times) > 1 else 0.0
    counts = [api.counts.get(FIRST + n, 0) for n in range(recipients)]
    sent = sum(counts)
    per_s = (sent - 1) / seconds if seconds else 0.0
    return {
        "recipients": recipients,
        "delivered": sum(1 for n in counts if n),
        "duplicates": sum(n - 1 for n in counts if n > 1),
        "lost": sum(1 for n in counts if not n),
        "msgs_per_s": round(per_s, 2),
        "ratio_to_30": round(per_s / 30, 3),
        "http_429": api.http_429,
        "seconds": round(seconds, 2),
        "database": url.split(":", 1)[0],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rate", type=float, default=29)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        result = asyncio.run(run(args.recipients, url, args.rate))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
