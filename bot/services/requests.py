"""The help loop: submit, claim, give back, mark done, cancel, and who sees what."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from bot.services import access, outbound
from bot.services.eligibility import ensure_may_take
from bot.services.errors import (
    AlreadyClaimed,
    AlreadyYours,
    NotFound,
    NotOpen,
    TimePassed,
)
from bot.services.people import recipient_of, refuse, registered
from bot.services.views import (
    CATEGORIES,
    ClaimResult,
    CloseResult,
    Contact,
    GiveBackResult,
    PostRef,
    Recipient,
    RequestView,
    SubmitResult,
    When,
)
from bot.services.when import is_usable
from storage.models import HelpRequest, Person, RequestEvent
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
ACTIVE = ("open", "claimed")


async def view_of(uow: UnitOfWork, req: HelpRequest) -> RequestView:
    area = await uow.areas.get(req.area_id)
    return RequestView(
        id=req.id,
        category=req.category,
        area=area.name if area else "",
        when=When(req.when_at, req.when_precision),
        details=req.details,
        status=req.status,
        created_at=req.created_at,
    )


def as_offer(req: RequestView) -> RequestView:
    """The request as an offer or a group post may show it: the kind of help, the area and
    the time. The resident's own words can say more than they meant to (a door code, an
    illness), so they go only with the address, to the volunteer who takes the task."""
    return replace(req, details=None)


async def _load(uow: UnitOfWork, request_id: int) -> HelpRequest:
    req = await uow.requests.get(request_id)
    if req is None:
        raise NotFound("request")
    return req


async def told(uow: UnitOfWork, req: HelpRequest) -> Recipient:
    """Who hears about a request in the resident's place.

    The resident; or, when a coordinator asked on behalf of someone without Telegram, that
    coordinator (the resident cannot get our messages).
    """
    resident = await uow.people.get(req.resident_id)
    assert resident is not None
    if resident.telegram_id is None and req.created_by_id != req.resident_id:
        creator = await uow.people.get(req.created_by_id)
        if creator is not None:
            return replace(recipient_of(creator), on_behalf_of=resident.first_name or "")
    return recipient_of(resident)


async def _event(
    uow: UnitOfWork,
    req: HelpRequest,
    kind: str,
    actor: int | None,
    now: datetime,
    note: str | None = None,
) -> None:
    await uow.requests.add_event(
        RequestEvent(request_id=req.id, kind=kind, actor_id=actor, note=note, at=now)
    )


async def _audience(
    uow: UnitOfWork, req: HelpRequest, exclude: set[int]
) -> tuple[list[Recipient], list[int]]:
    volunteers = await uow.volunteers.matching(req.area_id, req.category, exclude=exclude)
    return [recipient_of(p) for p in volunteers], await uow.groups.all_chat_ids()


async def _posts(
    uow: UnitOfWork, request_id: int, drop: bool = True, kind: str | None = None
) -> list[PostRef]:
    """The task messages of a request (to update them), with each reader's language."""
    posts = []
    for post in await uow.requests.posts(request_id, kind):
        reader = await uow.people.by_telegram_id(post.chat_id) if post.chat_id > 0 else None
        posts.append(
            PostRef(post.chat_id, post.message_id, reader.locale if reader else None, post.kind)
        )
    if drop:
        await uow.requests.drop_posts(request_id, kind)
    return posts


async def _ending(
    uow: UnitOfWork, request_id: int, now: datetime, kind: str | None
) -> list[PostRef]:
    """The task has just ended (its row is changed already): its holder's queued messages
    with the address are dropped, and its messages (of ``kind``, or all) handed back to be
    updated; the address ones stripped. The queue goes first: a message the outbound job is
    sending now is waited for, and then found among the posts."""
    await outbound.drop_for_task(uow, request_id, now)
    return await _posts(uow, request_id, drop=True, kind=kind)


async def forget_posts(uow: UnitOfWork, request_id: int) -> None:
    """The offers are updated (the task was taken); nothing more to do with them."""
    await uow.requests.drop_posts(request_id, "offer")


async def record_address(uow: UnitOfWork, request_id: int, chat_id: int, message_id: int) -> bool:
    """Remember a message with the resident's address, sent to the holder, to strip it when the
    task ends. False if the task is no longer held: strip it at once instead.

    The request's row is locked, so a task ending at the same time either waits and then finds
    this message, or has ended already and is seen to.
    """
    req = await uow.requests.lock(request_id)
    if req is None or req.status != "claimed":
        return False
    await uow.requests.add_posts(request_id, [(chat_id, message_id)], "address")
    return True


