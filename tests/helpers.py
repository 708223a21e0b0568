"""Shared steps for flow tests: people who have already done /start."""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

SV_PO = Path(__file__).resolve().parent.parent / "locales" / "sv" / "LC_MESSAGES" / "messages.po"

COORDINATOR, RESIDENT, VOLUNTEER, VOLUNTEER2 = 900, 100, 200, 201


async def coordinator_with_area(h: Any, *areas: str) -> None:
    """Coordinator 900 onboards in Swedish and adds the areas."""
    await h.send(COORDINATOR, "/start")
    await h.send(COORDINATOR, "Svenska")
    await h.send(COORDINATOR, "Karin")
    for name in areas or ("Centrum",):
        await h.send(COORDINATOR, "➕ Lägg till område")
        await h.send(COORDINATOR, name)


async def org_coordinator(h: Any, telegram_id: int, name: str, organisation: str) -> None:
    """An organisation's coordinator (added as from the command line) onboards in Swedish."""
    from bot.services import organisations, people
    from tests.conftest import NOW

    async with h.uow() as uow:
        org = await organisations.named(uow, organisation)
        await people.add_coordinator(uow, telegram_id, NOW, org)
    for text in ("/start", "Svenska", name):
        await h.send(telegram_id, text)


async def volunteer(
    h: Any,
    user_id: int = VOLUNTEER,
    name: str = "Erik",
    area_ids: tuple[int, ...] = (1,),
    skills: tuple[str, ...] = ("shopping",),
    approve: bool = True,
) -> None:
    """A volunteer signs up (and, by default, a coordinator approves them)."""
    await h.send(user_id, "/start")
    await h.send(user_id, "Svenska")
    await h.send(user_id, "🤝 Jag vill hjälpa till")
    await h.send(user_id, name)
    for area_id in area_ids:
        await h.press(user_id, f"ob:area:{area_id}")
    await h.press(user_id, "ob:done")
    for skill in skills:
        await h.press(user_id, f"ob:skill:{skill}")
    await h.press(user_id, "ob:done")
    if approve:
        async with h.uow() as uow:
            person = await uow.people.by_telegram_id(user_id)
            person_id = person.id
        await h.press(COORDINATOR, f"vet:ok:{person_id}")


async def resident(
    h: Any,
    user_id: int = RESIDENT,
    name: str = "Anna",
    area: str = "Centrum",
    phone: str | None = "070-123 45 67",
) -> None:
    """A resident signs up with address and phone."""
    await h.send(user_id, "/start")
    await h.send(user_id, "Svenska")
    await h.send(user_id, "🙋 Jag vill ha hjälp")
    await h.send(user_id, name)
    await h.send(user_id, area)
    await h.send(user_id, "Storgatan 5")
    await h.send(user_id, phone or "Hoppa över")
    await h.send(user_id, "✅ Ja, det är okej")


async def ask_for_shopping(
    h: Any, user_id: int = RESIDENT, when: str = "imorgon kl 10", details: str = "Mjölk och bröd"
) -> None:
    """The resident asks for help with shopping and sends it."""
    await h.send(user_id, "🙋 Be om hjälp")
    await h.send(user_id, "🛒 Handla")
    await h.send(user_id, when)
    await h.send(user_id, "✅ Ja")
    await h.send(user_id, details)
    await h.send(user_id, "✅ Skicka")


def claim_data(call: Any) -> str:
    """The callback data of «Jag tar det» on a task message."""
    return call.callback_data()["🙋 Jag tar det"]


@cache
def swedish() -> frozenset[str]:
    """Every plain Swedish text the bot can say."""
    with SV_PO.open("rb") as handle:
        catalog = read_po(handle)
    return frozenset(m.string for m in catalog if m.id and isinstance(m.string, str) and m.string)


def places_csv(*rows: dict[str, str]) -> str:
    """A meeting-place import file with these rows (missing columns left empty)."""
    from bot.services.place_import import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()
