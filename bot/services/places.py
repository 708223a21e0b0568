"""Finding meeting places: near a location, in an area, today, this week or by kind.

Results are activities with their next date, so that every card leads straight to a date a
person can go to. A municipality lists hundreds of activities at most, so the filtering and
the distances are done here in Python, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import asin, cos, radians, sin, sqrt
from zoneinfo import ZoneInfo

from bot.services.errors import NotFound, NotOpen
from bot.services.people import registered
from bot.services.schedule import occurrences
from bot.services.signups import date_of
from storage.place_models import ACTIVITY_CATEGORIES, Activity, Place
from storage.uow import UnitOfWork

MODES: tuple[str, ...] = ("near", "area", "today", "week", "category")
# How far ahead a search looks, and how far "near" reaches.
HORIZON = timedelta(days=35)
NEAR_KM = 25.0
PAGE = 3
# Where the find-place flow keeps the last search in the person's PTB user_data (stored as JSON
# in ``persisted_state``). A "near" search holds their rounded location, and "at" says when it
# was made: /minadata exports it, /radera and the retention job remove it.
SAVED_SEARCH_KEY = "find_place"


@dataclass(frozen=True)
class Search:
    """What a person is looking for (kept between pages)."""

    mode: str
    lat: float | None = None
    lon: float | None = None
    category: str | None = None


@dataclass(frozen=True)
class Card:
    """One result: an activity, its place and its next date."""

    activity_id: int
    title: str
    category: str
    place: str
    area: str | None
    next_at: datetime
    distance_km: float | None
    cost_sek: int | None
    online: bool


@dataclass(frozen=True)
class Page:
    cards: tuple[Card, ...]
    total: int
    offset: int

    @property
    def more(self) -> bool:
        return self.offset + len(self.cards) < self.total


@dataclass(frozen=True)
class Occasion:
    """One date of an activity, with the seats left (None: no limit) and this person's place."""

    at: datetime
    seats_left: int | None
    mine: str | None = None  # confirmed | waiting | None


@dataclass(frozen=True)
class Detail:
    """Everything a person may read about an activity: no one's personal details."""

    activity_id: int
    title: str
    description: str | None
    category: str
    duration_minutes: int
    recurring: bool
    cost_sek: int | None
    signup_required: bool
    place: str
    address: str | None
    area: str | None
    lat: float | None
    lon: float | None
    online_url: str | None
    transit_hint: str | None
    access: tuple[str, ...]
    organisation: str | None
    organisation_phone: str | None
    dates: tuple[Occasion, ...]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine); plenty for "how far to walk"."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 6371.0 * 2 * asin(sqrt(a))


