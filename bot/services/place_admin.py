"""Coordinators keep the list of meeting places: the places, and the cards both parts show.

Every function first checks that the person is a coordinator (a refusal is audited), so a forged
button gets nowhere. Activities and cancelled dates are in ``bot.services.activity_admin``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from bot.services.errors import DomainError, NotFound
from bot.services.people import is_municipal, refuse, require_role
from storage.models import Person
from storage.place_models import Place
from storage.uow import UnitOfWork

PAGE_SIZE = 8
PLACE_FIELDS = ("name", "address", "area", "link", "transit")
TOGGLES = ("lift", "wheelchair", "hearing_loop", "step_free")
ACTIVITY_FIELDS = ("title", "description", "category", "time", "repeat", "length", "seats", "cost")
# The same bounds as the CSV import (bot/services/place_import.py) and the columns.
MAX_CHARS = {"name": 120, "address": 200, "link": 300, "transit": 200, "title": 120}
MAX_DESCRIPTION, MAX_SEATS, MAX_COST, MAX_MINUTES = 1000, 10_000, 100_000, 1440
_LINK = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


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
    # The coordinator reading it may change it (another organisation's place is read-only).
    editable: bool = True


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
    # The coordinator reading it may change it (another organisation's is read-only).
    editable: bool = True


async def require_coordinator(
    uow: UnitOfWork, telegram_id: int, action: str, target: str, now: datetime
) -> Person:
    """The coordinator behind ``telegram_id``; anyone else is refused (and audited)."""
    return await require_role(uow, telegram_id, "coordinator", action, target, now)


def may_edit(coordinator: Person, place: Place) -> bool:
    """A municipal coordinator keeps every place; an organisation's, its own."""
    return is_municipal(coordinator) or (
        coordinator.organisation_id is not None
        and place.organisation_id == coordinator.organisation_id
    )


async def require_editor(
    uow: UnitOfWork, telegram_id: int, place_id: int, action: str, target: str, now: datetime
) -> Place:
    """The place, if this coordinator may change it; anyone else is refused (and audited)."""
    coordinator = await require_coordinator(uow, telegram_id, action, target, now)
    place = await find_place(uow, place_id)
    if not may_edit(coordinator, place):
        raise await refuse(uow, telegram_id, action, target, now)
    return place


def clean_text(value: object, field: str, required: bool = False) -> str | None:
    """The text on one line, within the field's bound; None when empty (unless required)."""
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


async def new_key(uow: UnitOfWork, activity: bool = False) -> str:
    """A key no CSV uses ("chat-…"), so a re-import never overwrites what was made here."""
    while True:
        key = f"chat-{secrets.token_hex(4)}"
        found = await (uow.catalogue.activity(key) if activity else uow.catalogue.place(key))
        if found is None:
            return key


async def find_place(uow: UnitOfWork, place_id: int) -> Place:
    """The place, or NotFound."""
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
    await require_coordinator(uow, telegram_id, "list_places", "places", now)
    page = max(page, 0)
    rows = await uow.catalogue.place_page(page * PAGE_SIZE, PAGE_SIZE + 1)
    lines = tuple(PlaceLine(p.id, p.name) for p in rows[:PAGE_SIZE])
    return PlacePage(lines, page, len(rows) > PAGE_SIZE)


async def place_card(
    uow: UnitOfWork, telegram_id: int, place_id: int, now: datetime, editing: bool = False
) -> PlaceCard:
    """A place as coordinators keep it; ``editing``: only for one who may change it."""
    target = f"place:{place_id}"
    if editing:
        await require_editor(uow, telegram_id, place_id, "edit_place", target, now)
    coordinator = await require_coordinator(uow, telegram_id, "read_place", target, now)
    place = await find_place(uow, place_id)
    return replace(await _card(uow, place), editable=may_edit(coordinator, place))


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
    coordinator = await require_coordinator(uow, telegram_id, "add_place", "place:new", now)
    values = {"name": clean_text(name, "name", True), "address": clean_text(address, "address")}
    values["online_url"] = _link(link)
    if not values["address"] and not values["online_url"]:
        raise Invalid("where")
    if area_id is not None and await uow.areas.get(area_id) is None:
        raise NotFound("area")
    # An organisation's coordinator adds their organisation's place.
    owner = None if is_municipal(coordinator) else coordinator.organisation_id
    place = Place(key=await new_key(uow), area_id=area_id, organisation_id=owner, **values)
    await uow.catalogue.add(place)
    return await _card(uow, place)


async def edit_place(
    uow: UnitOfWork, telegram_id: int, place_id: int, field: str, value: object, now: datetime
) -> PlaceCard:
    """Change one field (see PLACE_FIELDS); everything is checked before anything is written."""
    place = await require_editor(
        uow, telegram_id, place_id, "edit_place", f"place:{place_id}", now
    )
    column = {"link": "online_url", "transit": "transit_hint", "area": "area_id"}.get(field, field)
    if field == "area":
        if not isinstance(value, int) or await uow.areas.get(value) is None:
            raise NotFound("area")
        new: object = value
    elif field == "link":
        new = _link(value)
    elif field in PLACE_FIELDS:
        new = clean_text(value, field, required=field == "name")
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
    place = await require_editor(
        uow, telegram_id, place_id, "edit_place", f"place:{place_id}", now
    )
    if not 0 <= which < len(TOGGLES):
        raise NotFound("toggle")
    setattr(place, TOGGLES[which], not getattr(place, TOGGLES[which]))
    await uow.session.flush()
    return await _card(uow, place)
