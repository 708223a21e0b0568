"""Queries for escalations, direct assignments and residents without Telegram.

They flush but never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select

from storage.models import Assignment, HelpRequest, Person, Role, VolunteerArea
from storage.repositories import _Repo, may_take_tasks


class EscalationRepo(_Repo):
    """Unclaimed requests, assignments and people asked for by a coordinator."""

    async def _lock(self, stmt: Select[Any], limit: int) -> Sequence[HelpRequest]:
        """Lock up to ``limit`` rows, oldest first, skipping those another process holds.

        SQLite renders no FOR UPDATE; there every transaction begins IMMEDIATE, so two checks
        take turns and the second sees the first one's marks.
        """
        result = await self.session.execute(
            stmt.order_by(HelpRequest.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=HelpRequest)
        )
        return list(result.scalars().all())

    async def claim_due(
        self, alert_at: datetime, made_before: datetime, limit: int
    ) -> Sequence[HelpRequest]:
        """Open requests not yet escalated: their time starts by ``alert_at``, or they have no
        time and were made before ``made_before``."""
        stmt = select(HelpRequest).where(
            HelpRequest.status == "open",
            HelpRequest.escalated_at.is_(None),
            or_(
                and_(HelpRequest.when_at.is_not(None), HelpRequest.when_at <= alert_at),
                and_(HelpRequest.when_at.is_(None), HelpRequest.created_at <= made_before),
            ),
        )
        return await self._lock(stmt, limit)

    async def claim_expiring(
        self, now: datetime, made_before: datetime, limit: int, after_id: int = 0
    ) -> Sequence[HelpRequest]:
        """Open requests whose time has begun, or without a time made before ``made_before``.

        The caller decides whether the time is really over (a part of the day lasts a while).
        """
        stmt = select(HelpRequest).where(
            HelpRequest.status == "open",
            HelpRequest.id > after_id,
            or_(
                and_(HelpRequest.when_at.is_not(None), HelpRequest.when_at <= now),
                and_(HelpRequest.when_at.is_(None), HelpRequest.created_at <= made_before),
            ),
        )
        return await self._lock(stmt, limit)

    async def volunteers(self, exclude: int) -> Sequence[tuple[Person, set[int]]]:
        """Reachable volunteers who may take tasks (but ``exclude``) and the areas they cover."""
        result = await self.session.execute(
            select(Person)
            .where(
                may_take_tasks(Person.id),
                Person.unreachable.is_(False),
                Person.telegram_id.is_not(None),
                Person.id != exclude,
            )
            .order_by(Person.first_name, Person.id)
        )
        people = result.scalars().all()
        areas: dict[int, set[int]] = {p.id: set() for p in people}
        if people:
            rows = await self.session.execute(
                select(VolunteerArea.person_id, VolunteerArea.area_id).where(
                    VolunteerArea.person_id.in_(list(areas))
                )
            )
            for person_id, area_id in rows.all():
                areas[person_id].add(area_id)
        return [(p, areas[p.id]) for p in people]

    async def add_assignment(self, assignment: Assignment) -> Assignment:
        self.session.add(assignment)
        await self.session.flush()
        return assignment

    async def assignment(self, assignment_id: int) -> Assignment | None:
        return await self.session.get(Assignment, assignment_id, populate_existing=True)

    async def pending_assignment(self, request_id: int, volunteer_id: int) -> Assignment | None:
        result = await self.session.execute(
            select(Assignment)
            .where(
                Assignment.request_id == request_id,
                Assignment.volunteer_id == volunteer_id,
                Assignment.answer == "pending",
            )
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def assigned_by(self, request_id: int, coordinator_id: int) -> bool:
        """This coordinator has asked a volunteer to take the request."""
        result = await self.session.execute(
            select(Assignment.id)
            .where(Assignment.request_id == request_id, Assignment.by_id == coordinator_id)
            .limit(1)
        )
        return result.first() is not None

    async def residents_without_telegram(self) -> Sequence[Person]:
        """Residents a coordinator entered (no Telegram), by name; erased ones have no name."""
        result = await self.session.execute(
            select(Person)
            .join(Role, Role.person_id == Person.id)
            .where(
                Role.role == "resident",
                Person.telegram_id.is_(None),
                Person.first_name.is_not(None),
            )
            .order_by(Person.first_name, Person.id)
        )
        return result.scalars().all()

    async def resident_without_telegram(self, first_name: str, phone: str) -> Person | None:
        """A resident a coordinator asked for before: same name and phone, no Telegram."""
        result = await self.session.execute(
            select(Person)
            .where(
                Person.telegram_id.is_(None),
                Person.first_name == first_name,
                Person.phone == phone,
            )
            .order_by(Person.id)
            .limit(1)
        )
        return result.scalar_one_or_none()
