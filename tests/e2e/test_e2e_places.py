"""A resident finds a meeting place and signs up, with the bot as its own process."""

from __future__ import annotations

import asyncio
import csv
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from storage.db import create_engine, create_session_factory
from storage.place_models import Reminder
from tests.e2e.conftest import (
    RESIDENT,
    STOCKHOLM,
    StartBot,
    _env,
    coordinator_with_area,
    resident_signs_up,
)
from tests.e2e.emulator import BotApiEmulator, Sent

pytestmark = pytest.mark.e2e
# The place of the places_from_now activities (with a position: the bot sends it as a venue),
# and their key, title and category.
PLACE = {
    "place_key": "traffpunkt",
    "place_name": "Träffpunkt Centrum",
    "area": "Centrum",
    "address": "Torggatan 5",
    "lat": "59.35142",
    "lon": "16.52283",
}
ACTIVITIES = [
    ("fika", "Fika", "fika"),
    ("sittgympa", "Sittgympa", "exercise"),
    ("lunch", "Lunch", "food"),
    ("quiz", "Frågesport", "culture"),
]


def places_from_now(tmp_path: Path) -> Path:
    """A CSV of four single dates in Centrum, two to five days ahead at 14:00.

    The sample municipality's dates are fixed weekdays: its next one may start within two
    hours, when no 2-hours-before reminder is planned at all. These never do.
    """
    today = datetime.now(STOCKHOLM).date()
    path = tmp_path / "places.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*PLACE, "activity_key", "title", "category", "start"])
        for days, (key, title, category) in enumerate(ACTIVITIES, 2):
            start = f"{today + timedelta(days=days):%Y-%m-%d} 14:00"
            writer.writerow([*PLACE.values(), key, title, category, start])
    return path


async def find_and_sign_up(
    api: BotApiEmulator, database_url: str, tmp_path: Path, load: tuple[str, ...] = ("demo-data",)
) -> Sent:
    """Anna finds a meeting place and signs up; the answer. ``load`` is the command that loads
    the places: the sample municipality by default."""
    await coordinator_with_area(api)
    await resident_signs_up(api)
    # The operator loads the places while the bot runs.
    # (Not subprocess.run: the emulator answers the bot from this same event loop.)
    loader = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *load,
        cwd=tmp_path,
        env=_env(database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(loader.communicate(), 120)
    assert loader.returncode == 0, output.decode()

    await api.send(RESIDENT, "☕ Hitta mötesplats")
    ways = await api.wait_for(RESIDENT, "Vad vill du hitta?")
    assert "🏘 I mitt område" in ways.buttons()
    await api.send(RESIDENT, "🏘 I mitt område")
    await api.wait_for(RESIDENT, "Det här händer i Centrum:")
    card = await api.wait_for(RESIDENT, lambda m: m.buttons() == ["🔎 Läs mer"])
    title = card.text.splitlines()[0]
    await api.wait_for(RESIDENT, "Du har sett 3 av")
    await api.press_label(RESIDENT, card, "🔎 Läs mer")
    detail = await api.wait_for(RESIDENT, title)
    assert "📍 Var:" in detail.text and "💰 Kostar:" in detail.text
    await api.wait_for(RESIDENT, lambda m: m.text.startswith("[sendVenue]"))
    await api.press(RESIDENT, detail, next(iter(detail.callback_data().values())))
    day = await api.wait_for(RESIDENT, "Vad vill du göra?")
    first = day.buttons()[0]
    assert first in ("✅ Jag vill gå dit", "📝 Ställ mig på väntelistan")
    await api.press_label(RESIDENT, day, first)
    going: Sent = await api.wait_for(
        RESIDENT, lambda m: "Du är anmäld till" in m.text or "väntelistan" in m.text
    )
    return going


async def test_find_a_place_read_about_it_and_sign_up(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str, tmp_path: Path
) -> None:
    api = emulator
    bot = await start_bot()
    going = await find_and_sign_up(api, database_url, tmp_path)
    if "📅 Lägg in i kalendern" in going.buttons():
        await api.press_label(RESIDENT, going, "📅 Lägg in i kalendern")
        await api.wait_for(RESIDENT, "[sendDocument] Öppna filen")
    assert "Traceback" not in bot.log()


async def _reminders(database_url: str, due_now: bool = False) -> list[Reminder]:
    """The reminder rows; ``due_now`` first moves the 2-hours-before one into the past."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            if due_now:
                when = datetime.now(UTC) - timedelta(minutes=5)
                await session.execute(
                    update(Reminder).where(Reminder.kind == "before").values(due_at=when)
                )
            return list((await session.execute(select(Reminder))).scalars())
    finally:
        await engine.dispose()


async def test_a_reminder_due_while_the_bot_was_down_is_sent_once_on_start(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str, tmp_path: Path
) -> None:
    api = emulator
    bot = await start_bot()
    going = await find_and_sign_up(
        api, database_url, tmp_path, ("import", str(places_from_now(tmp_path)))
    )
    assert "Du är anmäld till" in going.text
    bot.kill()
    # While the bot is down, the 2-hours-before reminder falls due.
    rows = await _reminders(database_url, due_now=True)
    assert {r.kind for r in rows} >= {"before"} and not any(r.sent_at for r in rows)

    again = await start_bot()
    reminder = await api.wait_for(RESIDENT, "Snart dags:", within=30)
    assert reminder.buttons() == ["Jag kan inte komma", "🔕 Inga fler påminnelser"]
    # The row is marked sent in the transaction that follows the send.
    for _ in range(100):
        sent = [r for r in await _reminders(database_url) if r.kind == "before"]
        if sent[0].sent_at is not None:
            break
        await asyncio.sleep(0.1)
    assert sent[0].sent_at is not None and sent[0].message_id == reminder.message_id
    # A second restart sends nothing more.
    again.kill()
    await start_bot()
    await asyncio.sleep(3)
    snart = [m for m in api.messages(RESIDENT) if m.text.startswith("Snart dags:")]
    assert len(snart) == 1
    assert "Traceback" not in bot.log() + again.log()
