"""A resident finds a meeting place and signs up, with the bot as its own process."""

from __future__ import annotations

import asyncio
import sys

import pytest

from tests.e2e.conftest import (
    RESIDENT,
    StartBot,
    _env,
    coordinator_with_area,
    resident_signs_up,
)
from tests.e2e.emulator import BotApiEmulator

pytestmark = pytest.mark.e2e


async def test_find_a_place_read_about_it_and_sign_up(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str, tmp_path
) -> None:
    api = emulator
    bot = await start_bot()
    await coordinator_with_area(api)
    await resident_signs_up(api)
    # The operator loads the sample municipality while the bot runs.
    # (Not subprocess.run: the emulator answers the bot from this same event loop.)
    loader = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo-data",
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
    going = await api.wait_for(
        RESIDENT, lambda m: "Du är anmäld till" in m.text or "väntelistan" in m.text
    )
    if "📅 Lägg in i kalendern" in going.buttons():
        await api.press_label(RESIDENT, going, "📅 Lägg in i kalendern")
        await api.wait_for(RESIDENT, "[sendDocument] Öppna filen")
    assert "Traceback" not in bot.log()
