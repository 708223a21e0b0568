"""Coordinators' list of their volunteers: who is approved, paused, stopped or due for a new
check, one card each. A municipal coordinator sees every volunteer; an organisation's
coordinator sees their own (and those they vet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import access, organisations
from bot.services.people import refuse
from bot.services.views import CATEGORIES
from storage.models import Person, VolunteerProfile
from storage.uow import UnitOfWork

PAGE = 8


@dataclass(frozen=True)
class VolunteerLine:
    person_id: int
    first_name: str
    # approved | pending | declined | suspended | lapsed | paused (an approved one, paused)
    state: str


@dataclass(frozen=True)
class VolunteerPage:
    lines: list[VolunteerLine]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class VolunteerCard:
    person_id: int
    first_name: str
    state: str
    areas: tuple[str, ...]
    skills: tuple[str, ...]
    organisation: str | None
    vetted_at: datetime | None
    suspended_at: datetime | None
    # Coordinators only; never told to the volunteer.
    suspend_reason: str | None
    page: int = 0


def state_of(profile: VolunteerProfile) -> str:
    if profile.vetting == "approved" and profile.paused:
        return "paused"
    return profile.vetting


async def _mine(uow: UnitOfWork, scope: access.Scope) -> list[tuple[Person, VolunteerProfile]]:
    everyone = await uow.volunteers.everyone()
    if scope.municipal:
        return list(everyone)
    coordinator = await uow.people.get(scope.person_id)
    assert coordinator is not None
    return [
        (p, v)
        for p, v in everyone
        if (scope.organisation_id is not None and p.organisation_id == scope.organisation_id)
        or await organisations.may_vet(uow, coordinator, p)
    ]


async def page(uow: UnitOfWork, telegram_id: int, number: int, now: datetime) -> VolunteerPage:
    """One page of the volunteers this coordinator answers for."""
    scope = await access.coordinator(uow, telegram_id, "list_volunteers", "volunteers", now)
    rows = await _mine(uow, scope)
    pages = max(1, -(-len(rows) // PAGE))
    number = min(max(number, 0), pages - 1)
    lines = [
        VolunteerLine(p.id, p.first_name or "", state_of(v))
        for p, v in rows[number * PAGE : (number + 1) * PAGE]
    ]
    return VolunteerPage(lines, number, pages, len(rows))


async def card(
    uow: UnitOfWork, telegram_id: int, person_id: int, now: datetime, page_number: int = 0
) -> VolunteerCard:
    """One volunteer, for a coordinator who answers for them."""
    target = f"person:{person_id}"
    scope = await access.coordinator(uow, telegram_id, "read_volunteer", target, now)
    found = next(((p, v) for p, v in await _mine(uow, scope) if p.id == person_id), None)
    if found is None:
        raise await refuse(uow, telegram_id, "read_volunteer", target, now)
    person, profile = found
    names = {a.id: a.name for a in await uow.areas.all()}
    area_ids = await uow.volunteers.area_ids(person.id)
    skills = await uow.volunteers.skills(person.id)
    organisation = (
        await uow.catalogue.organisation_by_id(person.organisation_id)
        if person.organisation_id
        else None
    )
    return VolunteerCard(
        person_id=person.id,
        first_name=person.first_name or "",
        state=state_of(profile),
        areas=tuple(sorted(names[a] for a in area_ids if a in names)),
        skills=tuple(c for c in CATEGORIES if c in skills),
        organisation=organisation.name if organisation else None,
        vetted_at=profile.vetted_at,
        suspended_at=profile.suspended_at,
        suspend_reason=profile.suspend_reason,
        page=page_number,
    )
