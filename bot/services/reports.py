"""Reports: the figures that show what the work achieves. Anonymous counts only.

A report covers a period ``[start, end)`` of local days (midnight to midnight in the
municipality's time zone). Its figures, precisely:

* **requests**, **by category**, **by area**: requests *made* in the period
  (``created_at`` in the period), whatever happened to them later.
* **done**, **cancelled**, **expired**: requests that *ended* in the period with that status
  (``closed_at`` in the period), whenever they were made.
* **fulfilled share** = done / (done + cancelled + expired), over those ended in the period.
  A cancelled request counts as not fulfilled, whoever cancelled it. None when none ended.
* **time to claim**: for each request made in the period that a volunteer ever took, the time
  from ``created_at`` to its *first* ``claimed`` event (a task given back and taken again
  counts from the first time). Median: the middle value, or the mean of the two middle
  values. p90: nearest rank, the smallest value that at least 90 % of the times are at or
  below (the ``ceil(0.9 n)``-th smallest). None when no request was taken.
* **active volunteers**: distinct volunteers of the requests done in the period.
  **volunteer hours**: the sum of their ``volunteer_minutes`` / 60 (unset minutes count 0).
* **follow-ups**: the answers (good / ok / bad) given in the period, for residents and for
  volunteers.
* **sign-ups**: confirmed seats at meeting-place dates in the period, and how many distinct
  people hold them.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.services.people import require_role
from bot.services.views import CATEGORIES, SCORES
from storage.uow import UnitOfWork

PERIODS: dict[str, int | None] = {"week": 7, "month": 30, "year": 365, "all": None}
# "All time" starts long before the service did.
EPOCH = date(2000, 1, 1)
ROLES: tuple[str, ...] = ("resident", "volunteer")


@dataclass(frozen=True)
class Period:
    """Local days from ``first`` to ``last`` (both included) as the instants [start, end)."""

    kind: str  # week | month | year | all | custom
    first: date
    last: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Report:
    """The figures of one period. Codes, area names and numbers; nothing about a person."""

    period: Period
    requests: int
    by_category: tuple[tuple[str, int], ...]
    by_area: tuple[tuple[str, int], ...]
    done: int
    cancelled: int
    expired: int
    fulfilled_share: float | None
    claimed: int
    claim_median: timedelta | None
    claim_p90: timedelta | None
    active_volunteers: int
    volunteer_minutes: int
    # (role, score, count) for every role in ROLES and score in SCORES, zeros included.
    follow_ups: tuple[tuple[str, str, int], ...]
    signup_seats: int
    signup_people: int

    @property
    def closed(self) -> int:
        """Requests that ended in the period."""
        return self.done + self.cancelled + self.expired

    @property
    def volunteer_hours(self) -> float:
        return self.volunteer_minutes / 60

    def follow_up(self, role: str, score: str) -> int:
        return next((n for r, s, n in self.follow_ups if r == role and s == score), 0)


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def days(first: date, last: date, tz: tzinfo, kind: str = "custom") -> Period:
    """The local days ``first`` to ``last``, both included."""
    if last < first:
        raise ValueError("the period ends before it starts")
    return Period(kind, first, last, _midnight(first, tz), _midnight(last + timedelta(days=1), tz))


def period(kind: str, now: datetime, tz: tzinfo) -> Period:
    """A period up to and including today: the last 7, 30 or 365 days, or all time."""
    if kind not in PERIODS:
        raise ValueError(kind)
    today = now.astimezone(tz).date()
    length = PERIODS[kind]
    first = EPOCH if length is None else today - timedelta(days=length - 1)
    return days(first, today, tz, kind)


def median(values: list[timedelta]) -> timedelta | None:
    """The middle value, or the mean of the two middle values; None when empty."""
    if not values:
        return None
    seconds = statistics.median(v.total_seconds() for v in values)
    return timedelta(seconds=seconds)


def p90(values: list[timedelta]) -> timedelta | None:
    """Nearest rank: the ceil(0.9 n)-th smallest value; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


async def build(uow: UnitOfWork, when: Period) -> Report:
    """Compute the report of a period (no permission check: see ``for_coordinator``)."""
    start, end = when.start, when.end
    repo = uow.reports
    categories = await repo.created_by_category(start, end)
    closed = await repo.closed_by_status(start, end)
    done, ended = closed.get("done", 0), sum(closed.values())
    waits = [taken - made for made, taken in await repo.first_claims(start, end)]
    volunteers, minutes = await repo.volunteer_work(start, end)
    scores = {(r, s): n for r, s, n in await repo.follow_up_scores(start, end)}
    seats, people = await repo.signups(start, end)
    known = [c for c in CATEGORIES if c in categories]
    unknown = sorted(c for c in categories if c not in CATEGORIES)
    return Report(
        period=when,
        requests=sum(categories.values()),
        by_category=tuple((c, categories[c]) for c in known + unknown),
        by_area=tuple(await repo.created_by_area(start, end)),
        done=done,
        cancelled=closed.get("cancelled", 0),
        expired=closed.get("expired", 0),
        fulfilled_share=done / ended if ended else None,
        claimed=len(waits),
        claim_median=median(waits),
        claim_p90=p90(waits),
        active_volunteers=volunteers,
        volunteer_minutes=minutes,
        follow_ups=tuple((r, s, scores.get((r, s), 0)) for r in ROLES for s in SCORES),
        signup_seats=seats,
        signup_people=people,
    )


def _target(when: Period) -> str:
    return f"period:{when.first.isoformat()}..{when.last.isoformat()}"


async def may_report(uow: UnitOfWork, telegram_id: int, now: datetime) -> None:
    """Coordinators only; anyone else is refused and audited."""
    await require_role(uow, telegram_id, "coordinator", "report", "menu", now)


async def for_coordinator(
    uow: UnitOfWork, telegram_id: int, when: Period, now: datetime
) -> Report:
    """The report for a coordinator; the reading is audited, a refusal too."""
    await require_role(uow, telegram_id, "coordinator", "report", _target(when), now)
    await uow.audit.add(
        actor=telegram_id, action="report", target=_target(when), allowed=True, at=now
    )
    return await build(uow, when)


async def for_command_line(uow: UnitOfWork, when: Period, now: datetime) -> Report:
    """The report for ``hjalpsam report`` (whoever runs it may read the database anyway)."""
    await uow.audit.add(actor=None, action="report", target=_target(when), allowed=True, at=now)
    return await build(uow, when)
