"""The one-tap question after a task is done (ärendeutvärdering).

A ☹️, or any comment, goes to the coordinators responsible at once (``safety.follow_up``):
the answer says whom to alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import safety
from bot.services.errors import NotOpen
from bot.services.people import refuse, registered
from bot.services.views import SCORES
from storage.models import FollowUp, HelpRequest
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Answered:
    request_id: int
    # For the coordinators responsible: a ☹️ or a comment; None when there is nothing to tell.
    alert: safety.Alert | None


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
) -> Answered:
    """Store the score (a second tap changes it)."""
    if score not in SCORES:
        raise await refuse(uow, telegram_id, "follow_up_score", f"request:{request_id}", now)
    person_id, role = await _role_in(uow, telegram_id, request_id, now)
    existing = await uow.followups.get(request_id, person_id)
    if existing is not None:
        existing.score, existing.at = score, now
    else:
        await uow.followups.add(
            FollowUp(request_id=request_id, person_id=person_id, role=role, score=score, at=now)
        )
    return Answered(request_id, await safety.follow_up(uow, telegram_id, request_id, now))


async def comment(
    uow: UnitOfWork, telegram_id: int, request_id: int, text: str, now: datetime
) -> safety.Alert | None:
    """Add the optional comment to an answer already given; the alert to send, if any."""
    person_id, _role = await _role_in(uow, telegram_id, request_id, now)
    existing = await uow.followups.get(request_id, person_id)
    if existing is None:
        raise NotOpen("no score")
    existing.comment = text
    return await safety.follow_up(uow, telegram_id, request_id, now)
