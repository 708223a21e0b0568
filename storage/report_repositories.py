"""Queries for reports, and the volunteer's minutes on a task. They flush but never commit.

Every period is half-open, ``start <= t < end``, with aware datetimes (stored in UTC). The
queries count and group in SQL and return only codes, area names and numbers: never a name,
an address or a phone number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, distinct, func, select, update
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Area, FollowUp, HelpRequest, RequestEvent
from storage.place_models import SignUp
from storage.repositories import _Repo

CLOSED = ("done", "cancelled", "expired")
# The event a volunteer's answer to "how long did it take?" leaves behind.
MINUTES_EVENT = "minutes"


def _within(
    column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
    start: datetime,
    end: datetime,
) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


class ReportRepo(_Repo):
    """Report figures, aggregated in SQL (the same on SQLite and PostgreSQL)."""

    async def created_by_category(self, start: datetime, end: datetime) -> dict[str, int]:
        """Requests made in the period, per kind of help."""
        rows = await self.session.execute(
            select(HelpRequest.category, func.count(HelpRequest.id))
            .where(_within(HelpRequest.created_at, start, end))
            .group_by(HelpRequest.category)
        )
        return {category: int(n) for category, n in rows}

    async def created_by_area(self, start: datetime, end: datetime) -> list[tuple[str, int]]:
        """Requests made in the period, per area, by area name."""
        rows = await self.session.execute(
            select(Area.name, func.count(HelpRequest.id))
            .join(Area, Area.id == HelpRequest.area_id)
            .where(_within(HelpRequest.created_at, start, end))
            .group_by(Area.name)
            .order_by(Area.name)
        )
        return [(name, int(n)) for name, n in rows]

    async def closed_by_status(self, start: datetime, end: datetime) -> dict[str, int]:
        """Requests that ended in the period (done, cancelled, expired), per status."""
        rows = await self.session.execute(
            select(HelpRequest.status, func.count(HelpRequest.id))
            .where(
                HelpRequest.status.in_(CLOSED),
                _within(HelpRequest.closed_at, start, end),
            )
            .group_by(HelpRequest.status)
        )
        return {status: int(n) for status, n in rows}

    async def first_claims(
        self, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        """(made, first taken) for each request made in the period that was ever taken."""
        first = func.min(RequestEvent.at)
        rows = await self.session.execute(
            select(HelpRequest.created_at, first)
            .join(RequestEvent, RequestEvent.request_id == HelpRequest.id)
            .where(RequestEvent.kind == "claimed", _within(HelpRequest.created_at, start, end))
            .group_by(HelpRequest.id, HelpRequest.created_at)
            .order_by(HelpRequest.id)
        )
        return [(made, taken) for made, taken in rows]

    async def volunteer_work(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(distinct volunteers, their minutes) over the tasks done in the period."""
        row = (
            await self.session.execute(
                select(
                    func.count(distinct(HelpRequest.volunteer_id)),
                    func.coalesce(func.sum(HelpRequest.volunteer_minutes), 0),
                ).where(
                    HelpRequest.status == "done",
                    _within(HelpRequest.closed_at, start, end),
                )
            )
        ).one()
        return int(row[0]), int(row[1] or 0)

    async def follow_up_scores(self, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
        """(role, score, count) of the follow-up answers given in the period."""
        rows = await self.session.execute(
            select(FollowUp.role, FollowUp.score, func.count(FollowUp.id))
            .where(_within(FollowUp.at, start, end))
            .group_by(FollowUp.role, FollowUp.score)
        )
        return [(role, score, int(n)) for role, score, n in rows]

    async def signups(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(confirmed seats, distinct people) for meeting-place dates in the period."""
        row = (
            await self.session.execute(
                select(func.count(SignUp.id), func.count(distinct(SignUp.person_id))).where(
                    SignUp.status == "confirmed", _within(SignUp.occurs_at, start, end)
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    # --- the volunteer's minutes on one task ----------------------------------------------

    async def estimate_minutes(self, request_id: int, minutes: int) -> None:
        """Store a first estimate on a done task, unless it already has minutes."""
        await self.session.execute(
            update(HelpRequest)
            .where(HelpRequest.id == request_id, HelpRequest.volunteer_minutes.is_(None))
            .values(volunteer_minutes=minutes)
            .execution_options(synchronize_session=False)
        )

    async def set_minutes(self, request_id: int, volunteer_id: int, minutes: int) -> bool:
        """The volunteer's own figure, only on a done task they did; True if it was stored."""
        result = await self.session.execute(
            update(HelpRequest)
            .where(
                HelpRequest.id == request_id,
                HelpRequest.volunteer_id == volunteer_id,
                HelpRequest.status == "done",
            )
            .values(volunteer_minutes=minutes)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def minutes_answered(self, request_id: int) -> bool:
        """Whether the volunteer has already answered the question for this task."""
        found = await self.session.execute(
            select(RequestEvent.id)
            .where(RequestEvent.request_id == request_id, RequestEvent.kind == MINUTES_EVENT)
            .limit(1)
        )
        return found.first() is not None

    async def minutes_of(self, request_id: int) -> int | None:
        """The minutes stored on a task."""
        found = await self.session.execute(
            select(HelpRequest.volunteer_minutes).where(HelpRequest.id == request_id)
        )
        return found.scalar_one_or_none()
