"""Meeting-place reminders: planned as database rows when a seat is confirmed, sent once.

The evening before (18.00 by default) and a while before the start (2 hours by default). A
reminder whose time has already passed when the seat is taken is not planned at all.

The dispatcher claims due rows in small batches, one unit of work each. A row is either sent
and marked sent (with the Telegram message id) in that same transaction, or closed as
dropped: it is never sent twice.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.people import recipient_of, registered
from bot.services.views import Recipient
from storage.place_models import Reminder, SignUp
from storage.reminder_repositories import Context, Cursor
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
KINDS: tuple[str, ...] = ("evening", "before")
BATCH = 20
# Closer to the start than this, a reminder cannot help anyone get there in time; it would
# only worry them (e.g. after the bot was down for a while).
LATE_MARGIN = timedelta(minutes=30)


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out (from the settings)."""

    evening_at: time = field(default_factory=lambda: time(18, 0))
    hours_before: float = 2.0


@dataclass(frozen=True)
class ReminderView:
    """One reminder to send: what, when, where, and to whom."""

    id: int
    kind: str
    activity_id: int
    title: str
    occurs_at: datetime
    place: str
    address: str | None
    online_url: str | None
    recipient: Recipient


@dataclass(frozen=True)
class DispatchResult:
    """What a dispatch did: sent, dropped by a rule, or failed to deliver (and closed)."""

    sent: int = 0
    dropped: int = 0
    failed: int = 0

    def __add__(self, other: DispatchResult) -> DispatchResult:
        return DispatchResult(
            self.sent + other.sent, self.dropped + other.dropped, self.failed + other.failed
        )

    @property
    def handled(self) -> int:
        return self.sent + self.dropped + self.failed


class Unreachable(Exception):
    """Raised by a sender: the person blocked the bot. Their reminders are closed."""


class NotNow(Exception):
    """Raised by a sender: Telegram asks us to slow down. The rest waits for the next run."""


# Sends one reminder; returns the Telegram message id, or None when it was not delivered.
Send = Callable[[ReminderView], Awaitable[int | None]]


def due_times(
    occurs_at: datetime, now: datetime, tz: ZoneInfo, policy: ReminderPolicy
) -> dict[str, datetime]:
    """When each kind of reminder is due for a date, leaving out those already past."""
    day_before = occurs_at.astimezone(tz).date() - timedelta(days=1)
    evening = datetime.combine(day_before, policy.evening_at, tzinfo=tz)
    before = occurs_at - timedelta(hours=policy.hours_before)
    due: dict[str, datetime] = {}
    if now < evening < before:
        due["evening"] = evening
    if now < before:
        due["before"] = before
    return due


async def plan(
    uow: UnitOfWork, signup: SignUp, now: datetime, tz: ZoneInfo, policy: ReminderPolicy
) -> None:
    """Write the reminder rows of a confirmed seat (again, after a cancel and a new sign-up)."""
    await uow.reminders.drop_unsent(signup.id)
    done = {r.kind for r in await uow.reminders.of_signup(signup.id)}
    await uow.reminders.add_many(
        Reminder(signup_id=signup.id, kind=kind, due_at=at)
        for kind, at in due_times(signup.occurs_at, now, tz, policy).items()
        if kind not in done
    )


async def unplan(uow: UnitOfWork, signup: SignUp) -> None:
    """The seat is given up or the date is cancelled: no more reminders for it."""
    await uow.reminders.drop_unsent(signup.id)


async def set_reminders(uow: UnitOfWork, telegram_id: int, on: bool) -> bool:
    """Turn a person's reminders on or off; returns the new setting (True: on).

    Planned rows are kept: the dispatcher checks the setting when each one falls due, so
    turning reminders on again brings back those still ahead.
    """
    person = await registered(uow, telegram_id)
    person.reminders_off = not on
    return on


async def reminders_on(uow: UnitOfWork, telegram_id: int) -> bool:
    """Whether a registered person gets reminders."""
    return not (await registered(uow, telegram_id)).reminders_off


def _stale(kind: str, occurs_at: datetime, now: datetime, tz: ZoneInfo, p: ReminderPolicy) -> bool:
    if occurs_at - now < LATE_MARGIN:
        return True
    if kind != "evening":
        return False
    # The evening reminder says "tomorrow": after midnight that is no longer true. And once the
    # 'before' reminder is due it says the same thing more usefully; both at once is noise.
    before_due = occurs_at - timedelta(hours=p.hours_before)
    return now.astimezone(tz).date() >= occurs_at.astimezone(tz).date() or before_due <= now


