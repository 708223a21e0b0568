"""«Jag vill ha sällskap dit»: a ride-and-escort request linked to one meeting-place date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services import requests, signups
from bot.services.errors import Duplicate, NotAllowed, NotFound, OnWaitingList
from bot.services.people import refuse, registered
from bot.services.reminders import ReminderPolicy
from bot.services.views import CloseResult, SubmitResult, When
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CompanyResult:
    """The new request (to offer to volunteers) and the seat it belongs to."""

    submitted: SubmitResult
    seat: signups.SignUpView
    title: str


async def ask(
    uow: UnitOfWork,
    telegram_id: int,
    activity_id: int,
    occurs_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy | None = None,
) -> CompanyResult:
    """Take a seat if the person has none yet, then ask volunteers to go along.

    Only a confirmed seat gets company: a volunteer must not set out for someone who may not
    get in. Asking twice for the same date is refused, not doubled.
    """
    person = await registered(uow, telegram_id)
    if "resident" not in await uow.people.roles(person.id):
        raise await refuse(uow, telegram_id, "company", f"activity:{activity_id}", now)
    seat = await signups.sign_up(uow, telegram_id, activity_id, occurs_at, now, tz, policy)
    if seat.status != "confirmed":
        raise OnWaitingList()
    signup = await uow.places.signup(activity_id, occurs_at, person.id)
    activity = await uow.places.activity(activity_id)
    if signup is None or activity is None:
        raise NotFound("signup")
    if await uow.requests.active_for_signup(signup.id) is not None:
        raise Duplicate("company")
    place = await uow.places.place(activity.place_id)
    # Names and the public address of the place only; volunteers see the resident's own
    # address once they take the task.
    where = [activity.title, place.name if place else None, place.address if place else None]
    details = "\n".join(part for part in where if part)
    submitted = await requests.open_request(
        uow, person, "escort", When(occurs_at, "exact"), details, now, signup_id=signup.id
    )
    return CompanyResult(submitted, seat, activity.title)


async def cancel_for_seat(
    uow: UnitOfWork, telegram_id: int, activity_id: int, occurs_at: datetime, now: datetime
) -> CloseResult | None:
    """The person gave up their seat: an escort request for it is cancelled too."""
    person = await registered(uow, telegram_id)
    signup = await uow.places.signup(activity_id, occurs_at, person.id)
    if signup is None:
        return None
    req = await uow.requests.active_for_signup(signup.id)
    if req is None:
        return None
    try:
        return await requests.cancel(uow, telegram_id, req.id, now)
    except NotAllowed:  # pragma: no cover - the resident always owns their own request
        return None
