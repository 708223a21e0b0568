"""A municipal coordinator erases a resident without Telegram (a proxy resident); nobody else
may, and a person with Telegram erases themselves. Service level, no Telegram."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.services import assignments, organisations, people, privacy
from bot.services.assignments import ProxyAnswers
from bot.services.errors import NotAllowed, NotFound
from bot.services.views import When
from storage.models import AuditEntry, HelpRequest, Municipality, Person
from tests.conftest import NOW
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    coordinator_with_area,
    resident,
    volunteer,
)

RED_CROSS_COORDINATOR, ELSEWHERE_COORDINATOR = 901, 902


async def _astrid(h, details: str = "Mjölk och kaffe") -> int:
    """Karin asks for help for Astrid; returns Astrid's person id."""
    async with h.uow() as uow:
        area = await uow.areas.by_name("Centrum")
        answers = ProxyAnswers(
            "Astrid",
            "070-987 65 43",
            "Kvarngatan 3",
            area.id,
            "shopping",
            When(NOW + timedelta(days=1), "exact"),
            details,
        )
        result = await assignments.submit_for(uow, COORDINATOR, answers, NOW)
        req = await uow.requests.get(result.request.id)
        return req.resident_id


async def _audit(h, action: str) -> list[tuple[int | None, str | None, bool]]:
    async with h.uow() as uow:
        rows = await uow.session.execute(select(AuditEntry).where(AuditEntry.action == action))
        return [(a.actor_telegram_id, a.target, a.allowed) for a in rows.scalars()]


async def test_a_municipal_coordinator_erases_a_proxy_resident(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h)
    astrid = await _astrid(h)
    await h.press(VOLUNTEER, "task:claim:1")
    async with h.uow() as uow:
        erased = await privacy.erase_proxy(uow, COORDINATOR, astrid, NOW)
    # The volunteer who held her task is to be told it is cancelled.
    [cancelled] = erased.cancelled
    assert cancelled.volunteer.telegram_id == VOLUNTEER
    async with h.uow() as uow:
        person = await uow.session.get(Person, astrid)
        req = await uow.requests.get(1)
        assert (person.first_name, person.phone, person.address, person.area_id) == (None,) * 4
        assert await uow.people.roles(astrid) == set()
        assert (req.status, req.details, req.resident_id) == ("cancelled", None, astrid)
    assert await _audit(h, "erase_proxy") == [(COORDINATOR, f"person:{astrid}", True)]
    # Erased already: there is nobody left to erase.
    with pytest.raises(NotFound):
        async with h.uow() as uow:
            await privacy.erase_proxy(uow, COORDINATOR, astrid, NOW)
    # Asked for again, she is someone new.
    assert await _astrid(h) != astrid


async def test_nobody_else_may_erase_a_proxy_resident(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h)
    await resident(h)
    astrid = await _astrid(h)
    async with h.uow() as uow:
        red_cross = await organisations.named(uow, "Röda Korset Ekbacka")
        await people.add_coordinator(uow, RED_CROSS_COORDINATOR, NOW, red_cross)
        # A municipal coordinator of another municipality (a later issue allows several).
        other = Municipality(name="Grannkommunen", created_at=NOW)
        uow.session.add(other)
        await uow.session.flush()
        await people.add_coordinator(uow, ELSEWHERE_COORDINATOR, NOW)
        (await uow.people.by_telegram_id(ELSEWHERE_COORDINATOR)).municipality_id = other.id
    for who in (RESIDENT, VOLUNTEER, RED_CROSS_COORDINATOR, ELSEWHERE_COORDINATOR):
        with pytest.raises(NotAllowed):
            async with h.uow() as uow:
                await privacy.erase_proxy(uow, who, astrid, NOW)
    refused = [(who, target) for who, target, allowed in await _audit(h, "erase_proxy")]
    assert refused == [
        (who, f"person:{astrid}")
        for who in (RESIDENT, VOLUNTEER, RED_CROSS_COORDINATOR, ELSEWHERE_COORDINATOR)
    ]
    async with h.uow() as uow:
        assert (await uow.session.get(Person, astrid)).first_name == "Astrid"
        assert (await uow.requests.get(1)).status == "open"


async def test_someone_with_telegram_erases_themselves(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    async with h.uow() as uow:
        anna = (await uow.people.by_telegram_id(RESIDENT)).id
    with pytest.raises(NotAllowed):
        async with h.uow() as uow:
            await privacy.erase_proxy(uow, COORDINATOR, anna, NOW)
    with pytest.raises(NotFound):
        async with h.uow() as uow:
            await privacy.erase_proxy(uow, COORDINATOR, 999, NOW)
    async with h.uow() as uow:
        assert (await uow.people.by_telegram_id(RESIDENT)).first_name == "Anna"
        assert (await uow.session.execute(select(HelpRequest))).first() is None
    assert await _audit(h, "erase_proxy") == [(COORDINATOR, f"person:{anna}", False)]


async def test_in_chat_the_coordinator_lists_proxies_and_erases_one_after_a_question(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h)
    astrid = await _astrid(h)
    await h.press(VOLUNTEER, "task:claim:1")
    await h.send(COORDINATOR, "/ombud")
    listing = h.last(COORDINATOR)
    assert listing.text.startswith("Boende utan Telegram, som en samordnare har lagt in (1).")
    assert listing.callback_data() == {"🗑 Astrid (Centrum)": f"prx:ask:{astrid}"}
    assert "070" not in listing.text and "Kvarngatan" not in listing.text

    await h.press(COORDINATOR, f"prx:ask:{astrid}")
    question = h.request.sent(COORDINATOR, "editMessageText")[-1]
    assert question.text.startswith("Radera allt om Astrid?")
    assert question.buttons() == ["🗑 Ja, radera allt om Astrid", "Nej, radera inte"]
    await h.press(COORDINATOR, "prx:no")
    assert h.request.sent(COORDINATOR, "editMessageText")[-1].text == "Inget raderades."

    h.request.clear()
    await h.press(COORDINATOR, f"prx:yes:{astrid}")
    assert h.request.sent(COORDINATOR, "editMessageText")[-1].text == "Allt om Astrid är raderat."
    assert h.texts(VOLUNTEER), "the volunteer who held her task is told"
    async with h.uow() as uow:
        person = await uow.people.get(astrid)
        req = await uow.requests.get(1)
    assert (person.first_name, person.phone, person.address) == (None, None, None)
    assert req.status == "cancelled" and req.details is None
    await h.send(COORDINATOR, "/ombud")
    assert h.last(COORDINATOR).text == "Det finns inga boende utan Telegram."


async def test_an_organisation_coordinator_may_not_list_or_erase_proxies(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    astrid = await _astrid(h)
    async with h.uow() as uow:
        red_cross = await organisations.named(uow, "Röda Korset")
        await people.add_coordinator(uow, RED_CROSS_COORDINATOR, NOW, red_cross)
    for text in ("/start", "Svenska", "Lena"):
        await h.send(RED_CROSS_COORDINATOR, text)
    await h.send(RED_CROSS_COORDINATOR, "/ombud")
    assert h.last(RED_CROSS_COORDINATOR).text == "Tyvärr, det kan du inte göra."
    await h.press(RED_CROSS_COORDINATOR, f"prx:yes:{astrid}")
    assert h.alerts()[-1] == "Tyvärr, det kan du inte göra."
    async with h.uow() as uow:
        assert (await uow.people.get(astrid)).first_name == "Astrid"
