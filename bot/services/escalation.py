"""Unclaimed requests: coordinators are alerted once, the resident is told once, and a request
nobody took in time expires.

Everything is decided from the request rows (``escalated_at``, ``warned_at``, ``status``). The
dispatcher claims due rows in small batches, one unit of work each, and sends while it holds
them, so the mark and the message go together: on PostgreSQL another process skips the rows
(SKIP LOCKED); on SQLite it waits and then finds them marked.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import access, requests
from bot.services.people import refuse
from bot.services.views import CloseResult, Contact, Recipient, RequestView, When
from bot.services.when import is_usable
from storage.models import HelpRequest
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
BATCH = 20


@dataclass(frozen=True)
class EscalationPolicy:
    """When nobody taking a request becomes a coordinator's business (from the settings)."""

    hours_before: float = 4
    after_hours: float = 24
    expiry_days: int = 7


@dataclass(frozen=True)
class Alert:
    """One escalation: the request (no personal data), the coordinators to alert, and whom to
    tell in the resident's place (None when already told, or when they get the alert)."""

    request: RequestView
    coordinators: list[Recipient]
    resident: Recipient | None


@dataclass(frozen=True)
class DispatchCounts:
    escalated: int = 0
    expired: int = 0


# Sends what an escalation or an expiry means to the people concerned. They must not open a
# unit of work of their own: the dispatcher's transaction holds the rows while they send.
SendAlert = Callable[[Alert], Awaitable[None]]
SendExpired = Callable[[CloseResult], Awaitable[None]]


def _over(req: HelpRequest, now: datetime, tz: ZoneInfo) -> bool:
    """The request's time is over (a part of the day or a day lasts until its end)."""
    if req.when_at is None:
        return True  # the query already checked its age
    return not is_usable(When(req.when_at.astimezone(tz), req.when_precision), now)


async def _expire_due(
    uow: UnitOfWorkFactory,
    send: SendExpired,
    now: datetime,
    tz: ZoneInfo,
    policy: EscalationPolicy,
    stopping: Callable[[], bool],
) -> int:
    made_before = now - timedelta(days=policy.expiry_days)
    count, after = 0, 0
    while not stopping():
        async with uow() as work:
            rows = await work.escalations.claim_expiring(now, made_before, BATCH, after)
            for row in rows:
                if not _over(row, now, tz):
                    continue
                result = await requests.expire(work, row.id, now)
                if result is not None:
                    await send(result)
                    count += 1
        if len(rows) < BATCH:
            break
        after = rows[-1].id
    return count


async def _alert(work: UnitOfWork, row: HelpRequest, to: list[Recipient], now: datetime) -> Alert:
    """Mark the row escalated (and the resident told) and say what to send."""
    row.escalated_at = now
    resident = None
    if row.warned_at is None:
        row.warned_at = now
        told = await requests.told(work, row)
        # A coordinator who asked on someone's behalf gets the alert itself; once is enough.
        if told.person_id not in {c.person_id for c in to}:
            resident = told
    return Alert(await requests.view_of(work, row), to, resident)


async def _escalate_due(
    uow: UnitOfWorkFactory,
    send: SendAlert,
    now: datetime,
    policy: EscalationPolicy,
    stopping: Callable[[], bool],
) -> int:
    alert_at = now + timedelta(hours=policy.hours_before)
    made_before = now - timedelta(hours=policy.after_hours)
    count = 0
    while not stopping():
        async with uow() as work:
            rows = await work.escalations.claim_due(alert_at, made_before, BATCH)
            for row in rows:
                to = await access.municipal_coordinators(work, row.area_id)
                if not to:
                    log.warning("request %s is unclaimed, but no coordinator to alert", row.id)
                await send(await _alert(work, row, to, now))
                log.info("request %s escalated to %s coordinators", row.id, len(to))
                count += 1
        if len(rows) < BATCH:
            break
    return count


async def dispatch(
    uow: UnitOfWorkFactory,
    alert: SendAlert,
    expired: SendExpired,
    now: datetime,
    tz: ZoneInfo,
    policy: EscalationPolicy,
    *,
    stopping: Callable[[], bool] | None = None,
) -> DispatchCounts:
    """Expire what is over, then alert about what is still open too close to its time.

    Expiry goes first: after downtime, a request already over is closed with one calm
    message, not an alert followed at once by a goodbye.
    """
    halt = stopping or (lambda: False)
    done = await _expire_due(uow, expired, now, tz, policy, halt)
    return DispatchCounts(await _escalate_due(uow, alert, now, policy, halt), done)


async def call_details(
    uow: UnitOfWork, telegram_id: int, request_id: int, now: datetime
) -> tuple[RequestView, Contact]:
    """A municipal coordinator wants to call the resident of an escalated (or their own)
    request that is still open: the name and phone, audited with the reason."""
    target = f"request:{request_id}"
    scope = await access.coordinator(uow, telegram_id, "call_resident", target, now)
    req = await uow.requests.get(request_id)
    if req is None:
        raise await refuse(uow, telegram_id, "call_resident", target, now)
    contact = await access.read_contact(uow, scope, req, "call_resident", now)
    return await requests.view_of(uow, req), contact
