"""Queries for reminders: rows first, sent once. They flush but never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, or_, select

from storage.models import Person
from storage.place_models import Activity, ActivityException, Place, Reminder, SignUp
from storage.repositories import _Repo

# Where a dispatcher got to within one run: the (due_at, id) of the last row it claimed.
Cursor = tuple[datetime, int]
Context = tuple[SignUp, Activity, Place, Person]


class ReminderRepo(_Repo):
    """Reminder rows of sign-ups."""

    async def of_signup(self, signup_id: int) -> Sequence[Reminder]:
        result = await self.session.execute(
            select(Reminder).where(Reminder.signup_id == signup_id).order_by(Reminder.due_at)
        )
        return result.scalars().all()

    async def add_many(self, reminders: Iterable[Reminder]) -> None:
        self.session.add_all(list(reminders))
        await self.session.flush()

    async def drop_unsent(self, signup_id: int) -> None:
        """Forget the reminders of a sign-up that have not gone out yet."""
        await self.session.execute(
            delete(Reminder).where(Reminder.signup_id == signup_id, Reminder.sent_at.is_(None))
        )

    async def claim_due(
        self, now: datetime, limit: int, after: Cursor | None = None
    ) -> Sequence[Reminder]:
        """Lock up to ``limit`` open reminders due by ``now``, oldest first.

        PostgreSQL: rows another dispatcher holds are skipped, not waited for. SQLite renders no
        FOR UPDATE; there every transaction begins IMMEDIATE, so dispatchers take turns.
        ``after`` continues a run past rows already handled (or held by someone else), so a run
        never walks over the same closed rows again.
        """
        stmt = select(Reminder).where(
            Reminder.due_at <= now, Reminder.sent_at.is_(None), Reminder.dropped_at.is_(None)
        )
        if after is not None:
            due, last_id = after
            stmt = stmt.where(
                Reminder.due_at >= due,
                or_(Reminder.due_at > due, and_(Reminder.due_at == due, Reminder.id > last_id)),
            )
        stmt = (
            stmt.order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Reminder)
        )
        result = await self.session.execute(stmt)
        return result.scalars().all()

    async def contexts(self, signup_ids: Iterable[int]) -> dict[int, Context]:
        """Each sign-up with its activity, place and person, by sign-up id."""
        ids = set(signup_ids)
        if not ids:
            return {}
        result = await self.session.execute(
            select(SignUp, Activity, Place, Person)
            .join(Activity, Activity.id == SignUp.activity_id)
            .join(Place, Place.id == Activity.place_id)
            .join(Person, Person.id == SignUp.person_id)
            .where(SignUp.id.in_(ids))
        )
        return {s.id: (s, a, p, person) for s, a, p, person in result}

    async def cancelled_dates(self, activity_ids: Iterable[int]) -> set[tuple[int, datetime]]:
        """(activity id, date) of every cancelled or moved date of these activities."""
        ids = set(activity_ids)
        if not ids:
            return set()
        result = await self.session.execute(
            select(ActivityException.activity_id, ActivityException.occurs_at).where(
                ActivityException.activity_id.in_(ids)
            )
        )
        return {(activity_id, occurs_at) for activity_id, occurs_at in result}
