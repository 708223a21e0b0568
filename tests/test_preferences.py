"""/installningar: read aloud, reminders and language on one screen; replies read aloud.

Flow tests through the real Application: the exact buttons a person sees, what is stored, and
which chats get a voice note after a text (only the reader's own, during their own update).
"""

from __future__ import annotations

import importlib.util
import json
import shutil

import pytest

from bot.telegram.announce import announce
from bot.voice import tts
from tests.conftest import Harness
from tests.helpers import (
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    claim_data,
    coordinator_with_area,
    resident,
    swedish,
    volunteer,
)

HAS_ENGINE = shutil.which("espeak-ng") is not None and importlib.util.find_spec("av") is not None
needs_engine = pytest.mark.skipif(not HAS_ENGINE, reason="needs espeak-ng and PyAV (av)")

SCREEN = "⚙️ Dina inställningar\n\nTryck på en knapp för att ändra den."
BUTTONS = {
    "🔊 Läs upp svaren: av": "set:read:on",
    "🔔 Påminnelser: på": "set:rem:off",
    "🌐 Språk / Language: Svenska": "set:lang:en",
    "⬅️ Till menyn": "set:menu",
}
READING_ON = (
    "Bra! Nu läser jag också upp mina svar, som röstmeddelanden. Texten kommer som vanligt."
)
NOT_AVAILABLE = "Tyvärr kan jag inte läsa upp svaren här. Inställningen är fortfarande av."
STALE = "Den knappen fungerar inte längre. Här är menyn."
RESIDENT_MENU = ["🙋 Be om hjälp", "☕ Hitta mötesplats", "📋 Mina förfrågningar", "❓ Hjälp"]


async def anna(h: Harness) -> None:
    """A coordinator sets up Centrum; Anna (resident 100) signs up in Swedish."""
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    h.request.clear()


async def stored(h: Harness, telegram_id: int = RESIDENT):
    async with h.uow() as uow:
        return await uow.people.by_telegram_id(telegram_id)


def edits(h: Harness, chat_id: int = RESIDENT):
    return h.request.sent(chat_id, "editMessageText")


def voices(h: Harness, chat_id: int | None = None):
    return h.request.sent(chat_id, "sendVoice")


async def test_the_screen_shows_one_big_button_per_setting(harness: Harness) -> None:
    h = harness
    await anna(h)
    for command in ("/installningar", "/settings"):
        await h.send(RESIDENT, command)
        assert h.last(RESIDENT).text == SCREEN
        assert h.last(RESIDENT).callback_data() == BUTTONS
    await h.send(555, "/installningar")
    assert h.last(555).text == "Hej! Skriv /start för att börja."


async def test_the_command_is_listed_and_mentioned_in_the_help(harness: Harness) -> None:
    h = harness
    await announce(h.app)
    for call in h.request.calls:
        if call.method == "setMyCommands":
            raw = call.params["commands"]
            items = json.loads(raw) if isinstance(raw, str) else raw
            names = {c["command"]: c["description"] for c in items}
            assert "installningar" in names
    await h.send(555, "/hjalp")
    assert "/installningar kan du få svaren upplästa" in h.last(555).text


async def test_reminders_are_turned_off_and_on_from_the_screen(harness: Harness) -> None:
    h = harness
    await anna(h)
    await h.send(RESIDENT, "/installningar")
    await h.press(RESIDENT, "set:rem:off")
    assert (await stored(h)).reminders_off
    assert edits(h)[-1].callback_data()["🔔 Påminnelser: av"] == "set:rem:on"
    assert h.last(RESIDENT).text == (
        "Okej, du får inga fler påminnelser om mötesplatser. Du kan slå på dem igen när du vill."
    )
    await h.press(RESIDENT, "set:rem:on")
    assert not (await stored(h)).reminders_off
    assert edits(h)[-1].callback_data() == BUTTONS


async def test_switching_language_redraws_the_screen_in_english(harness: Harness) -> None:
    h = harness
    await anna(h)
    await h.send(RESIDENT, "/installningar")
    await h.press(RESIDENT, "set:lang:en")
    assert (await stored(h)).locale == "en"
    screen = edits(h)[-1]
    assert screen.text == "⚙️ Your settings\n\nPress a button to change it."
    assert screen.callback_data() == {
        "🔊 Read replies aloud: off": "set:read:on",
        "🔔 Reminders: on": "set:rem:off",
        "🌐 Language / Språk: English": "set:lang:sv",
        "⬅️ To the menu": "set:menu",
    }
    # The big menu buttons come again, in English, so that they keep working.
    assert h.last(RESIDENT).text == "All right, I will write in English from now on."
    assert h.last(RESIDENT).buttons()[0] == "🙋 Ask for help"
    await h.send(RESIDENT, "🙋 Ask for help")
    assert h.last(RESIDENT).text not in swedish()  # the conversation goes on in English
    await h.press(RESIDENT, "set:lang:sv")
    assert (await stored(h)).locale == "sv"
    assert h.last(RESIDENT).text == "Okej, nu skriver jag på svenska."


