"""Unclaimed requests: coordinators alerted once, the resident told once, expiry; the alert's
buttons are for coordinators only, and reading the phone number is audited. In Swedish."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.jobs import escalate
from bot.jobs.scheduler import Scheduler
from storage.models import AuditEntry, HelpRequest
from tests.conftest import NOW, TZ, Harness
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    claim_data,
    coordinator_with_area,
    resident,
    volunteer,
)

MONDAY_0630 = datetime(2026, 11, 23, 6, 30, tzinfo=TZ)
ALERT = (
    "⏰ Ingen volontär har tagit den här förfrågan än.\n\n"
    "Vad: Handla\nNär: måndag 23 november kl. 10.00\nOmråde: Centrum\n\n"
    "Du kan ge den till en volontär, eller ringa den boende."
)
WARNED = (
    "Ingen volontär har kunnat ta din förfrågan än: handla, måndag 23 november kl. 10.00. "
    "En samordnare tittar på den."
)
ALERT_BUTTONS = ["👤 Ge till en volontär", "📞 Ring den boende"]


async def setup(h: Harness) -> int:
    """Karin (coordinator), Erik (volunteer), Anna asks for shopping tomorrow at 10."""
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    await ask_for_shopping(h)
    return (await the_request(h)).id


async def the_request(h: Harness) -> HelpRequest:
    async with h.uow() as uow:
        result = await uow.session.execute(select(HelpRequest).order_by(HelpRequest.id.desc()))
        return result.scalars().first()


async def check(h: Harness, moment: datetime) -> escalate.DispatchCounts:
    h.data.clock = lambda: moment
    return await escalate.check_due(h.app, Scheduler(h.app))


def alerts_to(h: Harness, chat_id: int) -> list[object]:
    return [c for c in h.request.sent(chat_id) if c.text.startswith("⏰")]


async def audit(h: Harness) -> list[AuditEntry]:
    async with h.uow() as uow:
        return list(await uow.audit.entries())


async def test_coordinators_are_alerted_once_and_the_resident_told_once(harness: Harness):
    h = harness
    request_id = await setup(h)
    h.request.clear()
    assert await check(h, NOW) == escalate.DispatchCounts(0, 0)
    assert h.request.calls == []

    counts = await check(h, MONDAY_0630)  # 3.5 hours before: within the 4 hours
    assert counts == escalate.DispatchCounts(escalated=1, expired=0)
    [alert] = alerts_to(h, COORDINATOR)
    assert alert.text == ALERT
    assert alert.buttons() == ALERT_BUTTONS
    assert alert.callback_data() == {
        "👤 Ge till en volontär": f"asg:pick:{request_id}",
        "📞 Ring den boende": f"asg:call:{request_id}",
    }
    assert "Anna" not in alert.text and "Storgatan" not in alert.text
    assert h.texts(RESIDENT) == [WARNED]  # no phone sentence: none is set
    req = await the_request(h)
    assert req.escalated_at is not None and req.warned_at is not None

    h.request.clear()
    await check(h, MONDAY_0630 + timedelta(minutes=5))
    assert h.request.calls == []


async def test_the_resident_hears_the_municipalitys_phone_when_there_is_one(harness: Harness):
    h = harness
    h.data.settings = h.data.settings.model_copy(update={"municipality_phone": "0123-45 67 89"})
    await setup(h)
    h.request.clear()
    await check(h, MONDAY_0630)
    assert h.texts(RESIDENT) == [WARNED + " Du kan också ringa kommunen på 0123-45 67 89."]
    await check(h, MONDAY_0630 + timedelta(minutes=1))
    assert len(h.texts(RESIDENT)) == 1


async def test_two_checks_at_once_alert_once(harness: Harness):
    h = harness
    await setup(h)
    h.request.clear()
    h.data.clock = lambda: MONDAY_0630
    results = await asyncio.gather(
        escalate.check_due(h.app, Scheduler(h.app)),
        escalate.check_due(h.app, Scheduler(h.app)),
    )
    assert sorted(r.escalated for r in results) == [0, 1]
    assert len(alerts_to(h, COORDINATOR)) == 1
    assert h.texts(RESIDENT) == [WARNED]


async def test_a_claimed_request_is_not_escalated(harness: Harness):
    h = harness
    await setup(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    h.request.clear()
    assert await check(h, MONDAY_0630) == escalate.DispatchCounts(0, 0)
    assert await check(h, MONDAY_0630 + timedelta(days=3)) == escalate.DispatchCounts(0, 0)
    assert h.request.calls == []
    assert (await the_request(h)).status == "claimed"


async def test_a_request_whose_time_passed_expires_calmly(harness: Harness):
    h = harness
    h.data.settings = h.data.settings.model_copy(update={"municipality_phone": "0123-45 67 89"})
    request_id = await setup(h)
    await check(h, MONDAY_0630)
    h.request.clear()

    await check(h, datetime(2026, 11, 23, 9, 59, tzinfo=TZ))
    assert (await the_request(h)).status == "open"
    counts = await check(h, datetime(2026, 11, 23, 10, 1, tzinfo=TZ))
    assert counts == escalate.DispatchCounts(escalated=0, expired=1)
    req = await the_request(h)
    assert req.status == "expired" and req.closed_at is not None
    async with h.uow() as uow:
        assert [e.kind for e in await uow.requests.events(request_id)] == ["created", "expired"]
    assert h.texts(RESIDENT) == [
        "Tyvärr kunde ingen volontär ta din förfrågan: handla, måndag 23 november kl. 10.00. "
        "Den är nu stängd. Du är varmt välkommen att fråga igen. "
        "Du kan också ringa kommunen på 0123-45 67 89."
    ]
    [edit] = h.request.sent(VOLUNTEER, "editMessageText")
    assert (
        edit.text
        == "Handla, måndag 23 november kl. 10.00: den här förfrågan är inte längre öppen."
    )
    assert alerts_to(h, COORDINATOR) == []
    h.request.clear()
    await check(h, datetime(2026, 11, 24, 10, 1, tzinfo=TZ))
    assert h.request.calls == []


async def test_after_downtime_an_overdue_request_only_expires(harness: Harness):
    """Down from Sunday to Tuesday: no alert followed at once by a goodbye."""
    h = harness
    await setup(h)
    h.request.clear()
    counts = await check(h, datetime(2026, 11, 24, 8, 0, tzinfo=TZ))
    assert counts == escalate.DispatchCounts(escalated=0, expired=1)
    assert alerts_to(h, COORDINATOR) == []
    assert len(h.texts(RESIDENT)) == 1 and h.texts(RESIDENT)[0].startswith("Tyvärr kunde")


async def test_a_request_without_a_time_escalates_after_a_day_and_expires_after_a_week(
    harness: Harness,
):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    for step in ("🙋 Be om hjälp", "🛒 Handla", "Ingen brådska", "Frimärken", "✅ Skicka"):
        await h.send(RESIDENT, step)
    h.request.clear()
    assert await check(h, NOW + timedelta(hours=23)) == escalate.DispatchCounts(0, 0)
    assert await check(h, NOW + timedelta(hours=24)) == escalate.DispatchCounts(1, 0)
    [alert] = alerts_to(h, COORDINATOR)
    # Every coordinator gets the alert: not the resident's own words.
    assert "När: ingen brådska" in alert.text and "Frimärken" not in alert.text
    assert await check(h, NOW + timedelta(days=6, hours=23)) == escalate.DispatchCounts(0, 0)
    h.request.clear()
    assert await check(h, NOW + timedelta(days=7)) == escalate.DispatchCounts(0, 1)
    assert (await the_request(h)).status == "expired"
    assert h.texts(RESIDENT) == [
        "Tyvärr kunde ingen volontär ta din förfrågan: handla, ingen brådska. "
        "Den är nu stängd. Du är varmt välkommen att fråga igen."
    ]


async def test_coordinator_buttons_are_refused_for_a_resident_and_a_volunteer(harness: Harness):
    h = harness
    request_id = await setup(h)
    await check(h, MONDAY_0630)
    h.request.clear()
    await h.press(RESIDENT, f"asg:pick:{request_id}")
    await h.press(VOLUNTEER, f"asg:call:{request_id}")
    await h.press(VOLUNTEER, f"asg:vol:{request_id}:2")
    assert h.alerts() == ["Tyvärr, det kan du inte göra."] * 3
    assert h.request.sent() == []
    refused = [(a.actor_telegram_id, a.action, a.allowed) for a in await audit(h)][-3:]
    assert refused == [
        (RESIDENT, "assign", False),
        (VOLUNTEER, "call_resident", False),
        (VOLUNTEER, "assign", False),
    ]


async def test_call_the_resident_shows_the_phone_and_is_audited(harness: Harness):
    h = harness
    request_id = await setup(h)
    await check(h, MONDAY_0630)
    h.request.clear()
    await h.press(COORDINATOR, f"asg:call:{request_id}")
    assert h.texts(COORDINATOR) == ["Ring Anna på 070-123 45 67."]
    last = (await audit(h))[-1]
    assert (last.actor_telegram_id, last.action, last.target, last.allowed) == (
        COORDINATOR,
        "read_contact",
        f"request:{request_id}",
        True,
    )