async def address_posts_of(uow: UnitOfWork, person_id: int) -> list[PostRef]:
    """For erasure: the messages with an address that mention this person (as the resident of
    the task) or are in their chat (as its holder), each with its task; they are forgotten
    here, so strip them (``request`` says which task). Tasks that end in the same unit of work
    hand theirs back themselves: call this after them, or before them and strip these too."""
    person = await uow.people.get(person_id)
    if person is None:
        return []
    found: list[PostRef] = []
    views: dict[int, RequestView] = {}
    posts = await uow.requests.address_posts_of(person_id, person.telegram_id)
    for post in posts:
        if post.request_id not in views:
            views[post.request_id] = await view_of(uow, await _load(uow, post.request_id))
        reader = await uow.people.by_telegram_id(post.chat_id)
        locale = reader.locale if reader else None
        found.append(
            PostRef(post.chat_id, post.message_id, locale, post.kind, views[post.request_id])
        )
    await uow.requests.drop_post_ids([post.id for post in posts])
    return found


async def submit(uow: UnitOfWork, telegram_id: int, now: datetime) -> SubmitResult:
    """Turn the person's confirmed draft into an open request and find who to offer it to."""
    person = await registered(uow, telegram_id)
    draft = await uow.drafts.get(person.id)
    if draft is None or draft.category not in CATEGORIES:
        raise NotFound("draft")
    when = When(draft.when_at, draft.when_precision or "none")
    if not is_usable(when, now):
        raise TimePassed()
    result = await open_request(uow, person, draft.category, when, draft.details, now)
    await uow.drafts.drop(person.id)
    return result


async def open_request(
    uow: UnitOfWork,
    person: Person,
    category: str,
    when: When,
    details: str | None,
    now: datetime,
    signup_id: int | None = None,
    created_by: Person | None = None,
) -> SubmitResult:
    """Open a request for a resident in their area and find who to offer it to.

    ``created_by``: the coordinator who asks on behalf of a resident without Telegram.
    """
    if person.area_id is None:
        raise NotFound("area")
    author = created_by or person
    req = await uow.requests.add(
        HelpRequest(
            resident_id=person.id,
            created_by_id=author.id,
            area_id=person.area_id,
            category=category,
            when_at=when.at,
            when_precision=when.precision,
            details=details,
            status="open",
            created_at=now,
            signup_id=signup_id,
        )
    )
    await _event(uow, req, "created", author.id, now)
    volunteers, groups = await _audience(uow, req, exclude={person.id})
    log.info("request %s opened, offered to %s volunteers", req.id, len(volunteers))
    return SubmitResult(
        await view_of(uow, req),
        volunteers,
        groups,
        [] if volunteers or groups else await access.municipal_coordinators(uow, req.area_id),
    )


async def record_posts(uow: UnitOfWork, request_id: int, posts: list[PostRef]) -> None:
    """Remember the task messages that offered a request, to update them later."""
    await uow.requests.add_posts(request_id, [(p.chat_id, p.message_id) for p in posts])


async def _may_take(uow: UnitOfWork, volunteer: Person, req: HelpRequest, now: datetime) -> bool:
    await ensure_may_take(uow, volunteer, f"request:{req.id}", now)
    return (
        req.area_id in await uow.volunteers.area_ids(volunteer.id)
        and req.category in await uow.volunteers.skills(volunteer.id)
        and req.resident_id != volunteer.id
    )


async def claim(uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime) -> ClaimResult:
    """Give the task to this volunteer if nobody has it yet. Exactly one caller wins."""
    volunteer = await registered(uow, telegram_id)
    req = await _load(uow, request_id)
    if not await _may_take(uow, volunteer, req, now):
        raise await refuse(uow, telegram_id, "claim", f"request:{request_id}", now)
    return await _take(uow, volunteer, request_id, now)


async def claim_assigned(
    uow: UnitOfWork, volunteer: Person, request_id: int, now: datetime
) -> ClaimResult:
    """A coordinator asked this volunteer and they said yes: the same claim, but outside
    their usual areas and kinds of help if the coordinator chose so. Vetting still counts."""
    req = await _load(uow, request_id)
    await ensure_may_take(uow, volunteer, f"request:{request_id}", now)
    if req.resident_id == volunteer.id:
        raise await refuse(uow, volunteer.telegram_id, "claim", f"request:{request_id}", now)
    return await _take(uow, volunteer, request_id, now)


