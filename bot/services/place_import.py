"""Import meeting places from CSV: each row on its own, bad rows reported and never blocking.

A re-run updates places, organisations and activities by their keys instead of duplicating.
The columns are documented in the README ("Importing meeting places").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import _
from bot.services.csv_cells import restore
from bot.services.schedule import BadRule, validate
from storage.models import Area
from storage.place_models import (
    ACTIVITY_CATEGORIES,
    ORGANISATION_KINDS,
    Activity,
    Organisation,
    Place,
)
from storage.uow import StorageUnavailable, UnitOfWork

COLUMNS: tuple[str, ...] = (
    "place_key",
    "place_name",
    "organisation",
    "organisation_kind",
    "organisation_phone",
    "organisation_email",
    "organisation_web",
    "contact_person",
    "area",
    "address",
    "lat",
    "lon",
    "lift",
    "wheelchair",
    "hearing_loop",
    "step_free",
    "transit_hint",
    "online_url",
    "activity_key",
    "title",
    "description",
    "category",
    "start",
    "duration_minutes",
    "rrule",
    "cost_sek",
    "signup_required",
    "capacity",
)
_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
_TRUE, _FALSE = {"ja", "yes", "true", "1", "x"}, {"nej", "no", "false", "0", ""}


class RowProblem(ValueError):
    """Why a row cannot be used, in words an operator understands."""


@dataclass
class ImportReport:
    rows: int = 0
    places: int = 0
    activities: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def read(text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV text with their line numbers; RowProblem if the header is wrong.

    A cell the export protected from spreadsheets ("'=…") is read without that one quote.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("place_key", "place_name") if c not in (reader.fieldnames or [])]
    if missing:
        raise RowProblem(_("The file has no column {names}.").format(names=", ".join(missing)))
    return [
        (reader.line_num, {k: restore((v or "").strip()) for k, v in row.items() if k})
        for row in reader
    ]


def _bool(row: dict[str, str], name: str) -> bool:
    value = row.get(name, "").lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise RowProblem(
        _("{column} must be ja or nej, not «{value}».").format(column=name, value=value)
    )


def _int(row: dict[str, str], name: str, low: int, high: int) -> int | None:
    value = row.get(name, "")
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise RowProblem(
            _("{column} must be a whole number from {low} to {high}, not «{value}».").format(
                column=name, low=low, high=high, value=value
            )
        )
    return int(value)


def _coordinates(row: dict[str, str]) -> tuple[float | None, float | None]:
    lat, lon = row.get("lat", ""), row.get("lon", "")
    if not lat and not lon:
        return None, None
    try:
        lat_f, lon_f = float(lat), float(lon)
    except ValueError:
        raise RowProblem(_("lat and lon must both be numbers, e.g. 59.33 and 18.06.")) from None
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise RowProblem(_("lat and lon are outside the map."))
    return lat_f, lon_f


def _place_fields(row: dict[str, str]) -> dict[str, Any]:
    if not _KEY.match(row.get("place_key", "")):
        raise RowProblem(_("place_key must be short lower-case letters, digits and dashes."))
    if not row.get("place_name"):
        raise RowProblem(_("place_name is empty."))
    lat, lon = _coordinates(row)
    return {
        "name": row["place_name"][:120],
        "address": row.get("address") or None,
        "lat": lat,
        "lon": lon,
        "lift": _bool(row, "lift"),
        "wheelchair": _bool(row, "wheelchair"),
        "hearing_loop": _bool(row, "hearing_loop"),
        "step_free": _bool(row, "step_free"),
        "transit_hint": row.get("transit_hint") or None,
        "online_url": row.get("online_url") or None,
    }


def _activity_fields(row: dict[str, str], tz: ZoneInfo) -> dict[str, Any] | None:
    if not row.get("activity_key"):
        return None
    if not _KEY.match(row["activity_key"]):
        raise RowProblem(_("activity_key must be short lower-case letters, digits and dashes."))
    if not row.get("title"):
        raise RowProblem(_("title is empty."))
    if row.get("category") not in ACTIVITY_CATEGORIES:
        raise RowProblem(
            _("category must be one of {names}.").format(names=", ".join(ACTIVITY_CATEGORIES))
        )
    try:
        starts_at = datetime.strptime(row.get("start", ""), "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    except ValueError:
        raise RowProblem(_("start must look like 2026-12-01 14:00.")) from None
    try:
        rule = validate(row["rrule"]) if row.get("rrule") else None
    except BadRule:
        raise RowProblem(_("rrule cannot be read, e.g. FREQ=WEEKLY;BYDAY=TU.")) from None
    return {
        "title": row["title"][:120],
        "description": row.get("description") or None,
        "category": row["category"],
        "starts_at": starts_at,
        "rrule": rule,
        "duration_minutes": _int(row, "duration_minutes", 1, 1440) or 60,
        "cost_sek": _int(row, "cost_sek", 0, 100_000),
        "signup_required": _bool(row, "signup_required"),
        "capacity": _int(row, "capacity", 1, 10_000),
    }


async def _organisation(uow: UnitOfWork, row: dict[str, str]) -> int | None:
    name = row.get("organisation", "")
    if not name:
        return None
    kind = row.get("organisation_kind") or "other"
    if kind not in ORGANISATION_KINDS:
        raise RowProblem(
            _("organisation_kind must be one of {names}.").format(
                names=", ".join(ORGANISATION_KINDS)
            )
        )
    org = await uow.catalogue.organisation(name)
    if org is None:
        org = Organisation(name=name[:120])
        await uow.catalogue.add(org)
    org.kind = kind
    for column, attr in (
        ("organisation_phone", "phone"),
        ("organisation_email", "email"),
        ("organisation_web", "web"),
        ("contact_person", "contact_person"),
    ):
        if row.get(column):
            setattr(org, attr, row[column])
    return org.id


async def _area(uow: UnitOfWork, name: str, now: datetime) -> int | None:
    if not name:
        return None
    area = await uow.areas.by_name(name)
    if area is None:
        area = await uow.areas.add(Area(name=" ".join(name.split())[:60], created_at=now))
    return area.id


async def import_row(
    uow: UnitOfWork, row: dict[str, str], tz: ZoneInfo, now: datetime
) -> tuple[bool, bool]:
    """Add or update one row's organisation, place and activity; (place added, activity added)."""
    fields = _place_fields(row)
    activity_fields = _activity_fields(row, tz)
    fields["organisation_id"] = await _organisation(uow, row)
    fields["area_id"] = await _area(uow, row.get("area", ""), now)
    place = await uow.catalogue.place(row["place_key"])
    new_place = place is None
    if place is None:
        place = Place(key=row["place_key"])
    for name, value in fields.items():
        setattr(place, name, value)
    await uow.catalogue.add(place)
    if activity_fields is None:
        return new_place, False
    activity = await uow.catalogue.activity(row["activity_key"])
    new_activity = activity is None
    if activity is None:
        activity = Activity(key=row["activity_key"])
    for name, value in {**activity_fields, "place_id": place.id}.items():
        setattr(activity, name, value)
    await uow.catalogue.add(activity)
    return new_place, new_activity


async def import_text(
    uow: Callable[[], UnitOfWork],
    text: str,
    tz: ZoneInfo,
    now: datetime,
    progress: Callable[[int], None] = lambda _n: None,
) -> ImportReport:
    """Import every row in its own unit of work, so one bad row never stops the good ones."""
    report = ImportReport()
    rows = read(text)
    for line, row in rows:
        report.rows += 1
        try:
            async with uow() as work:
                added_place, added_activity = await import_row(work, row, tz, now)
            report.places += added_place
            report.activities += added_activity
        except RowProblem as problem:
            report.errors.append((line, str(problem)))
        except StorageUnavailable:
            report.errors.append(
                (line, _("The row could not be saved (it clashes with another)."))
            )
        progress(1)
    return report
