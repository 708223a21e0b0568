"""«Något kändes fel»: a resident's or a volunteer's few words go straight to the coordinators
responsible, who can call, stop the volunteer, or close it as handled.

Responsible for a report are the municipal coordinators of its municipality (the task's area,
or the reporter's own) and the coordinators of the volunteer's organisation: the volunteer it
is about, or the reporter when a volunteer reports. Only they get the words. An organisation
coordinator gets no resident's phone (see ``access``): «Ring» is theirs only for their own
volunteer. Every press is checked here again; anyone else is refused and audited.

The words are never logged; the audit names only ``report:<id>``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services import access, requests
from bot.services.errors import NotFound, NotOpen
from bot.services.people import recipient_of, refuse, registered
from bot.services.views import Contact, Recipient, RequestView
from storage.models import HelpRequest, Person, SafetyReport
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
# Longer words are cut to this (and the reporter told): one alert must fit in a message.
TEXT_CHARS = 1000
# The tasks a report from «Mina förfrågningar» / «Mina uppdrag» may be about.
RECENT_DAYS, RECENT_TASKS = 30, 4


@dataclass(frozen=True)
class Start:
    """Before the words: the tasks to choose from (none when the task is known), and whether
    we have a phone number to call the reporter on."""

    tasks: list[RequestView]
    has_phone: bool


@dataclass(frozen=True)
class Coordinator:
    """Someone to alert: a municipal coordinator, or one of the volunteer's organisation."""

    to: Recipient
    municipal: bool
    # «Ring»: never a resident's phone for an organisation's coordinator.
    may_call: bool


@dataclass(frozen=True)
class Alert:
    """What the coordinators responsible read, and who they are."""

    report_id: int
    reporter_id: int | None  # whose words the alert holds (a queued copy goes when erased)
    kind: str  # report | followup
    score: str | None  # a follow-up's 😊 😐 ☹️
    reporter: str
    role: str  # resident | volunteer
    request: RequestView | None
    volunteer: str | None  # the volunteer it is about, who can be stopped from the alert
    text: str | None
    coordinators: list[Coordinator]

    @property
    def about_volunteer(self) -> bool:
        return self.volunteer is not None


@dataclass(frozen=True)
class Filed:
    alert: Alert
    has_phone: bool
    capped: bool  # the words were cut to TEXT_CHARS

    @property
    def organisation(self) -> bool:
        """A coordinator of the reporter's own organisation was told too."""
        told = self.alert.coordinators
        return self.alert.role == "volunteer" and any(not c.municipal for c in told)


@dataclass(frozen=True)
class ToStop:
    person_id: int
    name: str
    stopped: bool  # already


@dataclass(frozen=True)
class Handled:
    by: str  # the first name of who marked it handled
    now: bool  # by this press (otherwise someone was first)
    may_call: bool
    about_volunteer: bool


@dataclass(frozen=True)
class _Route:
    """Who a report is from and about, and so who answers for it."""

    req: HelpRequest | None
    reporter: Person | None
    role: str | None
    volunteer: Person | None
    area_id: int | None
    organisation_id: int | None


def _party(person: Person, req: HelpRequest) -> str | None:
    """The person's side of a task: the resident (or who asked for them), or its volunteer."""
    if person.id in (req.resident_id, req.created_by_id):
        return "resident"
    if person.id == req.volunteer_id:
        return "volunteer"
    return None


async def _role(uow: UnitOfWork, person: Person, req: HelpRequest | None) -> str | None:
    side = _party(person, req) if req is not None else None
    if side is not None:
        return side
    roles = await uow.people.roles(person.id)
    return next((r for r in ("resident", "volunteer") if r in roles), None)


async def _about(
    uow: UnitOfWork, person: Person, telegram_id: int, request_id: int | None, now: datetime
) -> tuple[HelpRequest | None, str]:
    """The task a report is about (a side of it, or refused) and the reporter's role."""
    req = await uow.requests.get(request_id) if request_id is not None else None
    if request_id is not None and req is None:
        raise NotFound("request")
    role = _party(person, req) if req is not None else await _role(uow, person, None)
    if role is None:
        target = f"request:{request_id}" if request_id else f"person:{person.id}"
        raise await refuse(uow, telegram_id, "safety_report", target, now)
    return req, role


