"""Queries for the catalogue of organisations, places and activities. Flush, never commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select

from storage.models import HelpRequest
from storage.place_models import Activity, ActivityException, Organisation, Place, SignUp
from storage.repositories import _Repo

ACTIVE_SEATS = ("confirmed", "waiting")


class CatalogueRepo(_Repo):
    """Organisations, places and activities: by their stable keys (imports) or ids (chat)."""

    async def organisation(self, name: str) -> Organisation | None:
        """The organisation with this name in any case (compared in Python, see AreaRepo)."""
        wanted = name.casefold()
        result = await self.session.execute(select(Organisation))
        return next((o for o in result.scalars() if o.name.casefold() == wanted), None)

    async def organisation_by_id(self, organisation_id: int) -> Organisation | None:
        return await self.session.get(Organisation, organisation_id)

    async def place(self, key: str) -> Place | None:
        result = await self.session.execute(select(Place).where(Place.key == key))
        return result.scalar_one_or_none()

    async def activity(self, key: str) -> Activity | None:
        result = await self.session.execute(select(Activity).where(Activity.key == key))
        return result.scalar_one_or_none()

    async def add(self, item: Organisation | Place | Activity | ActivityException) -> None:
        self.session.add(item)
        await self.session.flush()

    async def places(self) -> Sequence[Place]:
        result = await self.session.execute(select(Place).order_by(Place.key))
        return result.scalars().all()

    async def activities(self) -> Sequence[Activity]:
        result = await self.session.execute(select(Activity).order_by(Activity.key))
        return result.scalars().all()

    # --- Coordinators in chat -------------------------------------------------------------

    async def place_by_id(self, place_id: int) -> Place | None:
        return await self.session.get(Place, place_id)

    async def place_page(self, offset: int, limit: int) -> Sequence[Place]:
        """Places by name; ask for one more than shown to know whether there are more."""
        result = await self.session.execute(
            select(Place).order_by(Place.name, Place.id).offset(offset).limit(limit)
        )
        return result.scalars().all()

    async def activities_at(self, place_id: int) -> Sequence[Activity]:
        result = await self.session.execute(
            select(Activity)
            .where(Activity.place_id == place_id)
            .order_by(Activity.cancelled, Activity.title, Activity.id)
        )
        return result.scalars().all()

    async def active_signups(
        self, activity_id: int, after: datetime, dates: Collection[datetime] | None = None
    ) -> Sequence[SignUp]:
        """Confirmed and waiting seats for dates from ``after`` on (only ``dates``, if given)."""
        stmt = select(SignUp).where(
            SignUp.activity_id == activity_id,
            SignUp.occurs_at >= after,
            SignUp.status.in_(ACTIVE_SEATS),
        )
        if dates is not None:
            stmt = stmt.where(SignUp.occurs_at.in_(list(dates)))
        result = await self.session.execute(stmt.order_by(SignUp.occurs_at, SignUp.id))
        return result.scalars().all()

    async def active_escorts(self, signup_ids: Collection[int]) -> list[tuple[int, int]]:
        """Open or taken requests for company to these seats: (request id, signup id)."""
        if not signup_ids:
            return []
        result = await self.session.execute(
            select(HelpRequest.id, HelpRequest.signup_id)
            .where(
                HelpRequest.signup_id.in_(list(signup_ids)),
                HelpRequest.status.in_(("open", "claimed")),
            )
            .order_by(HelpRequest.id)
        )
        return [(rid, sid) for rid, sid in result.all() if sid is not None]
