"""The reminder dispatcher against many due rows, with a fake sender.

    python -m bench.reminders --due 100000 [--database-url URL] [--batch 20] [--workers 1]
    python -m bench.reminders --smoke     # --due 200 --batch 7: a second or two

Seeds one place, one activity and, for each due reminder, a person with a confirmed seat and a
'before' reminder that fell due within the last hour (the activity starts in an hour, so none
is stale). Every 20th person has turned reminders off: those rows are dropped. Then the
dispatcher runs (``--workers`` at once, each with an engine of its own) until nothing is due.

The fake sender counts sends per reminder, so ``duplicates`` is sends beyond the first. Only
the dispatch is timed, not the seeding. The last line printed is one JSON object:
``{"due", "sent", "dropped", "duplicates", "seconds", "per_s", "failed", "left", ..., "ok"}``;
``ok`` is true (exit status 0) when every reminder was sent once or dropped as it should be,
with no duplicates, none failed and none left.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from tqdm import tqdm

from bench.common import finish, load_average, run_guarded
from bot.services.reminders import BATCH, DispatchResult, ReminderView, dispatch
from storage.db import create_engine, create_session_factory, is_sqlite
from storage.migrate import upgrade
from storage.models import Person
from storage.place_models import Activity, Place, Reminder, SignUp
from storage.uow import UnitOfWorkFactory

TZ = ZoneInfo("Europe/Stockholm")
# Sunday 22 November 2026, noon, in Stockholm (as in tests/conftest.py).
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=TZ)
CHUNK = 5000
OFF_EVERY = 20  # every 20th person has turned reminders off
FIRST_TG = 1_000_000


async def seed(
    uow: UnitOfWorkFactory, due: int, now: datetime = NOW, off_every: int = OFF_EVERY
) -> list[int]:
    """``due`` people, each with a seat and one reminder due one second after the last.

    The last one is due at ``now``; returns the reminder ids in due order.
    """
    occurs_at = now + timedelta(hours=1)
    async with uow() as work:
        place = Place(key="bench", name="Ekbackens bibliotek", address="Storgatan 3")
        work.session.add(place)
        await work.session.flush()
        activity = Activity(
            key="bench",
            place_id=place.id,
            title="Fika och samtal",
            category="fika",
            starts_at=occurs_at,
        )
        work.session.add(activity)
        await work.session.flush()
        activity_id = activity.id
    ids: list[int] = []
    for start in range(0, due, CHUNK):
        numbers = range(start, min(start + CHUNK, due))
        async with uow() as work:
            ids += await _chunk(work.session, numbers, due, activity_id, occurs_at, now, off_every)
    return ids


async def _chunk(
    session: AsyncSession,
    numbers: range,
    due: int,
    activity_id: int,
    occurs_at: datetime,
    now: datetime,
    off_every: int,
) -> list[int]:
    people = await session.execute(
        insert(Person).returning(Person.id, sort_by_parameter_order=True),
        [
            {
                "telegram_id": FIRST_TG + n,
                "first_name": f"Person {n}",
                "reminders_off": bool(off_every) and n % off_every == off_every - 1,
                "created_at": now,
            }
            for n in numbers
        ],
    )
    person_ids = list(people.scalars())
    signups = await session.execute(
        insert(SignUp).returning(SignUp.id, sort_by_parameter_order=True),
        [
            {
                "activity_id": activity_id,
                "occurs_at": occurs_at,
                "person_id": p,
                "status": "confirmed",
                "created_at": now,
            }
            for p in person_ids
        ],
    )
    reminders = await session.execute(
        insert(Reminder).returning(Reminder.id, sort_by_parameter_order=True),
        [
            {"signup_id": s, "kind": "before", "due_at": now - timedelta(seconds=due - 1 - n)}
            for n, s in zip(numbers, signups.scalars(), strict=True)
        ],
    )
    return list(reminders.scalars())


async def _analyze(engine: AsyncEngine) -> None:
    """Give the planner statistics, as autovacuum would have done for a table this size.

    Without them PostgreSQL guesses the due range is tiny and sorts all of it for each batch.
    """
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))


class FakeSender:
    """Counts sends per reminder and hands out message ids."""

    def __init__(self) -> None:
        self.sends: Counter[int] = Counter()
        self._ids = itertools.count(1)

    async def __call__(self, view: ReminderView) -> int | None:
        self.sends[view.id] += 1
        await asyncio.sleep(0)  # let another dispatcher in, as a real send would
        return next(self._ids)

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.sends.values() if count > 1)


async def _open_rows(uow: UnitOfWorkFactory) -> int:
    async with uow() as work:
        result = await work.session.execute(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.sent_at.is_(None), Reminder.dropped_at.is_(None))
        )
        return int(result.scalar_one())


async def run(url: str, due: int, batch: int, workers: int) -> dict[str, object]:
    engines = [create_engine(url) for _ in range(workers)]
    factories = [UnitOfWorkFactory(create_session_factory(e)) for e in engines]
    try:
        if await _open_rows(factories[0]):
            raise SystemExit("the database already has open reminders: give an empty one")
        with tqdm(total=due, desc="seeding", unit="row", file=sys.stderr) as bar:
            bar.update(len(await seed(factories[0], due)))
        await _analyze(engines[0])
        sender = FakeSender()
        with tqdm(total=due, desc="dispatching", unit="row", file=sys.stderr) as bar:

            def progress(result: DispatchResult) -> None:
                bar.update(result.handled)

            started = time.perf_counter()
            results = await asyncio.gather(
                *(dispatch(f, sender, NOW, TZ, batch=batch, progress=progress) for f in factories)
            )
            seconds = time.perf_counter() - started
        total = sum(results, DispatchResult())
        left = await _open_rows(factories[0])
    finally:
        for engine in engines:
            await engine.dispose()
    return {
        "due": due,
        "sent": total.sent,
        "dropped": total.dropped,
        "duplicates": sender.duplicates,
        "seconds": round(seconds, 3),
        "per_s": round(due / seconds, 1) if seconds else None,
        "failed": total.failed,
        "left": left,
        "workers": workers,
        "batch": batch,
        "backend": "sqlite" if is_sqlite(url) else "postgresql",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reminders", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--due", type=int, default=100_000, help="due reminders (100000)")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"rows per unit ({BATCH})")
    parser.add_argument("--workers", type=int, default=1, help="dispatchers at once (1)")
    parser.add_argument(
        "--database-url", default=None, help="an empty database (default: temporary SQLite)"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="a run of a second or two (--due 200 --batch 7)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.due, args.batch = 200, 7
    if args.due < 1 or args.batch < 1 or args.workers < 1:
        parser.error("--due, --batch and --workers must be at least 1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_guarded(lambda: bench(args))


def bench(args: argparse.Namespace) -> int:
    """Migrate, seed, dispatch; print the summary. The exit status."""
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="hjalpsam-bench-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)  # Alembic runs its own event loop: outside ours.
        summary = asyncio.run(run(url, args.due, args.batch, args.workers))
    dropped = len(range(OFF_EVERY - 1, args.due, OFF_EVERY))
    summary["load_avg_at_start"] = round(load, 2)
    summary["ok"] = (
        summary["duplicates"] == 0
        and summary["left"] == 0
        and summary["failed"] == 0
        and summary["dropped"] == dropped
        and summary["sent"] == args.due - dropped
    )
    return finish(summary)


if __name__ == "__main__":
    raise SystemExit(main())
