"""People: who someone is, their roles, onboarding, language, areas and pausing."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from bot.services.errors import Duplicate, NotAllowed, NotFound, NotRegistered
from bot.services.views import CATEGORIES, AreaView, PersonView, Recipient
from storage.models import Area, Person, VolunteerProfile
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def refuse(
    uow: UnitOfWork, actor_tg: int | None, action: str, target: str, now: datetime
) -> NotAllowed:
    """Log and audit a refused attempt; return the error for the caller to raise."""
    log.warning("refused %s on %s for telegram user %s", action, target, actor_tg)
    await uow.audit.add(actor=actor_tg, action=action, target=target, allowed=False, at=now)
    return NotAllowed(action)


def recipient_of(person: Person) -> Recipient:
    """Who to tell, from a stored person."""
    return Recipient(person.id, person.telegram_id, person.locale, person.first_name or "")


async def require_role(
    uow: UnitOfWork, telegram_id: int, role: str, action: str, target: str, now: datetime
) -> Person:
    """The person, if they have ``role``; otherwise the attempt is refused and audited."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or role not in await uow.people.roles(person.id):
        raise await refuse(uow, telegram_id, action, target, now)
    return person


async def view(uow: UnitOfWork, person: Person) -> PersonView:
    """Everything about one person that the bot needs to talk to them."""
    roles = frozenset(await uow.people.roles(person.id))
    area = await uow.areas.get(person.area_id) if person.area_id else None
    profile = await uow.volunteers.profile(person.id)
    v_areas: tuple[AreaView, ...] = ()
    skills: tuple[str, ...] = ()
    if profile is not None:
        ids = await uow.volunteers.area_ids(person.id)
        v_areas = tuple(AreaView(a.id, a.name) for a in await uow.areas.all() if a.id in ids)
        given = await uow.volunteers.skills(person.id)
        skills = tuple(c for c in CATEGORIES if c in given)
    return PersonView(
        id=person.id,
        telegram_id=person.telegram_id,
        first_name=person.first_name,
        locale=person.locale,
        roles=roles,
        onboarded=person.onboarded_at is not None,
        area=AreaView(area.id, area.name) if area else None,
        address=person.address,
        phone=person.phone,
        vetting=profile.vetting if profile else None,
        paused=profile.paused if profile else False,
        volunteer_areas=v_areas,
        skills=skills,
    )


async def find(uow: UnitOfWork, telegram_id: int) -> PersonView | None:
    """The person with this Telegram id, or None if they never pressed /start."""
    person = await uow.people.by_telegram_id(telegram_id)
    return await view(uow, person) if person else None


async def ensure(
    uow: UnitOfWork, telegram_id: int, now: datetime, bootstrap_coordinators: Iterable[int] = ()
) -> PersonView:
    """Find or create the person; bootstrap coordinators get their role on first contact."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None:
        person = await uow.people.add(Person(telegram_id=telegram_id, created_at=now))
    if telegram_id in set(bootstrap_coordinators):  # HJALPSAM_COORDINATOR_IDS: municipal
        await uow.people.grant(person.id, "coordinator")
        if person.municipality_id is None:
            person.municipality_id = (await uow.areas.municipality(now)).id
    return await view(uow, person)


async def registered(uow: UnitOfWork, telegram_id: int) -> Person:
    """The person, who must have finished onboarding."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or person.onboarded_at is None:
        raise NotRegistered()
    return person


async def set_locale(uow: UnitOfWork, telegram_id: int, locale: str, now: datetime) -> None:
    """Remember the language a person chose."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None:
        person = await uow.people.add(Person(telegram_id=telegram_id, created_at=now))
    person.locale = locale


async def seen(uow: UnitOfWork, telegram_id: int) -> str | None:
    """Someone wrote to us: they can be reached again. Returns their language, if known."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None:
        return None
    if person.unreachable:
        log.info("person %s can be reached again", person.id)
        person.unreachable = False
    return person.locale


async def reads_aloud(uow: UnitOfWork, telegram_id: int) -> bool:
    """Whether this person wants replies read aloud as well (never before /start)."""
    person = await uow.people.by_telegram_id(telegram_id)
    return person is not None and person.read_aloud


async def mark_reachable(uow: UnitOfWork, telegram_id: int, reachable: bool) -> None:
    """Record that a person blocked the bot (or came back)."""
    await uow.people.mark_unreachable(telegram_id, not reachable)


async def areas(uow: UnitOfWork) -> list[AreaView]:
    """All areas, by name."""
    return [AreaView(a.id, a.name) for a in await uow.areas.all()]


async def _check_area(uow: UnitOfWork, area_id: int) -> None:
    if await uow.areas.get(area_id) is None:
        raise NotFound("area")


