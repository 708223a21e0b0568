"""``hjalpsam admin add-coordinator ID [--organisation NAME] | add-area NAME``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.cli.db import units
from bot.services import organisations, people
from bot.services.errors import Duplicate
from bot.settings import Settings
from bot.ui import texts


def add_coordinator(settings: Settings, telegram_id: int, organisation: str | None) -> int:
    """Make a Telegram user a coordinator, of an organisation when it is named."""
    print(asyncio.run(_add_coordinator(settings, telegram_id, organisation)))
    return 0


def add_area(settings: Settings, name: str) -> int:
    """Add an area; one that exists already (in any case) is said, not added twice."""
    print(asyncio.run(_add_area(settings, name)))
    return 0


async def _add_coordinator(settings: Settings, telegram_id: int, organisation: str | None) -> str:
    # A fresh SQLite file is set up here: README's first run does this before `run`.
    async with units(settings, create=True) as uow, uow() as work:
        organisation_id = await organisations.named(work, organisation) if organisation else None
        await people.add_coordinator(work, telegram_id, datetime.now(UTC), organisation_id)
    return texts.cli_coordinator_added(telegram_id)


async def _add_area(settings: Settings, name: str) -> str:
    async with units(settings, create=True) as uow, uow() as work:
        try:
            area = await people.add_area(work, None, name, datetime.now(UTC))
        except Duplicate:
            return texts.cli_area_exists(" ".join(name.split()))
    return texts.area_added(area.name)
