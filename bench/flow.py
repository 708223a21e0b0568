"""The whole help loop for many people at once, through the Bot API fake, against a bare echo bot.

    python -m bench.flow --users 200 [--per-area 20] [--database-url URL] [--max-p95-ms 50]
    python -m bench.flow --smoke          # a few seconds: 10 residents, 10 volunteers

``--users N`` means N people in all, split evenly: N/2 residents and N/2 volunteers (plus one
coordinator); with ``--each`` it means N residents *and* N volunteers (twice the work: about
70 s for 200 on a 2-core machine, hence the split by default). They are spread over areas of
``--per-area`` residents and as many volunteers (a request is offered to the volunteers of its
area, as in real life, rather than to everyone). Every person goes through:

* volunteers: /start, language, role, name, area, skill, done (8 updates); the coordinator
  approves each (1 update);
* residents: /start, language, role, name, area, address, phone, consent (8 updates);
* each resident asks for help with shopping (6 updates) and is offered to the area's
  volunteers; resident i of an area is claimed by volunteer i of the same area (1 update),
  who marks it done (1 update); both answer the follow-up: a score and a comment (4 updates).

Updates are fed one at a time with ``await app.process_update(update)`` (the way PTB handles
them by default, one after another), interleaving people step by step: everyone does step 1,
then everyone step 2, and so on. The clock is fixed and the outgoing rate limiter is off.

Flood control stays on, but with its limit raised for this run: the coordinator approves every
volunteer in a row, far more than ``flood_messages`` (30) updates in ``flood_seconds`` (10), and
a real coordinator doing that would be paused too. The limit is set just above the
coordinator's own number of updates (everyone else sends 8 at most in a row); the summary says
so, and a run in which anyone was still told to slow down is not ok.

Latency is the time around ``process_update`` only (building the update and the bench's own
checks are outside). ``updates_per_s`` is updates divided by the summed handling time.

The echo bot is a bare PTB ``Application`` with one ``MessageHandler`` that replies with the
same text, through the same fake, without a database, fed as many text updates as the flow.

The last line printed is one JSON object:
``{"updates_per_s", "p95_ms", "echo_updates_per_s", "ratio", "p50_ms", ..., "ok"}``; ``ok`` is
false (and the exit status 1) when the flow did not complete cleanly, or when p95 is above
``--max-p95-ms`` if that is given.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bench.common import ErrorCounter, finish, load_average, run_guarded
from bot.app import build_application
from bot.settings import Settings
from bot.ui import texts
from storage.db import is_sqlite
from storage.migrate import upgrade
from storage.models import Area, FollowUp, HelpRequest, Person, VolunteerProfile
from tests.fakes import TOKEN, Call, RecordingRequest, Updates, to_update

TZ = ZoneInfo("Europe/Stockholm")
# Sunday 22 November 2026, noon, in Stockholm (as in tests/conftest.py).
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=TZ)
API_URL = "http://127.0.0.1:1/bot"
COORDINATOR = 900
RESIDENT_BASE, VOLUNTEER_BASE = 100_000, 200_000
CLAIM = "🙋 Jag tar det"

log = logging.getLogger("bench.flow")


class BenchRequest(RecordingRequest):
    """The tests' fake, also remembering the message id it gave each sent message."""

    def __init__(self) -> None:
        super().__init__()
        self.message_ids: dict[int, int] = {}  # index in ``calls`` -> message_id

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        result = super()._result(name, params)
        if name == "sendMessage":
            # do_request appended this call just before, with no await in between.
            self.message_ids[len(self.calls) - 1] = result["message_id"]
        return result


@dataclass
class Timings:
    """Seconds spent in process_update, by phase."""

    phases: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # process CPU seconds, all threads
    cpu_each: list[float] = field(default_factory=list)  # the same, per update

    def add(self, phase: str, seconds: float, cpu: float) -> None:
        self.phases.setdefault(phase, []).append(seconds)
        self.cpu[phase] = self.cpu.get(phase, 0.0) + cpu
        self.cpu_each.append(cpu)

    @property
    def all(self) -> list[float]:
        return [s for values in self.phases.values() for s in values]


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


