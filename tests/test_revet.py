"""Vetting expires: coordinators are reminded once, a month before; when the approval runs out
the volunteer is paused (no offers, no claims) until a coordinator renews it. In Swedish."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.jobs import revet
from bot.jobs.scheduler import Scheduler
from storage.models import VolunteerProfile
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    coordinator_with_area,
    resident,
    volunteer,
)

# Erik is approved on NOW (22 November 2026); the setting says 12 months.
REMIND_AT = datetime(2027, 10, 23, 9, 0, tzinfo=TZ)
LAPSE_AT = datetime(2027, 11, 22, 12, 0, tzinfo=TZ)
REMINDER = (
    "🔁 Erik behöver en ny kontroll senast 22 november 2027 (till exempel ett nytt utdrag ur "
    "belastningsregistret). När den är gjord trycker du på «✅ Kontrollerad igen – förnya» på "
    "kortet."
)


async def _run(h, moment: datetime) -> int:
    h.data.clock = lambda: moment
    return await revet.check_due(h.app, Scheduler(h.app))


async def _profile(h) -> VolunteerProfile:
    async with h.uow() as uow:
        erik = await uow.people.by_telegram_id(VOLUNTEER)
        return await uow.session.get(VolunteerProfile, erik.id)


async def test_reminded_once_a_month_before_then_paused_until_renewed(harness):
    h = harness
    await coordinator_with_area(h)
    await volunteer(h)
    await resident(h)
    h.request.clear()
    assert await _run(h, REMIND_AT - timedelta(days=2)) == 0
    assert h.request.calls == []

    assert await _run(h, REMIND_AT) == 1
    [reminder] = h.request.sent(COORDINATOR)
    assert reminder.text == REMINDER
    erik = (await _profile(h)).person_id
    assert reminder.callback_data() == {"👤 Visa Erik": f"vol:card:{erik}:0"}
    assert h.request.sent(VOLUNTEER) == []
    assert await _run(h, REMIND_AT + timedelta(days=3)) == 0  # once is enough

    h.request.clear()
    assert await _run(h, LAPSE_AT) == 1
    assert (await _profile(h)).vetting == "lapsed"
    assert h.texts(VOLUNTEER) == [
        "Hej Erik! Ditt godkännande som volontär behöver förnyas. Därför får du inga uppdrag "
        "just nu. En samordnare hör av sig till dig."
    ]
    assert h.texts(COORDINATOR)[0].startswith("🔁 Godkännandet för Erik gick ut 22 november 2027.")
    assert await _run(h, LAPSE_AT + timedelta(hours=1)) == 0

    # Lapsed: no offers, and an old button says why.
    h.data.clock = lambda: LAPSE_AT
    h.request.clear()
    await ask_for_shopping(h, RESIDENT, when="i morgon kl 10")
    assert h.request.sent(VOLUNTEER) == []
    await h.press(VOLUNTEER, "task:claim:1")
    assert h.alerts()[-1] == (
        "Du kan inte ta uppdrag just nu: ditt godkännande behöver förnyas. "
        "En samordnare hör av sig till dig."
    )

    # The card offers renewal; renewing starts a new year.
    await h.press(COORDINATOR, f"vol:card:{erik}:0")
    card = h.request.sent(COORDINATOR, "editMessageText")[-1]
    assert "Status: behöver en ny kontroll" in card.text
    assert card.buttons()[0] == "✅ Kontrollerad igen – förnya"
    await h.press(COORDINATOR, f"vet:ok:{erik}")
    profile = await _profile(h)
    assert profile.vetting == "approved" and profile.revet_reminded_at is None
    assert profile.vetted_at == LAPSE_AT
    assert await _run(h, LAPSE_AT + timedelta(days=300)) == 0


async def test_a_bot_that_was_down_for_the_whole_month_only_says_it_lapsed(harness):
    h = harness
    await coordinator_with_area(h)
    await volunteer(h)
    h.request.clear()
    assert await _run(h, LAPSE_AT + timedelta(days=5)) == 1
    assert len(h.request.sent(COORDINATOR)) == 1
    assert h.texts(COORDINATOR)[0].startswith("🔁 Godkännandet för Erik")
    assert NOW < LAPSE_AT
