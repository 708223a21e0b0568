"""`hjalpsam import places.csv`: bad rows are reported by line and never stop good ones; a
re-run updates instead of duplicating."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.services.place_import import import_text
from storage.db import create_engine, create_session_factory
from storage.place_models import Activity, Organisation, Place
from storage.uow import UnitOfWorkFactory
from tests.conftest import NOW, TZ
from tests.helpers import places_csv

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "place_key": "rk-cafe",
    "place_name": "Röda Korsets café",
    "organisation": "Röda Korset",
    "organisation_kind": "association",
    "area": "Centrum",
    "address": "Storgatan 12",
    "lat": "59.33",
    "lon": "16.51",
    "lift": "ja",
    "wheelchair": "ja",
    "hearing_loop": "nej",
    "step_free": "ja",
    "activity_key": "rk-fika",
    "title": "Fika och samtal",
    "category": "fika",
    "start": "2026-11-24 14:00",
    "duration_minutes": "120",
    "rrule": "FREQ=WEEKLY;BYDAY=TU",
    "signup_required": "nej",
}


async def _count(factory, model) -> int:
    async with factory() as uow:
        return int((await uow.session.execute(select(func.count()).select_from(model))).scalar())


async def test_bad_rows_are_reported_by_line_and_good_rows_still_land(db_url):
    engine = create_engine(db_url)
    factory = UnitOfWorkFactory(create_session_factory(engine))
    text = places_csv(
        GOOD,
        {
            **GOOD,
            "activity_key": "rk-sang",
            "title": "Allsång",
            "category": "music",
            "start": "torsdag kl 14",
        },
        {**GOOD, "place_key": "Bad Key!", "activity_key": ""},
        {
            **GOOD,
            "activity_key": "rk-gympa",
            "title": "Sittgympa",
            "category": "exercise",
            "rrule": "varje tisdag",
            "start": "2026-11-24 10:00",
        },
        {
            **GOOD,
            "place_key": "bibliotek",
            "place_name": "Biblioteket",
            "lat": "north",
            "activity_key": "",
        },
        {
            **GOOD,
            "place_key": "online",
            "place_name": "Samtal på nätet",
            "area": "",
            "lat": "",
            "lon": "",
            "address": "",
            "online_url": "https://example.org/rum",
            "activity_key": "online-samtal",
            "title": "Samtal på nätet",
            "category": "digital",
            "start": "2026-11-25 10:00",
            "rrule": "",
            "capacity": "10",
            "signup_required": "ja",
        },
    )
    report = await import_text(factory, text, TZ, NOW)
    assert report.rows == 6 and report.places == 2 and report.activities == 2
    assert [line for line, _reason in report.errors] == [3, 4, 5, 6]
    reasons = dict(report.errors)
    assert "start" in reasons[3] and "rrule" in reasons[5] and "lat" in reasons[6]
    again = await import_text(factory, places_csv({**GOOD, "title": "Fika och prat"}), TZ, NOW)
    assert (again.places, again.activities, again.errors) == (0, 0, [])
    assert await _count(factory, Place) == 2
    assert await _count(factory, Activity) == 2
    assert await _count(factory, Organisation) == 1
    async with factory() as uow:
        fika = await uow.catalogue.activity("rk-fika")
        assert fika.title == "Fika och prat" and fika.starts_at.astimezone(TZ).hour == 14
    await engine.dispose()


def test_the_command_shows_bad_lines_and_a_summary(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(
        places_csv(GOOD, {**GOOD, "category": "dans", "activity_key": "x"}), encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
    env.update(PYTHONPATH=str(ROOT), HJALPSAM_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/c.db")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(path)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Rad 3: category måste vara en av" in result.stderr
    assert result.stdout.strip().startswith(
        "Läste 2 rader: 1 nya platser, 1 nya aktiviteter, 1 rader med problem"
    )


def test_export_goes_round_and_writes_a_calendar_per_place(tmp_path):
    from icalendar import Calendar

    src = tmp_path / "in.csv"
    src.write_text(
        places_csv(
            GOOD,
            {
                **GOOD,
                "activity_key": "rk-lucia",
                "title": "Luciakonsert",
                "category": "music",
                "start": "2026-12-13 15:00",
                "rrule": "",
            },
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
    env.update(PYTHONPATH=str(ROOT), HJALPSAM_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/e.db")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )

    run("import", str(src))
    out = run("export", "--out", str(tmp_path / "out"))
    assert "Skrev 2 rader till places.csv och 1 kalenderfiler" in out.stdout
    exported = (tmp_path / "out" / "places.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["activity_key"] for r in rows] == ["rk-fika", "rk-lucia"]
    assert rows[0]["start"] == "2026-11-24 14:00" and rows[0]["rrule"] == "FREQ=WEEKLY;BYDAY=TU"
    feed = Calendar.from_ical((tmp_path / "out" / "ics" / "rk-cafe.ics").read_bytes())
    events = {str(e["summary"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {"Fika och samtal", "Luciakonsert"}
    assert events["Fika och samtal"]["rrule"]["FREQ"] == ["WEEKLY"]
    assert events["Luciakonsert"].decoded("dtstart").hour == 15
    # The exported file imports again without a single problem and adds nothing new.
    again = run("import", str(tmp_path / "out" / "places.csv"))
    assert "0 nya platser, 0 nya aktiviteter, 0 rader med problem" in again.stdout


def test_demo_data_loads_a_whole_municipality_without_a_single_problem(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
    env.update(PYTHONPATH=str(ROOT), HJALPSAM_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/d.db")

    def run():
        return subprocess.run(
            [sys.executable, "-m", "bot", "demo-data"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout

    first = run()
    assert "Läste 63 rader: 29 nya platser, 63 nya aktiviteter, 0 rader med problem" in first
    assert "0 nya platser, 0 nya aktiviteter, 0 rader med problem" in run()
