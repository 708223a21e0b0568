"""Stopping a volunteer at once, and letting them back in.

A suspended volunteer gets no offers and can't claim (the claim's UPDATE asks for an approved
volunteer), the tasks they hold open again for others, and they are told kindly, without the
reason. The reason is for coordinators only. Reinstating is its own audited action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import organisations, requests
from bot.services.errors import NotFound, NotOpen
from bot.services.people import is_municipal, recipient_of, refuse, require_role
from bot.services.views import GiveBackResult, Recipient
from storage.models import Person, VolunteerProfile
from storage.uow import UnitOfWork

REASON_CHARS = 500


@dataclass(frozen=True)
class Suspended:
    volunteer: Recipient
    # The tasks they held, open again: each resident is told and the task offered anew.
    released: list[GiveBackResult]


async def _volunteer(
    uow: UnitOfWork, actor_tg: int | None, person_id: int, action: str, now: datetime
) -> tuple[Person, VolunteerProfile]:
    """The volunteer and their profile, if this coordinator answers for them (a municipal
    coordinator, or one of the volunteer's organisation). ``actor_tg=None``: the command line."""
    target = f"person:{person_id}"
    coordinator = None
    if actor_tg is not None:
        coordinator = await require_role(uow, actor_tg, "coordinator", action, target, now)
    volunteer = await uow.people.get(person_id)
    profile = await uow.volunteers.profile(person_id)
    if volunteer is None or profile is None:
        if actor_tg is None:
            raise NotFound("volunteer")
        raise await refuse(uow, actor_tg, action, target, now)
    if coordinator is not None and not await _answers_for(uow, coordinator, volunteer):
        raise await refuse(uow, actor_tg, action, target, now)
    return volunteer, profile


async def _answers_for(uow: UnitOfWork, coordinator: Person, volunteer: Person) -> bool:
    if is_municipal(coordinator):
        return True
    own = coordinator.organisation_id
    return (own is not None and own == volunteer.organisation_id) or await organisations.may_vet(
        uow, coordinator, volunteer
    )


async def suspend(
    uow: UnitOfWork, actor_tg: int | None, person_id: int, reason: str | None, now: datetime
) -> Suspended:
    """Stop a volunteer now; their tasks open again. Raises NotOpen if already stopped."""
    volunteer, profile = await _volunteer(uow, actor_tg, person_id, "suspend", now)
    if profile.vetting == "suspended":
        raise NotOpen("suspended")
    coordinator = await uow.people.by_telegram_id(actor_tg) if actor_tg is not None else None
    profile.vetting = "suspended"
    profile.suspended_at = now
    profile.suspended_by_id = coordinator.id if coordinator else None
    profile.suspend_reason = (reason or "").strip()[:REASON_CHARS] or None
    released = await requests.release_all(uow, volunteer, now)
    await uow.audit.add(
        actor=actor_tg, action="suspend", target=f"person:{person_id}", allowed=True, at=now
    )
    return Suspended(recipient_of(volunteer), released)


async def reinstate(
    uow: UnitOfWork, actor_tg: int | None, person_id: int, now: datetime
) -> Recipient:
    """Let a suspended volunteer take tasks again (their earlier check still counts)."""
    volunteer, profile = await _volunteer(uow, actor_tg, person_id, "reinstate", now)
    if profile.vetting != "suspended":
        raise NotOpen(profile.vetting)
    profile.vetting = "approved" if profile.vetted_at is not None else "pending"
    profile.suspended_at = profile.suspended_by_id = profile.suspend_reason = None
    await uow.audit.add(
        actor=actor_tg, action="reinstate", target=f"person:{person_id}", allowed=True, at=now
    )
    return recipient_of(volunteer)


async def note_reason(
    uow: UnitOfWork, actor_tg: int, person_id: int, reason: str, now: datetime
) -> None:
    """The coordinator says why, after stopping the volunteer (only coordinators read it)."""
    _person, profile = await _volunteer(uow, actor_tg, person_id, "suspend", now)
    if profile.vetting != "suspended":
        raise NotOpen(profile.vetting)
    profile.suspend_reason = reason.strip()[:REASON_CHARS] or None


async def person_id_of(uow: UnitOfWork, telegram_id: int) -> int:
    """For the command line: the volunteer with this Telegram id."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or await uow.volunteers.profile(person.id) is None:
        raise NotFound("volunteer")
    return person.id