class Driver:
    """Feeds updates to an Application one at a time and times process_update."""

    def __init__(self, app: Any, request: BenchRequest, timings: Timings) -> None:
        self.app = app
        self.request = request
        self.updates = Updates()
        self.timings = timings
        self.phase = "?"

    async def feed(self, data: dict[str, Any]) -> int:
        """Handle one update; returns the index of the first call it made."""
        update = to_update(data, self.app.bot)
        start = len(self.request.calls)
        c0, t0 = time.process_time(), time.perf_counter()
        await self.app.process_update(update)
        t1, c1 = time.perf_counter(), time.process_time()
        self.timings.add(self.phase, t1 - t0, c1 - c0)
        return start

    async def send(self, user_id: int, text: str) -> int:
        return await self.feed(self.updates.message(user_id, text))

    async def press(self, user_id: int, data: str, message_id: int = 1) -> int:
        return await self.feed(self.updates.callback(user_id, data, message_id=message_id))

    def sent_since(self, start: int, chat_id: int) -> list[tuple[int, Call]]:
        return [
            (i, c)
            for i, c in enumerate(self.request.calls[start:], start)
            if c.method == "sendMessage" and c.chat_id == chat_id
        ]

    def expect(self, start: int, chat_id: int, prefix: str) -> None:
        """The update starting at call ``start`` sent chat_id a message beginning with prefix."""
        got = [c.text for _i, c in self.sent_since(start, chat_id)]
        if not any(t.startswith(prefix) for t in got):
            raise AssertionError(f"chat {chat_id}: expected {prefix!r}, got {got!r}")


@dataclass
class AreaPlan:
    name: str
    id: int = 0
    residents: list[int] = field(default_factory=list)
    volunteers: list[int] = field(default_factory=list)


def plan(users: int, per_area: int) -> list[AreaPlan]:
    areas: list[AreaPlan] = []
    for n in range(users):
        if n % per_area == 0:
            areas.append(AreaPlan(f"Område {len(areas) + 1}"))
        areas[-1].residents.append(RESIDENT_BASE + n)
        areas[-1].volunteers.append(VOLUNTEER_BASE + n)
    return areas


async def steps(
    drv: Driver, phase: str, people: Sequence[int], script: Sequence[Callable[[int], Any]]
) -> None:
    """Everyone does step 1, then everyone step 2, …: many conversations open at once."""
    drv.phase = phase
    for step in script:
        for person in people:
            await step(person)


