"""The one-tap question after a task is done (ärendeutvärdering)."""

from __future__ import annotations

from datetime import datetime

from bot.services.errors import NotOpen
from bot.services.people import refuse, registered
from bot.services.views import SCORES
from storage.models import FollowUp, HelpRequest
from storage.uow import UnitOfWork


def _proxy_of(req: HelpRequest) -> int | None:
    return req.created_by_id if req.created_by_id != req.resident_id else None


async def _role_in(
    uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime
) -> tuple[int, str]:
    person = await registered(uow, telegram_id)
    req = await uow.requests.get(request_id)
    if req is not None and person.id in (req.resident_id, _proxy_of(req)):
        # A coordinator who asked for someone without Telegram answers in their place.
        role = "resident"
    elif req is not None and req.volunteer_id == person.id:
        role = "volunteer"
    else:
        raise await refuse(uow, telegram_id, "follow_up", f"request:{request_id}", now)
    if req.status != "done":
        raise NotOpen(req.status)
    return person.id, role


async def answer(
    uow: UnitOfWork, telegram_id: int, request_id: int, score: str, now: datetime
) -> int:
    """Store the score (a second tap changes it); returns the request's id."""
    if score not in SCORES:
        raise await refuse(uow, telegram_id, "follow_up_score", score[:16], now)
    person_id, role = await _role_in(uow, telegram_id, request_id, now)
    existing = await uow.followups.get(request_id, person_id)
    if existing is not None:
        existing.score, existing.at = score, now
        return request_id
    await uow.followups.add(
        FollowUp(request_id=request_id, person_id=person_id, role=role, score=score, at=now)
    )
    return request_id


async def comment(
    uow: UnitOfWork, telegram_id: int, request_id: int, text: str, now: datetime
) -> None:
    """Add the optional comment to an answer already given."""
    person_id, _role = await _role_in(uow, telegram_id, request_id, now)
    existing = await uow.followups.get(request_id, person_id)
    if existing is None:
        raise NotOpen("no score")
    existing.comment = text