async def register_resident(
    uow: UnitOfWork,
    telegram_id: int,
    *,
    first_name: str,
    area_id: int,
    address: str,
    phone: str | None,
    now: datetime,
) -> PersonView:
    """Finish a resident's onboarding; consent was given in the same step."""
    await _check_area(uow, area_id)
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None:
        person = await uow.people.add(Person(telegram_id=telegram_id, created_at=now))
    person.first_name, person.area_id = first_name, area_id
    person.address, person.phone = address, phone
    person.consent_at = now
    person.onboarded_at = person.onboarded_at or now
    await uow.people.grant(person.id, "resident")
    return await view(uow, person)


async def register_volunteer(
    uow: UnitOfWork,
    telegram_id: int,
    *,
    first_name: str,
    area_ids: Iterable[int],
    skills: Iterable[str],
    now: datetime,
    organisation_id: int | None = None,
) -> tuple[PersonView, Person]:
    """Sign a volunteer up for vetting; returns them (and the stored person, for vetting)."""
    area_ids, skills = set(area_ids), set(skills)
    for area_id in area_ids:
        await _check_area(uow, area_id)
    if not area_ids or not skills or not skills <= set(CATEGORIES):
        raise NotFound("areas or skills")
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None:
        person = await uow.people.add(Person(telegram_id=telegram_id, created_at=now))
    person.first_name = first_name
    person.onboarded_at = person.onboarded_at or now
    await uow.people.grant(person.id, "volunteer")
    if await uow.volunteers.profile(person.id) is None:
        await uow.volunteers.add_profile(VolunteerProfile(person_id=person.id, created_at=now))
    await uow.volunteers.set_areas(person.id, area_ids)
    await uow.volunteers.set_skills(person.id, skills)
    if organisation_id is not None and await uow.catalogue.organisation_by_id(organisation_id):
        person.organisation_id = organisation_id
    return await view(uow, person), person


async def register_coordinator(
    uow: UnitOfWork, telegram_id: int, *, first_name: str, now: datetime
) -> PersonView:
    """A coordinator (granted by the CLI or settings) gives their name."""
    person = await require_role(
        uow, telegram_id, "coordinator", "register_coordinator", "self", now
    )
    person.first_name = first_name
    person.onboarded_at = person.onboarded_at or now
    return await view(uow, person)


async def coordinators(uow: UnitOfWork) -> list[Recipient]:
    """Every reachable coordinator."""
    return [
        recipient_of(p)
        for p in await uow.people.with_role("coordinator")
        if p.telegram_id is not None and not p.unreachable
    ]


async def toggle_pause(uow: UnitOfWork, telegram_id: int, now: datetime) -> bool:
    """Pause or resume a volunteer's notifications; returns True when now paused."""
    person = await registered(uow, telegram_id)
    profile = await uow.volunteers.profile(person.id)
    if profile is None:
        raise await refuse(uow, telegram_id, "pause", f"person:{person.id}", now)
    profile.paused = not profile.paused
    return profile.paused


def is_municipal(person: Person) -> bool:
    """A coordinator of the municipality (also one of no organisation); see ``access``."""
    return person.municipality_id is not None or person.organisation_id is None


async def add_coordinator(
    uow: UnitOfWork, telegram_id: int, now: datetime, organisation_id: int | None = None
) -> PersonView:
    """Grant the coordinator role (from the command line): of an organisation when one is
    given, otherwise of the municipality."""
    found = await ensure(uow, telegram_id, now, bootstrap_coordinators=[telegram_id])
    person = await uow.people.by_telegram_id(telegram_id)
    assert person is not None
    if organisation_id is not None:
        person.organisation_id, person.municipality_id = organisation_id, None
    else:
        person.municipality_id = (await uow.areas.municipality(now)).id
    return found


async def remove_coordinator(uow: UnitOfWork, telegram_id: int, now: datetime) -> bool:
    """Take the coordinator role away (from the command line); False if they had none."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or not await uow.people.revoke(person.id, "coordinator"):
        return False
    person.municipality_id = None
    await uow.audit.add(
        actor=None,
        action="remove_coordinator",
        target=f"person:{person.id}",
        allowed=True,
        at=now,
    )
    return True


async def add_area(uow: UnitOfWork, actor_tg: int | None, name: str, now: datetime) -> AreaView:
    """Add an area. Municipal coordinators only; ``actor_tg=None`` is the command line."""
    if actor_tg is not None:
        actor = await require_role(uow, actor_tg, "coordinator", "add_area", name[:40], now)
        if not is_municipal(actor):  # areas are the municipality's
            raise await refuse(uow, actor_tg, "add_area", name[:40], now)
    clean = " ".join(name.split())
    if await uow.areas.by_name(clean):
        raise Duplicate(clean)
    municipality = await uow.areas.municipality(now)
    area = await uow.areas.add(Area(name=clean, municipality_id=municipality.id, created_at=now))
    return AreaView(area.id, area.name)
