"""The duplicate window: how long a sent message is not yet recorded as sent.

    python -m bench.window [--messages 300] [--database-url URL]
    python -m bench.window --smoke      # 20 of each: a few seconds

Delivery is *at least once*: a process killed after Telegram took a message but before the
transaction that records it has committed sends that message again after the restart. This
measures that window for the two jobs that send one message per transaction, the broadcast
outbox (bot/jobs/send_broadcasts.py) and the reminders (bot/jobs/remind.py), through the real
Application, the real jobs and the real database, with the Bot API faked at the HTTP boundary
(tests/fakes.py). For each message: from the moment the fake HTTP request returns Telegram's
answer to the moment the session's commit has returned (SQLAlchemy's ``after_commit``).

The last line is one JSON object: ``{"broadcast_ms": {"p50", "p95", "max"}, "reminder_ms":
{…}, "messages", "database", "load_avg_at_start", "ok"}``; ``ok`` when every message was sent
once and measured.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.orm import Session

from bench.common import finish, load_average, nearest_rank, run_guarded
from bench.reminders import NOW, seed
from bot.app import build_application
from bot.jobs import remind, send_broadcasts
from bot.jobs.scheduler import Scheduler
from bot.services import broadcasts
from bot.services.broadcasts import Audience
from bot.settings import Settings
from storage.db import is_sqlite
from storage.migrate import upgrade
from storage.models import Person, Role
from tests.fakes import TOKEN, RecordingRequest

COORDINATOR = 900


class Stopwatch(RecordingRequest):
    """The fake Bot API, noting when each sendMessage answer is handed back."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: float | None = None
        self.windows: list[float] = []

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        answer = await super().do_request(url, method, *args, **kwargs)
        if url.endswith("/sendMessage"):
            self.answered = time.perf_counter()
        return answer

    def committed(self, _session: Session) -> None:
        if self.answered is not None:
            self.windows.append(time.perf_counter() - self.answered)
            self.answered = None


def settings(url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]  # pydantic-settings' init-only _env_file
        _env_file=None,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url="http://127.0.0.1:1/bot",
        database_url=url,
        coordinator_ids=[COORDINATOR],
        outgoing_rate=0,
    )


async def seed_broadcast(app: Any, count: int) -> None:
    """A coordinator, ``count`` residents and one broadcast to them all."""
    async with app.bot_data.uow() as uow:
        for tg, role in [(COORDINATOR, "coordinator")] + [
            (5000 + n, "resident") for n in range(count)
        ]:
            person = Person(
                telegram_id=tg, first_name=f"P{tg}", locale="sv", created_at=NOW, onboarded_at=NOW
            )
            uow.session.add(person)
            await uow.session.flush()
            uow.session.add(Role(person_id=person.id, role=role))
    async with app.bot_data.uow() as uow:
        await broadcasts.create(uow, COORDINATOR, Audience("residents"), "Hej!", None, NOW, "sv")


def spread(windows: Sequence[float]) -> dict[str, float]:
    ms = [w * 1000 for w in windows] or [float("nan")]
    return {
        "p50": round(nearest_rank(ms, 0.5), 2),
        "p95": round(nearest_rank(ms, 0.95), 2),
        "max": round(max(ms), 2),
    }


async def measure(url: str, messages: int) -> dict[str, Any]:
    request = Stopwatch()
    event.listen(Session, "after_commit", request.committed)
    try:
        app = build_application(settings(url), request=request)
        app.bot_data.clock = lambda: NOW
        async with app:
            await seed_broadcast(app, messages)
            request.windows.clear()
            await send_broadcasts.deliver(app, lambda: False)
            sent_broadcast = len(request.windows)
            broadcast = spread(request.windows)
            request.windows.clear()
            await seed(app.bot_data.uow, messages, NOW, off_every=0)
            request.windows.clear()
            await remind.send_due(app, Scheduler(app))
            reminder = spread(request.windows)
            sent_reminders = len(request.windows)
        await app.bot_data.engine.dispose()
    finally:
        event.remove(Session, "after_commit", request.committed)
    return {
        "broadcast_ms": broadcast,
        "reminder_ms": reminder,
        "messages": messages,
        "ok": sent_broadcast == messages and sent_reminders == messages,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.window", description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--database-url", help="an empty database (it is migrated first)")
    parser.add_argument("--smoke", action="store_true", help="20 messages of each kind")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    messages = 20 if args.smoke else args.messages
    return run_guarded(lambda: bench(args.database_url, messages))


def bench(database_url: str | None, messages: int) -> int:
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="hjalpsam-bench-") as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'window.db'}"
        upgrade(url)
        result = asyncio.run(measure(url, messages))
    backend = "SQLite" if is_sqlite(url) else "PostgreSQL"
    print(
        f"duplicate window on {backend}, {messages} messages each:"
        f" broadcast {result['broadcast_ms']} ms, reminders {result['reminder_ms']} ms"
    )
    return finish({**result, "database": backend, "load_avg_at_start": round(load, 2)})


if __name__ == "__main__":
    raise SystemExit(main())
