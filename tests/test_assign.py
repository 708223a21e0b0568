"""Direct assignment: a coordinator asks one volunteer, who says yes or no. In Swedish."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Assignment
from tests.conftest import Harness
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    VOLUNTEER2,
    ask_for_shopping,
    claim_data,
    coordinator_with_area,
    resident,
    volunteer,
)
from tests.test_escalation import audit, the_request

BO = 202
ASKED = (
    "Samordnaren undrar om du kan ta det här:\n\n"
    "Vad: Handla\nNär: måndag 23 november kl. 10.00\nOmråde: Centrum\n\n"
    "Adressen får du när du har sagt ja."
)
YES, NO = "✅ Ja, jag tar det", "Nej tack"


async def setup(h: Harness) -> int:
    """Karin; Erik and Sara in Centrum, Bo in Väster; Anna in Centrum asks for shopping."""
    await coordinator_with_area(h, "Centrum", "Väster")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await volunteer(h, BO, "Bo", area_ids=(2,))
    await resident(h)
    await ask_for_shopping(h)
    return (await the_request(h)).id


async def person_id(h: Harness, telegram_id: int) -> int:
    async with h.uow() as uow:
        return (await uow.people.by_telegram_id(telegram_id)).id


async def ask_erik(h: Harness, request_id: int) -> str:
    """Karin picks Erik; returns the data of his «Ja» button."""
    await h.press(COORDINATOR, f"asg:pick:{request_id}")
    await h.press(COORDINATOR, f"asg:vol:{request_id}:{await person_id(h, VOLUNTEER)}")
    return h.last(VOLUNTEER).callback_data()[YES]


async def the_assignment(h: Harness) -> Assignment:
    async with h.uow() as uow:
        return (await uow.session.execute(select(Assignment))).scalars().one()


async def test_coordinator_picks_a_volunteer_who_is_asked(harness: Harness) -> None:
    h = harness
    request_id = await setup(h)
    h.request.clear()
    await h.press(COORDINATOR, f"asg:pick:{request_id}")
    picker = h.last(COORDINATOR)
    assert picker.text == (
        "Vem ska jag fråga? Det gäller handla, måndag 23 november kl. 10.00. "
        "Volontärer i Centrum står först (📍)."
    )
    assert picker.buttons() == ["📍 Erik", "📍 Sara", "Bo"]
    erik = await person_id(h, VOLUNTEER)
    assert picker.callback_data()["📍 Erik"] == f"asg:vol:{request_id}:{erik}"

    await h.press(COORDINATOR, f"asg:vol:{request_id}:{erik}")
    [edit] = h.request.sent(COORDINATOR, "editMessageText")
    assert edit.text == "Jag har frågat Erik. Du får ett meddelande här när Erik har svarat."
    asked = h.last(VOLUNTEER)
    assert asked.text == ASKED and "Storgatan" not in asked.text
    assignment = await the_assignment(h)
    assert asked.callback_data() == {
        YES: f"asg:yes:{assignment.id}",
        NO: f"asg:no:{assignment.id}",
    }
    assert (assignment.answer, assignment.volunteer_id) == ("pending", erik)
    entry = (await audit(h))[-1]
    assert (entry.actor_telegram_id, entry.action, entry.allowed) == (COORDINATOR, "assign", True)


async def test_yes_claims_it_with_the_details_and_updates_the_other_posts(harness: Harness):
    h = harness
    request_id = await setup(h)
    yes = await ask_erik(h, request_id)
    h.request.clear()
    await h.press(VOLUNTEER, yes)

    assert h.last(VOLUNTEER).text == (
        "Tack! Uppdraget är ditt. 💛\n\nVad: Handla\nNär: måndag 23 november kl. 10.00\n"
        "Namn: Anna\nAdress: Storgatan 5\nTelefon: 070-123 45 67\nMer: Mjölk och bröd\n\n"
        "Tryck på «Klart» när du har hjälpt till, eller «Lämna tillbaka» om du inte kan gå."
    )
    assert h.last(VOLUNTEER).buttons() == ["✅ Klart", "↩️ Lämna tillbaka"]
    [sara_post] = h.request.sent(VOLUNTEER2, "editMessageText")
    assert sara_post.text == (
        "Handla, måndag 23 november kl. 10.00: en annan volontär har tagit det här. Tack ändå!"
    )
    assert h.texts(RESIDENT) == [
        "Goda nyheter! Erik hjälper dig med handla, måndag 23 november kl. 10.00.\n"
        "Erik kanske ringer dig innan."
    ]
    assert h.texts(COORDINATOR) == ["Erik har tagit handla, måndag 23 november kl. 10.00. Tack!"]
    req = await the_request(h)
    assert (req.status, req.volunteer_id) == ("claimed", await person_id(h, VOLUNTEER))
    assert (await the_assignment(h)).answer == "accepted"
    actions = [(a.actor_telegram_id, a.action, a.allowed) for a in await audit(h)][-2:]
    assert actions == [(VOLUNTEER, "assignment_yes", True), (VOLUNTEER, "read_contact", True)]


async def test_a_volunteer_outside_the_area_can_say_yes_too(harness: Harness) -> None:
    h = harness
    request_id = await setup(h)
    await h.press(COORDINATOR, f"asg:vol:{request_id}:{await person_id(h, BO)}")
    await h.press(BO, h.last(BO).callback_data()[YES])
    assert h.last(BO).text.startswith("Tack! Uppdraget är ditt.")
    assert (await the_request(h)).volunteer_id == await person_id(h, BO)


async def test_no_tells_the_coordinator_who_asked(harness: Harness) -> None:
    h = harness
    request_id = await setup(h)
    await ask_erik(h, request_id)
    h.request.clear()
    await h.press(VOLUNTEER, f"asg:no:{(await the_assignment(h)).id}")
    [edit] = h.request.sent(VOLUNTEER, "editMessageText")
    assert edit.text == "Okej, tack för att du svarade."
    told = h.last(COORDINATOR)
    assert told.text == (
        "Erik kan inte ta handla, måndag 23 november kl. 10.00. Du kan fråga någon annan."
    )
    assert told.callback_data() == {"👤 Ge till en volontär": f"asg:pick:{request_id}"}
    assert (await the_request(h)).status == "open"
    assert (await the_assignment(h)).answer == "declined"
    assert h.texts(RESIDENT) == []
    # A second press changes nothing.
    await h.press(VOLUNTEER, f"asg:yes:{(await the_assignment(h)).id}")
    assert h.alerts()[-1] == "Den här förfrågan är inte längre öppen. Tack ändå!"
    assert (await the_request(h)).status == "open"


async def test_someone_else_pressing_yes_is_refused_and_audited(harness: Harness) -> None:
    h = harness
    request_id = await setup(h)
    yes = await ask_erik(h, request_id)
    h.request.clear()
    await h.press(VOLUNTEER2, yes)
    await h.press(COORDINATOR, yes)
    assert h.alerts() == ["Tyvärr, det kan du inte göra."] * 2
    assert h.request.sent() == []
    assert (await the_request(h)).status == "open"
    assert (await the_assignment(h)).answer == "pending"
    refused = [(a.actor_telegram_id, a.action, a.allowed) for a in await audit(h)][-2:]
    assert refused == [
        (VOLUNTEER2, "assignment_yes", False),
        (COORDINATOR, "assignment_yes", False),
    ]


async def test_yes_after_someone_else_took_it(harness: Harness) -> None:
    h = harness
    request_id = await setup(h)
    yes = await ask_erik(h, request_id)
    cards = [c for c in h.request.sent(VOLUNTEER2) if c.text.startswith("Ny förfrågan")]
    sara_card = cards[0]
    await h.press(VOLUNTEER2, claim_data(sara_card))
    h.request.clear()
    await h.press(VOLUNTEER, yes)
    assert h.alerts() == ["Någon hann före – tack ändå!"]
    assert h.texts(VOLUNTEER) == [] and h.texts(RESIDENT) == []
    assert (await the_request(h)).volunteer_id == await person_id(h, VOLUNTEER2)
    assert (await the_assignment(h)).answer == "late"
