"""Meeting-place reminders: planned as database rows when a seat is confirmed.

The evening before (18.00 by default) and a while before the start (2 hours by default). A
reminder whose time has already passed when the seat is taken is not planned at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.place_models import Reminder, SignUp
from storage.uow import UnitOfWork

KINDS: tuple[str, ...] = ("evening", "before")


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out (from the settings)."""

    evening_at: time = field(default_factory=lambda: time(18, 0))
    hours_before: float = 2.0

    @classmethod
    def parse(cls, evening_at: str, hours_before: float) -> ReminderPolicy:
        hours, _, minutes = evening_at.partition(":")
        return cls(time(int(hours), int(minutes or 0)), hours_before)


def due_times(
    occurs_at: datetime, now: datetime, tz: ZoneInfo, policy: ReminderPolicy
) -> dict[str, datetime]:
    """When each kind of reminder is due for a date, leaving out those already past."""
    day_before = occurs_at.astimezone(tz).date() - timedelta(days=1)
    evening = datetime.combine(day_before, policy.evening_at, tzinfo=tz)
    before = occurs_at - timedelta(hours=policy.hours_before)
    due: dict[str, datetime] = {}
    if now < evening < before:
        due["evening"] = evening
    if now < before:
        due["before"] = before
    return due


async def plan(
    uow: UnitOfWork, signup: SignUp, now: datetime, tz: ZoneInfo, policy: ReminderPolicy
) -> None:
    """Write the reminder rows of a confirmed seat (again, after a cancel and a new sign-up)."""
    await uow.reminders.drop_unsent(signup.id)
    done = {r.kind for r in await uow.reminders.of_signup(signup.id)}
    await uow.reminders.add_many(
        Reminder(signup_id=signup.id, kind=kind, due_at=at)
        for kind, at in due_times(signup.occurs_at, now, tz, policy).items()
        if kind not in done
    )


async def unplan(uow: UnitOfWork, signup: SignUp) -> None:
    """The seat is given up or the date is cancelled: no more reminders for it."""
    await uow.reminders.drop_unsent(signup.id)
