"""Broadcasts: one announcement to many, written as a per-recipient outbox and sent once.

A coordinator chooses an audience and writes the text (Swedish, and English if they like).
``create`` writes the broadcast and one delivery row per reachable recipient in one unit of
work. The outbox job then claims one pending row at a time (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), sends it and records the result in that same transaction, so a restart neither
loses a row nor sends one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import access
from bot.services.backoff import BROADCAST_ATTEMPTS, QUEUE
from bot.services.errors import NotFound
from bot.services.people import refuse, require_role
from storage.models import Broadcast, Delivery
from storage.uow import UnitOfWork

AUDIENCES: tuple[str, ...] = ("residents", "volunteers", "area", "language", "activity")
# An organisation's coordinator writes to their own volunteers and their activities' guests.
ORGANISATION_AUDIENCES: tuple[str, ...] = ("volunteers", "activity")
LANGUAGES: tuple[str, ...] = ("sv", "en")
ACTION = "broadcast"
MAX_TEXT = 2000
# A delivery that fails for another reason than a block is tried this many times in all.
ACTIVITY_PAGE = 8


@dataclass(frozen=True)
class Audience:
    """Who a broadcast goes to: a kind and, for area/language/activity, which one."""

    kind: str
    arg: str | None = None

    @property
    def complete(self) -> bool:
        return self.kind in AUDIENCES and (
            self.kind in ("residents", "volunteers") or bool(self.arg)
        )


@dataclass(frozen=True)
class ActivityChoice:
    id: int
    title: str
    going: int


@dataclass(frozen=True)
class ActivityPage:
    items: tuple[ActivityChoice, ...]
    page: int
    more: bool


@dataclass(frozen=True)
class Created:
    id: int
    total: int


@dataclass(frozen=True)
class Outgoing:
    """One claimed delivery: whom to send to, in which language, and what."""

    delivery_id: int
    broadcast_id: int
    chat_id: int
    locale: str | None
    text: str


@dataclass(frozen=True)
class Progress:
    """How far a broadcast has come, and the coordinator's message that shows it."""

    broadcast_id: int
    total: int
    sent: int
    unreachable: int
    failed: int
    chat_id: int | None
    message_id: int | None
    locale: str | None = None

    @property
    def handled(self) -> int:
        return self.sent + self.unreachable + self.failed

    @property
    def done(self) -> bool:
        return self.handled >= self.total


async def allowed(
    uow: UnitOfWork, telegram_id: int, now: datetime, what: str = "start"
) -> tuple[str, ...]:
    """The audiences this coordinator may write to: every one for the municipality's, their
    own volunteers and the people signed up for their own activities for an organisation's.
    Anyone else is refused, and that is audited (``what`` they tried)."""
    scope = await access.coordinator(uow, telegram_id, ACTION, what, now)
    return AUDIENCES if scope.municipal else ORGANISATION_AUDIENCES


async def check(uow: UnitOfWork, telegram_id: int, audience: Audience, now: datetime) -> Audience:
    """Check the audience a coordinator chose (buttons can be forged): the known kinds, a
    real area or activity, a language we speak."""
    scope = await access.coordinator(uow, telegram_id, ACTION, audience.kind[:16], now)
    if audience.kind not in AUDIENCES:
        raise NotFound("audience")
    if not scope.municipal:
        return await _own(uow, scope, audience, now)
    if audience.kind in ("residents", "volunteers"):
        audience = Audience(audience.kind)  # the whole municipality
    arg = audience.arg
    if audience.kind == "area" and arg is not None:
        if not arg.isdigit() or await uow.areas.get(int(arg)) is None:
            raise NotFound("area")
    if audience.kind == "language" and arg is not None and arg not in LANGUAGES:
        raise NotFound("language")
    if audience.kind == "activity" and arg is not None:
        if not arg.isdigit() or await uow.places.activity(int(arg)) is None:
            raise NotFound("activity")
    return audience


async def _own(
    uow: UnitOfWork, scope: access.Scope, audience: Audience, now: datetime
) -> Audience:
    """An organisation coordinator's audience: their volunteers, or one of their activities."""
    target = audience.kind[:16]
    if audience.kind == "volunteers":
        return Audience("volunteers", str(scope.organisation_id))
    if audience.kind == "activity":
        arg = audience.arg
        if arg is None:
            return audience
        activity = await uow.places.activity(int(arg)) if arg.isdigit() else None
        if activity is None:
            raise NotFound("activity")
        place = await uow.catalogue.place_by_id(activity.place_id)
        if place is not None and place.organisation_id == scope.organisation_id:
            return audience
    raise await refuse(uow, scope.telegram_id, ACTION, target, now)


async def count(
    uow: UnitOfWork, telegram_id: int, audience: Audience, now: datetime, default_locale: str
) -> int:
    """How many people the broadcast would reach now (for the preview)."""
    audience = await check(uow, telegram_id, audience, now)
    return await uow.broadcasts.audience_size(audience.kind, audience.arg, now, default_locale)