async def start(uow: UnitOfWork, telegram_id: int, request_id: int | None, now: datetime) -> Start:
    """May this person report (about this task)? And the recent tasks, when none is named."""
    person = await registered(uow, telegram_id)
    await _about(uow, person, telegram_id, request_id, now)
    tasks: list[RequestView] = []
    if request_id is None:
        since = now - timedelta(days=RECENT_DAYS)
        for req in await uow.safety.recent_tasks(person.id, since, RECENT_TASKS):
            tasks.append(requests.as_offer(await requests.view_of(uow, req)))
    return Start(tasks, person.phone is not None)


async def report(
    uow: UnitOfWork, telegram_id: int, request_id: int | None, text: str, now: datetime
) -> Filed:
    """File the report and audit it; the alert says whom to tell."""
    person = await registered(uow, telegram_id)
    req, role = await _about(uow, person, telegram_id, request_id, now)
    words = text.strip()
    row = await uow.safety.add(
        SafetyReport(
            kind="report",
            reporter_id=person.id,
            volunteer_id=req.volunteer_id if req is not None and role == "resident" else None,
            request_id=request_id,
            text=words[:TEXT_CHARS],
            created_at=now,
        )
    )
    await _audit(uow, telegram_id, row, now)
    alert = await _alert(uow, row, None)
    return Filed(alert, person.phone is not None, len(words) > TEXT_CHARS)


async def follow_up(
    uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime
) -> Alert | None:
    """After a follow-up answer: a ☹️ or a comment goes to the coordinators responsible.

    One report per person and task; a comment after a ☹️ fills it in (and opens it again).
    None when there is nothing (new) to tell.
    """
    person = await registered(uow, telegram_id)
    answer = await uow.followups.get(request_id, person.id)
    if answer is None or (answer.score != "bad" and not answer.comment):
        return None
    row = await uow.safety.followup_of(person.id, request_id)
    if row is not None and row.text == answer.comment:
        return None
    if row is None:
        req = await uow.requests.get(request_id)
        about = req.volunteer_id if req is not None and answer.role == "resident" else None
        row = await uow.safety.add(
            SafetyReport(
                kind="followup",
                reporter_id=person.id,
                volunteer_id=about,
                request_id=request_id,
                text=answer.comment,
                created_at=now,
            )
        )
    else:
        row.text, row.handled_at, row.handled_by_id = answer.comment, None, None
    await _audit(uow, telegram_id, row, now)
    return await _alert(uow, row, answer.score)


async def _audit(uow: UnitOfWork, telegram_id: int, row: SafetyReport, now: datetime) -> None:
    target = f"report:{row.id}"
    await uow.audit.add(
        actor=telegram_id, action="safety_report", target=target, allowed=True, at=now
    )
    log.info("safety report %s (%s) filed", row.id, row.kind)


async def _route(uow: UnitOfWork, row: SafetyReport) -> _Route:
    req = await uow.requests.get(row.request_id) if row.request_id is not None else None
    reporter = await uow.people.get(row.reporter_id) if row.reporter_id is not None else None
    role = await _role(uow, reporter, req) if reporter is not None else None
    volunteer = await uow.people.get(row.volunteer_id) if row.volunteer_id is not None else None
    area_id = req.area_id if req is not None else (reporter.area_id if reporter else None)
    own = volunteer or (reporter if role == "volunteer" else None)
    return _Route(req, reporter, role, volunteer, area_id, own.organisation_id if own else None)


async def _coordinators(uow: UnitOfWork, route: _Route) -> list[Coordinator]:
    """The municipality's coordinators first, then the organisation's; never the reporter."""
    municipal = await access.municipal_coordinators(uow, route.area_id)
    found = {r.person_id: Coordinator(r, True, True) for r in municipal}
    if route.organisation_id is not None:
        for person in await uow.safety.organisation_coordinators(route.organisation_id):
            if person.id in found or person.telegram_id is None or person.unreachable:
                continue
            own = route.role == "volunteer"
            found[person.id] = Coordinator(recipient_of(person), False, own)
    if route.reporter is not None:
        found.pop(route.reporter.id, None)
    return list(found.values())


