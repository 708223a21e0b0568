"""Coordinators keep the list of meeting places: places, activities and cancelled dates.

Every function first checks that the person is a coordinator (a refusal is audited), so a forged
button gets nowhere. Cancelling returns who must be told; the handler tells them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services import requests
from bot.services.errors import DomainError, NotFound, NotOpen
from bot.services.people import recipient_of, require_role
from bot.services.reminders import unplan
from bot.services.schedule import BadRule, occurrences, validate
from bot.services.views import CloseResult, Recipient
from storage.models import Person
from storage.place_models import ACTIVITY_CATEGORIES, Activity, ActivityException, Place, SignUp
from storage.uow import UnitOfWork

PAGE_SIZE = 8
PLACE_FIELDS = ("name", "address", "area", "link", "transit")
TOGGLES = ("lift", "wheelchair", "hearing_loop", "step_free")
ACTIVITY_FIELDS = ("title", "description", "category", "time", "repeat", "length", "seats", "cost")
REPEATS = ("once", "weekly", "biweekly", "monthly")
LENGTHS = (60, 90, 120, 180)
# The same bounds as the CSV import (bot/services/place_import.py) and the columns.
MAX_CHARS = {"name": 120, "address": 200, "link": 300, "transit": 200, "title": 120}
MAX_DESCRIPTION, MAX_SEATS, MAX_COST, MAX_MINUTES = 1000, 10_000, 100_000, 1440
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_LINK = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
_HORIZON = timedelta(days=400)


class Invalid(DomainError):
    """A value cannot be used; ``reason`` names the rule (where, link, past, booked, …)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PlaceLine:
    id: int
    name: str


@dataclass(frozen=True)
class PlacePage:
    lines: tuple[PlaceLine, ...]
    page: int
    more: bool


@dataclass(frozen=True)
class ActivityLine:
    id: int
    title: str
    category: str
    cancelled: bool


@dataclass(frozen=True)
class PlaceCard:
    id: int
    name: str
    area_id: int | None
    area: str | None
    address: str | None
    online_url: str | None
    transit_hint: str | None
    access: tuple[str, ...]  # those of TOGGLES that hold
    activities: tuple[ActivityLine, ...]


@dataclass(frozen=True)
class ActivityDraft:
    """An activity as a coordinator describes it; ``rrule`` is kept when ``repeat`` is other."""

    title: str
    category: str
    starts_at: datetime
    repeat: str
    duration_minutes: int
    signup_required: bool
    capacity: int | None
    cost_sek: int | None
    description: str | None = None
    rrule: str | None = None


@dataclass(frozen=True)
class ActivityCard:
    id: int
    place_id: int
    place: str
    draft: ActivityDraft
    cancelled: bool
    next_dates: tuple[datetime, ...]
    taken: int | None  # confirmed seats on the next date, when people sign up


@dataclass(frozen=True)
class CancelPreview:
    title: str
    occurs_at: datetime | None  # None: the whole activity
    people: int


@dataclass(frozen=True)
class Seat:
    """Someone who was going: the dates they lose, and whether company was asked for."""

    recipient: Recipient
    dates: tuple[datetime, ...]
    escort: bool


@dataclass(frozen=True)
class Cancelled:
    title: str
    place: str
    occurs_at: datetime | None
    told: tuple[Seat, ...]
    escorts: tuple[CloseResult, ...]


async def _coordinator(
    uow: UnitOfWork, telegram_id: int, action: str, target: str, now: datetime
) -> Person:
    return await require_role(uow, telegram_id, "coordinator", action, target, now)


def _text(value: object, field: str, required: bool = False) -> str | None:
    clean = " ".join(value.split()) if isinstance(value, str) else ""
    if not clean and required:
        raise Invalid("empty")
    if len(clean) > MAX_CHARS.get(field, MAX_DESCRIPTION):
        raise Invalid("too_long")
    return clean or None


