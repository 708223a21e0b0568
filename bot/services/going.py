"""Going to one date of an activity: «Jag vill gå dit», «Jag kan inte komma», the .ics file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services import calendar as ics
from bot.services.company import cancel_for_seat
from bot.services.errors import NotFound
from bot.services.people import registered
from bot.services.places import Detail, Occasion, occasion
from bot.services.reminders import ReminderPolicy
from bot.services.signups import cancel, date_of, sign_up
from bot.services.views import CloseResult, Recipient
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Going:
    """After «Jag vill gå dit»: the seat (or waiting place) and the date as it now stands."""

    detail: Detail
    occasion: Occasion
    position: int
    reminders_off: bool


async def go(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    at: datetime,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy,
) -> Going:
    """Sign the person up for one date (a seat, or the waiting list when it is full)."""
    seat = await sign_up(uow, telegram_id, activity_id, at, now, tz, policy)
    found, occasion_ = await occasion(uow, telegram_id, activity_id, at, now, tz)
    person = await registered(uow, telegram_id)
    return Going(found, occasion_, seat.waiting_position, person.reminders_off)


@dataclass(frozen=True)
class NotGoing:
    """After «Jag kan inte komma»: who moved up, and the escort request that was called off."""

    activity_id: int
    at: datetime
    title: str
    moved_up: Recipient | None
    moved_up_off: bool
    company: CloseResult | None


async def not_going(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    at: datetime,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy,
) -> NotGoing:
    """Give up a seat or a waiting place; company to it is cancelled as well."""
    activity = await uow.places.activity(activity_id)
    if activity is None:
        raise NotFound("activity")
    company = await cancel_for_seat(uow, telegram_id, activity_id, at, now)
    moved_up = await cancel(uow, telegram_id, activity_id, at, now, tz, policy)
    moved = await uow.people.get(moved_up.person_id) if moved_up else None
    off = bool(moved and moved.reminders_off)
    return NotGoing(activity.id, at, activity.title, moved_up, off, company)


async def calendar_file(
    uow: UnitOfWork, telegram_id: int, activity_id: int, at: datetime, now: datetime, tz: ZoneInfo
) -> tuple[str, bytes]:
    """An .ics file with this one date, for the person's own calendar."""
    await registered(uow, telegram_id)
    activity = await date_of(uow, activity_id, at, now, tz)
    place = await uow.places.place(activity.place_id)
    if place is None:
        raise NotFound("place")
    cal = ics.calendar(activity.title)
    cal.add_component(ics.event(activity, place, tz, only=at))
    name = f"{activity.key[:40]}-{at.astimezone(tz):%Y%m%d-%H%M}.ics"
    return name, ics.to_bytes(cal)
