"""/minadata gives a person their data; /radera erases it and nothing of them is left."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from bot.services import signups
from storage.models import Base, HelpRequest
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    VOLUNTEER,
    claim_data,
    coordinator_with_area,
    places_csv,
    resident,
    volunteer,
)

ANNIKA = 777_001
IDENTIFIERS = ("777001", "Annika", "Lönnvägen 17", "070-555 12 34", "Ring på dörren två gånger")


async def _annika(h) -> None:
    for step in (
        "/start",
        "Svenska",
        "🙋 Jag vill ha hjälp",
        "Annika",
        "Centrum",
        "Lönnvägen 17",
        "070-555 12 34",
        "✅ Ja, det är okej",
        "🙋 Be om hjälp",
        "🛒 Handla",
        "imorgon kl 10",
        "✅ Ja",
        "Ring på dörren två gånger",
        "✅ Skicka",
    ):
        await h.send(ANNIKA, step)


async def test_my_data_is_a_file_and_a_short_summary(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await _annika(h)
    await h.send(ANNIKA, "/minadata")
    document = h.request.sent(ANNIKA, "sendDocument")[-1]
    assert document.params["caption"] == "Här är allt jag har sparat om dig, som en fil."
    assert h.last(ANNIKA).text == (
        "Kort sagt har jag sparat:\nNamn: Annika\nOmråde: Centrum\nAdress: Lönnvägen 17\n"
        "Telefon: 070-555 12 34\n1 förfrågan om hjälp\n0 anmälningar till mötesplatser\n\n"
        "Skriv /radera om du vill att jag raderar allt."
    )


async def test_erase_asks_once_and_no_keeps_everything(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await _annika(h)
    await h.send(ANNIKA, "/radera")
    assert h.last(ANNIKA).text.startswith("Vill du att jag raderar allt jag vet om dig?")
    assert h.last(ANNIKA).buttons() == ["Ja, radera allt", "Nej, behåll allt"]
    await h.press(ANNIKA, "me:keep")
    async with h.uow() as uow:
        assert (await uow.people.by_telegram_id(ANNIKA)).first_name == "Annika"


async def test_erase_leaves_nothing_and_tells_those_affected(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h)
    await _annika(h)
    await h.press(VOLUNTEER, claim_data(h.request.sent(VOLUNTEER)[-1]))
    # Annika also has the last seat of a book circle, and Anna waits for it.
    from bot.services.place_import import import_text

    row = dict(
        place_key="bibliotek",
        place_name="Ekbacka bibliotek",
        area="Centrum",
        activity_key="bok",
        title="Bokcirkel",
        category="study",
        start="2026-11-24 15:00",
        signup_required="ja",
        capacity="1",
    )
    await import_text(h.uow, places_csv(row), TZ, NOW)
    await resident(h)
    tuesday = NOW.replace(day=24, hour=15)
    async with h.uow() as uow:
        await signups.sign_up(uow, ANNIKA, 1, tuesday, NOW, TZ)
    async with h.uow() as uow:
        await signups.sign_up(uow, 100, 1, tuesday, NOW, TZ)
    await h.send(ANNIKA, "/minadata")  # leaves an audit line with her id, which must go too

    await h.send(ANNIKA, "/radera")
    await h.press(ANNIKA, "me:erase")
    assert h.request.sent(ANNIKA, "editMessageText")[-1].text == (
        "Klart. Allt om dig är raderat. Tack för den här tiden! 💛"
    )
    assert h.last(ANNIKA).text == "Om du vill börja igen skriver du /start."
    assert h.last(VOLUNTEER).text.startswith("Annika har avbokat")
    assert h.last(100).text.startswith("Goda nyheter! En plats blev ledig.")
    async with h.uow() as uow:
        req = (await uow.session.execute(select(HelpRequest))).scalar_one()
        assert (req.status, req.details) == ("cancelled", None)
        # A scan of every table finds none of her identifiers.
        for table in Base.metadata.sorted_tables:
            rows = (await uow.session.execute(text(f"SELECT * FROM {table.name}"))).all()
            dump = json.dumps([[str(v) for v in r] for r in rows], ensure_ascii=False)
            for identifier in IDENTIFIERS:
                assert identifier not in dump, (table.name, identifier)
    # She is a stranger now.
    await h.send(ANNIKA, "/minadata")
    assert h.last(ANNIKA).text == "Hej! Skriv /start för att börja."


async def test_erasing_in_the_middle_of_a_flow_ends_it_quietly(harness):
    """Found by the fuzz test: a coordinator half-way through «Be om hjälp åt någon» erased
    their data; the flow went on without its answers and broke at the next message."""
    h = harness
    await coordinator_with_area(h, "Centrum")
    await h.send(COORDINATOR, "/atnagon")
    await h.send(COORDINATOR, "Astrid")
    assert h.last(COORDINATOR).text.startswith("Vilket telefonnummer har Astrid?")
    await h.send(COORDINATOR, "/radera")
    await h.press(COORDINATOR, "me:erase")
    h.request.clear()
    await h.feed(h.updates.location(COORDINATOR, 59.3, 18.0))
    await h.send(COORDINATOR, "070-111 22 33")
    assert h.texts(COORDINATOR)[-1] == "Hej! Skriv /start för att börja."
    assert "Något gick fel hos oss" not in " ".join(h.texts(COORDINATOR))


async def test_integritet_tells_who_sees_what_and_who_answers_for_it(harness):
    h = harness
    h.data.settings.controller_contact = "dataskydd@kommunen.se"
    for command in ("/integritet", "/privacy"):
        await h.send(555, command)
        text = h.last(555).text
        assert text.startswith("🔒 Så tar Hjälpsam hand om dina uppgifter")
        assert text.endswith(
            "Kommunen ansvarar för dina uppgifter. Du når dem på dataskydd@kommunen.se."
        )
        assert "bara för den volontär" not in text
