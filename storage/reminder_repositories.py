"""Queries for reminders: rows first, sent once. They flush but never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select

from storage.place_models import Reminder
from storage.repositories import _Repo


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