def valid_location(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


def _window(search: Search, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    local = now.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if search.mode == "today":
        return now, midnight + timedelta(days=1)
    if search.mode == "week":
        # The rest of this week, Monday to Sunday; on a Sunday also the coming week.
        days_left = 7 - local.weekday() if local.weekday() < 6 else 8
        return now, midnight + timedelta(days=days_left)
    return now, now + HORIZON


async def search(
    uow: UnitOfWork,
    telegram_id: int,
    wanted: Search,
    now: datetime,
    tz: ZoneInfo,
    offset: int = 0,
    limit: int = PAGE,
) -> Page:
    """The cards matching ``wanted``, ``limit`` at a time from ``offset``."""
    if wanted.mode not in MODES:
        raise NotFound("search")
    person = await registered(uow, telegram_id)
    if wanted.mode == "category" and wanted.category not in ACTIVITY_CATEGORIES:
        raise NotFound("category")
    start, end = _window(wanted, now, tz)
    cancelled = await uow.places.all_cancelled_dates()
    areas = {a.id: a.name for a in await uow.areas.all()}
    found: list[Card] = []
    for activity, place in await uow.places.listed():
        card = _card(activity, place, wanted, person.area_id, areas, start, end, tz, cancelled)
        if card is not None:
            found.append(card)
    if wanted.mode == "near":
        found.sort(key=lambda c: (c.distance_km or 0.0, c.next_at))
    else:
        found.sort(key=lambda c: (c.next_at, c.title))
    offset = max(0, min(offset, len(found)))
    return Page(tuple(found[offset : offset + limit]), len(found), offset)


def _card(
    activity: Activity,
    place: Place,
    wanted: Search,
    area_id: int | None,
    areas: dict[int, str],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    cancelled: dict[int, list[datetime]],
) -> Card | None:
    """The card of an activity if it matches, else None."""
    distance = None
    if wanted.mode == "near":
        if place.lat is None or place.lon is None or wanted.lat is None or wanted.lon is None:
            return None
        distance = distance_km(wanted.lat, wanted.lon, place.lat, place.lon)
        if distance > NEAR_KM:
            return None
    if wanted.mode == "area" and (area_id is None or place.area_id != area_id):
        return None
    if wanted.mode == "category" and activity.category != wanted.category:
        return None
    dates = occurrences(
        activity.starts_at, activity.rrule, tz, start, end, cancelled.get(activity.id, ())
    )
    if not dates:
        return None
    return Card(
        activity.id,
        activity.title,
        activity.category,
        place.name,
        areas.get(place.area_id) if place.area_id else None,
        dates[0],
        distance,
        activity.cost_sek,
        bool(place.online_url) and place.address is None,
    )


async def detail(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    now: datetime,
    tz: ZoneInfo,
    count: int = 4,
) -> Detail:
    """An activity with its next ``count`` dates and the seats left on each."""
    person = await registered(uow, telegram_id)
    activity = await uow.places.activity(activity_id)
    if activity is None:
        raise NotFound("activity")
    if activity.cancelled:
        raise NotOpen("activity")
    place = await uow.places.place(activity.place_id)
    if place is None:
        raise NotFound("place")
    skipped = await uow.places.cancelled_dates(activity.id)
    upcoming = occurrences(activity.starts_at, activity.rrule, tz, now, now + HORIZON * 3, skipped)
    dates = [await _occasion(uow, activity, at, person.id) for at in upcoming[:count]]
    area = await uow.areas.get(place.area_id) if place.area_id else None
    organisation = (
        await uow.catalogue.organisation_by_id(place.organisation_id)
        if place.organisation_id
        else None
    )
    access = tuple(
        name
        for name, present in (
            ("wheelchair", place.wheelchair),
            ("lift", place.lift),
            ("step_free", place.step_free),
            ("hearing_loop", place.hearing_loop),
        )
        if present
    )
    return Detail(
        activity.id,
        activity.title,
        activity.description,
        activity.category,
        activity.duration_minutes,
        bool(activity.rrule),
        activity.cost_sek,
        activity.signup_required,
        place.name,
        place.address,
        area.name if area else None,
        place.lat,
        place.lon,
        place.online_url,
        place.transit_hint,
        access,
        organisation.name if organisation else None,
        organisation.phone if organisation else None,
        tuple(dates),
    )


async def _occasion(uow: UnitOfWork, activity: Activity, at: datetime, person_id: int) -> Occasion:
    seats = None
    if activity.capacity is not None:
        seats = max(0, activity.capacity - await uow.places.confirmed_count(activity.id, at))
    mine = await uow.places.signup(activity.id, at, person_id)
    status = mine.status if mine is not None and mine.status != "cancelled" else None
    return Occasion(at, seats, status)


async def occasion(
    uow: UnitOfWork, telegram_id: int, activity_id: int, at: datetime, now: datetime, tz: ZoneInfo
) -> tuple[Detail, Occasion]:
    """One date of an activity that is still ahead, and where the person stands for it."""
    await date_of(uow, activity_id, at, now, tz)
    found = await detail(uow, telegram_id, activity_id, now, tz, count=0)
    person = await registered(uow, telegram_id)
    activity = await uow.places.activity(activity_id)
    assert activity is not None
    return found, await _occasion(uow, activity, at, person.id)


@dataclass(frozen=True)
class Planned:
    """A date the person is signed up for (or waiting for)."""

    activity_id: int
    title: str
    occasion: Occasion


async def planned(uow: UnitOfWork, telegram_id: int, now: datetime) -> list[Planned]:
    """The person's coming dates, soonest first."""
    person = await registered(uow, telegram_id)
    found = []
    for seat in await uow.places.of_person(person.id, now):
        activity = await uow.places.activity(seat.activity_id)
        if activity is not None and not activity.cancelled:
            found.append(
                Planned(activity.id, activity.title, Occasion(seat.occurs_at, None, seat.status))
            )
    return found
