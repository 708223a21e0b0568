"""Who may see what: the two kinds of coordinator, and the reasons to read contact details.

*Municipal* coordinators answer for residents: the requests in their municipality's areas, the
contact details of those requests when there is a reason, proxy residents, broadcasts to
residents. *Organisation* coordinators answer for their own people and things: their
organisation's volunteers and activities. They never see a resident's address or phone; of a
task one of their own volunteers holds they see only its state.

A coordinator with neither a municipality nor an organisation (one named by
``HJALPSAM_COORDINATOR_IDS``, or added before there were kinds) is the municipality's.

Contact details are shown on purpose: each read names its reason in the audit log, and a
closed request shows them to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.people import is_municipal, recipient_of, refuse, require_role
from bot.services.views import Contact, Recipient
from storage.models import HelpRequest, Person
from storage.uow import UnitOfWork

# A request still being worked on; closed ones (done, cancelled, expired) show no details.
ACTIVE = ("open", "claimed")


@dataclass(frozen=True)
class Scope:
    """A coordinator and what they answer for."""

    person_id: int
    telegram_id: int | None
    # Set for a municipal coordinator: the municipality whose residents they answer for.
    municipality_id: int | None
    # The organisation whose volunteers and activities they answer for, if any.
    organisation_id: int | None

    @property
    def municipal(self) -> bool:
        return self.municipality_id is not None


async def scope_of(uow: UnitOfWork, person: Person, now: datetime) -> Scope:
    """The scope of a coordinator; one of no kind yet becomes the municipality's."""
    if is_municipal(person) and person.municipality_id is None:
        person.municipality_id = (await uow.areas.municipality(now)).id
    return Scope(person.id, person.telegram_id, person.municipality_id, person.organisation_id)


async def coordinator(
    uow: UnitOfWork, telegram_id: int, action: str, target: str, now: datetime
) -> Scope:
    """The coordinator's scope; anyone else is refused and audited."""
    person = await require_role(uow, telegram_id, "coordinator", action, target, now)
    return await scope_of(uow, person, now)


async def municipal(
    uow: UnitOfWork, telegram_id: int, action: str, target: str, now: datetime
) -> Scope:
    """A municipal coordinator's scope; organisation coordinators and others are refused."""
    scope = await coordinator(uow, telegram_id, action, target, now)
    if not scope.municipal:
        raise await refuse(uow, telegram_id, action, target, now)
    return scope


async def area_in(uow: UnitOfWork, scope: Scope, area_id: int | None) -> bool:
    """The area belongs to this coordinator's municipality."""
    if not scope.municipal or area_id is None:
        return False
    area = await uow.areas.get(area_id)
    return area is not None and area.municipality_id in (None, scope.municipality_id)


async def answers_for(uow: UnitOfWork, scope: Scope, req: HelpRequest) -> bool:
    """A municipal coordinator of the request's municipality."""
    return await area_in(uow, scope, req.area_id)


async def holder_is_own(uow: UnitOfWork, scope: Scope, req: HelpRequest) -> bool:
    """One of this organisation coordinator's own volunteers holds the task."""
    if scope.organisation_id is None or req.volunteer_id is None or req.status != "claimed":
        return False
    holder = await uow.people.get(req.volunteer_id)
    return holder is not None and holder.organisation_id == scope.organisation_id


async def contact_reason(uow: UnitOfWork, scope: Scope, req: HelpRequest) -> str | None:
    """Why this coordinator may read the resident's phone and address now, or None."""
    if req.status not in ACTIVE or not await answers_for(uow, scope, req):
        return None
    if req.created_by_id == scope.person_id and req.created_by_id != req.resident_id:
        return "entered"
    resident = await uow.people.get(req.resident_id)
    if resident is not None and resident.telegram_id is None:
        return "proxy_resident"
    if req.escalated_at is not None:
        return "escalated"
    if await uow.escalations.assigned_by(req.id, scope.person_id):
        return "assigning"
    return None


async def read_contact(
    uow: UnitOfWork, scope: Scope, req: HelpRequest, action: str, now: datetime
) -> Contact:
    """The resident's name, phone and address, audited with the reason; or refused."""
    target = f"request:{req.id}"
    reason = await contact_reason(uow, scope, req)
    if reason is None:
        raise await refuse(uow, scope.telegram_id, action, target, now)
    resident = await uow.people.get(req.resident_id)
    assert resident is not None
    await uow.audit.add(
        actor=scope.telegram_id,
        action="read_contact",
        target=target,
        allowed=True,
        at=now,
        reason=reason,
    )
    return Contact(resident.first_name or "", resident.address, resident.phone)


async def municipal_coordinators(uow: UnitOfWork, area_id: int | None) -> list[Recipient]:
    """The reachable coordinators who answer for residents in this area."""
    area = await uow.areas.get(area_id) if area_id is not None else None
    wanted = area.municipality_id if area is not None else None
    return [
        recipient_of(p)
        for p in await uow.people.with_role("coordinator")
        if is_municipal(p)
        and (wanted is None or p.municipality_id in (None, wanted))
        and p.telegram_id is not None
        and not p.unreachable
    ]
