"""The broadcast outbox at Telegram's speed limit, against an emulator that enforces it.

    python -m bench.broadcast --recipients 10000 [--database-url URL] [--rate 29]
    python -m bench.broadcast --recipients 3000 --interactive 50 [--max-p95-ms MS]
    python -m bench.broadcast --smoke

Seeds a coordinator and ``--recipients`` residents in a fresh database (a temporary SQLite
file unless ``--database-url`` names an empty one), writes one broadcast to all residents with
the real service, and runs the real outbox sender
(``bot.jobs.send_broadcasts.deliver``) through the real
Application and rate limiter against a local Bot API emulator (tests/e2e/emulator.py) that
answers 429 with ``retry_after`` above 30 messages in any one second, or above 1 a second in
one chat.

With ``--interactive N``, N other people (new to the bot, so not among the recipients) write
to the bot while the broadcast goes out: each says /start, picks Svenska, then «I want help»
(``--steps`` messages each), their messages spread evenly over the middle of the broadcast's
expected time. Each message goes through ``app.process_update``, at most
``app.concurrent_updates`` at once (PTB's default is one after another, as in the running bot),
so a message that arrives while another is handled waits its turn, and that wait counts. The
reply time is from the moment the person sends to the moment the bot's first answer reaches
the emulator: what the person sees. The benchmark looks only at what reaches the emulator, so
it measures whatever the rate limiter does (priority lanes or not).

Progress is printed to stderr every 2 s; the last line is one JSON object:
``{"recipients", "delivered", "duplicates", "lost", "msgs_per_s", "ratio_to_30", "http_429",
"seconds", "database", "interactive", "asked", "replied", "reply_p50_ms", "reply_p95_ms",
"reply_max_ms", "asked_during_broadcast", "ok"}``. ``msgs_per_s`` counts recipients' messages
from the first to the last. ``ok`` is true when every recipient got exactly one copy, every
message got a reply, nothing was logged as an error, and (with ``--max-p95-ms``) the reply p95
is within it; otherwise the exit status is 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bench.common import ErrorCounter, finish, load_average, nearest_rank, run_guarded
from bot.app import build_application
from bot.jobs import send_broadcasts
from bot.services import broadcasts
from bot.services.broadcasts import Audience
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Area, Person, Role
from storage.uow import UnitOfWorkFactory
from tests.e2e.emulator import BotApiEmulator, Limits
from tests.fakes import Updates, to_update

TOKEN = "123456789:AAHfakeFAKEfakeFAKEfakeFAKEfake_123"
COORDINATOR = 900
FIRST = 1_000_000  # the recipients' chat ids
ASKER = 5_000_000  # the chat ids of the people who write during the broadcast
CHUNK = 2000
# What each interactive person says, in order (the start of onboarding: each gets an answer).
SCRIPT: tuple[str, ...] = ("/start", "Svenska", "🙋 Jag vill ha hjälp", "Boende", "Centrum")
# The share of the broadcast's expected time over which the people write.
SPREAD = (0.1, 0.8)


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
            # So that the people who write during the broadcast can go on signing up.
            session.add(Area(name="Centrum", created_at=now))
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
        done = sum(1 for chat in api.counts if FIRST <= chat < FIRST + recipients)
        seconds = time.monotonic() - began
        print(
            f"{done}/{recipients} sent, {done / max(seconds, 1e-9):.1f} msg/s, "
            f"{api.http_429} × 429",
            file=sys.stderr,
        )


@dataclass
class Asked:
    """One message a person sent during the broadcast, and when (``time.monotonic``)."""

    chat_id: int
    text: str
    at: float


@dataclass
class People:
    """The people who write during the broadcast, fed through ``app.process_update``."""

    app: Any
    count: int
    steps: int
    asked: list[Asked] = field(default_factory=list)
    _updates: Updates = field(default_factory=Updates)

    def schedule(self, began: float, expected_s: float) -> dict[int, list[tuple[float, str]]]:
        """chat -> [(when, text)]: everyone's step 1, then step 2, … evenly over the spread."""
        first, last = SPREAD
        total = self.count * self.steps
        gap = (last - first) * expected_s / max(total - 1, 1)
        plan: dict[int, list[tuple[float, str]]] = {}
        for k in range(total):
            step, person = divmod(k, self.count)
            text = f"{SCRIPT[step]} {person}" if SCRIPT[step] == "Boende" else SCRIPT[step]
            plan.setdefault(ASKER + person, []).append(
                (began + first * expected_s + k * gap, text)
            )
        return plan

    async def run(self, began: float, expected_s: float) -> None:
        # At most as many updates at once as the Application would handle (PTB: 1 by default).
        turns = asyncio.Semaphore(max(1, int(self.app.concurrent_updates)))
        plan = self.schedule(began, expected_s)
        await asyncio.gather(*(self._person(turns, chat, said) for chat, said in plan.items()))

    async def _person(
        self, turns: asyncio.Semaphore, chat_id: int, said: list[tuple[float, str]]
    ) -> None:
        """Like a person: each message at its time, but not before the last one was answered.

        The bot answers inside ``process_update``, so the answer has reached the emulator
        when it returns; every answer thus falls between its message and the next one.
        """
        for when, text in said:
            await asyncio.sleep(max(0.0, when - time.monotonic()))
            self.asked.append(Asked(chat_id, text, time.monotonic()))
            update = to_update(self._updates.message(chat_id, text), self.app.bot)
            async with turns:
                await self.app.process_update(update)


