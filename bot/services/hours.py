"""The volunteer's time on a task: estimated from the kind of help, corrected by the volunteer.

The minutes feed the report's "estimated volunteer hours". The estimate is stored when the
task is marked done; the volunteer then answers once (a time, or «that is right»), and the
answer leaves a ``minutes`` event on the request, so a second press changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.errors import Duplicate, NotFound, NotOpen
from bot.services.people import refuse, registered
from storage.models import RequestEvent
from storage.report_repositories import MINUTES_EVENT
from storage.uow import UnitOfWork

# A first guess of a volunteer's time, in minutes, per kind of help (travel included).
ESTIMATE_MINUTES: dict[str, int] = {
    "shopping": 60,
    "pharmacy": 45,
    "company": 90,
    "escort": 120,
    "digital": 60,
    "home": 60,
    "phone": 30,
    "other": 60,
}
# The answers the volunteer can give, in minutes.
CHOICES: tuple[int, ...] = (30, 60, 90, 120, 180)


@dataclass(frozen=True)
class Minutes:
    """The minutes stored on one task."""

    request_id: int
    minutes: int


def estimate_for(category: str) -> int:
    """The first guess for a kind of help."""
    return ESTIMATE_MINUTES.get(category, ESTIMATE_MINUTES["other"])


async def record_estimate(uow: UnitOfWork, request_id: int, category: str) -> Minutes:
    """Store the guess on a task just marked done (kept if it already has minutes)."""
    await uow.reports.estimate_minutes(request_id, estimate_for(category))
    stored = await uow.reports.minutes_of(request_id)
    return Minutes(request_id, stored if stored is not None else estimate_for(category))


async def answer(
    uow: UnitOfWork, telegram_id: int, request_id: int, minutes: int | None, now: datetime
) -> Minutes:
    """The volunteer who did the task gives its time (None: the guess is right). Once only."""
    person = await registered(uow, telegram_id)
    req = await uow.requests.get(request_id)
    if req is None:
        raise NotFound("request")
    if req.volunteer_id != person.id:
        raise await refuse(uow, telegram_id, "hours", f"request:{request_id}", now)
    if minutes is not None and minutes not in CHOICES:
        raise await refuse(uow, telegram_id, "hours", f"minutes:{minutes}"[:40], now)
    if req.status != "done":
        raise NotOpen(req.status)
    if await uow.reports.minutes_answered(request_id):
        raise Duplicate("minutes")
    if minutes is None:
        minutes = req.volunteer_minutes or estimate_for(req.category)
    if not await uow.reports.set_minutes(request_id, person.id, minutes):
        raise NotOpen("changed")
    await uow.requests.add_event(
        RequestEvent(
            request_id=request_id,
            kind=MINUTES_EVENT,
            actor_id=person.id,
            note=str(minutes),
            at=now,
        )
    )
    return Minutes(request_id, minutes)