async def activity_page(
    uow: UnitOfWork, telegram_id: int, page: int, now: datetime
) -> ActivityPage:
    """Activities that people are signed up for (upcoming dates), a page at a time."""
    scope = await access.coordinator(uow, telegram_id, ACTION, "activities", now)
    page = max(page, 0)
    rows = await uow.broadcasts.activities_with_signups(
        now,
        page * ACTIVITY_PAGE,
        ACTIVITY_PAGE + 1,
        None if scope.municipal else scope.organisation_id,
    )
    items = tuple(ActivityChoice(i, t, n) for i, t, n in rows[:ACTIVITY_PAGE])
    return ActivityPage(items, page, len(rows) > ACTIVITY_PAGE)


async def activity_title(uow: UnitOfWork, activity_id: int) -> str | None:
    activity = await uow.places.activity(activity_id)
    return activity.title if activity else None


async def area_name(uow: UnitOfWork, area_id: int) -> str | None:
    area = await uow.areas.get(area_id)
    return area.name if area else None


async def create(
    uow: UnitOfWork,
    telegram_id: int,
    audience: Audience,
    text_sv: str,
    text_en: str | None,
    now: datetime,
    default_locale: str,
    progress_message_id: int | None = None,
) -> Created:
    """Write the broadcast and its outbox: one delivery per reachable recipient.

    The coordinator's progress message is sent before, so the outbox can show progress (and
    the summary) from its very first row.
    """
    coordinator = await require_role(uow, telegram_id, "coordinator", ACTION, "create", now)
    audience = await check(uow, telegram_id, audience, now)
    if not audience.complete or not text_sv.strip() or len(text_sv) > MAX_TEXT:
        raise NotFound("broadcast draft")
    if text_en is not None and (not text_en.strip() or len(text_en) > MAX_TEXT):
        raise NotFound("broadcast draft")
    people = await uow.broadcasts.audience(audience.kind, audience.arg, now, default_locale)
    broadcast = await uow.broadcasts.add(
        Broadcast(
            created_by_id=coordinator.id,
            audience=audience.kind,
            audience_arg=audience.arg,
            text_sv=text_sv,
            text_en=text_en,
            status="sending" if people else "done",
            total=len(people),
            progress_chat_id=telegram_id,
            progress_message_id=progress_message_id,
            created_at=now,
            finished_at=None if people else now,
        )
    )
    await uow.broadcasts.add_deliveries(
        Delivery(broadcast_id=broadcast.id, person_id=p, chat_id=chat, locale=locale)
        for p, chat, locale in people
    )
    target = f"broadcast:{broadcast.id} {audience.kind}:{audience.arg or ''}"
    await uow.audit.add(actor=telegram_id, action=ACTION, target=target, allowed=True, at=now)
    return Created(broadcast.id, len(people))


async def claim_next(uow: UnitOfWork, now: datetime) -> Outgoing | None:
    """Lock the next delivery to send; it stays locked until this unit of work ends."""
    claimed = await uow.broadcasts.claim_next(now)
    if claimed is None:
        return None
    row, broadcast = claimed
    english = row.locale == "en" and broadcast.text_en
    text = broadcast.text_en if english and broadcast.text_en else broadcast.text_sv
    return Outgoing(row.id, broadcast.id, row.chat_id, row.locale, text)


async def _row(uow: UnitOfWork, delivery_id: int) -> Delivery:
    row = await uow.session.get(Delivery, delivery_id)
    if row is None:
        raise NotFound("delivery")
    return row


async def record_sent(uow: UnitOfWork, delivery_id: int, message_id: int, now: datetime) -> None:
    row = await _row(uow, delivery_id)
    row.status, row.sent_at, row.message_id = "sent", now, message_id
    row.attempts += 1


async def record_unreachable(uow: UnitOfWork, delivery_id: int) -> None:
    """The person blocked the bot: never retried, and marked on the person too."""
    row = await _row(uow, delivery_id)
    row.status = "unreachable"
    row.attempts += 1
    await uow.people.mark_unreachable(row.chat_id, True)


async def record_error(
    uow: UnitOfWork, delivery_id: int, now: datetime, *, final: bool = False
) -> str:
    """Another error: try again a little later, up to BROADCAST_ATTEMPTS tries, unless it is
    ``final`` (Telegram refused this message); returns the new status."""
    row = await _row(uow, delivery_id)
    row.attempts += 1
    if final or row.attempts >= BROADCAST_ATTEMPTS:
        row.status = "failed"
    else:
        row.not_before = now + QUEUE.delay(row.attempts)
    return row.status


async def progress(uow: UnitOfWork, broadcast_id: int) -> Progress:
    broadcast = await uow.broadcasts.get(broadcast_id)
    if broadcast is None:
        raise NotFound("broadcast")
    counts = await uow.broadcasts.counts(broadcast_id)
    coordinator = await uow.people.by_telegram_id(broadcast.progress_chat_id or 0)
    return Progress(
        broadcast.id,
        broadcast.total,
        counts.get("sent", 0),
        counts.get("unreachable", 0),
        counts.get("failed", 0),
        broadcast.progress_chat_id,
        broadcast.progress_message_id,
        coordinator.locale if coordinator else None,
    )


async def sending(uow: UnitOfWork) -> list[Progress]:
    """The progress of every broadcast still being sent."""
    return [await progress(uow, b.id) for b in await uow.broadcasts.sending()]


async def finish(uow: UnitOfWork, broadcast_id: int, now: datetime) -> bool:
    """Mark a broadcast done; True only for the one caller that did (it sends the summary)."""
    return await uow.broadcasts.finish(broadcast_id, now)
