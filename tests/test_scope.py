"""Each coordinator sees what their job needs: the municipality's reads a resident's contact
details only for a reason (audited with it), nobody reads them for a closed request, an
organisation's coordinator sees only the state of their own volunteer's task, alerts about
unclaimed requests go to the municipality's coordinators, and another organisation's places
and audiences are out of reach. In Swedish, through the real Application."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.jobs import escalate
from bot.jobs.scheduler import Scheduler
from bot.services import broadcasts, escalation, requests
from bot.services.errors import NotAllowed
from storage.models import AuditEntry
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    coordinator_with_area,
    org_coordinator,
    places_csv,
    resident,
    volunteer,
)

RED_CROSS = 901
PARISH = 902
MONDAY_0630 = datetime(2026, 11, 23, 6, 30, tzinfo=TZ)


@pytest.fixture
async def town(harness):
    """Karin (municipality, 900), Lena (Red Cross), Per (parish); Erik of the Red Cross holds
    Anna's request 2; request 1 is open."""
    h = harness
    await coordinator_with_area(h, "Centrum")
    await org_coordinator(h, RED_CROSS, "Lena", "Röda Korset")
    await org_coordinator(h, PARISH, "Per", "Församlingen")
    await volunteer(h, VOLUNTEER, approve=False)
    await h.send(VOLUNTEER, "Röda Korset")
    async with h.uow() as uow:
        erik = (await uow.people.by_telegram_id(VOLUNTEER)).id
    await h.press(RED_CROSS, f"vet:ok:{erik}")
    await resident(h)
    await ask_for_shopping(h)
    await ask_for_shopping(h, when="imorgon kl 14", details="Portkod 1234")
    await h.press(VOLUNTEER, "task:claim:2")
    return h


async def _audit(h, action: str) -> list[AuditEntry]:
    async with h.uow() as uow:
        rows = await uow.session.execute(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows.scalars().all())


async def test_the_red_cross_sees_its_volunteers_task_but_not_the_words_or_the_address(town):
    h = town
    async with h.uow() as uow:
        req, holder, contact = await requests.detail(uow, RED_CROSS, 2, NOW)
    assert req.status == "claimed" and holder.first_name == "Erik"
    assert req.details is None and contact is None
    with pytest.raises(NotAllowed):  # the parish has no volunteer on it
        async with h.uow() as uow:
            await requests.detail(uow, PARISH, 2, NOW)


async def test_the_municipality_reads_contact_details_only_with_a_reason(town):
    h = town
    async with h.uow() as uow:
        req, _holder, contact = await requests.detail(uow, COORDINATOR, 1, NOW)
    assert req.details == "Mjölk och bröd" and contact is None  # open, but no reason yet
    with pytest.raises(NotAllowed):
        async with h.uow() as uow:
            await escalation.call_details(uow, COORDINATOR, 1, NOW)

    async with h.uow() as uow:
        (await uow.requests.get(1)).escalated_at = NOW
    async with h.uow() as uow:
        _req, contact = await escalation.call_details(uow, COORDINATOR, 1, NOW)
    assert (contact.first_name, contact.address, contact.phone) == (
        "Anna",
        "Storgatan 5",
        "070-123 45 67",
    )
    [read] = [a for a in await _audit(h, "read_contact") if a.actor_telegram_id == COORDINATOR]
    assert (read.target, read.reason, read.allowed) == ("request:1", "escalated", True)


async def test_a_closed_request_shows_contact_details_to_nobody(town):
    h = town
    async with h.uow() as uow:
        (await uow.requests.get(1)).escalated_at = NOW
    await h.press(RESIDENT, "req:cancelyes:1")
    async with h.uow() as uow:
        assert (await uow.requests.get(1)).status == "cancelled"
    with pytest.raises(NotAllowed):
        async with h.uow() as uow:
            await escalation.call_details(uow, COORDINATOR, 1, NOW)
    async with h.uow() as uow:
        _req, _holder, contact = await requests.detail(uow, COORDINATOR, 1, NOW)
    assert contact is None


async def test_a_forged_call_button_from_another_organisation_shows_nothing(town):
    h = town
    async with h.uow() as uow:
        (await uow.requests.get(1)).escalated_at = NOW
    h.request.clear()
    for forged in ("asg:call:1", "req:show:1", "asg:call:2", "req:show:2"):
        await h.press(PARISH, forged)
    sent = " ".join(h.texts(PARISH) + h.alerts())
    assert "Storgatan" not in sent and "070" not in sent and "Portkod" not in sent
    assert "Mjölk" not in sent
    refused = [a for a in await _audit(h, "call_resident") if a.actor_telegram_id == PARISH]
    assert refused and not any(a.allowed for a in refused)


async def test_only_the_municipality_is_alerted_about_an_unclaimed_request(town):
    h = town
    h.request.clear()
    h.data.clock = lambda: MONDAY_0630
    await escalate.check_due(h.app, Scheduler(h.app))
    alerted = {
        c.chat_id for c in h.request.calls if str(c.params.get("text", "")).startswith("⏰")
    }
    assert alerted == {COORDINATOR}


async def test_another_organisations_place_is_read_only(town):
    h = town
    from bot.services.place_import import import_text

    row = dict(
        place_key="cafe",
        place_name="Caféet",
        organisation="Röda Korset",
        area="Centrum",
        address="Torget 1",
        activity_key="fika",
        title="Fika",
        category="fika",
        start="2026-11-24 14:00",
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )
    await import_text(h.uow, places_csv(row), TZ, NOW)
    async with h.uow() as uow:
        place = (await uow.catalogue.place("cafe")).id
    await h.press(PARISH, f"pa:place:{place}")
    assert "✏️ Ändra" not in h.last(PARISH).buttons()
    await h.press(RED_CROSS, f"pa:place:{place}")
    assert "✏️ Ändra" in h.last(RED_CROSS).buttons()
    await h.press(PARISH, f"pa:edit:{place}")
    assert h.alerts()[-1] == "Tyvärr, det kan du inte göra."


async def test_an_organisation_writes_only_to_its_own_volunteers(town):
    h = town
    await volunteer(h, 203, "Olle", approve=False)
    await h.send(203, "Församlingen")
    async with h.uow() as uow:
        olle = (await uow.people.by_telegram_id(203)).id
    await h.press(PARISH, f"vet:ok:{olle}")
    async with h.uow() as uow:
        red = await broadcasts.count(uow, RED_CROSS, broadcasts.Audience("volunteers"), NOW, "sv")
        parish = await broadcasts.count(uow, PARISH, broadcasts.Audience("volunteers"), NOW, "sv")
        everyone = await broadcasts.count(
            uow, COORDINATOR, broadcasts.Audience("volunteers"), NOW, "sv"
        )
        # A forged argument does not widen it.
        forged = await broadcasts.count(
            uow, PARISH, broadcasts.Audience("volunteers", "1"), NOW, "sv"
        )
    assert (red, parish, everyone, forged) == (1, 1, 2, 1)
    await h.send(PARISH, "/utskick")
    assert h.last(PARISH).buttons() == [
        "🤝 Våra volontärer",
        "☕ De som är anmälda till en aktivitet",
    ]
