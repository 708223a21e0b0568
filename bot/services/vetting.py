"""Coordinators vet volunteers before those see any personal data, and link groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

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
    # A lapsed approval is renewed the same way: the check was done again.
    if profile.vetting != "pending" and not (approve and profile.vetting == "lapsed"):
        raise NotOpen(profile.vetting)
    profile.vetting = "approved" if approve else "declined"
    profile.vetted_by_id, profile.vetted_at = coordinator.id, now
    profile.revet_reminded_at = None
    await uow.audit.add(
        actor=telegram_id, action=action, target=f"person:{person_id}", allowed=True, at=now
    )
    return recipient_of(volunteer)


def due(vetted_at: datetime | None, months: int, tz: ZoneInfo) -> date | None:
    """The day a new check is due: ``months`` after the approval (local date)."""
    if vetted_at is None:
        return None
    later: datetime = vetted_at.astimezone(tz) + relativedelta(months=months)
    return later.date()


@dataclass(frozen=True)
class RevetNotice:
    """A check that is due soon (a reminder) or overdue (the approval lapsed)."""

    volunteer: Recipient
    due: date
    lapsed: bool
    coordinators: list[Recipient]


async def revet_due(
    uow: UnitOfWork, now: datetime, months: int, tz: ZoneInfo
) -> list[RevetNotice]:
    """Remind the vetting coordinators once, a month before an approval runs out; when it has
    run out, the volunteer is paused (``lapsed``) until a coordinator renews it."""
    window = now - relativedelta(months=months - 1)
    notices = []
    for person, profile in await uow.volunteers.approved_before(window):
        assert profile.vetted_at is not None
        ends = profile.vetted_at + relativedelta(months=months)
        lapsed = ends <= now
        if not lapsed and profile.revet_reminded_at is not None:
            continue
        if lapsed:
            profile.vetting = "lapsed"
            await uow.audit.add(
                actor=None,
                action="vetting_lapsed",
                target=f"person:{person.id}",
                allowed=True,
                at=now,
            )
        profile.revet_reminded_at = profile.revet_reminded_at or now
        notices.append(
            RevetNotice(
                recipient_of(person),
                ends.astimezone(tz).date(),
                lapsed,
                await organisations.to_tell(uow, person),
            )
        )
    return notices


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