async def test_the_way_out_goes_back_to_the_menu(harness: Harness) -> None:
    h = harness
    await anna(h)
    await h.send(RESIDENT, "/installningar")
    await h.press(RESIDENT, "set:menu")
    assert h.request.sent(RESIDENT, "editMessageReplyMarkup")
    assert h.last(RESIDENT).buttons() == RESIDENT_MENU


async def test_forged_settings_buttons_are_answered_kindly(harness: Harness) -> None:
    h = harness
    await anna(h)
    for data in ("set:lang:de", "set:read:yes", "set:read", "set:menu:now", "set:loud:on"):
        h.request.clear()
        await h.press(RESIDENT, data)
        assert h.alerts() == [STALE], data
        assert h.last(RESIDENT).buttons() == RESIDENT_MENU
    person = await stored(h)
    assert (person.read_aloud, person.reminders_off, person.locale) == (False, False, "sv")
    # A stranger's press changes nothing either.
    h.request.clear()
    await h.press(555, "set:read:on")
    assert h.alerts() == ["Hej! Skriv /start för att börja."]


async def test_without_a_speech_engine_the_switch_explains_and_stays_off(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    h = harness
    await anna(h)
    await h.send(RESIDENT, "/installningar")
    await h.press(RESIDENT, "set:read:on")
    assert h.alerts() == [NOT_AVAILABLE]
    assert not (await stored(h)).read_aloud
    assert not edits(h)
    await h.send(RESIDENT, "/installningar")
    assert h.last(RESIDENT).callback_data() == BUTTONS
    await h.data.read_aloud.wait()
    assert not voices(h)


async def test_with_reading_aloud_off_no_voice_notes(harness: Harness) -> None:
    h = harness
    await anna(h)
    await h.send(RESIDENT, "/installningar")
    await h.send(RESIDENT, "🙋 Be om hjälp")
    await h.send(RESIDENT, "🛒 Handla")
    await h.data.read_aloud.wait()
    assert len(h.texts(RESIDENT)) >= 3
    assert not voices(h)


@needs_engine
async def test_turning_it_on_reads_each_reply_aloud_after_its_text(harness: Harness) -> None:
    h = harness
    await anna(h)
    spoken: list[tuple[str, str]] = []
    speaker = h.data.read_aloud.speaker
    speak = speaker.speak

    async def spy(text: str, locale: str) -> bytes:
        spoken.append((text, locale))
        return await speak(text, locale)

    speaker.speak = spy
    await h.send(RESIDENT, "/installningar")
    await h.press(RESIDENT, "set:read:on")
    assert (await stored(h)).read_aloud
    assert edits(h)[-1].callback_data()["🔊 Läs upp svaren: på"] == "set:read:off"
    # The confirmation is the first reply read aloud.
    assert h.last(RESIDENT).text == READING_ON
    await h.data.read_aloud.wait()
    assert spoken == [(READING_ON, "sv")]
    assert len(voices(h, RESIDENT)) == 1

    # A conversation step: its question comes as text, then as a voice note, in that order.
    h.request.clear()
    spoken.clear()
    await h.send(RESIDENT, "🙋 Be om hjälp")
    await h.data.read_aloud.wait()
    methods = [c.method for c in h.request.calls if c.chat_id == RESIDENT]
    texts = h.texts(RESIDENT)
    assert methods == ["sendMessage", "sendVoice"] * len(texts)
    assert [text for text, _locale in spoken] == texts
    voice = voices(h, RESIDENT)[0]
    assert voice.params["disable_notification"] is True
    assert int(voice.params["duration"]) >= 1

    # Turned off again: the confirmation and what follows are text only.
    h.request.clear()
    await h.press(RESIDENT, "set:read:off")
    await h.send(RESIDENT, "✖️ Avbryt")
    await h.data.read_aloud.wait()
    assert not (await stored(h)).read_aloud
    assert h.texts(RESIDENT) and not voices(h)


@needs_engine
async def test_messages_to_other_people_are_not_read_aloud(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    await h.press(RESIDENT, "set:read:on")
    await ask_for_shopping(h)
    await h.data.read_aloud.wait()
    assert voices(h, RESIDENT)
    assert not voices(h, VOLUNTEER)  # Erik's new task is news for him, not read aloud

    # Erik takes the task: Anna is told in her chat, during his update, so only in text.
    claim = claim_data(h.last(VOLUNTEER))
    h.request.clear()
    await h.press(VOLUNTEER, claim)
    await h.data.read_aloud.wait()
    assert h.texts(RESIDENT)
    assert not voices(h)


@needs_engine
async def test_a_failing_voice_never_breaks_the_text(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await anna(h)
    await h.press(RESIDENT, "set:read:on")
    await h.data.read_aloud.wait()
    h.request.clear()

    async def broken(text: str, locale: str) -> bytes:
        raise RuntimeError("the sound card caught fire")

    h.data.read_aloud.speaker.speak = broken
    await h.send(RESIDENT, "🙋 Be om hjälp")
    await h.data.read_aloud.wait()
    assert h.texts(RESIDENT)
    assert not voices(h)
    assert "reading aloud failed" in caplog.text
