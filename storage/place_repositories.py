"""Queries for meeting places, activities and sign-ups. They flush but never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from storage.place_models import Activity, ActivityException, Place, SignUp
from storage.repositories import _Repo


class PlaceRepo(_Repo):
    """Activities and the sign-ups for their dates."""

    async def activity(self, activity_id: int, *, lock: bool = False) -> Activity | None:
        """One activity; ``lock`` holds its row (PostgreSQL) so seats are counted one at a time."""
        stmt = select(Activity).where(Activity.id == activity_id)
        if lock:
            stmt = stmt.with_for_update()
        result = await self.session.execute(stmt)
        return result.scalar_one_or_none()

    async def add_activity(self, activity: Activity) -> Activity:
        self.session.add(activity)
        await self.session.flush()
        return activity

    async def cancelled_dates(self, activity_id: int) -> list[datetime]:
        result = await self.session.execute(
            select(ActivityException.occurs_at).where(ActivityException.activity_id == activity_id)
        )
        return list(result.scalars())

    async def signup(self, activity_id: int, occurs_at: datetime, person_id: int) -> SignUp | None:
        result = await self.session.execute(
            select(SignUp).where(
                SignUp.activity_id == activity_id,
                SignUp.occurs_at == occurs_at,
                SignUp.person_id == person_id,
            )
        )
        return result.scalar_one_or_none()

    async def confirmed_count(self, activity_id: int, occurs_at: datetime) -> int:
        result = await self.session.execute(
            select(func.count())
            .select_from(SignUp)
            .where(
                SignUp.activity_id == activity_id,
                SignUp.occurs_at == occurs_at,
                SignUp.status == "confirmed",
            )
        )
        return int(result.scalar_one())

    async def first_waiting(self, activity_id: int, occurs_at: datetime) -> SignUp | None:
        result = await self.session.execute(
            select(SignUp)
            .where(
                SignUp.activity_id == activity_id,
                SignUp.occurs_at == occurs_at,
                SignUp.status == "waiting",
            )
            .order_by(SignUp.created_at, SignUp.id)
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def add_signup(self, signup: SignUp) -> SignUp:
        self.session.add(signup)
        await self.session.flush()
        return signup

    async def signups_for(self, activity_id: int, occurs_at: datetime) -> Sequence[SignUp]:
        result = await self.session.execute(
            select(SignUp)
            .where(SignUp.activity_id == activity_id, SignUp.occurs_at == occurs_at)
            .order_by(SignUp.created_at, SignUp.id)
        )
        return result.scalars().all()

    async def listed(self) -> Sequence[tuple[Activity, Place]]:
        """Every activity that is not cancelled, with its place (a municipality has hundreds)."""
        result = await self.session.execute(
            select(Activity, Place)
            .join(Place, Place.id == Activity.place_id)
            .where(Activity.cancelled.is_(False))
            .order_by(Activity.id)
        )
        return [(a, p) for a, p in result.all()]

    async def all_cancelled_dates(self) -> dict[int, list[datetime]]:
        """Cancelled dates by activity id."""
        result = await self.session.execute(
            select(ActivityException.activity_id, ActivityException.occurs_at)
        )
        dates: dict[int, list[datetime]] = {}
        for activity_id, occurs_at in result.all():
            dates.setdefault(activity_id, []).append(occurs_at)
        return dates

    async def place(self, place_id: int) -> Place | None:
        return await self.session.get(Place, place_id)

    async def of_person(self, person_id: int, since: datetime) -> Sequence[SignUp]:
        """A person's seats and waiting places from ``since`` on, soonest first."""
        result = await self.session.execute(
            select(SignUp)
            .where(
                SignUp.person_id == person_id,
                SignUp.occurs_at >= since,
                SignUp.status != "cancelled",
            )
            .order_by(SignUp.occurs_at)
        )
        return result.scalars().all()
