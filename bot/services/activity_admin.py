"""Coordinators add, change and cancel activities (or one date of one) at a meeting place.

Every function first checks that the person is a coordinator (a refusal is audited), so a forged
button gets nowhere. Cancelling returns who must be told; the handler tells them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services import requests
from bot.services.errors import NotFound, NotOpen
from bot.services.people import recipient_of
from bot.services.place_admin import (
    MAX_COST,
    MAX_MINUTES,
    MAX_SEATS,
    ActivityCard,
    ActivityDraft,
    Invalid,
    clean_text,
    find_place,
    may_edit,
    new_key,
    require_coordinator,
    require_editor,
)
from bot.services.reminders import unplan
from bot.services.schedule import BadRule, occurrences, validate
from bot.services.views import CloseResult, Recipient
from storage.place_models import ACTIVITY_CATEGORIES, Activity, ActivityException, SignUp
from storage.uow import UnitOfWork

REPEATS = ("once", "weekly", "biweekly", "monthly")
LENGTHS = (60, 90, 120, 180)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_HORIZON = timedelta(days=400)


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
        "title": clean_text(draft.title, "title", required=True),
        "description": clean_text(draft.description, "description"),
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
    place = await find_place(uow, activity.place_id)
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
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    now: datetime,
    tz: ZoneInfo,
    editing: bool = False,
) -> ActivityCard:
    """An activity with its next six dates and the seats taken on the next one; ``editing``:
    only for a coordinator who may change it."""
    if editing:
        await _editable(uow, telegram_id, activity_id, "edit_activity", now)
    target = f"activity:{activity_id}"
    coordinator = await require_coordinator(uow, telegram_id, "read_activity", target, now)
    activity = await _activity(uow, activity_id)
    place = await find_place(uow, activity.place_id)
    card = await _activity_card(uow, activity, now, tz)
    return replace(card, editable=may_edit(coordinator, place))


async def add_activity(
    uow: UnitOfWork,
    telegram_id: int,
    place_id: int,
    draft: ActivityDraft,
    now: datetime,
    tz: ZoneInfo,
) -> ActivityCard:
    """A new activity at a place; its first date must be ahead."""
    place = await require_editor(
        uow, telegram_id, place_id, "add_activity", f"place:{place_id}", now
    )
    values = _checked(draft, tz)
    if values["starts_at"] <= now:
        raise Invalid("past")
    activity = Activity(key=await new_key(uow, activity=True), place_id=place.id, **values)
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
    activity = await _editable(uow, telegram_id, activity_id, "edit_activity", now)
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


async def _editable(
    uow: UnitOfWork, telegram_id: int, activity_id: int, action: str, now: datetime
) -> Activity:
    """The activity, if this coordinator may change its place's activities."""
    await require_coordinator(uow, telegram_id, action, f"activity:{activity_id}", now)
    activity = await _activity(uow, activity_id)
    await require_editor(
        uow, telegram_id, activity.place_id, action, f"activity:{activity_id}", now
    )
    return activity


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
    await _editable(uow, telegram_id, activity_id, "cancel_activity", now)
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
    await _editable(uow, telegram_id, activity_id, "cancel_activity", now)
    activity = await _cancellable(uow, activity_id, occurs_at, now, tz)
    place = await find_place(uow, activity.place_id)
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
