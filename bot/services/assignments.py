"""Coordinators acting on requests: asking one volunteer directly, and asking for help on
behalf of a resident who has no Telegram. Every step is checked and audited here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import access, requests
from bot.services.errors import AlreadyClaimed, AlreadyYours, NotFound, NotOpen, TimePassed
from bot.services.people import recipient_of, refuse, registered
from bot.services.views import CATEGORIES, ClaimResult, Recipient, RequestView, SubmitResult, When
from bot.services.when import is_usable
from storage.models import Assignment, HelpRequest, Person
from storage.uow import UnitOfWork

PAGE = 8


@dataclass(frozen=True)
class Candidate:
    person_id: int
    first_name: str
    in_area: bool


@dataclass(frozen=True)
class CandidatePage:
    """One page of volunteers a coordinator can ask; those in the request's area first."""

    request: RequestView
    candidates: list[Candidate]
    page: int
    pages: int


@dataclass(frozen=True)
class AssignmentView:
    id: int
    request: RequestView
    volunteer: Recipient
    coordinator: Recipient | None


@dataclass(frozen=True)
class ProxyAnswers:
    """What a coordinator typed about a resident without Telegram, and what they need."""

    name: str
    phone: str
    address: str
    area_id: int
    category: str
    when: When
    details: str | None


async def _open(uow: UnitOfWork, request_id: int) -> HelpRequest:
    req = await uow.requests.get(request_id)
    if req is None:
        raise NotFound("request")
    if req.status != "open":
        raise NotOpen(req.status)
    return req


async def _answered_for(
    uow: UnitOfWork, telegram_id: int, request_id: int, target: str, now: datetime
) -> HelpRequest:
    """The open request, if this is a municipal coordinator who answers for it."""
    scope = await access.municipal(uow, telegram_id, "assign", target, now)
    req = await uow.requests.get(request_id)
    if req is None or not await access.answers_for(uow, scope, req):
        raise await refuse(uow, telegram_id, "assign", target, now)
    return await _open(uow, request_id)