async def run(
    recipients: int,
    url: str,
    rate: float = 29,
    quiet: bool = False,
    interactive: int = 0,
    steps: int = 3,
) -> dict[str, Any]:
    """Seed, broadcast, send everything (with people writing meanwhile); the figures."""
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    await seed(url, recipients)
    api = BotApiEmulator(TOKEN, Limits())
    await api.start()
    settings = Settings(  # type: ignore[call-arg]  # pydantic-settings' init-only _env_file
        _env_file=None,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=api.base_url,
        database_url=url,
        outgoing_rate=rate,
        broadcast_rate=rate,
    )
    app = build_application(settings)
    people = People(app, interactive, steps)
    try:
        async with app:
            await app.start()
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
            expected_s = recipients / min(rate, 30)
            await asyncio.gather(
                send_broadcasts.deliver(app, lambda: False),
                people.run(began, expected_s) if interactive else asyncio.sleep(0),
            )
            ticker.cancel()
            await app.stop()
    finally:
        await app.bot_data.engine.dispose()
        await api.stop()
    return figures(api, recipients, url) | replies(api, people, recipients)


def figures(api: BotApiEmulator, recipients: int, url: str) -> dict[str, Any]:
    times = [m.at for m in api.sent if FIRST <= m.chat_id < FIRST + recipients]
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


def replies(api: BotApiEmulator, people: People, recipients: int) -> dict[str, Any]:
    """Time from each message to the first answer in its chat that reached the emulator."""
    arrived: dict[int, list[float]] = {}
    for message in api.sent:
        arrived.setdefault(message.chat_id, []).append(message.at)
    broadcast = [m.at for m in api.sent if FIRST <= m.chat_id < FIRST + recipients]
    last = broadcast[-1] if broadcast else 0.0
    waits: list[float] = []
    for asked in people.asked:
        # The answer to this message, not to the person's next one.
        until = min(
            (a.at for a in people.asked if a.chat_id == asked.chat_id and a.at > asked.at),
            default=float("inf"),
        )
        answer = next((t for t in arrived.get(asked.chat_id, []) if asked.at <= t < until), None)
        if answer is not None:
            waits.append(answer - asked.at)
    ms = [w * 1000 for w in waits]
    return {
        "interactive": people.count,
        "asked": len(people.asked),
        "replied": len(waits),
        "asked_during_broadcast": sum(1 for a in people.asked if a.at < last),
        "reply_p50_ms": round(nearest_rank(ms, 0.5), 1) if ms else None,
        "reply_p95_ms": round(nearest_rank(ms, 0.95), 1) if ms else None,
        "reply_max_ms": round(max(ms), 1) if ms else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.broadcast", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--recipients", type=int, default=10_000, help="residents (10000)")
    parser.add_argument("--database-url", default=None, help="an empty database")
    parser.add_argument("--rate", type=float, default=29, help="outgoing messages/s (29)")
    parser.add_argument(
        "--interactive", type=int, default=0, help="people writing during the broadcast (0)"
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=3,
        choices=range(1, len(SCRIPT) + 1),
        help=f"messages each of them sends (3, at most {len(SCRIPT)})",
    )
    parser.add_argument(
        "--max-p95-ms", type=float, default=None, help="not ok when the reply p95 is above this"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a run of a few seconds (--recipients 90 --interactive 5)",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.recipients, args.interactive = 90, 5
    if args.recipients < 1 or args.interactive < 0 or args.rate <= 0:
        parser.error("need --recipients >= 1, --interactive >= 0 and --rate > 0")
    return run_guarded(lambda: bench(args))


def bench(args: argparse.Namespace) -> int:
    """Run once and print the summary; the exit status."""
    logging.basicConfig(level=logging.WARNING)
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="hjalpsam-bench-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        result = asyncio.run(
            run(
                args.recipients,
                url,
                args.rate,
                interactive=args.interactive,
                steps=args.steps,
            )
        )
    p95 = result["reply_p95_ms"]
    result |= {"load_avg_at_start": round(load, 2), "errors": errors.count}
    if errors.first:
        result["first_error"] = errors.first
    result["ok"] = (
        result["delivered"] == args.recipients
        and result["duplicates"] == 0
        and result["lost"] == 0
        and result["replied"] == result["asked"]
        and errors.count == 0
        and (args.max_p95_ms is None or p95 is None or p95 <= args.max_p95_ms)
    )
    return finish(result)


if __name__ == "__main__":
    sys.exit(main())
