"""Menus and commands: /mina, /paus, /hjalp, strangers, stray text and old buttons."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import build_application
from storage.models import HelpRequest
from tests.conftest import NOW, Harness
from tests.fakes import RecordingRequest
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

STRANGER = 555
START_FIRST = "Hej! Skriv /start för att börja."
NOT_UNDERSTOOD = "Förlåt, det förstod jag inte. Välj gärna i menyn här nedanför."
STALE = "Den knappen fungerar inte längre"
RESIDENT_MENU = ["🙋 Be om hjälp", "☕ Hitta mötesplats", "📋 Mina förfrågningar", "❓ Hjälp"]
PAUSE, RESUME = "⏸ Pausa uppdrag", "▶️ Starta uppdrag igen"
# Last under «Mina förfrågningar» / «Mina uppdrag»: «⚠️ Något kändes fel» (test_safety_reports).
REPORT_OFFER = "Har något känts fel? Då kan du säga till här. Det går direkt till en samordnare."


async def ask(
    h: Harness, category: str, when: str = "imorgon kl 10", details: str | None = None
) -> int:
    """Anna asks for help of a kind; returns the new request's id."""
    await h.send(RESIDENT, "🙋 Be om hjälp")
    await h.send(RESIDENT, category)
    await h.send(RESIDENT, when)
    await h.send(RESIDENT, "✅ Ja")
    await h.send(RESIDENT, details or "Hoppa över")
    await h.send(RESIDENT, "✅ Skicka")
    assert h.last(RESIDENT).text.startswith("Tack!"), h.last(RESIDENT).text
    async with h.uow() as uow:
        return (
            (await uow.session.execute(select(HelpRequest.id).order_by(HelpRequest.id.desc())))
            .scalars()
            .first()
        )


def with_buttons(h: Harness, chat_id: int) -> list[Any]:
    """The messages with inline buttons, but the «Något kändes fel» offer at the end."""
    found = [c for c in h.request.sent(chat_id) if c.callback_data()]
    assert found and found[-1].callback_data() == {"⚠️ Något kändes fel": "sr:new"}
    return found[:-1]


def before_offer(h: Harness, chat_id: int) -> Any:
    """The last message before the «Något kändes fel» offer that ends a list."""
    *_, list_end, offer = h.request.sent(chat_id)
    assert offer.text == REPORT_OFFER
    return list_end


# --- /mina -----------------------------------------------------------------------------------


