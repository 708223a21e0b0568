"""SIGKILL in the middle of asking for help: a new process goes on at the same step."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    COORDINATOR,
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


async def all_handled(api: BotApiEmulator) -> None:
    """Return once the bot has handled, and saved, every update sent before.

    The bot handles updates one at a time, in order, and saves conversation states after each
    (lifecycle.save_state, the last handler group). So once it has answered a later update,
    the earlier ones are done. This is needed because the question of a step goes out *before*
    the new state is saved: see test_sigkill_right_after_the_question below.
    """
    update_id = await api.send(COORDINATOR, "❓ Hjälp")
    await api.wait_for(COORDINATOR, "Hjälpsam hjälper dig att få kontakt med volontärer.")
    await api.wait_confirmed(update_id)


async def test_sigkill_mid_request_then_restart_continues_at_the_same_step(
    emulator: BotApiEmulator, start_bot: StartBot
) -> None:
    api = emulator
    first = await start_bot()
    await coordinator_with_area(api)
    await volunteer_signs_up_and_is_approved(api)
    await resident_signs_up(api)
    when = await ask_for_shopping(api)  # the bot now asks «Vill du berätta mer?»
    await all_handled(api)

    first.kill()
    seen = {chat: len(api.messages(chat)) for chat in (RESIDENT, VOLUNTEER, COORDINATOR)}
    await start_bot()

    await api.send(RESIDENT, "Mjölk och bröd")
    summary = await api.wait_for(RESIDENT, "Så här ser din förfrågan ut:")
    assert "Vad: Handla" in summary.text and f"När: {when}" in summary.text
    assert "Mer: Mjölk och bröd" in summary.text and "Område: Centrum" in summary.text
    assert summary.buttons()[0] == "✅ Skicka"
    # Exactly one answer, and nothing that the first process had confirmed came back.
    assert len(api.messages(RESIDENT)) == seen[RESIDENT] + 1
    assert len(api.messages(COORDINATOR)) == seen[COORDINATOR]

    await api.send(RESIDENT, "✅ Skicka")
    await api.wait_for(RESIDENT, "Tack! Nu är din förfrågan skickad.")
    offer = await api.wait_for(VOLUNTEER, "Ny förfrågan i Centrum")
    assert "Mjölk och bröd" not in offer.text and "Storgatan" not in offer.text
    assert offer.buttons() == ["🙋 Jag tar det"]


async def test_sigkill_right_after_the_question(
    emulator: BotApiEmulator, start_bot: StartBot
) -> None:
    api = emulator
    first = await start_bot()
    await coordinator_with_area(api)
    await resident_signs_up(api)
    await ask_for_shopping(api)  # the bot has just asked «Vill du berätta mer?»
    first.kill()
    await start_bot()

    await api.send(RESIDENT, "Mjölk och bröd")
    answer = await api.wait_for(RESIDENT)
    assert answer.text.startswith("Så här ser din förfrågan ut:"), answer.text
