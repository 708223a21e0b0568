"""/minadata and /radera: a person's own data, exported or erased.

The export holds the half-written request (the draft), the saved "near me" location of the
last find-a-place search, what they did to requests (a give-back reason too) and the safety
reports they made as well; erasing removes all of it.

Erasing keeps an empty person row (no Telegram id, name, address or phone) so the anonymous
counts in the reports still add up, and removes or blanks every other row that names them
or holds their words, or the other party's words about them (storage/privacy_repositories).
Open requests are cancelled (their volunteer is told), tasks they hold open again for others,
and their seats go to the waiting list. A municipal coordinator erases a resident they entered
for someone without Telegram (a proxy resident) the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.services import access, requests, signups
from bot.services.errors import NotFound, NotRegistered
from bot.services.people import refuse
from bot.services.places import SAVED_SEARCH_KEY
from bot.services.reminders import ReminderPolicy
from bot.services.views import CloseResult, GiveBackResult, PostRef, Recipient
from storage.models import Draft, Person, RequestEvent, SafetyReport
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class MovedUp:
    """Someone who got a seat because the erased person's seat was freed."""

    recipient: Recipient
    activity_id: int
    title: str
    at: datetime


@dataclass(frozen=True)
class Erased:
    """Who to tell after an erasure."""

    cancelled: list[CloseResult] = field(default_factory=list)
    given_back: list[GiveBackResult] = field(default_factory=list)
    moved_up: list[MovedUp] = field(default_factory=list)
    # Other messages with an address that name them or are in their chat: to strip.
    stripped: list[PostRef] = field(default_factory=list)


async def _person(uow: UnitOfWork, telegram_id: int) -> Person:
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None:
        raise NotRegistered()
    return person


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def export(uow: UnitOfWork, telegram_id: int, now: datetime) -> dict[str, Any]:
    """Everything stored about the person, as plain JSON-able data."""
    person = await _person(uow, telegram_id)
    area = await uow.areas.get(person.area_id) if person.area_id else None
    profile = await uow.volunteers.profile(person.id)
    areas = {a.id: a.name for a in await uow.areas.all()}
    await uow.audit.add(
        actor=telegram_id,
        action="export_own",
        target=f"person:{person.id}",
        allowed=True,
        at=person.created_at,
    )
    return {
        "person": {
            "telegram_id": person.telegram_id,
            "first_name": person.first_name,
            "language": person.locale,
            "area": area.name if area else None,
            "address": person.address,
            "phone": person.phone,
            "consent_at": _iso(person.consent_at),
            "joined_at": _iso(person.onboarded_at),
            "reminders_off": person.reminders_off,
        },
        "roles": sorted(await uow.people.roles(person.id)),
        "volunteer": None
        if profile is None
        else {
            "vetting": profile.vetting,
            "vetted_at": _iso(profile.vetted_at),
            "paused": profile.paused,
            "areas": sorted(areas[a] for a in await uow.volunteers.area_ids(person.id)),
            "skills": sorted(await uow.volunteers.skills(person.id)),
        },
        "requests": [_request(r) for r in await uow.privacy.requests_of(person.id)],
        "tasks": [_request(r) for r in await uow.privacy.tasks_of(person.id)],
        "follow_ups": [
            {"request": f.request_id, "score": f.score, "comment": f.comment, "at": _iso(f.at)}
            for f in await uow.privacy.follow_ups_of(person.id)
        ],
        "meeting_places": [
            {"activity": s.activity_id, "date": _iso(s.occurs_at), "status": s.status}
            for s in await uow.privacy.signups_of(person.id)
        ],
        "events": [_event(e) for e in await uow.privacy.events_by(person.id)],
        "safety_reports": [_report(r) for r in await uow.privacy.reports_by(person.id)],
        "draft": _draft(await uow.drafts.get(person.id)),
        "saved_location": _location(await uow.privacy.user_data_of(telegram_id)),
    }


def _event(event: RequestEvent) -> dict[str, Any]:
    return {
        "request": event.request_id,
        "what": event.kind,
        "note": event.note,
        "at": _iso(event.at),
    }


