"""Coordinators vet volunteers before those see any personal data, and link groups."""

from __future__ import annotations

from datetime import datetime

from bot.services import organisations
from bot.services.errors import NotFound, NotOpen
from bot.services.people import recipient_of, refuse, require_role
from bot.services.views import CATEGORIES, PendingVolunteer, Recipient
from storage.models import VolunteerGroup
from storage.uow import UnitOfWork


async def pending(uow: UnitOfWork, telegram_id: int, now: datetime) -> list[PendingVolunteer]:
    """Volunteers waiting for vetting, oldest first. Coordinators only."""
    coordinator = await require_role(
        uow, telegram_id, "coordinator", "list_pending", "volunteers", now
    )
    names = {a.id: a.name for a in await uow.areas.all()}
    result = []
    for person, profile in await uow.volunteers.pending():
        if not await organisations.may_vet(uow, coordinator, person):
            continue  # another organisation's volunteer
        area_ids = await uow.volunteers.area_ids(person.id)
        skills = await uow.volunteers.skills(person.id)
        result.append(
            PendingVolunteer(
                person_id=person.id,
                first_name=person.first_name or "",
                areas=tuple(sorted(names[a] for a in area_ids if a in names)),
                skills=tuple(c for c in CATEGORIES if c in skills),
                since=profile.created_at,
            )
        )
    return result


async def decide(
    uow: UnitOfWork, telegram_id: int, person_id: int, approve: bool, now: datetime
) -> Recipient:
    """Approve (a check was done, by whom and when) or decline a volunteer; returns them."""
    action = "approve" if approve else "decline"
    coordinator = await require_role(
        uow, telegram_id, "coordinator", action, f"person:{person_id}", now
    )
    profile = await uow.volunteers.profile(person_id)
    volunteer = await uow.people.get(person_id)
    if profile is None or volunteer is None:
        raise NotFound("volunteer")
    if not await organisations.may_vet(uow, coordinator, volunteer):
        raise await refuse(uow, telegram_id, action, f"person:{person_id}", now)
    if profile.vetting != "pending":
        raise NotOpen(profile.vetting)
    profile.vetting = "approved" if approve else "declined"
    profile.vetted_by_id, profile.vetted_at = coordinator.id, now
    await uow.audit.add(
        actor=telegram_id, action=action, target=f"person:{person_id}", allowed=True, at=now
    )
    return recipient_of(volunteer)


async def link_group(uow: UnitOfWork, telegram_id: int, chat_id: int, now: datetime) -> None:
    """Post new tasks to this volunteers' group chat too. Coordinators only."""
    coordinator = await require_role(
        uow, telegram_id, "coordinator", "link_group", f"chat:{chat_id}", now
    )
    await uow.groups.link(
        VolunteerGroup(chat_id=chat_id, linked_by_id=coordinator.id, linked_at=now)
    )


async def unlink_group(uow: UnitOfWork, telegram_id: int, chat_id: int, now: datetime) -> None:
    """Stop posting tasks to this group chat. Coordinators only."""
    await require_role(uow, telegram_id, "coordinator", "unlink_group", f"chat:{chat_id}", now)
    await uow.groups.unlink(chat_id)
