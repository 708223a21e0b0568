"""Queries of the retention job that cut old requests loose from the people in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from storage.models import Assignment, FollowUp, HelpRequest, Person, RequestEvent
from storage.repositories import _Repo

# The stand-in that old requests name instead of their resident: no Telegram id can be 0.
STAND_IN_TELEGRAM_ID = 0


class RetentionRepo(_Repo):
    """Flush but never commit, like every repository."""

    async def stand_in(self, now: datetime) -> Person:
        """The one person row old requests point to once they no longer name anyone."""
        found = (
            await self.session.execute(
                select(Person).where(Person.telegram_id == STAND_IN_TELEGRAM_ID)
            )
        ).scalar_one_or_none()
        if found is None:
            found = Person(telegram_id=STAND_IN_TELEGRAM_ID, unreachable=True, created_at=now)
            self.session.add(found)
            await self.session.flush()
        return found

    async def unlink_closed_before(self, cutoff: datetime, now: datetime) -> int:
        """Requests closed before ``cutoff`` stop naming their resident and whoever entered
        them: both become the stand-in; events, follow-ups and assignments lose their people.
        The volunteer stays on the row, for the count of active volunteers. How many."""
        stand_in = (
            await self.session.execute(
                select(Person.id).where(Person.telegram_id == STAND_IN_TELEGRAM_ID)
            )
        ).scalar_one_or_none()
        old = list(
            (
                await self.session.execute(
                    select(HelpRequest.id).where(
                        HelpRequest.closed_at.is_not(None),
                        HelpRequest.closed_at < cutoff,
                        HelpRequest.resident_id != (stand_in or -1),
                    )
                )
            ).scalars()
        )
        if not old:
            return 0  # nothing to cut: no stand-in is made for nothing
        stand_in = (await self.stand_in(now)).id
        await self.session.execute(
            update(HelpRequest)
            .where(HelpRequest.id.in_(old))
            .values(resident_id=stand_in, created_by_id=stand_in)
        )
        await self.session.execute(
            update(RequestEvent).where(RequestEvent.request_id.in_(old)).values(actor_id=None)
        )
        await self.session.execute(
            update(FollowUp).where(FollowUp.request_id.in_(old)).values(person_id=None)
        )
        await self.session.execute(delete(Assignment).where(Assignment.request_id.in_(old)))
        return len(old)
