"""Residents without Telegram, entered by a municipal coordinator: listed for the coordinators
of their municipality, who can erase them (``privacy.erase_proxy``), since they can't."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import access
from bot.services.people import refuse
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ProxyResident:
    """First name and area only: enough to pick the right one, no contact details."""

    person_id: int
    first_name: str
    area: str | None


async def listed(uow: UnitOfWork, telegram_id: int, now: datetime) -> list[ProxyResident]:
    """The proxy residents in this municipal coordinator's municipality, by name."""
    scope = await access.municipal(uow, telegram_id, "list_proxies", "proxies", now)
    names = {a.id: a.name for a in await uow.areas.all()}
    return [
        ProxyResident(p.id, p.first_name or "", names.get(p.area_id) if p.area_id else None)
        for p in await uow.escalations.residents_without_telegram()
        if await access.area_in(uow, scope, p.area_id)
    ]


async def one(uow: UnitOfWork, telegram_id: int, person_id: int, now: datetime) -> ProxyResident:
    """One of them (for the question before erasing); anyone else is refused and audited."""
    found = next(
        (p for p in await listed(uow, telegram_id, now) if p.person_id == person_id), None
    )
    if found is None:
        raise await refuse(uow, telegram_id, "erase_proxy", f"person:{person_id}", now)
    return found
