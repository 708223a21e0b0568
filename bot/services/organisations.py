"""Which organisation a coordinator or volunteer belongs to, and who vets whom.

A coordinator vets only their own organisation's volunteers. A volunteer whose organisation
has no coordinator (or who named none) is vetted by the coordinators without an organisation
(the municipality's own); if there are none of those either, by every coordinator, so that
nobody waits for ever.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.people import recipient_of
from bot.services.views import Recipient
from storage.models import Person
from storage.place_models import Organisation
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class OrganisationView:
    id: int
    name: str


async def _coordinators(uow: UnitOfWork) -> list[Person]:
    return list(await uow.people.with_role("coordinator"))


async def choices(uow: UnitOfWork) -> list[OrganisationView]:
    """The organisations a new volunteer can name: those with a coordinator, by name."""
    ids = {p.organisation_id for p in await _coordinators(uow) if p.organisation_id}
    found = [await uow.catalogue.organisation_by_id(i) for i in ids]
    return sorted((OrganisationView(o.id, o.name) for o in found if o), key=lambda o: o.name)


async def vetters(uow: UnitOfWork, volunteer: Person) -> list[Person]:
    """The coordinators who vet this volunteer (see the module docstring)."""
    everyone = await _coordinators(uow)
    if volunteer.organisation_id is not None:
        own = [c for c in everyone if c.organisation_id == volunteer.organisation_id]
        if own:
            return own
    municipality = [c for c in everyone if c.organisation_id is None]
    return municipality or everyone


async def may_vet(uow: UnitOfWork, coordinator: Person, volunteer: Person) -> bool:
    return coordinator.id in {c.id for c in await vetters(uow, volunteer)}


async def to_tell(uow: UnitOfWork, volunteer: Person) -> list[Recipient]:
    """The reachable coordinators to tell that this volunteer waits for vetting."""
    return [
        recipient_of(c)
        for c in await vetters(uow, volunteer)
        if c.telegram_id is not None and not c.unreachable
    ]


async def named(uow: UnitOfWork, name: str) -> int:
    """The id of the organisation with this name (any case), added if new."""
    clean = " ".join(name.split())
    found = await uow.catalogue.organisation(clean)
    if found is None:
        found = Organisation(name=clean, kind="other")
        await uow.catalogue.add(found)
    return found.id
