"""Coordinators keep the list of meeting places in chat, as a Swedish coordinator sees it."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditEntry
from storage.place_models import Place
from tests.helpers import COORDINATOR, RESIDENT, coordinator_with_area, resident

NAV = ["⬅️ Tillbaka", "✖️ Avbryt"]
LIST_EMPTY = "Det finns inga mötesplatser än. Lägg till den första med «➕ Ny mötesplats»."
LIST = "Mötesplatser. Välj en för att se eller ändra den, eller lägg till en ny."
ASK_NAME = "Vad heter mötesplatsen? Skriv namnet."
ASK_ADDRESS = (
    "Vilken adress har den? Skriv den, eller tryck på «🌐 Bara online» om ni ses på nätet."
)
ASK_LINK = (
    "Finns det en länk, till exempel till ett videomöte eller en webbsida? Skriv den, "
    "eller tryck på «Hoppa över» om det inte finns någon."
)
ASK_LINK_ONLINE = "Skriv länken till mötet på nätet. Den börjar med https://"
BAD_LINK = (
    "Det ser inte ut som en länk. Den ska börja med https://, till exempel https://www.exempel.se"
)
NOT_UNDERSTOOD = (
    "Förlåt, det förstod jag inte. Tryck på en knapp här nedanför, eller skriv ditt svar."
)
PLEASE_TEXT = "Jag kan bara läsa text här. Skriv gärna, eller tryck på en av knapparna."
NOT_ALLOWED = "Tyvärr, det kan du inte göra."
CARD = (
    "📍 Träffpunkt Centrum\nOmråde: Centrum\nAdress: Storgatan 1\n"
    "Tillgänglighet: inte angivet\n\nInga aktiviteter än."
)


async def new_place(h, name="Träffpunkt Centrum", address="Storgatan 1", link="Hoppa över"):
    await h.send(COORDINATOR, "🗂 Mötesplatser")
    await h.press(COORDINATOR, "pa:new")
    await h.send(COORDINATOR, name)
    await h.send(COORDINATOR, "Centrum")
    await h.send(COORDINATOR, address)
    await h.send(COORDINATOR, link)


async def test_a_coordinator_adds_a_place_step_by_step(harness):
    h = harness
    await coordinator_with_area(h, "Centrum", "Norr")
    await h.send(COORDINATOR, "🗂 Mötesplatser")
    assert h.last(COORDINATOR).text == LIST_EMPTY
    assert h.last(COORDINATOR).buttons() == ["➕ Ny mötesplats", "✖️ Avbryt"]
    await h.press(COORDINATOR, "pa:new")
    assert h.last(COORDINATOR).text == ASK_NAME
    assert h.last(COORDINATOR).buttons() == NAV
    # A sticker and a very long text: a kind word and the same question.
    await h.feed(h.updates.sticker(COORDINATOR))
    assert h.texts(COORDINATOR)[-2:] == [PLEASE_TEXT, ASK_NAME]
    await h.send(COORDINATOR, "x" * 4000)
    assert h.texts(COORDINATOR)[-2] == (
        "Det var en lång text. Kan du göra den kortare, högst 120 tecken?"
    )
    await h.send(COORDINATOR, "Träffpunkt Centrum")
    assert h.last(COORDINATOR).text == "Vilket område ligger Träffpunkt Centrum i?"
    assert h.last(COORDINATOR).buttons() == ["Centrum", "Norr", *NAV]
    await h.send(COORDINATOR, "Söder")
    assert h.texts(COORDINATOR)[-2] == NOT_UNDERSTOOD
    await h.send(COORDINATOR, "⬅️ Tillbaka")
    assert h.last(COORDINATOR).text == ASK_NAME
    await h.send(COORDINATOR, "Träffpunkt Centrum")
    await h.send(COORDINATOR, "Centrum")
    assert h.last(COORDINATOR).text == ASK_ADDRESS
    assert h.last(COORDINATOR).buttons() == ["🌐 Bara online", *NAV]
    await h.send(COORDINATOR, "Storgatan 1")
    assert h.last(COORDINATOR).text == ASK_LINK
    assert h.last(COORDINATOR).buttons() == ["Hoppa över", *NAV]
    await h.send(COORDINATOR, "min hemsida")
    assert h.texts(COORDINATOR)[-2:] == [BAD_LINK, ASK_LINK]
    await h.send(COORDINATOR, "Hoppa över")
    assert h.texts(COORDINATOR)[-2:] == ["Klart! Träffpunkt Centrum är sparad.", CARD]
    assert h.last(COORDINATOR).buttons() == ["✏️ Ändra", "➕ Ny aktivitet", "⬅️ Tillbaka"]
    async with h.uow() as uow:
        place = (await uow.session.execute(select(Place))).scalar_one()
    assert place.key.startswith("chat-") and len(place.key) == 13
    assert (place.name, place.area_id, place.address, place.online_url) == (
        "Träffpunkt Centrum",
        1,
        "Storgatan 1",
        None,
    )


async def test_an_online_place_needs_a_link(harness):
    h = harness
    await coordinator_with_area(h)
    await new_place(h, name="Digitalt kafé", address="🌐 Bara online", link="Hoppa över")
    assert h.texts(COORDINATOR)[-2:] == [BAD_LINK, ASK_LINK_ONLINE]
    await h.send(COORDINATOR, "https://meet.example.se/kafe")
    assert h.texts(COORDINATOR)[-2] == "Klart! Digitalt kafé är sparad."
    assert "Bara online\nLänk: https://meet.example.se/kafe" in h.last(COORDINATOR).text


async def test_cancel_keeps_nothing(harness):
    h = harness
    await coordinator_with_area(h)
    await h.send(COORDINATOR, "/platser")
    await h.press(COORDINATOR, "pa:new")
    await h.send(COORDINATOR, "Halvfärdig")
    await h.send(COORDINATOR, "✖️ Avbryt")
    assert h.last(COORDINATOR).text == "Okej, jag har avbrutit. Nu är du tillbaka i menyn."
    async with h.uow() as uow:
        assert (await uow.session.execute(select(Place))).first() is None


async def test_change_a_field_and_tick_access(harness):
    h = harness
    await coordinator_with_area(h, "Centrum", "Norr")
    await new_place(h)
    place_id = 1
    await h.press(COORDINATOR, f"pa:edit:{place_id}")
    edit = h.last(COORDINATOR)
    assert edit.text == "Vad vill du ändra för Träffpunkt Centrum? Bockarna visar vad platsen har."
    assert edit.buttons() == [
        "Namn", "Adress", "Område", "Länk", "Resväg",
        "◻️ Hiss", "◻️ Rullstol", "◻️ Hörslinga", "◻️ Inga trappsteg", "⬅️ Tillbaka",
    ]  # fmt: skip
    await h.press(COORDINATOR, f"pa:toggle:{place_id}:0")
    edited = h.request.sent(COORDINATOR, "editMessageText")[-1]
    assert edited.buttons()[5] == "✅ Hiss"
    await h.press(COORDINATOR, f"pa:field:{place_id}:4")
    assert h.last(COORDINATOR).text == (
        "Hur tar man sig dit med buss eller tåg? Till exempel «Buss 4 till Torget». "
        "Skriv det, eller tryck på «Hoppa över»."
    )
    await h.send(COORDINATOR, "Buss 4 till Torget")
    assert h.texts(COORDINATOR)[-2] == "Klart, nu är det ändrat."
    assert h.last(COORDINATOR).text == (
        "📍 Träffpunkt Centrum\nOmråde: Centrum\nAdress: Storgatan 1\n"
        "Tillgänglighet: hiss\nResväg: Buss 4 till Torget\n\nInga aktiviteter än."
    )
    await h.press(COORDINATOR, f"pa:field:{place_id}:1")
    assert h.last(COORDINATOR).text == ASK_ADDRESS + "\nNu: Storgatan 1"
    await h.send(COORDINATOR, "🌐 Bara online")  # no link: it needs an address
    assert h.texts(COORDINATOR)[-2] == (
        "En mötesplats behöver en adress eller en länk. Skriv en av dem."
    )
    await h.send(COORDINATOR, "⬅️ Tillbaka")
    assert h.texts(COORDINATOR)[-2] == "Bra, då ändrar vi ingenting."
    await h.press(COORDINATOR, f"pa:field:{place_id}:2")
    await h.send(COORDINATOR, "Norr")
    async with h.uow() as uow:
        place = await uow.session.get(Place, place_id)
    assert (place.lift, place.transit_hint, place.area_id, place.address) == (
        True,
        "Buss 4 till Torget",
        2,
        "Storgatan 1",
    )


async def test_the_list_has_pages_of_eight(harness):
    h = harness
    await coordinator_with_area(h)
    async with h.uow() as uow:
        for n in range(10):
            uow.session.add(Place(key=f"p{n}", name=f"Plats {n:02d}", address="Gatan 1"))
    await h.send(COORDINATOR, "🗂 Mötesplatser")
    first = h.last(COORDINATOR)
    assert first.text == LIST
    assert first.buttons() == [
        *[f"Plats {n:02d}" for n in range(8)],
        "Fler ➡️",
        "➕ Ny mötesplats",
        "✖️ Avbryt",
    ]
    await h.press(COORDINATOR, first.callback_data()["Fler ➡️"])
    assert h.last(COORDINATOR).buttons() == [
        "Plats 08",
        "Plats 09",
        "⬅️ Tillbaka",
        "➕ Ny mötesplats",
        "✖️ Avbryt",
    ]
    await h.press(COORDINATOR, first.callback_data()["Plats 03"])
    assert h.last(COORDINATOR).text.startswith("📍 Plats 03\nAdress: Gatan 1")


async def test_residents_and_forged_buttons_are_refused_and_audited(harness):
    h = harness
    await coordinator_with_area(h)
    await resident(h)
    await new_place(h)
    await h.send(RESIDENT, "/platser")
    assert h.last(RESIDENT).text == NOT_ALLOWED
    for data in ("pa:place:1", "pa:edit:1", "pa:toggle:1:0", "pa:field:1:0", "pa:new"):
        await h.press(RESIDENT, data)
        assert h.alerts()[-1] == NOT_ALLOWED
    async with h.uow() as uow:
        place = await uow.session.get(Place, 1)
        refused = (
            (await uow.session.execute(select(AuditEntry).where(AuditEntry.allowed.is_(False))))
            .scalars()
            .all()
        )
    assert place.lift is False
    assert len(refused) == 6
    # In the middle of a step, a forged button with another id: a kind word, same step.
    await h.send(COORDINATOR, "/platser")
    await h.press(COORDINATOR, "pa:new")
    await h.press(COORDINATOR, "pa:place:99")
    assert h.alerts()[-1] == "Den knappen fungerar inte längre. Här är menyn."
    await h.send(COORDINATOR, "Nytt namn")
    assert h.last(COORDINATOR).text == "Vilket område ligger Nytt namn i?"
