"""Queries for the catalogue of organisations, places and activities. Flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage.place_models import Activity, Organisation, Place
from storage.repositories import _Repo


class CatalogueRepo(_Repo):
    """Organisations, places and activities by their stable keys (for imports)."""

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

    async def add(self, item: Organisation | Place | Activity) -> None:
        self.session.add(item)
        await self.session.flush()

    async def places(self) -> Sequence[Place]:
        result = await self.session.execute(select(Place).order_by(Place.key))
        return result.scalars().all()

    async def activities(self) -> Sequence[Activity]:
        result = await self.session.execute(select(Activity).order_by(Activity.key))
        return result.scalars().all()