def _link(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _LINK.match(value.strip()) or len(value) > 300:
        raise Invalid("link")
    return value.strip()


async def _new_key(uow: UnitOfWork, activity: bool = False) -> str:
    """A key no CSV uses ("chat-…"), so a re-import never overwrites what was made here."""
    while True:
        key = f"chat-{secrets.token_hex(4)}"
        found = await (uow.catalogue.activity(key) if activity else uow.catalogue.place(key))
        if found is None:
            return key


async def _place(uow: UnitOfWork, place_id: int) -> Place:
    place = await uow.catalogue.place_by_id(place_id)
    if place is None:
        raise NotFound("place")
    return place


async def _card(uow: UnitOfWork, place: Place) -> PlaceCard:
    area = await uow.areas.get(place.area_id) if place.area_id else None
    activities = await uow.catalogue.activities_at(place.id)
    return PlaceCard(
        place.id,
        place.name,
        place.area_id,
        area.name if area else None,
        place.address,
        place.online_url,
        place.transit_hint,
        tuple(t for t in TOGGLES if getattr(place, t)),
        tuple(ActivityLine(a.id, a.title, a.category, a.cancelled) for a in activities),
    )


async def places_page(uow: UnitOfWork, telegram_id: int, page: int, now: datetime) -> PlacePage:
    """One page of places, by name."""
    await _coordinator(uow, telegram_id, "list_places", "places", now)
    page = max(page, 0)
    rows = await uow.catalogue.place_page(page * PAGE_SIZE, PAGE_SIZE + 1)
    lines = tuple(PlaceLine(p.id, p.name) for p in rows[:PAGE_SIZE])
    return PlacePage(lines, page, len(rows) > PAGE_SIZE)


async def place_card(uow: UnitOfWork, telegram_id: int, place_id: int, now: datetime) -> PlaceCard:
    await _coordinator(uow, telegram_id, "read_place", f"place:{place_id}", now)
    return await _card(uow, await _place(uow, place_id))


async def add_place(
    uow: UnitOfWork,
    telegram_id: int,
    *,
    name: str,
    area_id: int | None,
    address: str | None,
    link: str | None,
    now: datetime,
) -> PlaceCard:
    """A new place; it needs an address or a link (an online room)."""
    await _coordinator(uow, telegram_id, "add_place", "place:new", now)
    values = {"name": _text(name, "name", True), "address": _text(address, "address")}
    values["online_url"] = _link(link)
    if not values["address"] and not values["online_url"]:
        raise Invalid("where")
    if area_id is not None and await uow.areas.get(area_id) is None:
        raise NotFound("area")
    place = Place(key=await _new_key(uow), area_id=area_id, **values)
    await uow.catalogue.add(place)
    return await _card(uow, place)


async def edit_place(
    uow: UnitOfWork, telegram_id: int, place_id: int, field: str, value: object, now: datetime
) -> PlaceCard:
    """Change one field (see PLACE_FIELDS); everything is checked before anything is written."""
    await _coordinator(uow, telegram_id, "edit_place", f"place:{place_id}", now)
    place = await _place(uow, place_id)
    column = {"link": "online_url", "transit": "transit_hint", "area": "area_id"}.get(field, field)
    if field == "area":
        if not isinstance(value, int) or await uow.areas.get(value) is None:
            raise NotFound("area")
        new: object = value
    elif field == "link":
        new = _link(value)
    elif field in PLACE_FIELDS:
        new = _text(value, field, required=field == "name")
    else:
        raise NotFound("field")
    after = {"address": place.address, "online_url": place.online_url, column: new}
    if not after["address"] and not after["online_url"]:
        raise Invalid("where")
    setattr(place, column, new)
    await uow.session.flush()
    return await _card(uow, place)


async def toggle(
    uow: UnitOfWork, telegram_id: int, place_id: int, which: int, now: datetime
) -> PlaceCard:
    """Turn one accessibility feature (an index into TOGGLES) on or off."""
    await _coordinator(uow, telegram_id, "edit_place", f"place:{place_id}", now)
    place = await _place(uow, place_id)
    if not 0 <= which < len(TOGGLES):
        raise NotFound("toggle")
    setattr(place, TOGGLES[which], not getattr(place, TOGGLES[which]))
    await uow.session.flush()
    return await _card(uow, place)


# --- Activities ------------------------------------------------------------------------------


def rule_for(repeat: str, first: datetime) -> str | None:
    """The RRULE for a choice of repeat, from the first date in local time."""
    day = _DAYS[first.weekday()]
    nth = (first.day - 1) // 7 + 1
    return {
        "weekly": f"FREQ=WEEKLY;BYDAY={day}",
        "biweekly": f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}",
        "monthly": f"FREQ=MONTHLY;BYDAY={nth if nth < 5 else -1}{day}",
    }.get(repeat)


