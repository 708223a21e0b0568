"""Queries for safety reports («Något kändes fel», ☹️ follow-ups). They flush but never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update

from storage.models import HelpRequest, Person, Role, SafetyReport
from storage.repositories import _Repo


class SafetyRepo(_Repo):
    """Reports to the coordinators responsible, and the tasks a report can be about."""

    async def add(self, report: SafetyReport) -> SafetyReport:
        self.session.add(report)
        await self.session.flush()
        return report

    async def get(self, report_id: int) -> SafetyReport | None:
        return await self.session.get(SafetyReport, report_id)

    async def followup_of(self, reporter_id: int, request_id: int) -> SafetyReport | None:
        """The report a person's follow-up on this task already made, if any."""
        result = await self.session.execute(
            select(SafetyReport)
            .where(
                SafetyReport.kind == "followup",
                SafetyReport.reporter_id == reporter_id,
                SafetyReport.request_id == request_id,
            )
            .order_by(SafetyReport.id)
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def mark_handled(self, report_id: int, by_id: int, at: datetime) -> bool:
        """Mark it handled unless someone already did; True for the one who did it now.

        One conditional UPDATE, so two coordinators pressing at once can't both win.
        """
        result = await self.session.execute(
            update(SafetyReport)
            .where(SafetyReport.id == report_id, SafetyReport.handled_at.is_(None))
            .values(handled_at=at, handled_by_id=by_id)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def recent_tasks(
        self, person_id: int, since: datetime, limit: int
    ) -> Sequence[HelpRequest]:
        """Tasks with two sides that this person was one of (resident, or who asked for the
        resident, or volunteer): held now, or done since ``since``. Newest first."""
        result = await self.session.execute(
            select(HelpRequest)
            .where(
                or_(
                    HelpRequest.resident_id == person_id,
                    HelpRequest.created_by_id == person_id,
                    HelpRequest.volunteer_id == person_id,
                ),
                HelpRequest.volunteer_id.is_not(None),
                or_(
                    HelpRequest.status == "claimed",
                    and_(HelpRequest.status == "done", HelpRequest.closed_at >= since),
                ),
            )
            .order_by(HelpRequest.id.desc())
            .limit(limit)
        )
        return result.scalars().all()

    async def organisation_coordinators(self, organisation_id: int) -> Sequence[Person]:
        """The coordinators of one organisation."""
        result = await self.session.execute(
            select(Person)
            .join(Role, Role.person_id == Person.id)
            .where(Role.role == "coordinator", Person.organisation_id == organisation_id)
            .order_by(Person.id)
        )
        return result.scalars().all()
