"""Residents find a meeting place, read about it, sign up, cancel, and ask for company."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.place_import import import_text
from storage.models import HelpRequest
from storage.place_models import ActivityException, SignUp
from tests.conftest import NOW, TZ
from tests.helpers import RESIDENT, coordinator_with_area, places_csv, resident, volunteer

FIND = "☕ Hitta mötesplats"
WAYS = [
    "📍 Nära mig",
    "🏘 I mitt område",
    "📅 Idag",
    "🗓 Den här veckan",
    "🎨 Välj sort",
    "📌 Dit jag ska",
    "⬅️ Tillbaka",
    "✖️ Avbryt",
]
# Sunday 22 November 2026, noon: the fika is on Tuesdays, the book circle later today.
CAFE = dict(
    place_key="rk-cafe",
    place_name="Röda Korsets café",
    organisation="Röda Korset Ekbacka",
    organisation_kind="association",
    organisation_phone="0123-410 22 31",
    area="Centrum",
    address="Storgatan 12",
    lat="59.35318",
    lon="16.52411",
    wheelchair="ja",
    hearing_loop="ja",
    step_free="ja",
    transit_hint="Buss 3 till Torget",
    activity_key="rk-fika",
    title="Fika och samtal",
    description="Kaffe och en pratstund.",
    category="fika",
    start="2026-11-24 14:00",
    duration_minutes="120",
    rrule="FREQ=WEEKLY;BYDAY=TU",
    cost_sek="20",
    signup_required="nej",
)
BOOKS = dict(
    place_key="bibliotek",
    place_name="Ekbacka bibliotek",
    area="Centrum",
    address="Biblioteksgatan 2",
    lat="59.35207",
    lon="16.52596",
    lift="ja",
    activity_key="bokcirkel",
    title="Bokcirkel",
    category="study",
    start="2026-11-22 15:00",
    duration_minutes="90",
    signup_required="ja",
    capacity="1",
)
SONGS = dict(
    place_key="norrby-kyrka",
    place_name="Norrby kyrka",
    area="Norrby",
    address="Kyrkvägen 1",
    lat="59.40",
    lon="16.62",
    activity_key="sangstund",
    title="Sångstund",
    category="music",
    start="2026-11-26 10:00",
    rrule="FREQ=WEEKLY;BYDAY=TH",
)
ONLINE = dict(
    place_key="natcafe",
    place_name="Nätcaféet",
    area="Centrum",
    online_url="https://example.org/natcafe",
    activity_key="natprat",
    title="Prata på nätet",
    category="digital",
    start="2026-11-25 18:00",
    rrule="FREQ=WEEKLY;BYDAY=WE",
)


@pytest.fixture
async def town(harness):
    """A small town: two areas, four activities, one resident in Centrum."""
    await coordinator_with_area(harness, "Centrum", "Norrby")
    report = await import_text(harness.uow, places_csv(CAFE, BOOKS, SONGS, ONLINE), TZ, NOW)
    assert not report.errors
    await resident(harness)
    harness.request.clear()
    return harness


def _cards(h, chat_id=RESIDENT) -> list[str]:
    return [c.text for c in h.request.sent(chat_id) if c.buttons() == ["🔎 Läs mer"]]


def _data(h, label: str, chat_id=RESIDENT) -> str:
    for call in reversed(h.request.sent(chat_id)):
        found = call.callback_data().get(label)
        if found:
            return found
    raise AssertionError(f"no button {label!r}")


async def test_the_menu_button_offers_the_ways_to_search(town):
    h = town
    await h.send(RESIDENT, FIND)
    assert h.last(RESIDENT).text == "Vad vill du hitta? Välj ett sätt här nedanför."
    assert h.last(RESIDENT).buttons() == WAYS


async def test_near_me_lists_the_nearest_first_with_the_distance(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.feed(h.updates.location(RESIDENT, 59.3530, 16.5245))
    texts = h.texts(RESIDENT)
    assert "Det här händer nära dig:\nJag hittade 3 saker." in texts
    cards = _cards(h)
    assert cards[0] == (
        "☕ Fika och samtal\nRöda Korsets café · 50 m bort\n"
        "Nästa gång: tisdag 24 november kl. 14.00\n20 kr"
    )
    assert cards[1].startswith("📚 Bokcirkel\nEkbacka bibliotek · 150 m bort\n")
    assert cards[2].startswith("🎵 Sångstund\nNorrby kyrka · 7,5 km bort\n")
    # The online café has no place on a map, so "near me" leaves it out.
    assert not any("Prata på nätet" in c for c in cards)


async def test_a_location_in_the_ocean_finds_nothing_and_says_what_to_try(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.feed(h.updates.location(RESIDENT, 57.0, -30.0))
    assert h.last(RESIDENT).text == (
        "Jag hittar inga mötesplatser nära den platsen. "
        "Prova «🏘 I mitt område» eller «🗓 Den här veckan» i stället."
    )
    assert h.last(RESIDENT).buttons() == WAYS
    # Still searching: the next choice works at once.
    await h.send(RESIDENT, "🗓 Den här veckan")
    assert "Det här händer den här veckan:\nJag hittade 4 saker." in h.texts(RESIDENT)


async def test_a_photo_instead_of_a_location_is_explained(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.feed(h.updates.photo(RESIDENT))
    assert h.last(RESIDENT).text == (
        "Det där var ingen plats. Tryck på «📍 Nära mig», så skickar telefonen var du är."
    )
    await h.feed(h.updates.sticker(RESIDENT))
    assert "Det där var ingen plats." in h.last(RESIDENT).text
    # Typed "nära mig" (e.g. on a computer): told how, and can choose another way.
    await h.send(RESIDENT, "nära mig")
    assert h.last(RESIDENT).text.startswith("Jag fick ingen plats.")
    await h.send(RESIDENT, "🏘 I mitt område")
    assert "Det här händer i Centrum:\nJag hittade 3 saker." in h.texts(RESIDENT)


async def test_today_shows_only_what_is_left_today(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.send(RESIDENT, "📅 Idag")
    assert _cards(h) == [
        "📚 Bokcirkel\nEkbacka bibliotek\nNästa gång: söndag 22 november kl. 15.00\nGratis"
    ]


async def test_by_kind_and_back_and_cancel(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.send(RESIDENT, "🎨 Välj sort")
    assert h.last(RESIDENT).text == "Vilken sorts mötesplats vill du hitta?"
    assert h.last(RESIDENT).buttons()[:2] == ["☕ Fika och samtal", "🤸 Motion"]
    await h.send(RESIDENT, "banan")
    assert h.texts(RESIDENT)[-1] == "Vilken sorts mötesplats vill du hitta?"
    await h.send(RESIDENT, "⬅️ Tillbaka")
    assert h.last(RESIDENT).buttons() == WAYS
    await h.send(RESIDENT, "🎨 Välj sort")
    await h.send(RESIDENT, "💻 Digitalt")
    assert _cards(h) == [
        "💻 Prata på nätet\nNätcaféet · på nätet\nNästa gång: onsdag 25 november kl. 18.00\nGratis"
    ]
    await h.send(RESIDENT, "🤸 Motion")  # back on the ways: a kind is not a way
    await h.send(RESIDENT, "✖️ Avbryt")
    assert "☕ Hitta mötesplats" in h.last(RESIDENT).buttons()


async def test_more_shows_the_next_cards_and_then_says_that_was_all(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.send(RESIDENT, "🗓 Den här veckan")
    assert len(_cards(h)) == 3
    assert h.last(RESIDENT).text == "Du har sett 3 av 4."
    await h.press(RESIDENT, _data(h, "➡️ Visa fler"))
    assert len(_cards(h)) == 4
    assert _cards(h)[-1].startswith("🎵 Sångstund")
    await h.press(RESIDENT, "pl:more")
    assert h.last(RESIDENT).text == "Det var allt jag hittade."


async def test_detail_shows_dates_access_and_a_map_pin(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.send(RESIDENT, "🏘 I mitt område")
    card = next(c for c in h.request.sent(RESIDENT) if c.text.startswith("☕ Fika och samtal"))
    await h.press(RESIDENT, card.callback_data()["🔎 Läs mer"])
    detail = h.request.sent(RESIDENT)[-1]
    assert h.request.calls[-1].method == "sendVenue"  # the map pin comes after the text
    assert detail.text == "\n".join(
        [
            "☕ Fika och samtal",
            "Kaffe och en pratstund.",
            "",
            "📍 Var: Röda Korsets café, Storgatan 12 (Centrum)",
            "🚌 Så tar du dig dit: Buss 3 till Torget",
            "♿ Tillgänglighet: går bra med rullstol, inga trappsteg, hörslinga",
            "💰 Kostar: 20 kr",
            "📝 Kom när du vill – ingen anmälan behövs.",
            "👥 Ordnas av: Röda Korset Ekbacka, telefon 0123-410 22 31",
            "",
            "Tryck på en dag för att gå dit:",
        ]
    )
    assert detail.buttons() == [
        "tisdag 24 november kl. 14.00",
        "tisdag 1 december kl. 14.00",
        "tisdag 8 december kl. 14.00",
        "tisdag 15 december kl. 14.00",
        "⬅️ Tillbaka till listan",
    ]
    venue = h.request.sent(RESIDENT, "sendVenue")[-1]
    assert venue.params["title"] == "Röda Korsets café"
    assert venue.params["address"] == "Storgatan 12"
    assert float(venue.params["latitude"]) == pytest.approx(59.35318)


async def test_online_detail_gives_the_link(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.send(RESIDENT, "🎨 Välj sort")
    await h.send(RESIDENT, "💻 Digitalt")
    await h.press(RESIDENT, _data(h, "🔎 Läs mer"))
    assert h.last(RESIDENT).text == (
        "💻 Du är med på nätet via den här länken:\nhttps://example.org/natcafe"
    )
    assert not h.request.sent(RESIDENT, "sendVenue")


async def _open_books(h, user=RESIDENT, day="söndag 22 november kl. 15.00"):
    await h.send(user, FIND)
    await h.send(user, "📅 Idag")
    await h.press(user, _data(h, "🔎 Läs mer", user))
    await h.press(user, _data(h, day, user))


async def test_sign_up_calendar_and_cancel(town):
    h = town
    await _open_books(h)
    assert h.last(RESIDENT).text == (
        "Bokcirkel\nsöndag 22 november kl. 15.00\n\nDet finns 1 plats kvar.\nVad vill du göra?"
    )
    assert h.last(RESIDENT).buttons() == [
        "✅ Jag vill gå dit",
        "🤝 Jag vill ha sällskap dit",
        "⬅️ Tillbaka",
    ]
    await h.press(RESIDENT, _data(h, "✅ Jag vill gå dit"))
    assert h.last(RESIDENT).text == (
        "Klart! Du är anmäld till «Bokcirkel» söndag 22 november kl. 15.00.\n"
        "Jag påminner dig kvällen före kl. 18.00 och 2 timmar innan."
    )
    assert h.last(RESIDENT).buttons() == [
        "📅 Lägg in i kalendern",
        "🤝 Jag vill ha sällskap dit",
        "Jag kan inte komma",
        "⬅️ Tillbaka",
    ]
    await h.press(RESIDENT, _data(h, "📅 Lägg in i kalendern"))
    document = h.request.sent(RESIDENT, "sendDocument")[-1]
    assert document.params["caption"] == "Öppna filen, så hamnar tiden i din kalender."
    # Pressing twice never takes two seats.
    await h.press(RESIDENT, _data(h, "⬅️ Tillbaka").replace("show", "show"))
    await h.press(RESIDENT, _data(h, "söndag 22 november kl. 15.00 ✅ du är anmäld"))
    await h.press(RESIDENT, _data(h, "Jag kan inte komma"))
    assert h.last(RESIDENT).text == "Vill du avboka «Bokcirkel» söndag 22 november kl. 15.00?"
    assert h.last(RESIDENT).buttons() == ["Ja, avboka", "Nej, jag kommer"]
    await h.press(RESIDENT, _data(h, "Ja, avboka"))
    edits = h.request.sent(RESIDENT, "editMessageText")
    assert edits[-1].text == ("Nu är du avbokad. Tack för att du sa till – då kan någon annan gå.")
    async with h.uow() as uow:
        seats = (await uow.session.execute(select(SignUp))).scalars().all()
    assert [s.status for s in seats] == ["cancelled"]


async def test_full_date_puts_the_next_person_on_the_waiting_list_and_moves_them_up(town):
    h = town
    second = RESIDENT + 1
    await resident(h, second, name="Bertil")
    await _open_books(h)
    await h.press(RESIDENT, _data(h, "✅ Jag vill gå dit"))
    await _open_books(h, second, "söndag 22 november kl. 15.00 – fullt")
    assert h.last(second).text.endswith(
        "Det är fullt. Du kan ställa dig på väntelistan.\nVad vill du göra?"
    )
    assert h.last(second).buttons() == ["📝 Ställ mig på väntelistan", "⬅️ Tillbaka"]
    await h.press(second, _data(h, "📝 Ställ mig på väntelistan", second))
    assert h.last(second).text == (
        "«Bokcirkel» söndag 22 november kl. 15.00 är fullt just nu. Du står som nummer 1 "
        "på väntelistan. Jag säger till direkt om en plats blir ledig."
    )
    assert h.last(second).buttons() == ["Jag kan inte komma", "⬅️ Tillbaka"]
    await h.press(RESIDENT, _data(h, "Jag kan inte komma"))
    await h.press(RESIDENT, _data(h, "Ja, avboka"))
    assert h.last(second).text == (
        "Goda nyheter! En plats blev ledig. Nu är du anmäld till «Bokcirkel» "
        "söndag 22 november kl. 15.00.\n"
        "Jag påminner dig kvällen före kl. 18.00 och 2 timmar innan."
    )
    assert "📅 Lägg in i kalendern" in h.last(second).buttons()


async def test_company_creates_an_escort_request_linked_to_the_date(town):
    h = town
    await volunteer(h, 300, area_ids=(1,), skills=("escort",))
    await _open_books(h)
    await h.press(RESIDENT, _data(h, "🤝 Jag vill ha sällskap dit"))
    assert h.last(RESIDENT).text == (
        "Jag har frågat våra volontärer om någon kan följa med dig till «Bokcirkel» "
        "söndag 22 november kl. 15.00.\nDu får ett meddelande när någon har sagt ja."
    )
    offer = h.last(300)
    assert "Skjuts och följeslagare" in offer.text
    # An offer holds the kind of help, the area and the time; where to goes with the address.
    assert "Bokcirkel" not in offer.text and "Storgatan 5" not in offer.text
    async with h.uow() as uow:
        req = (await uow.session.execute(select(HelpRequest))).scalar_one()
        seat = (await uow.session.execute(select(SignUp))).scalar_one()
    assert (req.category, req.signup_id, seat.status) == ("escort", seat.id, "confirmed")
    # Asking again for the same date is answered, not doubled.
    await h.press(RESIDENT, _data(h, "🤝 Jag vill ha sällskap dit"))
    assert h.alerts()[-1] == (
        "Du har redan bett om sällskap till den här gången. "
        "Du ser den under «📋 Mina förfrågningar»."
    )
    # Cancelling the seat calls the company off as well.
    await h.press(RESIDENT, _data(h, "Jag kan inte komma"))
    await h.press(RESIDENT, _data(h, "Ja, avboka"))
    assert h.request.sent(RESIDENT, "editMessageText")[-1].text.endswith(
        "Jag har också tagit bort din förfrågan om sällskap."
    )
    async with h.uow() as uow:
        req = (await uow.session.execute(select(HelpRequest))).scalar_one()
    assert req.status == "cancelled"


async def test_forged_and_stale_buttons_get_a_kind_answer(town):
    h = town
    await h.press(RESIDENT, "pl:show:999")
    await h.press(RESIDENT, "pl:go:1:1")  # a date that is not one of its dates
    await h.press(RESIDENT, "pl:more")  # no search yet
    alerts = h.alerts()
    assert len(alerts) == 3 and all(alerts)
    async with h.uow() as uow:
        assert not (await uow.session.execute(select(SignUp))).scalars().all()


async def test_someone_who_has_not_joined_is_asked_to_start(harness):
    h = harness
    await h.send(555, FIND)
    await h.press(555, "pl:show:1")
    assert h.alerts()


async def test_where_i_am_going_lists_my_dates_and_leads_to_cancel(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.send(RESIDENT, "📌 Dit jag ska")
    assert h.last(RESIDENT).text == "Du är inte anmäld till något just nu."
    await _open_books(h)
    await h.press(RESIDENT, _data(h, "✅ Jag vill gå dit"))
    await h.send(RESIDENT, "📌 Dit jag ska")
    assert h.last(RESIDENT).text == "Hit ska du. Tryck på en för att se den eller avboka:"
    assert h.last(RESIDENT).buttons() == ["Bokcirkel – söndag 22 november kl. 15.00"]
    await h.press(RESIDENT, _data(h, "Bokcirkel – söndag 22 november kl. 15.00"))
    assert "Du är anmäld. 💛" in h.last(RESIDENT).text
    assert "Jag kan inte komma" in h.last(RESIDENT).buttons()


async def test_a_cancelled_date_is_not_offered_and_its_old_button_says_so(town):
    h = town
    await h.send(RESIDENT, FIND)
    await h.send(RESIDENT, "📅 Idag")
    await h.press(RESIDENT, _data(h, "🔎 Läs mer"))
    old = _data(h, "söndag 22 november kl. 15.00")
    async with h.uow() as uow:
        books = await uow.catalogue.activity("bokcirkel")
        uow.session.add(ActivityException(activity_id=books.id, occurs_at=NOW.replace(hour=15)))
    await h.press(RESIDENT, old)
    await h.press(RESIDENT, old.replace("dates", "go"))
    assert (
        h.alerts()[-2:]
        == [
            "Den tiden går inte att välja längre: den är inställd eller har redan varit. "
            "Tryck på «🔎 Läs mer» igen för att se tiderna framåt."
        ]
        * 2
    )
    async with h.uow() as uow:
        assert not (await uow.session.execute(select(SignUp))).scalars().all()
    await h.send(RESIDENT, "📅 Idag")
    assert h.last(RESIDENT).text == "Idag händer inget mer. Prova «🗓 Den här veckan»."