def _repeat_of(rule: str | None, first: datetime) -> str:
    if not rule:
        return "once"
    return next((r for r in REPEATS[1:] if rule_for(r, first) == rule), "other")


def _draft_of(activity: Activity, tz: ZoneInfo) -> ActivityDraft:
    first = activity.starts_at.astimezone(tz)
    return ActivityDraft(
        title=activity.title,
        category=activity.category,
        starts_at=first,
        repeat=_repeat_of(activity.rrule, first),
        duration_minutes=activity.duration_minutes,
        signup_required=activity.signup_required,
        capacity=activity.capacity,
        cost_sek=activity.cost_sek,
        description=activity.description,
        rrule=activity.rrule,
    )


def _checked(draft: ActivityDraft, tz: ZoneInfo) -> dict[str, Any]:
    """The columns of a draft, or Invalid naming the first rule it breaks."""
    if draft.category not in ACTIVITY_CATEGORIES:
        raise Invalid("category")
    if not 1 <= draft.duration_minutes <= MAX_MINUTES:
        raise Invalid("length")
    if draft.capacity is not None and not 1 <= draft.capacity <= MAX_SEATS:
        raise Invalid("seats")
    if draft.cost_sek is not None and not 0 <= draft.cost_sek <= MAX_COST:
        raise Invalid("cost")
    if draft.starts_at.tzinfo is None or draft.repeat not in (*REPEATS, "other"):
        raise Invalid("rule")
    first = draft.starts_at.astimezone(tz)
    rule = draft.rrule if draft.repeat == "other" else rule_for(draft.repeat, first)
    try:
        rule = validate(rule) if rule else None
    except BadRule:
        raise Invalid("rule") from None
    return {
        "title": _text(draft.title, "title", required=True),
        "description": _text(draft.description, "description"),
        "category": draft.category,
        "starts_at": first,
        "duration_minutes": draft.duration_minutes,
        "rrule": rule,
        "signup_required": draft.signup_required,
        "capacity": draft.capacity if draft.signup_required else None,
        "cost_sek": draft.cost_sek or None,
    }


async def _activity(uow: UnitOfWork, activity_id: int) -> Activity:
    activity = await uow.places.activity(activity_id)
    if activity is None:
        raise NotFound("activity")
    return activity


async def _activity_card(
    uow: UnitOfWork, activity: Activity, now: datetime, tz: ZoneInfo
) -> ActivityCard:
    place = await _place(uow, activity.place_id)
    dates: list[datetime] = []
    if not activity.cancelled:
        skip = await uow.places.cancelled_dates(activity.id)
        window = (now, now + _HORIZON)
        dates = occurrences(activity.starts_at, activity.rrule, tz, *window, skip)[:6]
    taken = None
    if dates and activity.signup_required:
        taken = await uow.places.confirmed_count(activity.id, dates[0])
    return ActivityCard(
        activity.id,
        place.id,
        place.name,
        _draft_of(activity, tz),
        activity.cancelled,
        tuple(dates),
        taken,
    )


async def activity_card(
    uow: UnitOfWork, telegram_id: int, activity_id: int, now: datetime, tz: ZoneInfo
) -> ActivityCard:
    """An activity with its next six dates and the seats taken on the next one."""
    await _coordinator(uow, telegram_id, "read_activity", f"activity:{activity_id}", now)
    return await _activity_card(uow, await _activity(uow, activity_id), now, tz)