def flood_limit(pairs: int, per_area: int) -> int:
    """A flood limit nobody in the run passes: above the coordinator's updates in a row."""
    areas = -(-pairs // per_area)
    coordinator = 3 + 2 * areas + pairs  # /start, language, name; each area; each approval
    return max(int(Settings.model_fields["flood_messages"].default), coordinator + 1)


async def run_flow(url: str, users: int, per_area: int) -> tuple[Timings, dict[str, int]]:
    settings = Settings(  # type: ignore[call-arg]  # pydantic-settings' init-only _env_file
        _env_file=None,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=API_URL,
        database_url=url,
        coordinator_ids=[COORDINATOR],
        outgoing_rate=0,
        flood_messages=flood_limit(users, per_area),
    )
    request = BenchRequest()
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: NOW
    timings = Timings()
    drv = Driver(app, request, timings)
    areas = plan(users, per_area)
    area_of = {p: a for a in areas for p in a.residents + a.volunteers}
    residents = [r for a in areas for r in a.residents]
    volunteers = [v for a in areas for v in a.volunteers]

    def uow() -> Any:
        return app.bot_data.uow()

    async with uow() as u:
        known = (await u.session.execute(select(func.count()).select_from(Person))).scalar_one()
    if known:
        await app.bot_data.engine.dispose()
        raise SystemExit(f"the database is not empty ({known} people); give an empty one")

    async with app:
        await app.start()
        try:
            # The coordinator sets up the areas.
            drv.phase = "coordinator setup"
            await drv.send(COORDINATOR, "/start")
            await drv.send(COORDINATOR, "Svenska")
            await drv.send(COORDINATOR, "Karin")
            for area in areas:
                await drv.send(COORDINATOR, "➕ Lägg till område")
                await drv.send(COORDINATOR, area.name)
            async with uow() as u:
                ids = dict((await u.session.execute(select(Area.name, Area.id))).all())
            for area in areas:
                area.id = ids[area.name]

            # Volunteers sign up, everyone at once, step by step.
            async def press_area(v: int) -> None:
                await drv.press(v, f"ob:area:{area_of[v].id}")

            await steps(
                drv,
                "volunteer onboarding",
                volunteers,
                [
                    lambda v: drv.send(v, "/start"),
                    lambda v: drv.send(v, "Svenska"),
                    lambda v: drv.send(v, "🤝 Jag vill hjälpa till"),
                    lambda v: drv.send(v, f"Volontär {v - VOLUNTEER_BASE}"),
                    press_area,
                    lambda v: drv.press(v, "ob:done"),
                    lambda v: drv.press(v, "ob:skill:shopping"),
                    lambda v: drv.press(v, "ob:done"),
                ],
            )
            async with uow() as u:
                person_ids = dict(
                    (
                        await u.session.execute(
                            select(Person.telegram_id, Person.id)
                            .join(VolunteerProfile, VolunteerProfile.person_id == Person.id)
                            .where(VolunteerProfile.vetting == "pending")
                        )
                    ).all()
                )
            assert len(person_ids) == users, f"{len(person_ids)} volunteers waiting, not {users}"

            # The coordinator approves them.
            drv.phase = "coordinator approval"
            for v in volunteers:
                await drv.press(COORDINATOR, f"vet:ok:{person_ids[v]}")

            # Residents sign up.
            await steps(
                drv,
                "resident onboarding",
                residents,
                [
                    lambda r: drv.send(r, "/start"),
                    lambda r: drv.send(r, "Svenska"),
                    lambda r: drv.send(r, "🙋 Jag vill ha hjälp"),
                    lambda r: drv.send(r, f"Boende {r - RESIDENT_BASE}"),
                    lambda r: drv.send(r, area_of[r].name),
                    lambda r: drv.send(r, f"Storgatan {r - RESIDENT_BASE}"),
                    lambda r: drv.send(r, "070-123 45 67"),
                    lambda r: drv.send(r, "✅ Ja, det är okej"),
                ],
            )

            # Each resident asks for help; remember the offers the volunteers got.
            offers: dict[int, dict[int, tuple[str, int]]] = {}  # resident -> volunteer -> …

            async def submit(r: int) -> None:
                start = await drv.send(r, "✅ Skicka")
                drv.expect(start, r, "Tack! Nu är din förfrågan skickad.")
                got = offers[r] = {}
                for v in area_of[r].volunteers:
                    for i, call in drv.sent_since(start, v):
                        if CLAIM in call.callback_data():
                            got[v] = (call.callback_data()[CLAIM], request.message_ids[i])
                assert len(got) == len(area_of[r].volunteers), f"{r}: offered to {len(got)}"

            await steps(
                drv,
                "ask for help",
                residents,
                [
                    lambda r: drv.send(r, "🙋 Be om hjälp"),
                    lambda r: drv.send(r, "🛒 Handla"),
                    lambda r: drv.send(r, "imorgon kl 10"),
                    lambda r: drv.send(r, "✅ Ja"),
                    lambda r: drv.send(r, "Mjölk och bröd"),
                    submit,
                ],
            )

            # Resident i of an area is claimed by volunteer i of the area, who then is done.
            pairs = [(r, v) for a in areas for r, v in zip(a.residents, a.volunteers, strict=True)]
            request_of: dict[int, int] = {}
            drv.phase = "claim"
            for r, v in pairs:
                data, message_id = offers[r][v]
                request_of[r] = int(data.rsplit(":", 1)[1])
                start = await drv.press(v, data, message_id=message_id)
                drv.expect(start, v, "Tack! Uppdraget är ditt.")
            drv.phase = "done"
            for r, v in pairs:
                start = await drv.press(v, f"task:done:{request_of[r]}")
                drv.expect(start, r, "Volontär")  # «<name> har markerat hjälpen … som klar.»

            # The follow-up: a score each, a comment from the resident, none from the volunteer.
            drv.phase = "follow-up"
            for step in range(4):
                for r, v in pairs:
                    rid = request_of[r]
                    if step == 0:
                        await drv.press(r, f"fu:good:{rid}")
                    elif step == 1:
                        await drv.press(v, f"fu:ok:{rid}")
                    elif step == 2:
                        await drv.send(r, "Tack, det gick bra")
                    else:
                        await drv.send(v, "Hoppa över")
        finally:
            await app.stop()

    async with uow() as u:
        counts = {
            "requests_done": (
                await u.session.execute(
                    select(func.count())
                    .select_from(HelpRequest)
                    .where(HelpRequest.status == "done")
                )
            ).scalar_one(),
            "follow_ups": (
                await u.session.execute(select(func.count()).select_from(FollowUp))
            ).scalar_one(),
            "comments": (
                await u.session.execute(
                    select(func.count()).select_from(FollowUp).where(FollowUp.comment.is_not(None))
                )
            ).scalar_one(),
            "bot_api_calls": len(request.calls),
            "flood_pauses": slowed_down(app, request),
        }
    await app.bot_data.engine.dispose()
    return timings, counts


def slowed_down(app: Any, request: BenchRequest) -> int:
    """How many times the flood control told someone to slow down."""
    catalogs = app.bot_data.catalogs
    said = set()
    for locale in ("sv", "en"):
        with catalogs.use(locale):
            said.add(texts.slow_down())
    return sum(1 for c in request.calls if c.method == "sendMessage" and c.text in said)


async def run_echo(n: int, user_ids: Sequence[int]) -> tuple[list[float], int]:
    """A bare PTB echo bot on n text updates through the same fake."""

    async def echo(update: Update, _context: Any) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    request = BenchRequest()
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(API_URL)
        .context_types(ContextTypes())
        .request(request)
        .get_updates_request(request)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    updates = Updates()
    latencies: list[float] = []
    async with app:
        await app.start()
        for k in range(n):
            user = user_ids[k % len(user_ids)]
            update = to_update(updates.message(user, f"Hej nummer {k}"), app.bot)
            t0 = time.perf_counter()
            await app.process_update(update)
            latencies.append(time.perf_counter() - t0)
        await app.stop()
    replies = len(request.sent())
    assert replies == n, f"echo bot answered {replies} of {n}"
    return latencies, replies


def summary_line(name: str, values: Sequence[float], cpu: float | None) -> str:
    ms = [v * 1000 for v in values]
    cpu_ms = f"{cpu * 1000 / len(ms):>8.2f}" if cpu is not None else f"{'':>8}"
    return (
        f"  {name:<22} {len(ms):>6} {statistics.fmean(ms):>8.2f} {pct(ms, 50):>8.2f}"
        f" {pct(ms, 95):>8.2f} {pct(ms, 99):>8.2f} {max(ms):>8.2f} {cpu_ms}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.flow", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument(
        "--users",
        type=int,
        default=200,
        help="people in all: half residents, half volunteers (default 200)",
    )
    parser.add_argument(
        "--each",
        action="store_true",
        help="--users residents and --users volunteers instead of half each",
    )
    parser.add_argument(
        "--per-area", type=int, default=20, help="residents (and volunteers) per area (default 20)"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty database to use (default: a fresh temporary SQLite file)",
    )
    parser.add_argument(
        "--max-p95-ms",
        type=float,
        default=None,
        help="not ok (exit status 1) when p95 is above this; e.g. 50 for --users 200",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a run of a few seconds (--users 20 --per-area 5) that only checks the bench works",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.users, args.per_area, args.each = 20, 5, False
    pairs = args.users if args.each else args.users // 2
    if pairs < 1 or args.per_area < 1:
        parser.error("need at least one resident and one volunteer, and --per-area >= 1")
    return run_guarded(lambda: bench(args, pairs))


def bench(args: argparse.Namespace, pairs: int) -> int:
    """Run the flow and the echo bot, print the summary; the exit status."""
    # The conversations mix message and button steps on purpose (as in pyproject's pytest config).
    warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)

    started = time.perf_counter()
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="hjalpsam-bench-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)  # Alembic runs its own event loop: outside ours.
        migrated = time.perf_counter()
        gc.collect()
        flow_started, flow_cpu = time.perf_counter(), time.process_time()
        timings, counts = asyncio.run(run_flow(url, pairs, args.per_area))
        flow_wall = time.perf_counter() - flow_started
        flow_cpu = time.process_time() - flow_cpu
    all_flow = timings.all
    n = len(all_flow)
    gc.collect()
    echo_started = time.perf_counter()
    echo, _replies = asyncio.run(
        run_echo(
            n,
            [RESIDENT_BASE + i for i in range(pairs)] + [VOLUNTEER_BASE + i for i in range(pairs)],
        )
    )
    echo_wall = time.perf_counter() - echo_started
    total = time.perf_counter() - started

    flow_busy, echo_busy = sum(all_flow), sum(echo)
    ups, echo_ups = n / flow_busy, len(echo) / echo_busy
    backend = (
        "SQLite (temporary file)"
        if args.database_url is None
        else (
            "SQLite"
            if is_sqlite(url)
            else "PostgreSQL"
            if "postgres" in url
            else url.split(":")[0]
        )
    )
    n_areas = -(-pairs // args.per_area)

    print("Hjälpsam flow benchmark")
    split = "--each: " if args.each else f"--users {args.users} split in half: "
    print(
        f"  people: {split}{pairs} residents + {pairs} volunteers + 1 coordinator "
        f"in {n_areas} areas of up to {args.per_area} residents and {args.per_area} "
        f"volunteers; one request per resident, offered to its area's volunteers"
    )
    print(
        f"  database: {backend}; clock fixed at {NOW.isoformat()}; outgoing rate limiter off;"
        f" updates fed one at a time"
    )
    default, limit = (
        Settings.model_fields["flood_messages"].default,
        flood_limit(pairs, args.per_area),
    )
    raised = (
        f"limit raised from {default} to {limit} updates (the coordinator approves every"
        " volunteer in a row)"
        if limit > default
        else f"limit {default} updates (as configured)"
    )
    print(
        f"  flood control: on, {raised} in {Settings.model_fields['flood_seconds'].default:g} s;"
        f" {counts['flood_pauses']} people told to slow down"
    )
    print(
        f"  machine: {os.cpu_count()} CPUs, load average {load:.2f} at the start"
        " (other processes on the machine slow the figures down)"
    )
    print(
        f"  migrate {migrated - started:.2f} s, flow {flow_wall:.2f} s wall "
        f"({flow_busy:.2f} s in process_update, {flow_cpu:.2f} s CPU), "
        f"echo {echo_wall:.2f} s wall, "
        f"total {total:.2f} s"
    )
    print(
        f"  outcome: {counts['requests_done']} requests done, {counts['follow_ups']} "
        f"follow-up answers ({counts['comments']} with a comment), "
        f"{counts['bot_api_calls']} Bot API calls, {errors.count} errors logged"
        + (f" (first: {errors.first})" if errors.first else "")
    )
    print()
    print(
        f"  {'phase':<22} {'updates':>6} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'p99 ms':>8} {'max ms':>8} {'CPU ms':>8}"
    )
    for phase, values in timings.phases.items():
        print(summary_line(phase, values, timings.cpu[phase]))
    print(summary_line("ALL (Hjälpsam)", all_flow, sum(timings.cpu.values())))
    print(summary_line("echo bot", echo, None))
    print()
    print(
        f"  Hjälpsam: {ups:8.1f} updates/s   echo bot: {echo_ups:8.1f} updates/s   "
        f"ratio {ups / echo_ups:.3f}"
    )
    p95_ms = pct(all_flow, 95) * 1000
    clean = (
        counts["requests_done"] == pairs
        and counts["follow_ups"] == 2 * pairs
        and counts["comments"] == pairs
        and counts["flood_pauses"] == 0
        and errors.count == 0
    )
    fast = args.max_p95_ms is None or p95_ms <= args.max_p95_ms
    if not clean:
        print("  WARNING: the flow did not complete cleanly; see the outcome line above")
    if not fast:
        print(f"  WARNING: p95 {p95_ms:.2f} ms is above --max-p95-ms {args.max_p95_ms:g}")
    ok = clean and fast
    return finish(
        {
            "updates_per_s": round(ups, 1),
            "p95_ms": round(p95_ms, 2),
            "echo_updates_per_s": round(echo_ups, 1),
            "ratio": round(ups / echo_ups, 4),
            "p50_ms": round(pct(all_flow, 50) * 1000, 2),
            "cpu_p95_ms": round(pct(timings.cpu_each, 95) * 1000, 2),
            "updates": n,
            "users": args.users,
            "residents": pairs,
            "volunteers": pairs,
            "runtime_s": round(total, 2),
            "load_avg_at_start": round(load, 2),
            "flood_limit": flood_limit(pairs, args.per_area),
            "flood_pauses": counts["flood_pauses"],
            "errors": errors.count,
            "ok": ok,
        }
    )


if __name__ == "__main__":
    sys.exit(main())