async def _take(uow: UnitOfWork, volunteer: Person, request_id: int, now: datetime) -> ClaimResult:
    """The one conditional UPDATE that decides who holds the task, and what they get."""
    if not await uow.requests.claim(request_id, volunteer.id, now):
        req = await _load(uow, request_id)
        if req.status == "claimed" and req.volunteer_id == volunteer.id:
            raise AlreadyYours(request_id)
        if req.status == "claimed":
            raise AlreadyClaimed(request_id)
        if req.status == "open":  # still open: the volunteer may not take tasks (any more)
            await ensure_may_take(uow, volunteer, f"request:{request_id}", now)
        raise NotOpen(req.status)
    req = await _load(uow, request_id)
    await _event(uow, req, "claimed", volunteer.id, now)
    await uow.audit.add(
        actor=volunteer.telegram_id,
        action="read_contact",
        target=f"request:{req.id}",
        allowed=True,
        at=now,
    )
    resident = await uow.people.get(req.resident_id)
    assert resident is not None
    posts = await _posts(uow, req.id, drop=False, kind="offer")
    return ClaimResult(
        request=await view_of(uow, req),
        volunteer=recipient_of(volunteer),
        resident=await told(uow, req),
        contact=Contact(resident.first_name or "", resident.address, resident.phone, resident.id),
        other_posts=posts,
    )


async def _held_by(
    uow: UnitOfWork, telegram_id: int, request_id: int, action: str, now: datetime
) -> tuple[Person, HelpRequest]:
    volunteer = await registered(uow, telegram_id)
    req = await _load(uow, request_id)
    if req.volunteer_id != volunteer.id:
        raise await refuse(uow, telegram_id, action, f"request:{request_id}", now)
    if req.status != "claimed":
        raise NotOpen(req.status)
    return volunteer, req


async def release(uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime) -> None:
    """Undo a claim whose address could not be delivered: the task is open again."""
    volunteer, req = await _held_by(uow, telegram_id, request_id, "release", now)
    if await uow.requests.transition(
        req.id,
        from_status="claimed",
        holder=volunteer.id,
        status="open",
        volunteer_id=None,
        claimed_at=None,
    ):
        await _event(uow, req, "released", volunteer.id, now, note="address not delivered")


async def held(uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime) -> RequestView:
    """The task, if this volunteer holds it now (before asking them why they give it back)."""
    _volunteer, req = await _held_by(uow, telegram_id, request_id, "give_back", now)
    return await view_of(uow, req)


async def complete(
    uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime
) -> CloseResult:
    """The volunteer marks their task done."""
    volunteer, req = await _held_by(uow, telegram_id, request_id, "done", now)
    if not await uow.requests.transition(
        req.id,
        from_status="claimed",
        holder=volunteer.id,
        status="done",
        closed_at=now,
    ):
        raise NotOpen("changed")
    req = await _load(uow, request_id)
    await _event(uow, req, "done", volunteer.id, now)
    posts = await _ending(uow, req.id, now, "address")
    return CloseResult(
        await view_of(uow, req), await told(uow, req), recipient_of(volunteer), posts
    )


async def give_back(
    uow: UnitOfWork, telegram_id: int, request_id: int, reason: str | None, now: datetime
) -> GiveBackResult:
    """The volunteer cannot do it after all: the task opens again for others."""
    volunteer, req = await _held_by(uow, telegram_id, request_id, "give_back", now)
    result = await _reopen(uow, volunteer, req.id, "given_back", reason, now)
    if result is None:
        raise NotOpen("changed")
    return result


async def _reopen(
    uow: UnitOfWork, volunteer: Person, request_id: int, kind: str, note: str | None, now: datetime
) -> GiveBackResult | None:
    """The holder lets go of a task: it is open for others again. None if it changed."""
    if not await uow.requests.transition(
        request_id,
        from_status="claimed",
        holder=volunteer.id,
        status="open",
        volunteer_id=None,
        claimed_at=None,
    ):
        return None
    req = await _load(uow, request_id)
    await _event(uow, req, kind, volunteer.id if kind == "given_back" else None, now, note=note)
    posts = await _ending(uow, req.id, now, "address")
    volunteers, groups = await _audience(uow, req, exclude={volunteer.id, req.resident_id})
    return GiveBackResult(
        await view_of(uow, req),
        await told(uow, req),
        recipient_of(volunteer),
        volunteers,
        groups,
        posts,
        kind,
    )


