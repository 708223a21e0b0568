"""A coordinator asks for help for Astrid, who has no Telegram; a volunteer takes it and gets
her address; the coordinator hears what Astrid would have heard. In Swedish."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import HelpRequest, Person
from tests.conftest import TZ, Harness
from tests.helpers import COORDINATOR, VOLUNTEER, claim_data, coordinator_with_area, volunteer
from tests.test_escalation import alerts_to, check, the_request

NAV = ["⬅️ Tillbaka", "✖️ Avbryt"]
NOT_UNDERSTOOD = (
    "Förlåt, det förstod jag inte. Tryck på en knapp här nedanför, eller skriv ditt svar."
)
ASK_NAME = (
    "Du ber om hjälp åt någon som inte har Telegram.\nVad heter personen i förnamn? Skriv det."
)
ASK_PHONE = "Vilket telefonnummer har Astrid? Volontären ringer innan hen kommer."
ASK_ADDRESS = (
    "Vilken adress ska volontären komma till?\nSkriv gatan och numret, till exempel Storgatan 5."
)
ASK_AREA = "I vilket område bor Astrid? Välj här nedanför."
ASK_CATEGORY = "Vad behöver Astrid hjälp med?"
ASK_WHEN = (
    "När behöver Astrid hjälpen?\nDu kan också skriva, till exempel «imorgon kl 10» "
    "eller «3 december»."
)
CONFIRM_TIME = "Jag uppfattade: måndag 23 november kl. 10.00. Stämmer det?"
ASK_DETAILS = (
    "Vill du berätta mer? Till exempel vad som ska handlas, eller vart du ska.\n"
    "Skriv det, eller tryck på «Hoppa över».\n\n"
    "🔒 Volontären som tar uppdraget läser det du skriver, tillsammans med adressen. "
    "Kommunens samordnare kan också se det. Skriv portkod eller något om hälsan bara om det "
    "behövs."
)
SUMMARY = (
    "Åt Astrid, 070-987 65 43, Kvarngatan 3.\n\n"
    "Så här ser din förfrågan ut:\n\n"
    "Vad: Handla\nNär: måndag 23 november kl. 10.00\nMer: Mjölk och kaffe\nOmråde: Centrum\n\n"
    "Tänk på: det här är inte för nödsituationer. Ring 112 om det är fara. "
    "Ring 1177 för råd om vård.\n\nSka jag skicka den?"
)
SENT = (
    "Tack! Förfrågan åt Astrid är skickad. 🌼\n"
    "Du får meddelandena om den här, i stället för Astrid."
)


async def says(h: Harness, text: str) -> list[str]:
    """Karin sends ``text``; what she got back."""
    h.request.clear()
    await h.send(COORDINATOR, text)
    return h.texts(COORDINATOR)


async def ask_for_astrid(h: Harness) -> None:
    """The whole conversation, with a wrong answer at each step."""
    assert await says(h, "📝 Be om hjälp åt någon") == [ASK_NAME]
    assert h.last(COORDINATOR).buttons() == NAV
    assert await says(h, "123") == [NOT_UNDERSTOOD, ASK_NAME]
    h.request.clear()
    await h.feed(h.updates.sticker(COORDINATOR))
    assert h.texts(COORDINATOR) == [
        "Jag kan bara läsa text här. Skriv gärna, eller tryck på en av knapparna.",
        ASK_NAME,
    ]
    assert await says(h, "Astrid") == [ASK_PHONE]
    assert await says(h, "ring mig") == [
        "Det ser inte ut som ett telefonnummer. Skriv till exempel 070-123 45 67.",
        ASK_PHONE,
    ]
    assert await says(h, "⬅️ Tillbaka") == [ASK_NAME]
    assert await says(h, "Astrid") == [ASK_PHONE]
    assert await says(h, "070-987 65 43") == [ASK_ADDRESS]
    assert await says(h, "3") == [NOT_UNDERSTOOD, ASK_ADDRESS]
    assert await says(h, "Kvarngatan 3") == [ASK_AREA]
    assert h.last(COORDINATOR).buttons() == ["Centrum", *NAV]
    assert await says(h, "Mars") == [NOT_UNDERSTOOD, ASK_AREA]
    assert await says(h, "Centrum") == [ASK_CATEGORY]
    assert await says(h, "Pizza") == [NOT_UNDERSTOOD, ASK_CATEGORY]
    assert await says(h, "🛒 Handla") == [ASK_WHEN]
    assert await says(h, "när solen skiner") == [
        "Jag förstod inte riktigt tiden. Tryck på en knapp, eller skriv till exempel "
        "«imorgon kl 10» eller «den 3 december».",
        ASK_WHEN,
    ]
    assert await says(h, "igår kl 10") == [
        "Den tiden har redan varit. Välj en tid framåt.",
        ASK_WHEN,
    ]
    assert await says(h, "imorgon kl 10") == [CONFIRM_TIME]
    assert await says(h, "kanske") == [NOT_UNDERSTOOD, CONFIRM_TIME]
    assert await says(h, "✅ Ja") == [ASK_DETAILS]
    assert await says(h, "x" * 1001) == [
        "Det var en lång text. Kan du göra den kortare, högst 1000 tecken?",
        ASK_DETAILS,
    ]
    assert await says(h, "Mjölk och kaffe") == [SUMMARY]
    assert h.last(COORDINATOR).buttons() == ["✅ Skicka", *NAV]
    assert await says(h, "hmm") == [NOT_UNDERSTOOD, SUMMARY]


async def test_the_whole_proxy_conversation_and_the_loop(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await ask_for_astrid(h)
    assert await says(h, "✅ Skicka") == [SENT]
    assert "📝 Be om hjälp åt någon" in h.last(COORDINATOR).buttons()

    async with h.uow() as uow:
        astrid = (
            await uow.session.execute(select(Person).where(Person.first_name == "Astrid"))
        ).scalar_one()
        karin = await uow.people.by_telegram_id(COORDINATOR)
        roles = await uow.people.roles(astrid.id)
    assert (astrid.telegram_id, astrid.phone, astrid.address) == (
        None,
        "070-987 65 43",
        "Kvarngatan 3",
    )
    assert roles == {"resident"}
    req = await the_request(h)
    assert (req.resident_id, req.created_by_id, req.status) == (astrid.id, karin.id, "open")
    assert req.details == "Mjölk och kaffe"

    card = h.last(VOLUNTEER)
    # The offer holds no free text; it goes with the address to the one who takes it.
    assert card.text == "Ny förfrågan i Centrum\n\nVad: Handla\nNär: måndag 23 november kl. 10.00"
    h.request.clear()
    await h.press(VOLUNTEER, claim_data(card))
    taken = h.last(VOLUNTEER).text
    assert "Namn: Astrid\nAdress: Kvarngatan 3\nTelefon: 070-987 65 43" in taken
    assert "Mer: Mjölk och kaffe" in taken
    # Karin hears what Astrid would have heard.
    assert h.texts(COORDINATOR) == [
        "Goda nyheter! Erik hjälper Astrid med handla, måndag 23 november kl. 10.00.\n"
        "Erik kanske ringer Astrid innan."
    ]
    done = h.last(VOLUNTEER).callback_data()["✅ Klart"]
    h.request.clear()
    await h.press(VOLUNTEER, done)
    assert h.texts(COORDINATOR) == [
        "Erik har markerat hjälpen till Astrid med handla som klar.\n\nHur gick det? Tryck på en."
    ]
    # Karin answers the follow-up in Astrid's place.
    await h.press(COORDINATOR, f"fu:good:{req.id}")
    assert h.last(COORDINATOR).text.startswith("Tack! Vill du säga något mer?")


async def test_cancel_and_a_second_request_for_the_same_person(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await ask_for_astrid(h)
    assert await says(h, "✖️ Avbryt") == [
        "Okej, jag har tagit bort förfrågan. Nu är du tillbaka i menyn."
    ]
    async with h.uow() as uow:
        assert (await uow.session.execute(select(HelpRequest))).first() is None
    for _ in range(2):
        await ask_for_astrid(h)
        await says(h, "✅ Skicka")
    async with h.uow() as uow:
        people = (
            (await uow.session.execute(select(Person).where(Person.first_name == "Astrid")))
            .scalars()
            .all()
        )
    assert len(people) == 1  # found again by name and phone


async def test_only_coordinators_ask_on_someones_behalf(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    h.request.clear()
    await h.send(VOLUNTEER, "/atnagon")
    assert h.texts(VOLUNTEER) == ["Vad vill du göra? Välj här nedanför."]


async def test_escalation_of_a_proxy_request_goes_to_the_coordinator_once(harness: Harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await ask_for_astrid(h)
    await says(h, "✅ Skicka")
    h.request.clear()
    await check(h, datetime(2026, 11, 23, 6, 30, tzinfo=TZ))
    assert len(alerts_to(h, COORDINATOR)) == 1
    assert len(h.texts(COORDINATOR)) == 1  # the alert is her warning; once is enough
    await check(h, datetime(2026, 11, 23, 10, 30, tzinfo=TZ))
    assert h.texts(COORDINATOR)[-1] == (
        "Tyvärr kunde ingen volontär ta din förfrågan: handla, måndag 23 november kl. 10.00. "
        "Den är nu stängd. Du är varmt välkommen att fråga igen."
    )