async def candidates(
    uow: UnitOfWork, telegram_id: int, request_id: int, page: int, now: datetime
) -> CandidatePage:
    """Reachable volunteers who may take tasks (approved, not paused), a page at a time."""
    req = await _answered_for(uow, telegram_id, request_id, f"request:{request_id}", now)
    rows = await uow.escalations.volunteers(exclude=req.resident_id)
    found = [Candidate(p.id, p.first_name or "", req.area_id in areas) for p, areas in rows]
    found.sort(key=lambda c: not c.in_area)  # stable: by name within each group
    pages = max(1, -(-len(found) // PAGE))
    page = min(max(page, 0), pages - 1)
    view = await requests.view_of(uow, req)
    return CandidatePage(view, found[page * PAGE : (page + 1) * PAGE], page, pages)


async def _view(uow: UnitOfWork, a: Assignment) -> AssignmentView:
    req = await uow.requests.get(a.request_id)
    volunteer = await uow.people.get(a.volunteer_id)
    coordinator = await uow.people.get(a.by_id) if a.by_id else None
    assert req is not None and volunteer is not None
    return AssignmentView(
        a.id,
        await requests.view_of(uow, req),
        recipient_of(volunteer),
        recipient_of(coordinator) if coordinator else None,
    )


async def assign(
    uow: UnitOfWork, telegram_id: int, request_id: int, volunteer_id: int, now: datetime
) -> AssignmentView:
    """A coordinator asks one volunteer to take an open request."""
    target = f"request:{request_id}:person:{volunteer_id}"
    req = await _answered_for(uow, telegram_id, request_id, target, now)
    coordinator = await uow.people.by_telegram_id(telegram_id)
    assert coordinator is not None
    allowed = {p.id for p, _areas in await uow.escalations.volunteers(exclude=req.resident_id)}
    if volunteer_id not in allowed:
        raise await refuse(uow, telegram_id, "assign", target, now)
    found = await uow.escalations.pending_assignment(request_id, volunteer_id)
    if found is None:
        found = await uow.escalations.add_assignment(
            Assignment(
                request_id=request_id,
                volunteer_id=volunteer_id,
                by_id=coordinator.id,
                answer="pending",
                created_at=now,
            )
        )
    await uow.audit.add(actor=telegram_id, action="assign", target=target, allowed=True, at=now)
    return await _view(uow, found)


async def _asked(
    uow: UnitOfWork, telegram_id: int, assignment_id: int, action: str, now: datetime
) -> tuple[Person, Assignment]:
    """The volunteer and the question, if it was put to this very person and is unanswered."""
    target = f"assignment:{assignment_id}"
    volunteer = await uow.people.by_telegram_id(telegram_id)
    found = await uow.escalations.assignment(assignment_id)
    if volunteer is None or found is None or found.volunteer_id != volunteer.id:
        raise await refuse(uow, telegram_id, action, target, now)
    await registered(uow, telegram_id)
    if found.answer != "pending":
        raise NotOpen(found.answer)
    await uow.audit.add(actor=telegram_id, action=action, target=target, allowed=True, at=now)
    return volunteer, found


async def accept(
    uow: UnitOfWork, telegram_id: int, assignment_id: int, now: datetime
) -> tuple[AssignmentView, ClaimResult]:
    """The volunteer says yes: the same claim as pressing «I'll take it», if still open.

    A volunteer who may not take tasks now (paused since they were asked) is refused, and the
    question stays open: they can resume and say yes, or say no.
    """
    volunteer, found = await _asked(uow, telegram_id, assignment_id, "assignment_yes", now)
    try:
        result = await requests.claim_assigned(uow, volunteer, found.request_id, now)
    except AlreadyYours:
        found.answer, found.answered_at = "accepted", now
        raise
    except (AlreadyClaimed, NotOpen):
        # kept: the unit of work commits on a domain error
        found.answer, found.answered_at = "late", now
        raise
    found.answer, found.answered_at = "accepted", now
    return await _view(uow, found), result


async def decline(
    uow: UnitOfWork, telegram_id: int, assignment_id: int, now: datetime
) -> AssignmentView:
    """The volunteer says no thank you; the coordinator who asked is told."""
    _volunteer, found = await _asked(uow, telegram_id, assignment_id, "assignment_no", now)
    found.answer, found.answered_at = "declined", now
    return await _view(uow, found)


async def submit_for(
    uow: UnitOfWork, telegram_id: int, answers: ProxyAnswers, now: datetime
) -> SubmitResult:
    """A coordinator asks for help for a resident without Telegram; it travels the same loop,
    and the coordinator hears what the resident would have heard."""
    scope = await access.municipal(uow, telegram_id, "proxy_request", "new", now)
    if await uow.areas.get(answers.area_id) is None:
        raise NotFound("area")
    if not await access.area_in(uow, scope, answers.area_id):
        raise await refuse(uow, telegram_id, "proxy_request", f"area:{answers.area_id}", now)
    coordinator = await uow.people.get(scope.person_id)
    assert coordinator is not None
    if answers.category not in CATEGORIES:
        raise NotFound("category")
    if not is_usable(answers.when, now):
        raise TimePassed()
    resident = await uow.escalations.resident_without_telegram(answers.name, answers.phone)
    if resident is None:
        resident = await uow.people.add(
            Person(telegram_id=None, first_name=answers.name, phone=answers.phone, created_at=now)
        )
    resident.address, resident.area_id = answers.address, answers.area_id
    # The coordinator spoke with the resident and answers for their consent.
    resident.consent_at = resident.consent_at or now
    await uow.people.grant(resident.id, "resident")
    await uow.audit.add(
        actor=telegram_id,
        action="proxy_request",
        target=f"person:{resident.id}",
        allowed=True,
        at=now,
    )
    return await requests.open_request(
        uow, resident, answers.category, answers.when, answers.details, now, created_by=coordinator
    )
