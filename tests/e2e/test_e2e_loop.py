"""The whole help loop through the real process, as the people see it, in Swedish."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    RESIDENT,
    VOLUNTEER,
    StartBot,
    ask_for_shopping,
    coordinator_with_area,
    resident_signs_up,
    volunteer_signs_up_and_is_approved,
)
from tests.e2e.emulator import BotApiEmulator

pytestmark = pytest.mark.e2e


async def test_whole_loop_through_the_real_process(
    emulator: BotApiEmulator, start_bot: StartBot
) -> None:
    api = emulator
    await start_bot()
    await coordinator_with_area(api)
    await volunteer_signs_up_and_is_approved(api)
    await resident_signs_up(api)

    when = await ask_for_shopping(api)
    await api.send(RESIDENT, "Mjölk och bröd")
    summary = await api.wait_for(RESIDENT, "Så här ser din förfrågan ut:")
    assert "Vad: Handla" in summary.text and f"När: {when}" in summary.text
    assert "Mer: Mjölk och bröd" in summary.text and "Område: Centrum" in summary.text
    await api.send(RESIDENT, "✅ Skicka")
    await api.wait_for(RESIDENT, "Tack! Nu är din förfrågan skickad.")

    # The volunteer is offered the task, without the resident's address, phone, name or words.
    offer = await api.wait_for(VOLUNTEER, "Ny förfrågan i Centrum")
    assert "Vad: Handla" in offer.text and "Mjölk och bröd" not in offer.text
    assert "Storgatan" not in offer.text and "070" not in offer.text
    assert "Anna" not in offer.text
    assert offer.buttons() == ["🙋 Jag tar det"]
    await api.press_label(VOLUNTEER, offer, "🙋 Jag tar det")
    mine = await api.wait_for(VOLUNTEER, "Tack! Uppdraget är ditt. 💛")
    assert "Namn: Anna" in mine.text and "Adress: Storgatan 5" in mine.text
    assert "Telefon: 070-123 45 67" in mine.text
    assert "Mer: Mjölk och bröd" in mine.text  # her own words, with the address
    assert mine.buttons() == ["✅ Klart", "↩️ Lämna tillbaka"]
    await api.wait_for(RESIDENT, f"Goda nyheter! Erik hjälper dig med handla, {when}.")

    await api.press_label(VOLUNTEER, mine, "✅ Klart")
    await api.until(lambda: mine.text == "Tack för din hjälp! 💛", 15, "the task to be edited")
    to_volunteer = await api.wait_for(VOLUNTEER, "Hur gick det? Tryck på en.")
    to_resident = await api.wait_for(RESIDENT, "Erik har markerat hjälpen med handla som klar.")
    for message in (to_volunteer, to_resident):
        assert message.buttons() == ["😊", "😐", "☹️", "⚠️ Något kändes fel"]
        assert "Hur gick det? Tryck på en." in message.text

    await api.press_label(RESIDENT, to_resident, "😊")
    await api.wait_for(RESIDENT, "Tack! Vill du säga något mer?")
    await api.send(RESIDENT, "Erik var jättesnäll")
    await api.wait_for(RESIDENT, "Tack för ditt svar! 🌼")
