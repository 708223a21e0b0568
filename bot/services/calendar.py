"""Calendar files (.ics): an activity's dates, for "Lägg in i kalendern" and the export feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from storage.place_models import Activity, Place

PRODID = "-//Hjälpsam//mötesplatser//SV"


def calendar(name: str) -> Calendar:
    """An empty calendar with our product id and a display name."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal


def event(
    activity: Activity,
    place: Place,
    tz: ZoneInfo,
    cancelled: Iterable[datetime] = (),
    only: datetime | None = None,
) -> Event:
    """One VEVENT: the whole series (with RRULE and EXDATEs), or just the date ``only``."""
    start = (only or activity.starts_at).astimezone(tz)
    item = Event()
    suffix = f"-{start:%Y%m%dT%H%M}" if only else ""
    item.add("uid", f"activity-{activity.key}{suffix}@hjalpsam")
    item.add("summary", activity.title)
    item.add("dtstart", start)
    item.add("dtend", start + timedelta(minutes=activity.duration_minutes))
    item.add("dtstamp", activity.starts_at)
    if activity.description:
        item.add("description", activity.description)
    location = place.online_url or ", ".join(p for p in (place.name, place.address) if p)
    item.add("location", location)
    if place.lat is not None and place.lon is not None:
        item.add("geo", (place.lat, place.lon))
    if activity.rrule and only is None:
        item.add("rrule", vRecur.from_ical(activity.rrule))
        for skipped in cancelled:
            item.add("exdate", skipped.astimezone(tz))
    return item


def to_bytes(cal: Calendar) -> bytes:
    """The calendar as an .ics file's bytes."""
    return bytes(cal.to_ical())