def _drop_reason(
    row: Reminder,
    context: Context | None,
    cancelled: set[tuple[int, datetime]],
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy,
) -> str | None:
    """Why this reminder must not go out, or None to send it."""
    if context is None:
        return "no sign-up"
    signup, activity, _place, person = context
    if signup.status != "confirmed":
        return "seat not confirmed"
    if activity.cancelled or (activity.id, signup.occurs_at) in cancelled:
        return "activity or date cancelled"
    if person.reminders_off:
        return "reminders turned off"
    if person.unreachable or person.telegram_id is None:
        return "person unreachable"
    if _stale(row.kind, signup.occurs_at, now, tz, policy):
        return "stale"
    return None


def _view(row: Reminder, context: Context) -> ReminderView:
    signup, activity, place, person = context
    return ReminderView(
        id=row.id,
        kind=row.kind,
        activity_id=activity.id,
        title=activity.title,
        occurs_at=signup.occurs_at,
        place=place.name,
        address=place.address,
        online_url=place.online_url,
        recipient=recipient_of(person),
    )


async def _deliver(row: Reminder, context: Context, send: Send, now: datetime) -> str:
    """Send one reminder and close its row: returns 'sent' or 'failed'; NotNow passes through."""
    try:
        message_id = await send(_view(row, context))
    except Unreachable:
        context[3].unreachable = True
        message_id = None
    except NotNow:
        raise
    except Exception:
        # Whatever went wrong, the batch's earlier sends must still be recorded as sent.
        log.exception("reminder %s: the sender failed", row.id)
        message_id = None
    if message_id is None:
        # Never retried: a timeout may still have delivered it, and a reminder twice is worse
        # than a reminder missed. A blocked bot is marked on the person, in this transaction.
        row.dropped_at = now
        log.info("reminder %s not delivered; closed", row.id)
        return "failed"
    row.sent_at, row.message_id = now, message_id
    return "sent"


async def _handle(
    uow: UnitOfWork,
    rows: Sequence[Reminder],
    send: Send,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy,
) -> tuple[DispatchResult, bool]:
    """Send or drop each claimed row; returns the counts and whether Telegram said 'not now'."""
    contexts = await uow.reminders.contexts(r.signup_id for r in rows if r.signup_id)
    cancelled = await uow.reminders.cancelled_dates(c[1].id for c in contexts.values())
    counts = {"sent": 0, "dropped": 0, "failed": 0}
    halted = False
    for row in rows:
        context = contexts.get(row.signup_id) if row.signup_id else None
        reason = _drop_reason(row, context, cancelled, now, tz, policy)
        if reason is not None or context is None:
            row.dropped_at = now
            log.info("reminder %s dropped: %s", row.id, reason)
            counts["dropped"] += 1
            continue
        try:
            counts[await _deliver(row, context, send, now)] += 1
        except NotNow:
            halted = True
            break
    return DispatchResult(**counts), halted


async def dispatch(
    uow: UnitOfWorkFactory,
    send: Send,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy | None = None,
    *,
    batch: int = BATCH,
    progress: Callable[[DispatchResult], object] | None = None,
    stopping: Callable[[], bool] | None = None,
    pace: Callable[[], AbstractAsyncContextManager[object]] = contextlib.nullcontext,
) -> DispatchResult:
    """Send (or drop) every reminder due by ``now``, a batch per unit of work.

    Safe to run in several processes at once on PostgreSQL (rows are claimed with SKIP LOCKED).
    ``stopping`` is asked between batches, so a shutdown never cuts a batch in half. ``pace``
    is entered before each unit of work (the sender's turn, so that no database lock is held
    while waiting for it).
    """
    policy = policy or ReminderPolicy()
    total, after = DispatchResult(), None
    while stopping is None or not stopping():
        async with pace(), uow() as work:
            rows = await work.reminders.claim_due(now, batch, after)
            result, halted = await _handle(work, rows, send, now, tz, policy)
        total += result
        if progress is not None:
            progress(result)
        if halted or len(rows) < batch:
            break
        after = _cursor(rows[-1])
    return total


def _cursor(row: Reminder) -> Cursor:
    return row.due_at, row.id