async def release_all(uow: UnitOfWork, volunteer: Person, now: datetime) -> list[GiveBackResult]:
    """A volunteer was stopped: every task they hold opens again for others."""
    released = []
    for req in await uow.requests.of_volunteer(volunteer.id, ["claimed"]):
        result = await _reopen(uow, volunteer, req.id, "released", None, now)
        if result is not None:
            released.append(result)
    return released


async def cancel(uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime) -> CloseResult:
    """The resident (or a coordinator) cancels a request that is still open or taken."""
    actor = await registered(uow, telegram_id)
    req = await _load(uow, request_id)
    if req.resident_id != actor.id and not await _handles(uow, actor, req, now):
        raise await refuse(uow, telegram_id, "cancel", f"request:{request_id}", now)
    if req.status not in ACTIVE:
        raise NotOpen(req.status)
    if not await uow.requests.transition(
        req.id, from_status=req.status, status="cancelled", closed_at=now
    ):
        raise NotOpen("changed")
    req = await _load(uow, request_id)
    await _event(uow, req, "cancelled", actor.id, now)
    resident = await uow.people.get(req.resident_id)
    volunteer = await uow.people.get(req.volunteer_id) if req.volunteer_id else None
    assert resident is not None
    posts = await _ending(uow, req.id, now, None)
    return CloseResult(
        await view_of(uow, req),
        recipient_of(resident),
        recipient_of(volunteer) if volunteer else None,
        posts,
    )


async def mine(uow: UnitOfWork, telegram_id: int) -> list[RequestView]:
    """A resident's own requests, newest first."""
    person = await registered(uow, telegram_id)
    return [await view_of(uow, r) for r in await uow.requests.of_resident(person.id)]


async def my_tasks(uow: UnitOfWork, telegram_id: int) -> list[RequestView]:
    """The tasks a volunteer holds now."""
    person = await registered(uow, telegram_id)
    return [await view_of(uow, r) for r in await uow.requests.of_volunteer(person.id, ["claimed"])]


async def detail(
    uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime
) -> tuple[RequestView, Recipient | None, Contact | None]:
    """One request for its resident, the volunteer who holds it, or a coordinator.

    Returns the request, the volunteer who holds it (for the resident) and the contact details
    (only for the volunteer holding it and for coordinators, and then audited).
    """
    actor = await registered(uow, telegram_id)
    req = await _load(uow, request_id)
    target = f"request:{request_id}"
    holds = req.volunteer_id == actor.id and req.status == "claimed"
    volunteer = await uow.people.get(req.volunteer_id) if req.volunteer_id else None
    shown = recipient_of(volunteer) if volunteer else None
    if req.resident_id == actor.id or holds:
        contact = None
        if holds:
            resident = await uow.people.get(req.resident_id)
            assert resident is not None
            contact = Contact(
                resident.first_name or "", resident.address, resident.phone, resident.id
            )
            await uow.audit.add(
                actor=telegram_id,
                action="read_contact",
                target=target,
                allowed=True,
                at=now,
                reason="holder",
            )
        return await view_of(uow, req), shown, contact
    if "coordinator" not in await uow.people.roles(actor.id):
        raise await refuse(uow, telegram_id, "read_request", target, now)
    scope = await access.scope_of(uow, actor, now)
    if await access.answers_for(uow, scope, req):
        contact = None
        if await access.contact_reason(uow, scope, req):
            contact = await access.read_contact(uow, scope, req, "read_request", now)
        return await view_of(uow, req), shown, contact
    if await access.holder_is_own(uow, scope, req):
        # Their own volunteer's task: its state, never the resident's words or details.
        return replace(await view_of(uow, req), details=None), shown, None
    raise await refuse(uow, telegram_id, "read_request", target, now)


async def _handles(uow: UnitOfWork, actor: Person, req: HelpRequest, now: datetime) -> bool:
    """A coordinator who answers for this request (a municipal one, or whoever entered it)."""
    if "coordinator" not in await uow.people.roles(actor.id):
        return False
    if req.created_by_id == actor.id:
        return True
    return await access.answers_for(uow, await access.scope_of(uow, actor, now), req)


async def expire(uow: UnitOfWork, request_id: int, now: datetime) -> CloseResult | None:
    """Nobody took it in time: close it as expired. None if it changed meanwhile."""
    if not await uow.requests.transition(
        request_id, from_status="open", status="expired", closed_at=now
    ):
        return None
    req = await _load(uow, request_id)
    await _event(uow, req, "expired", None, now)
    log.info("request %s expired unclaimed", req.id)
    posts = await _ending(uow, req.id, now, None)
    return CloseResult(await view_of(uow, req), await told(uow, req), None, posts)