async def _alert(uow: UnitOfWork, row: SafetyReport, score: str | None) -> Alert:
    route = await _route(uow, row)
    shown = requests.as_offer(await requests.view_of(uow, route.req)) if route.req else None
    return Alert(
        report_id=row.id,
        reporter_id=row.reporter_id,
        kind=row.kind,
        score=score,
        reporter=(route.reporter.first_name or "") if route.reporter else "",
        role=route.role or "resident",
        request=shown,
        volunteer=(route.volunteer.first_name or "") if route.volunteer else None,
        text=row.text,
        coordinators=await _coordinators(uow, route),
    )


async def _responsible(
    uow: UnitOfWork, telegram_id: int, report_id: int, action: str, now: datetime
) -> tuple[access.Scope, SafetyReport, _Route, bool]:
    """The report, if this coordinator answers for it, and whether as the municipality's."""
    target = f"report:{report_id}"
    scope = await access.coordinator(uow, telegram_id, action, target, now)
    row = await uow.safety.get(report_id)
    if row is None:
        raise NotFound("report")
    route = await _route(uow, row)
    municipal = scope.municipal and (
        route.area_id is None or await access.area_in(uow, scope, route.area_id)
    )
    own = scope.organisation_id is not None and scope.organisation_id == route.organisation_id
    if not (municipal or own):
        raise await refuse(uow, telegram_id, action, target, now)
    return scope, row, route, municipal


async def call(uow: UnitOfWork, telegram_id: int, report_id: int, now: datetime) -> Contact:
    """«Ring»: the reporter's name and phone, audited. An organisation's coordinator gets it
    only for their own volunteer, never for a resident."""
    target = f"report:{report_id}"
    _s, _r, route, municipal = await _responsible(uow, telegram_id, report_id, "safety_call", now)
    if not municipal and route.role != "volunteer":
        raise await refuse(uow, telegram_id, "safety_call", target, now)
    reporter = route.reporter
    if reporter is None:  # erased since
        raise NotFound("reporter")
    reason = "safety_report"
    await uow.audit.add(
        actor=telegram_id,
        action="read_contact",
        target=target,
        allowed=True,
        at=now,
        reason=reason,
    )
    return Contact(reporter.first_name or "", None, reporter.phone)


async def stop(uow: UnitOfWork, telegram_id: int, report_id: int, now: datetime) -> ToStop:
    """«Stoppa volontären»: the volunteer the report is about, for the suspend flow (which
    checks again)."""
    _s, _r, route, _m = await _responsible(uow, telegram_id, report_id, "safety_stop", now)
    volunteer = route.volunteer
    if volunteer is None:
        raise NotOpen("not about a volunteer")
    profile = await uow.volunteers.profile(volunteer.id)
    stopped = profile is not None and profile.vetting == "suspended"
    return ToStop(volunteer.id, volunteer.first_name or "", stopped)


async def handle(uow: UnitOfWork, telegram_id: int, report_id: int, now: datetime) -> Handled:
    """«Klart, hanterat»: the first press marks it; a later one hears who did."""
    scope, row, route, municipal = await _responsible(
        uow, telegram_id, report_id, "safety_handled", now
    )
    first = await uow.safety.mark_handled(row.id, scope.person_id, now)
    target, name = f"report:{report_id}", ""
    if first:
        await uow.audit.add(
            actor=telegram_id, action="safety_handled", target=target, allowed=True, at=now
        )
    else:
        await uow.session.refresh(row)
        by = await uow.people.get(row.handled_by_id) if row.handled_by_id else None
        name = (by.first_name or "") if by is not None else ""
    may_call = municipal or route.role == "volunteer"
    return Handled(name, first, may_call, route.volunteer is not None)
