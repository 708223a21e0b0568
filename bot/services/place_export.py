"""Export meeting places: rows in the import format (so a file can go round), and .ics feeds.

Text cells that a spreadsheet would run as a formula get a quote in front
(:mod:`bot.services.csv_cells`); the importer takes it away again, so the round trip keeps
every text. Number columns stay numbers.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.services import calendar
from bot.services.csv_cells import neutralise
from bot.services.place_import import COLUMNS
from storage.place_models import Activity, Place
from storage.uow import UnitOfWork

# Written as numbers; everything else is text a coordinator or an import typed.
NUMBERS = frozenset({"lat", "lon", "duration_minutes", "cost_sek", "capacity"})


def _row(columns: dict[str, str]) -> dict[str, str]:
    """One row of places.csv, every column present, text cells neutralised."""
    return {
        c: columns.get(c, "") if c in NUMBERS else neutralise(columns.get(c, "")) for c in COLUMNS
    }


def _yes(value: bool) -> str:
    return "ja" if value else "nej"


async def _place_columns(uow: UnitOfWork, place: Place) -> dict[str, str]:
    area = await uow.areas.get(place.area_id) if place.area_id else None
    org = (
        await uow.catalogue.organisation_by_id(place.organisation_id)
        if place.organisation_id
        else None
    )
    return {
        "place_key": place.key,
        "place_name": place.name,
        "organisation": org.name if org else "",
        "organisation_kind": org.kind if org else "",
        "organisation_phone": (org.phone or "") if org else "",
        "organisation_email": (org.email or "") if org else "",
        "organisation_web": (org.web or "") if org else "",
        "contact_person": (org.contact_person or "") if org else "",
        "area": area.name if area else "",
        "address": place.address or "",
        "lat": "" if place.lat is None else f"{place.lat:.5f}",
        "lon": "" if place.lon is None else f"{place.lon:.5f}",
        "lift": _yes(place.lift),
        "wheelchair": _yes(place.wheelchair),
        "hearing_loop": _yes(place.hearing_loop),
        "step_free": _yes(place.step_free),
        "transit_hint": place.transit_hint or "",
        "online_url": place.online_url or "",
    }


def _activity_columns(activity: Activity, tz: ZoneInfo) -> dict[str, str]:
    return {
        "activity_key": activity.key,
        "title": activity.title,
        "description": activity.description or "",
        "category": activity.category,
        "start": activity.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        "duration_minutes": str(activity.duration_minutes),
        "rrule": activity.rrule or "",
        "cost_sek": "" if activity.cost_sek is None else str(activity.cost_sek),
        "signup_required": _yes(activity.signup_required),
        "capacity": "" if activity.capacity is None else str(activity.capacity),
    }


async def export(uow: UnitOfWork, tz: ZoneInfo) -> tuple[list[dict[str, str]], dict[str, bytes]]:
    """All rows for places.csv, and one .ics feed per place (by place key)."""
    by_place: dict[int, list[Activity]] = {}
    for activity in await uow.catalogue.activities():
        by_place.setdefault(activity.place_id, []).append(activity)
    rows: list[dict[str, str]] = []
    feeds: dict[str, bytes] = {}
    for place in await uow.catalogue.places():
        columns = await _place_columns(uow, place)
        activities = by_place.get(place.id, [])
        feed = calendar.calendar(place.name)
        if not activities:
            rows.append(_row(columns))
        for activity in activities:
            rows.append(_row({**columns, **_activity_columns(activity, tz)}))
            if not activity.cancelled:
                skipped = await uow.places.cancelled_dates(activity.id)
                feed.add_component(calendar.event(activity, place, tz, skipped))
        feeds[place.key] = calendar.to_bytes(feed)
    return rows, feeds