async def test_mina_for_a_resident_lists_states_in_swedish(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik", skills=("shopping", "pharmacy", "company"))
    await resident(h)

    h.request.clear()
    await h.send(RESIDENT, "/mina")
    assert before_offer(h, RESIDENT).text == (
        "Du har inga förfrågningar än. Tryck på «Be om hjälp» för att göra en."
    )
    assert before_offer(h, RESIDENT).buttons() == RESIDENT_MENU

    done = await ask(h, "🛒 Handla")
    await h.press(VOLUNTEER, f"task:claim:{done}")
    await h.press(VOLUNTEER, f"task:done:{done}")
    cancelled = await ask(h, "💊 Apotek", "torsdag förmiddag")
    await h.press(RESIDENT, f"req:cancelyes:{cancelled}")
    claimed = await ask(h, "🚶 Promenad och sällskap", "på torsdag kl 14.30")
    await h.press(VOLUNTEER, f"task:claim:{claimed}")
    waiting = await ask(h, "💬 Annat", "3 december kl 14")

    h.request.clear()
    await h.send(RESIDENT, "/mina")
    sent = h.request.sent(RESIDENT)
    summary = sent[0]
    assert summary.text.splitlines()[0] == "Du har 4 förfrågningar:"
    body = summary.text
    assert "• Handla, måndag 23 november kl. 10.00 – klar" in body
    assert "• Apotek, torsdag 26 november, förmiddag – avbokad" in body
    assert "• Promenad och sällskap, torsdag 26 november kl. 14.30 – en volontär kommer" in body
    assert "• Annat, torsdag 3 december kl. 14.00 – väntar på en volontär" in body
    assert summary.buttons() == RESIDENT_MENU
    for english in ("waiting", "done", "cancelled", "volunteer is coming", "Shopping"):
        assert english not in body

    # One message with buttons per request that is still open or taken, none for the rest.
    lines = with_buttons(h, RESIDENT)
    assert len(lines) == 2
    for line in lines:
        assert line.buttons() == ["🔎 Visa", "✖️ Avboka"]
    ids = {line.callback_data()["🔎 Visa"] for line in lines}
    assert ids == {f"req:show:{waiting}", f"req:show:{claimed}"}

    # «📋 Mina förfrågningar» does the same as /mina.
    h.request.clear()
    await h.send(RESIDENT, "📋 Mina förfrågningar")
    assert h.request.sent(RESIDENT)[0].text == summary.text

    # «🔎 Visa» shows who is coming, and no address (it is her own).
    h.request.clear()
    await h.press(RESIDENT, f"req:show:{claimed}")
    detail = h.last(RESIDENT).text
    assert "Vad: Promenad och sällskap" in detail
    assert "Läge: en volontär kommer" in detail and "Volontär: Erik" in detail
    assert "Storgatan" not in detail


async def test_mina_for_a_volunteer_lists_held_tasks(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)

    h.request.clear()
    await h.send(VOLUNTEER, "/mina")
    assert before_offer(h, VOLUNTEER).text == (
        "Du har inga uppdrag just nu. Nya uppdrag kommer hit som meddelanden."
    )
    assert before_offer(h, VOLUNTEER).buttons() == ["📋 Mina uppdrag", PAUSE, "❓ Hjälp"]

    await ask_for_shopping(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    await ask_for_shopping(h, details="Kaffe")  # open, not Erik's: not listed for him

    h.request.clear()
    await h.send(VOLUNTEER, "📋 Mina uppdrag")
    sent = h.request.sent(VOLUNTEER)
    assert sent[0].text == (
        "Du har 1 uppdrag:\n\n• Handla, måndag 23 november kl. 10.00 – en volontär kommer"
    )
    tasks = with_buttons(h, VOLUNTEER)
    assert len(tasks) == 1 and tasks[0].buttons() == ["🔎 Visa"]
    assert "Storgatan" not in " ".join(c.text for c in sent)  # the list shows no address

    h.request.clear()
    await h.press(VOLUNTEER, tasks[0].callback_data()["🔎 Visa"])
    shown = h.last(VOLUNTEER)
    assert "Adress: Storgatan 5" in shown.text and "Namn: Anna" in shown.text
    assert shown.buttons() == ["✅ Klart", "↩️ Lämna tillbaka"]

    # Sara holds nothing.
    h.request.clear()
    await h.send(VOLUNTEER2, "/mina")
    assert before_offer(h, VOLUNTEER2).text.startswith("Du har inga uppdrag just nu.")
    assert with_buttons(h, VOLUNTEER2) == []


async def test_mina_before_start(harness: Harness) -> None:
    await harness.send(STRANGER, "/mina")
    assert harness.texts(STRANGER) == [START_FIRST]


# --- /paus -----------------------------------------------------------------------------------


async def test_pause_toggles_and_the_menu_button_changes(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    await h.send(VOLUNTEER, "/start")
    assert PAUSE in h.last(VOLUNTEER).buttons()

    await h.send(VOLUNTEER, "/paus")
    paused = h.last(VOLUNTEER)
    assert paused.text.startswith("Du har pausat och får inga nya uppdrag.")
    assert RESUME in paused.buttons() and PAUSE not in paused.buttons()

    h.request.clear()
    await ask_for_shopping(h)
    assert h.request.sent(VOLUNTEER) == []  # paused: no task
    assert h.last(RESIDENT).text.startswith("Tack! Din förfrågan är sparad.")

    await h.send(VOLUNTEER, RESUME)  # the button works as well as /paus
    back = h.last(VOLUNTEER)
    assert back.text == "Välkommen tillbaka! Nu får du nya uppdrag igen."
    assert PAUSE in back.buttons() and RESUME not in back.buttons()

    await h.send(VOLUNTEER, PAUSE)
    assert h.last(VOLUNTEER).text.startswith("Du har pausat")
    await h.send(VOLUNTEER, "/paus")
    assert h.last(VOLUNTEER).text.startswith("Välkommen tillbaka!")

    h.request.clear()
    await ask_for_shopping(h, details="Kaffe")
    assert len(h.request.sent(VOLUNTEER)) == 1


async def test_pause_is_only_for_volunteers(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await h.send(RESIDENT, "/paus")
    assert h.last(RESIDENT).text == "Bara volontärer kan pausa. Skriv /start för att se din meny."
    await h.send(STRANGER, "/paus")
    assert h.last(STRANGER).text in (
        START_FIRST,
        "Bara volontärer kan pausa. Skriv /start för att se din meny.",
    )


async def test_approval_brings_the_menu_with_the_pause_button(harness: Harness) -> None:
    """Erik's keyboard was made while he waited; the approval should bring the new one."""
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    approved = h.last(VOLUNTEER)
    assert approved.text.startswith("Välkommen som volontär, Erik!")
    assert PAUSE in approved.buttons()


async def test_a_volunteer_waiting_for_approval_has_no_pause_button(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Olle", approve=False)
    menu = h.last(VOLUNTEER).buttons()
    assert PAUSE not in menu and RESUME not in menu
    assert "📋 Mina uppdrag" in menu


# --- /hjalp ----------------------------------------------------------------------------------


async def test_help_is_plain_swedish_with_112_and_1177(harness: Harness) -> None:
    h = harness
    await h.send(STRANGER, "/hjalp")
    text = h.last(STRANGER).text
    assert text.startswith("Hjälpsam hjälper dig att få kontakt med volontärer.")
    assert "Ring 112 om det är fara" in text and "Ring 1177 för råd om vård" in text
    assert "inte för nödsituationer" in text
    assert "/mina" in text and "/avbryt" in text
    assert "«☕ Hitta mötesplats» visar kaféer, motionsgrupper, studiecirklar" in text
    for english in ("Press", "volunteer", "the ", "call", "help"):
        assert english not in text

    await coordinator_with_area(h, "Centrum")
    await resident(h)
    for command in ("/hjalp", "/help", "❓ Hjälp"):
        h.request.clear()
        await h.send(RESIDENT, command)
        assert h.last(RESIDENT).text == text
        assert h.last(RESIDENT).buttons() == RESIDENT_MENU


# --- Strangers and stray messages ------------------------------------------------------------


async def test_someone_who_never_started_is_asked_to_write_start(harness: Harness) -> None:
    h = harness
    await h.send(STRANGER, "Hej, kan någon hjälpa mig?")
    assert h.texts(STRANGER) == [START_FIRST]

    h.request.clear()
    await h.feed(h.updates.sticker(STRANGER))
    assert h.texts(STRANGER) == [START_FIRST]

    h.request.clear()
    await h.feed(h.updates.photo(STRANGER))
    assert h.texts(STRANGER) == [START_FIRST]

    for command in ("/mina", "/okant", "/vantande"):
        h.request.clear()
        await h.send(STRANGER, command)
        assert h.last(STRANGER).text in (START_FIRST, "Tyvärr, det kan du inte göra."), command
    h.request.clear()
    await h.send(STRANGER, "/okant")
    assert h.texts(STRANGER) == [START_FIRST]

    h.request.clear()
    await h.feed(h.updates.voice(STRANGER))
    assert h.texts(STRANGER)[-1] == START_FIRST

    h.request.clear()
    await h.send(STRANGER, "🙋 Be om hjälp")  # a menu label typed before /start
    assert h.texts(STRANGER) == [START_FIRST]


async def test_stray_text_and_stickers_after_onboarding_get_the_menu(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await volunteer(h, VOLUNTEER, "Erik")

    h.request.clear()
    await h.send(RESIDENT, "Hej hej, vad gör jag nu?")
    assert h.texts(RESIDENT) == [NOT_UNDERSTOOD]
    assert h.last(RESIDENT).buttons() == RESIDENT_MENU

    h.request.clear()
    await h.feed(h.updates.sticker(RESIDENT))
    assert h.texts(RESIDENT) == [NOT_UNDERSTOOD]
    assert h.last(RESIDENT).buttons() == RESIDENT_MENU

    h.request.clear()
    await h.send(RESIDENT, "/okant")
    assert h.texts(RESIDENT) == [NOT_UNDERSTOOD]

    h.request.clear()
    await h.feed(h.updates.voice(RESIDENT))
    assert h.texts(RESIDENT)[0] == "Jag kan inte lyssna just nu – skriv gärna i stället."

    h.request.clear()
    await h.send(VOLUNTEER, "tjena")
    assert h.texts(VOLUNTEER) == [NOT_UNDERSTOOD]
    assert h.last(VOLUNTEER).buttons() == ["📋 Mina uppdrag", PAUSE, "❓ Hjälp"]

    h.request.clear()
    await h.send(COORDINATOR, "hallå")
    assert h.texts(COORDINATOR) == [NOT_UNDERSTOOD]
    assert "🧾 Volontärer som väntar" in h.last(COORDINATOR).buttons()


async def test_start_again_after_onboarding_shows_the_menu(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    h.request.clear()
    await h.send(RESIDENT, "/start")
    assert h.texts(RESIDENT) == ["Vad vill du göra? Välj här nedanför."]
    assert h.last(RESIDENT).buttons() == RESIDENT_MENU


async def test_group_chatter_is_ignored(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    h.request.clear()
    await h.feed(h.updates.message(VOLUNTEER, "Hej allihop!", chat_id=-100))
    await h.feed(h.updates.message(COORDINATOR, "Någon som kan i morgon?", chat_id=-100))
    assert h.request.calls == []


# --- Old buttons -----------------------------------------------------------------------------


async def test_an_old_button_after_a_restart(harness: Harness, settings: Any, caplog: Any) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await h.app.stop()

    request = RecordingRequest()
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: NOW
    async with app:
        await app.start()
        restarted = Harness(app, request)
        restarted.updates = h.updates
        for data in ("menu:old", "lang:sv", "ob:area:1", "ob:done", "task:take:1"):
            request.clear()
            await restarted.press(RESIDENT, data)
            alerts = restarted.alerts()
            assert len(alerts) == 1 and alerts[0].startswith(STALE), (data, alerts)
            assert not [c for c in request.calls if "Något gick fel" in c.text]
        # The person is still known after the restart.
        await restarted.send(RESIDENT, "/start")
        assert restarted.last(RESIDENT).buttons() == RESIDENT_MENU
        await app.stop()
    await app.bot_data.engine.dispose()
    await h.app.start()  # for the fixture's teardown
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("data", ["menu:old", "ob:area:1", ""])
async def test_an_unknown_button_shows_the_menu_as_it_says(harness: Harness, data: str) -> None:
    """An old button gets «Den knappen fungerar inte längre». If the answer goes on to say
    «Här är menyn.» ("Here is the menu."), the menu must come too."""
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    h.request.clear()
    await h.press(RESIDENT, data)
    alerts = h.alerts()
    assert len(alerts) == 1 and alerts[0].startswith("Den knappen fungerar inte längre")
    if "Här är menyn" in alerts[0]:
        assert h.request.sent(RESIDENT), "the alert promises the menu, but none was sent"
        assert h.last(RESIDENT).buttons() == RESIDENT_MENU
