"""Reports: figures checked against a fixed dataset computed by hand, the chart and the CSV,
/rapport for coordinators only, and ``hjalpsam report`` on the command line.

The dataset (all times local, Europe/Stockholm, CET = UTC+1 in October after the 25th and in
November; R = request, created → first claim → closed):

    R1  Anna   Centrum shopping  done      Erik  1 Nov 00:30 → 01:00 (30 min) → 1 Nov 14:00, 60
    R2  Anna   Centrum pharmacy  done      Sara  3 Nov 09:00 → 10:00 (60)     → 3 Nov 12:00, 45
    R3  Bertil Norr    company   done      Sara  5 Nov 12:00 → 14:00 (120) Erik, given back,
                                                 taken again 6 Nov by Sara    → 7 Nov 16:00, 120
    R4  Bertil Norr    shopping  cancelled Erik 10 Nov 08:00 → 08:10 (10)     → 10 Nov 09:00
    R5  Anna   Centrum phone     expired   –    12 Nov 10:00, never taken     → 14 Nov 10:00
    R6  Anna   Centrum escort    claimed   Olle 20 Nov 10:00 → 21 Nov 10:00 (1 440)
    R7  Bertil Norr    digital   open      –    25 Nov 10:00
    R8  Anna   Centrum shopping  done      Olle 30 Oct 10:00 → 12:00 (120)    → 1 Nov 10:00, 30
    R9  Bertil Norr    home      open      –     1 Dec 00:15 (just after November, local time)
    R10 Anna   Centrum home      done      Erik 28 Nov 08:00 → 09:00 (60)     → 1 Dec 01:00, 60
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.i18n import Catalogs
from bot.services import reports
from bot.settings import Settings
from bot.ui import report_files, texts
from storage.db import create_engine, create_session_factory
from storage.models import Area, AuditEntry, FollowUp, HelpRequest, Person, RequestEvent, Role
from storage.place_models import Activity, Place, SignUp
from storage.uow import UnitOfWork, UnitOfWorkFactory
from tests.conftest import NOW, TZ, Harness
from tests.helpers import COORDINATOR, RESIDENT, VOLUNTEER, coordinator_with_area, resident
from tests.helpers import volunteer as volunteer_signs_up

ROOT = Path(__file__).resolve().parent.parent
NOVEMBER = reports.days(date(2026, 11, 1), date(2026, 11, 30), TZ)
SECRETS = (
    "Anna",
    "Bertil",
    "Erik",
    "Sara",
    "Olle",
    "Storgatan",
    "Kyrkvägen",
    "070-111",
    "070-222",
    "0701111111",
    "Ring på",
)
PEOPLE = {
    "Anna": (3001, "resident", "Storgatan 5", "070-111 11 11"),
    "Bertil": (3002, "resident", "Kyrkvägen 3", "070-222 22 22"),
    "Erik": (3101, "volunteer", None, "0701111111"),
    "Sara": (3102, "volunteer", None, None),
    "Olle": (3103, "volunteer", None, None),
}


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local time in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@dataclass
class Row:
    who: str
    area: str
    category: str
    status: str
    volunteer: str | None
    created: datetime
    claims: tuple[tuple[datetime, str], ...] = ()
    closed: datetime | None = None
    minutes: int | None = None


REQUESTS = (
    Row("Anna", "Centrum", "shopping", "done", "Erik", at(11, 1, 0, 30),
        ((at(11, 1, 1), "Erik"),), at(11, 1, 14), 60),
    Row("Anna", "Centrum", "pharmacy", "done", "Sara", at(11, 3, 9),
        ((at(11, 3, 10), "Sara"),), at(11, 3, 12), 45),
    Row("Bertil", "Norr", "company", "done", "Sara", at(11, 5, 12),
        ((at(11, 5, 14), "Erik"), (at(11, 6, 9), "Sara")), at(11, 7, 16), 120),
    Row("Bertil", "Norr", "shopping", "cancelled", "Erik", at(11, 10, 8),
        ((at(11, 10, 8, 10), "Erik"),), at(11, 10, 9)),
    Row("Anna", "Centrum", "phone", "expired", None, at(11, 12, 10), (), at(11, 14, 10)),
    Row("Anna", "Centrum", "escort", "claimed", "Olle", at(11, 20, 10),
        ((at(11, 21, 10), "Olle"),)),
    Row("Bertil", "Norr", "digital", "open", None, at(11, 25, 10)),
    Row("Anna", "Centrum", "shopping", "done", "Olle", at(10, 30, 10),
        ((at(10, 30, 12), "Olle"),), at(11, 1, 10), 30),
    Row("Bertil", "Norr", "home", "open", None, at(12, 1, 0, 15)),
    Row("Anna", "Centrum", "home", "done", "Erik", at(11, 28, 8),
        ((at(11, 28, 9), "Erik"),), at(12, 1, 1), 60),
)  # fmt: skip
# (request number, who, role, score, when)
FOLLOW_UPS = (
    (1, "Anna", "resident", "good", at(11, 1, 15)),
    (1, "Erik", "volunteer", "good", at(11, 1, 15)),
    (2, "Anna", "resident", "ok", at(11, 3, 13)),
    (3, "Bertil", "resident", "bad", at(11, 7, 17)),
    (3, "Sara", "volunteer", "good", at(11, 7, 18)),
    (8, "Anna", "resident", "good", at(11, 1, 11)),
    (10, "Anna", "resident", "good", at(12, 1, 9)),  # December: not counted in November
)
# (who, date of the meeting, status)
SIGNUPS = (
    ("Bertil", at(10, 31, 23, 30), "confirmed"),  # October, local time
    ("Anna", at(11, 10, 14), "confirmed"),
    ("Bertil", at(11, 10, 14), "confirmed"),
    ("Anna", at(11, 17, 14), "confirmed"),
    ("Bertil", at(11, 17, 14), "cancelled"),
    ("Bertil", at(11, 24, 14), "waiting"),
    ("Anna", at(12, 3, 14), "confirmed"),
)


async def _people(uow: UnitOfWork) -> tuple[dict[str, int], dict[str, int]]:
    areas = {}
    for name in ("Centrum", "Norr"):
        area = Area(name=name, created_at=NOW)
        uow.session.add(area)
        await uow.session.flush()
        areas[name] = area.id
    ids = {}
    for name, (tg, role, address, phone) in PEOPLE.items():
        person = Person(
            telegram_id=tg, first_name=name, address=address, phone=phone, locale="sv",
            area_id=areas["Norr" if name == "Bertil" else "Centrum"],
            created_at=NOW, onboarded_at=NOW,
        )  # fmt: skip
        uow.session.add(person)
        await uow.session.flush()
        uow.session.add(Role(person_id=person.id, role=role))
        ids[name] = person.id
    return areas, ids


async def seed(uow: UnitOfWork) -> None:
    """Store the dataset above directly with the storage models."""
    areas, ids = await _people(uow)
    request_ids = []
    for row in REQUESTS:
        req = HelpRequest(
            resident_id=ids[row.who], created_by_id=ids[row.who], area_id=areas[row.area],
            category=row.category, status=row.status, details="Ring på hos Anna, Storgatan 5",
            volunteer_id=ids[row.volunteer] if row.volunteer else None,
            created_at=row.created, claimed_at=row.claims[-1][0] if row.claims else None,
            closed_at=row.closed, volunteer_minutes=row.minutes,
        )  # fmt: skip
        uow.session.add(req)
        await uow.session.flush()
        request_ids.append(req.id)
        events = [("created", ids[row.who], row.created)]
        for i, (claimed, by) in enumerate(row.claims):
            events.append(("claimed", ids[by], claimed))
            if i + 1 < len(row.claims):
                events.append(("given_back", ids[by], claimed + timedelta(hours=4)))
        if row.closed:
            events.append((row.status, None, row.closed))
        for kind, actor, moment in events:
            uow.session.add(RequestEvent(request_id=req.id, kind=kind, actor_id=actor, at=moment))
    for number, who, role, score, moment in FOLLOW_UPS:
        uow.session.add(
            FollowUp(
                request_id=request_ids[number - 1], person_id=ids[who], role=role,
                score=score, comment=f"{who} var snäll", at=moment,
            )
        )  # fmt: skip
    place = Place(key="p1", name="Träffpunkten", address="Storgatan 1")
    uow.session.add(place)
    await uow.session.flush()
    activity = Activity(
        key="a1", place_id=place.id, title="Fika", category="fika", starts_at=at(11, 3, 14)
    )
    uow.session.add(activity)
    await uow.session.flush()
    for who, moment, status in SIGNUPS:
        uow.session.add(
            SignUp(
                activity_id=activity.id, occurs_at=moment, person_id=ids[who], status=status,
                created_at=at(10, 1),
            )
        )  # fmt: skip
    await uow.session.flush()


async def seeded(h: Harness) -> None:
    async with h.uow() as uow:
        await seed(uow)


# Hand-computed for November (1–30 November, local time):
# - made in November: R1–R7 and R10 = 8 (R8 was made in October; R9 at 00:15 on 1 December).
# - ended in November: done R1, R2, R3, R8 (R10 ended on 1 December) = 4; cancelled R4 = 1;
#   expired R5 = 1; fulfilled 4 / 6 = 66.7 %.
# - first claims of requests made in November, in minutes: R1 30, R2 60, R3 120 (its first
#   claim, not Sara's), R4 10, R6 1440, R10 60. Sorted: 10, 30, 60, 60, 120, 1440 (n = 6).
#   Median = (60 + 60) / 2 = 60. p90 = nearest rank ceil(0.9 × 6) = 6th = 1440.
# - done in November by Erik (R1), Sara (R2, R3), Olle (R8): 3 volunteers;
#   60 + 45 + 120 + 30 = 255 minutes = 4.25 hours.
# - follow-ups given in November: residents good 2 (R1, R8), ok 1 (R2), bad 1 (R3);
#   volunteers good 2 (R1, R3).
# - sign-ups: confirmed on 10 Nov (Anna, Bertil) and 17 Nov (Anna) = 3 seats, 2 people.
NOVEMBER_ROWS = [
    ["avsnitt", "namn", "värde"],
    ["Period", "Första dagen", "2026-11-01"],
    ["Period", "Sista dagen", "2026-11-30"],
    ["Förfrågningar", "Nya", "8"],
    ["Typ av hjälp", "Handla", "2"],
    ["Typ av hjälp", "Apotek", "1"],
    ["Typ av hjälp", "Promenad och sällskap", "1"],
    ["Typ av hjälp", "Skjuts och följeslagare", "1"],
    ["Typ av hjälp", "Digital hjälp", "1"],
    ["Typ av hjälp", "Praktisk hjälp hemma", "1"],
    ["Typ av hjälp", "Telefonvän", "1"],
    ["Område", "Centrum", "5"],
    ["Område", "Norr", "3"],
    ["Avslutade", "Fick hjälp", "4"],
    ["Avslutade", "Avbokade", "1"],
    ["Avslutade", "Ingen tog den", "1"],
    ["Avslutade", "Andel som fick hjälp (%)", "66.7"],
    ["Tid tills en volontär tog den", "Antal", "6"],
    ["Tid tills en volontär tog den", "Median (minuter)", "60"],
    ["Tid tills en volontär tog den", "9 av 10 inom (minuter)", "1440"],
    ["Volontärer", "Aktiva", "3"],
    ["Volontärer", "Timmar (uppskattat)", "4.25"],
    ["Uppföljning, boende", "Bra", "2"],
    ["Uppföljning, boende", "Okej", "1"],
    ["Uppföljning, boende", "Dåligt", "1"],
    ["Uppföljning, volontärer", "Bra", "2"],
    ["Uppföljning, volontärer", "Okej", "0"],
    ["Uppföljning, volontärer", "Dåligt", "0"],
    ["Mötesplatser", "Anmälningar", "3"],
    ["Mötesplatser", "Personer", "2"],
]


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def assert_anonymous(*outputs: bytes) -> None:
    for output in outputs:
        for secret in SECRETS:
            assert secret.encode() not in output, secret


async def test_figures_of_november_match_the_hand_computed_values(harness: Harness) -> None:
    await seeded(harness)
    async with harness.uow() as uow:
        report = await reports.build(uow, NOVEMBER)
    assert report.requests == 8
    assert report.by_category == (
        ("shopping", 2), ("pharmacy", 1), ("company", 1), ("escort", 1),
        ("digital", 1), ("home", 1), ("phone", 1),
    )  # fmt: skip
    assert report.by_area == (("Centrum", 5), ("Norr", 3))
    assert (report.done, report.cancelled, report.expired, report.closed) == (4, 1, 1, 6)
    assert report.fulfilled_share == 4 / 6
    assert report.claimed == 6
    assert report.claim_median == timedelta(minutes=60)
    assert report.claim_p90 == timedelta(minutes=1440)
    assert (report.active_volunteers, report.volunteer_minutes) == (3, 255)
    assert report.volunteer_hours == 4.25
    assert report.follow_ups == (
        ("resident", "good", 2), ("resident", "ok", 1), ("resident", "bad", 1),
        ("volunteer", "good", 2), ("volunteer", "ok", 0), ("volunteer", "bad", 0),
    )  # fmt: skip
    assert (report.signup_seats, report.signup_people) == (3, 2)


async def test_the_last_7_days_and_an_empty_period(harness: Harness) -> None:
    # 16–22 November: made R6 only; nothing ended; R6 was taken after 1440 minutes; the
    # only confirmed seat is Anna's on 17 November.
    await seeded(harness)
    week = reports.period("week", NOW, TZ)
    assert (week.first, week.last) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week.start == datetime(2026, 11, 16, tzinfo=TZ)
    assert week.end == datetime(2026, 11, 23, tzinfo=TZ)
    async with harness.uow() as uow:
        report = await reports.build(uow, week)
        empty = await reports.build(uow, reports.days(date(2025, 1, 1), date(2025, 1, 31), TZ))
    assert (report.requests, report.by_category, report.closed) == (1, (("escort", 1),), 0)
    assert report.fulfilled_share is None
    assert report.claim_median == report.claim_p90 == timedelta(minutes=1440)
    assert (report.signup_seats, report.signup_people) == (1, 1)
    with Catalogs("sv").use("sv"):
        assert texts.report_caption(report) == (
            "Senaste 7 dagarna: 1 ny förfrågan. Mediantid till en volontär: 24 tim. "
            "0 volontärer, cirka 0 timmar. Mötesplatser: 1 anmälan, 1 person."
        )
        assert_anonymous(report_files.report_png(empty), report_files.report_csv(empty))
    assert (empty.requests, empty.claimed, empty.claim_median, empty.fulfilled_share) == (
        0, 0, None, None,
    )  # fmt: skip


def test_median_and_p90_definitions() -> None:
    minutes = [timedelta(minutes=m) for m in (5, 1, 3)]
    assert reports.median(minutes) == timedelta(minutes=3)
    assert reports.p90(minutes) == timedelta(minutes=5)  # ceil(2.7) = 3rd smallest
    ten = [timedelta(minutes=m) for m in range(1, 11)]
    assert reports.median(ten) == timedelta(minutes=5.5)
    assert reports.p90(ten) == timedelta(minutes=9)  # ceil(9.0) = 9th smallest
    assert reports.median([]) is None and reports.p90([]) is None


async def test_chart_and_csv_hold_the_figures_and_no_personal_data(harness: Harness) -> None:
    await seeded(harness)
    async with harness.uow() as uow:
        report = await reports.build(uow, NOVEMBER)
    with Catalogs("sv").use("sv"):
        png, body = report_files.report_png(report), report_files.report_csv(report)
        caption = texts.report_caption(report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    assert body.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for spreadsheets
    assert csv_rows(body) == NOVEMBER_ROWS
    assert caption == (
        "1 november 2026 – 30 november 2026: 8 nya förfrågningar. 4 av 6 avslutade fick hjälp "
        "(67 %). Mediantid till en volontär: 1 tim. 3 volontärer, cirka 4 timmar. "
        "Mötesplatser: 3 anmälningar, 2 personer."
    )
    assert_anonymous(png, body, caption.encode())
    with Catalogs("sv").use("en"):
        english = csv_rows(report_files.report_csv(report))
    assert english[0] == ["section", "name", "value"]
    assert ["Closed", "Share that got help (%)", "66.7"] in english


async def test_a_coordinator_gets_the_chart_and_the_csv_in_swedish(harness: Harness) -> None:
    # The last 30 days, 24 October – 22 November: made R8 and R1–R6 = 7; ended as in
    # November (4 of 6 got help, 67 %); first claims 120 (R8), 30, 60, 120, 10, 1440 →
    # sorted 10, 30, 60, 120, 120, 1440, median (60 + 120) / 2 = 90 min = 1 tim 30 min;
    # 3 volunteers, 255 min ≈ 4 hours; seats: Bertil 31 Oct, Anna and Bertil 10 Nov,
    # Anna 17 Nov = 4, by 2 people.
    h = harness
    await seeded(h)
    await coordinator_with_area(h, "Väster")
    h.request.clear()
    await h.send(COORDINATOR, "/rapport")
    question = h.last(COORDINATOR)
    assert question.text == "Vilken tid ska rapporten gälla?"
    assert question.buttons() == [
        "Senaste 7 dagarna", "Senaste 30 dagarna", "Senaste året", "Hela tiden",
    ]  # fmt: skip
    h.request.clear()
    await h.press(COORDINATOR, question.callback_data()["Senaste 30 dagarna"])
    assert [e.text for e in h.request.sent(COORDINATOR, "editMessageText")] == [
        "Ett ögonblick, jag gör rapporten …"
    ]
    (photo,) = h.request.sent(COORDINATOR, "sendPhoto")
    assert photo.params["caption"] == (
        "Senaste 30 dagarna: 7 nya förfrågningar. 4 av 6 avslutade fick hjälp (67 %). "
        "Mediantid till en volontär: 1 tim 30 min. 3 volontärer, cirka 4 timmar. "
        "Mötesplatser: 4 anmälningar, 2 personer."
    )
    (document,) = h.request.sent(COORDINATOR, "sendDocument")
    assert [c.method for c in h.request.calls] == [
        "answerCallbackQuery", "editMessageText", "sendPhoto", "sendDocument",
    ]  # fmt: skip
    for call in h.request.calls:
        assert_anonymous(str(call.params).encode())
    async with h.uow() as uow:
        audit = (await uow.session.execute(select(AuditEntry))).scalars().all()
    assert [(a.actor_telegram_id, a.action, a.target, a.allowed) for a in audit] == [
        (COORDINATOR, "report", "period:2026-10-24..2026-11-22", True)
    ]
    assert document.chat_id == COORDINATOR

    # The menu button asks the same question.
    await h.send(COORDINATOR, "📊 Rapport")
    assert h.last(COORDINATOR).text == "Vilken tid ska rapporten gälla?"


async def test_residents_and_volunteers_are_refused_and_audited(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await volunteer_signs_up(h, VOLUNTEER, "Erik")
    h.request.clear()
    for user in (RESIDENT, VOLUNTEER):
        await h.send(user, "/rapport")
        assert h.last(user).text == "Tyvärr, det kan du inte göra."
        await h.press(user, "rep:all")  # a forged button
    assert h.alerts() == ["Tyvärr, det kan du inte göra."] * 2
    assert h.request.sent(None, "sendPhoto") == h.request.sent(None, "sendDocument") == []
    async with h.uow() as uow:
        audit = (
            await uow.session.execute(
                select(AuditEntry.actor_telegram_id, AuditEntry.target, AuditEntry.allowed)
                .where(AuditEntry.action == "report")
                .order_by(AuditEntry.id)
            )
        ).all()
    everything = "period:2000-01-01..2026-11-22"
    assert [tuple(a) for a in audit] == [
        (RESIDENT, "menu", False), (RESIDENT, everything, False),
        (VOLUNTEER, "menu", False), (VOLUNTEER, everything, False),
    ]  # fmt: skip


def _cli(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
    env.update(HJALPSAM_DATABASE_URL=database_url, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


async def test_the_command_line_writes_the_png_and_the_csv(
    settings: Settings, tmp_path: Path
) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with UnitOfWorkFactory(create_session_factory(engine))() as uow:
            await seed(uow)
    finally:
        await engine.dispose()
    out = tmp_path / "rapport"
    args = ("report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out))
    done = await asyncio.to_thread(_cli, *args, database_url=settings.database_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"Rapporten är sparad i {out}: report.png och report.csv.")
    png, body = (out / "report.png").read_bytes(), (out / "report.csv").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    assert csv_rows(body) == NOVEMBER_ROWS
    assert_anonymous(png, body)

    backwards = await asyncio.to_thread(
        _cli, "report", "--from", "2026-11-30", "--to", "2026-11-01", "--out", str(out),
        database_url=settings.database_url, cwd=tmp_path,
    )  # fmt: skip
    assert backwards.returncode == 2
    assert backwards.stderr.strip() == (
        "Slutdatumet kommer före startdatumet. Titta på --from och --to igen."
    )
