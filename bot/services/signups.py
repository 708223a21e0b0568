"""Signing up for one date of an activity: seats, a waiting list that moves up, cancelling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.errors import NotFound, NotOpen
from bot.services.people import recipient_of, registered
from bot.services.reminders import ReminderPolicy, plan, unplan
from bot.services.schedule import occurrences
from bot.services.views import Recipient
from storage.place_models import Activity, SignUp
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class SignUpView:
    """Where a person stands for one date: ``confirmed`` or ``waiting`` (with their place)."""

    activity_id: int
    occurs_at: datetime
    status: str
    waiting_position: int = 0


async def date_of(
    uow: UnitOfWork,
    activity_id: int,
    occurs_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    *,
    lock: bool = False,
) -> Activity:
    """The activity, if ``occurs_at`` is one of its dates that is still ahead and not cancelled."""
    activity = await uow.places.activity(activity_id, lock=lock)
    if activity is None:
        raise NotFound("activity")
    if activity.cancelled or occurs_at <= now:
        raise NotOpen("activity")
    cancelled = await uow.places.cancelled_dates(activity_id)
    window_end = occurs_at + timedelta(minutes=1)
    dates = occurrences(activity.starts_at, activity.rrule, tz, occurs_at, window_end, cancelled)
    if occurs_at not in dates:
        raise NotOpen("date")
    return activity


async def _position(uow: UnitOfWork, signup: SignUp) -> int:
    waiting = [
        s.id
        for s in await uow.places.signups_for(signup.activity_id, signup.occurs_at)
        if s.status == "waiting"
    ]
    return waiting.index(signup.id) + 1 if signup.id in waiting else 0


async def sign_up(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    occurs_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy | None = None,
) -> SignUpView:
    """Take a seat if one is free, else a place on the waiting list. Asking twice is harmless.

    The activity's row is locked while seats are counted (SQLite: the whole write is one
    IMMEDIATE transaction), so two people can never both take the last seat.
    """
    person = await registered(uow, telegram_id)
    activity = await date_of(uow, activity_id, occurs_at, now, tz, lock=True)
    existing = await uow.places.signup(activity_id, occurs_at, person.id)
    if existing is not None and existing.status != "cancelled":
        return SignUpView(activity_id, occurs_at, existing.status, await _position(uow, existing))
    free = activity.capacity is None or (
        await uow.places.confirmed_count(activity_id, occurs_at) < activity.capacity
    )
    status = "confirmed" if free else "waiting"
    if existing is not None:
        existing.status, existing.created_at = status, now
        signup = existing
    else:
        signup = await uow.places.add_signup(
            SignUp(
                activity_id=activity_id,
                occurs_at=occurs_at,
                person_id=person.id,
                status=status,
                created_at=now,
            )
        )
    await uow.session.flush()
    if status == "confirmed":
        await plan(uow, signup, now, tz, policy or ReminderPolicy())
    return SignUpView(activity_id, occurs_at, status, await _position(uow, signup))


async def cancel(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    occurs_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy | None = None,
) -> Recipient | None:
    """Give up a seat (or a waiting place). Returns whoever moved up from the waiting list."""
    person = await registered(uow, telegram_id)
    activity = await uow.places.activity(activity_id, lock=True)
    signup = await uow.places.signup(activity_id, occurs_at, person.id)
    if activity is None or signup is None or signup.status == "cancelled":
        raise NotFound("signup")
    was_confirmed = signup.status == "confirmed"
    signup.status = "cancelled"
    await unplan(uow, signup)
    if not was_confirmed or occurs_at <= now:
        return None
    waiting = await uow.places.first_waiting(activity_id, occurs_at)
    if waiting is None:
        return None
    waiting.status = "confirmed"
    await plan(uow, waiting, now, tz, policy or ReminderPolicy())
    moved_up = await uow.people.get(waiting.person_id)
    assert moved_up is not None
    return recipient_of(moved_up)