async def add_activity(
    uow: UnitOfWork,
    telegram_id: int,
    place_id: int,
    draft: ActivityDraft,
    now: datetime,
    tz: ZoneInfo,
) -> ActivityCard:
    """A new activity at a place; its first date must be ahead."""
    await _coordinator(uow, telegram_id, "add_activity", f"place:{place_id}", now)
    place = await _place(uow, place_id)
    values = _checked(draft, tz)
    if values["starts_at"] <= now:
        raise Invalid("past")
    activity = Activity(key=await _new_key(uow, activity=True), place_id=place.id, **values)
    await uow.catalogue.add(activity)
    return await _activity_card(uow, activity, now, tz)


async def update_activity(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    draft: ActivityDraft,
    now: datetime,
    tz: ZoneInfo,
) -> ActivityCard:
    """Save a changed activity. Its time cannot move while people are signed up for it."""
    await _coordinator(uow, telegram_id, "edit_activity", f"activity:{activity_id}", now)
    activity = await _activity(uow, activity_id)
    if activity.cancelled:
        raise NotOpen("activity")
    values = _checked(draft, tz)
    if values["starts_at"] != activity.starts_at or values["rrule"] != activity.rrule:
        if values["starts_at"] <= now:
            raise Invalid("past")
        if await uow.catalogue.active_signups(activity.id, now):
            raise Invalid("booked")
    for column, value in values.items():
        setattr(activity, column, value)
    await uow.session.flush()
    return await _activity_card(uow, activity, now, tz)


# --- Cancelling ------------------------------------------------------------------------------


async def _cancellable(
    uow: UnitOfWork, activity_id: int, occurs_at: datetime | None, now: datetime, tz: ZoneInfo
) -> Activity:
    activity = await _activity(uow, activity_id)
    if activity.cancelled:
        raise NotOpen("activity")
    if occurs_at is not None:
        skip = await uow.places.cancelled_dates(activity.id)
        end = occurs_at + timedelta(minutes=1)
        if occurs_at <= now or occurs_at not in occurrences(
            activity.starts_at, activity.rrule, tz, occurs_at, end, skip
        ):
            raise NotOpen("date")
    return activity


async def _seats(
    uow: UnitOfWork, activity: Activity, at: datetime | None, now: datetime
) -> Sequence[SignUp]:
    return await uow.catalogue.active_signups(activity.id, now, None if at is None else [at])


async def cancel_preview(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    occurs_at: datetime | None,
    now: datetime,
    tz: ZoneInfo,
) -> CancelPreview:
    """What cancelling one date (or, with None, the whole activity) would touch."""
    await _coordinator(uow, telegram_id, "cancel_activity", f"activity:{activity_id}", now)
    activity = await _cancellable(uow, activity_id, occurs_at, now, tz)
    seats = await _seats(uow, activity, occurs_at, now)
    return CancelPreview(activity.title, occurs_at, len({s.person_id for s in seats}))


async def cancel(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    occurs_at: datetime | None,
    now: datetime,
    tz: ZoneInfo,
) -> Cancelled:
    """Cancel one date (or the whole activity): free every seat, drop its reminders, and
    cancel any company asked for to it."""
    await _coordinator(uow, telegram_id, "cancel_activity", f"activity:{activity_id}", now)
    activity = await _cancellable(uow, activity_id, occurs_at, now, tz)
    place = await _place(uow, activity.place_id)
    if occurs_at is None:
        activity.cancelled = True
    else:
        await uow.catalogue.add(ActivityException(activity_id=activity.id, occurs_at=occurs_at))
    seats: list[SignUp] = list(await _seats(uow, activity, occurs_at, now))
    escorts = await uow.catalogue.active_escorts([s.id for s in seats])
    closed = tuple([await requests.cancel(uow, telegram_id, rid, now) for rid, _s in escorts])
    escorted = {signup_id for _r, signup_id in escorts}
    mine: dict[int, list[SignUp]] = {}
    for seat in seats:
        seat.status = "cancelled"
        await unplan(uow, seat)
        mine.setdefault(seat.person_id, []).append(seat)
    told = []
    for person_id, theirs in mine.items():
        person = await uow.people.get(person_id)
        if person is not None:
            dates = tuple(s.occurs_at for s in theirs)
            told.append(Seat(recipient_of(person), dates, any(s.id in escorted for s in theirs)))
    await uow.session.flush()
    return Cancelled(activity.title, place.name, occurs_at, tuple(told), closed)