def _report(report: SafetyReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "request": report.request_id,
        "text": report.text,
        "at": _iso(report.created_at),
        "handled_at": _iso(report.handled_at),
    }


def _draft(draft: Draft | None) -> dict[str, Any] | None:
    if draft is None:
        return None
    return {
        "step": draft.step,
        "category": draft.category,
        "day": draft.when_day,
        "when": _iso(draft.when_at),
        "details": draft.details,
        "updated_at": _iso(draft.updated_at),
    }


def _location(user_data: dict[str, Any]) -> dict[str, Any] | None:
    saved = user_data.get(SAVED_SEARCH_KEY)
    if not isinstance(saved, dict) or saved.get("lat") is None:
        return None
    return {"latitude": saved.get("lat"), "longitude": saved.get("lon"), "at": saved.get("at")}


def _request(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "category": r.category,
        "when": _iso(r.when_at),
        "details": r.details,
        "status": r.status,
        "created_at": _iso(r.created_at),
        "closed_at": _iso(r.closed_at),
    }


async def erase(
    uow: UnitOfWork, telegram_id: int, now: datetime, tz: ZoneInfo, policy: ReminderPolicy
) -> Erased:
    """Erase the person (see the module docstring); returns who must be told."""
    person = await _person(uow, telegram_id)
    done = Erased()
    for req in await uow.privacy.requests_of(person.id):
        if req.status in requests.ACTIVE:
            done.cancelled.append(await requests.cancel(uow, telegram_id, req.id, now))
    for task in await uow.privacy.tasks_of(person.id):
        if task.status == "claimed":
            done.given_back.append(await requests.give_back(uow, telegram_id, task.id, None, now))
    for seat in await uow.privacy.signups_of(person.id):
        if seat.status == "cancelled" or seat.occurs_at <= now:
            continue
        moved = await signups.cancel(
            uow, telegram_id, seat.activity_id, seat.occurs_at, now, tz, policy
        )
        activity = await uow.places.activity(seat.activity_id)
        if moved is not None and activity is not None:
            done.moved_up.append(MovedUp(moved, activity.id, activity.title, seat.occurs_at))
    done.stripped.extend(await requests.address_posts_of(uow, person.id))
    await _empty(uow, person, None, "erase", now)
    return done


async def erase_proxy(
    uow: UnitOfWork, coordinator_telegram_id: int, person_id: int, now: datetime
) -> Erased:
    """A municipal coordinator erases a resident without Telegram, entered on their behalf in
    one of the coordinator's areas; returns who must be told (the volunteers of cancelled
    tasks) and what to strip. Anyone else is refused and audited; so is a person who has
    Telegram (they erase themselves)."""
    target = f"person:{person_id}"
    scope = await access.municipal(uow, coordinator_telegram_id, "erase_proxy", target, now)
    person = await uow.people.get(person_id)
    if person is None or "resident" not in await uow.people.roles(person_id):
        raise NotFound("person")  # never was one, or erased already
    if person.telegram_id is not None or not await access.area_in(uow, scope, person.area_id):
        raise await refuse(uow, coordinator_telegram_id, "erase_proxy", target, now)
    done = Erased()
    for req in await uow.privacy.requests_of(person.id):
        if req.status in requests.ACTIVE:
            done.cancelled.append(await requests.cancel(uow, coordinator_telegram_id, req.id, now))
    done.stripped.extend(await requests.address_posts_of(uow, person.id))
    await _empty(uow, person, coordinator_telegram_id, "erase_proxy", now)
    return done


async def _empty(
    uow: UnitOfWork, person: Person, actor: int | None, action: str, now: datetime
) -> None:
    """Remove the person's rows elsewhere, audit it, and leave their own row empty."""
    await uow.privacy.erase(person.id, person.telegram_id)
    await uow.audit.add(
        actor=actor, action=action, target=f"person:{person.id}", allowed=True, at=now
    )
    for name in ("telegram_id", "first_name", "locale", "area_id", "address", "phone"):
        setattr(person, name, None)
    person.consent_at = person.onboarded_at = None
    person.organisation_id = person.municipality_id = None
    person.reminders_off = person.read_aloud = False
    person.unreachable = True
