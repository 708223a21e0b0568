"""Speaking instead of typing, as a resident sees it: at every step of a request the bot reads
back what it heard – «Jag uppfattade: «…» Stämmer det?» – with Ja / Säg det igen / Skriv i
stället, and nothing is kept before «Ja». Also: a full queue, an overlong note, an engine that
cannot hear, and a service without the voice extra.

The speech engine here is a stand-in that returns scripted words (the real model is tested in
tests/test_voice_engine.py and in the voice-first flow of tests/test_voice_request.py); the
download goes through the Bot API fake like any other call.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.voice.stt import VoiceBusy, VoiceUnreadable
from tests.helpers import RESIDENT, coordinator_with_area, resident
from tests.test_flow_request import ORDER, STEPS, draft, go_to

AUDIO = b"OggS fake opus"
HEARD_BUTTONS = ["✅ Ja", "🔁 Säg det igen", "⌨️ Skriv i stället"]
LISTENING_AGAIN = "Säg det igen – jag lyssnar."
NOT_AVAILABLE = "Jag kan inte lyssna just nu – skriv gärna i stället."
BUSY = "Många pratar med mig just nu – försök igen om en stund, eller skriv."
TOO_LONG = (
    "Det var ett långt meddelande. Säg det gärna lite kortare – högst två minuter – eller skriv."
)
UNREADABLE = "Jag kunde inte lyssna på inspelningen. Försök gärna igen, eller skriv i stället."
NOTHING = "Jag hörde inga ord. Håll telefonen nära munnen och försök igen – eller skriv."
FORGOTTEN = "Jag minns inte längre vad du sa. Säg det gärna igen."


def heard(text: str) -> str:
    return f"Jag uppfattade: «{text}»\nStämmer det?"


class ScriptedEngine:
    """Hears the next scripted words (or raises the next scripted error)."""

    def __init__(self, *said: str | Exception, available: bool = True) -> None:
        self.said = list(said)
        self.calls: list[tuple[bytes, str, str]] = []
        self._available = available

    @property
    def available(self) -> bool:
        return self._available

    async def transcribe(self, audio: bytes, language: str, *, container: str) -> str:
        self.calls.append((audio, language, container))
        said = self.said.pop(0)
        if isinstance(said, Exception):
            raise said
        return said

    async def close(self) -> None:
        return None


@pytest.fixture
async def h(harness: Any) -> Any:
    """Coordinator 900 with Centrum and Norr; Anna lives in Centrum; a voice note v1 exists."""
    await coordinator_with_area(harness, "Centrum", "Norr")
    await resident(harness)
    harness.request.files["v1"] = AUDIO
    harness.request.clear()
    return harness


def hears(h: Any, *said: str | Exception) -> ScriptedEngine:
    engine = ScriptedEngine(*said)
    h.data.listener.engine = engine
    return engine


async def speak(h: Any, user_id: int = RESIDENT, **note: Any) -> None:
    await h.feed(h.updates.voice(user_id, **note))


def read_back_data(h: Any, user_id: int = RESIDENT) -> dict[str, str]:
    return h.last(user_id).callback_data()


def said_then_asked_again(h: Any, asked: Any) -> str:
    """After a note that could not be heard: the kind word, then the step's question again."""
    *_, explained, again = h.request.sent(RESIDENT)
    assert (again.text, again.buttons()) == (asked.text, asked.buttons())
    return explained.text


# Steps that take words (every step of a request but the first, which is a button list, still
# takes a spoken button name – "Handla" – like a typed one).
SPOKEN = [step for step in ORDER if STEPS[step].get("rest")]


@pytest.mark.parametrize("step", SPOKEN)
async def test_at_every_step_a_confirmed_note_answers_like_typing(h, harness, step):
    # What typing the next answer gives ...
    await go_to(h, step)
    typed_answer = STEPS[step]["rest"][0]
    before = await draft(h)
    engine = hears(h, typed_answer)
    await speak(h)
    # ... the bot shows it listens, reads back, and keeps nothing yet.
    actions = h.request.sent(RESIDENT, method="sendChatAction")
    assert [a.params["action"] for a in actions] == ["typing"]
    assert engine.calls == [(AUDIO, "sv", "ogg")]
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        heard(typed_answer),
        HEARD_BUTTONS,
    )
    assert await draft(h) == before
    await h.press(RESIDENT, read_back_data(h)["✅ Ja"])
    after_voice = (h.last(RESIDENT).text, h.last(RESIDENT).buttons(), await draft(h))
    # The read-back lost its buttons, so it cannot be pressed twice.
    edits = h.request.sent(RESIDENT, method="editMessageReplyMarkup")
    assert edits and edits[-1].params.get("reply_markup") in (None, "", "{}")

    # The same step, typed, in a fresh start of the same request.
    await h.send(RESIDENT, "/avbryt")
    await go_to(h, step)
    await h.send(RESIDENT, typed_answer)
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons(), await draft(h)) == after_voice


async def test_say_it_again_forgets_and_listens_again(h):
    await go_to(h, "details")
    hears(h, "Mjölk och glass", "Mjölk och bröd")
    await speak(h)
    first = read_back_data(h)
    await h.press(RESIDENT, first["🔁 Säg det igen"])
    assert h.last(RESIDENT).text == LISTENING_AGAIN
    assert (await draft(h))[-1] is None
    await speak(h)
    assert h.last(RESIDENT).text == heard("Mjölk och bröd")
    # The first read-back's «Ja» no longer works: it would keep the wrong words.
    await h.press(RESIDENT, first["✅ Ja"])
    assert h.alerts()[-1] == FORGOTTEN
    assert (await draft(h))[-1] is None
    await h.press(RESIDENT, read_back_data(h)["✅ Ja"])
    assert (await draft(h))[-1] == "Mjölk och bröd"
    assert h.last(RESIDENT).text.startswith("Så här ser din förfrågan ut:")


async def test_type_instead_asks_the_question_again_and_keeps_nothing(h):
    await go_to(h, "details")
    asked = h.last(RESIDENT)
    hears(h, "Mjölk och bröd")
    await speak(h)
    await h.press(RESIDENT, read_back_data(h)["⌨️ Skriv i stället"])
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (asked.text, asked.buttons())
    assert (await draft(h))[-1] is None
    await h.send(RESIDENT, "Kaffe")
    assert (await draft(h))[-1] == "Kaffe"


async def test_a_spoken_time_is_read_back_like_a_typed_one(h):
    await go_to(h, "when")
    hears(h, "I morgon klockan tio.")
    await speak(h)
    await h.press(RESIDENT, read_back_data(h)["✅ Ja"])
    assert h.last(RESIDENT).text == "Jag uppfattade: måndag 23 november kl. 10.00. Stämmer det?"


async def test_a_full_queue_gets_a_kind_answer_and_the_step_stays(h):
    await go_to(h, "details")
    asked, before = h.last(RESIDENT), await draft(h)
    hears(h, VoiceBusy("queue full"))
    await speak(h)
    assert said_then_asked_again(h, asked) == BUSY
    assert await draft(h) == before
    await h.send(RESIDENT, "Mjölk")
    assert (await draft(h))[-1] == "Mjölk"


async def test_an_overlong_note_is_not_even_fetched(h):
    await go_to(h, "details")
    asked = h.last(RESIDENT)
    engine = hears(h, "never")
    await speak(h, duration=200)
    assert said_then_asked_again(h, asked) == TOO_LONG
    await speak(h, file_size=21 * 1024 * 1024)
    assert said_then_asked_again(h, asked) == TOO_LONG
    assert engine.calls == []
    assert h.request.sent(method="getFile") == []


async def test_a_corrupt_note_and_silence_get_kind_answers(h):
    await go_to(h, "details")
    asked = h.last(RESIDENT)
    hears(h, VoiceUnreadable("garbage"), "")
    await speak(h)
    assert said_then_asked_again(h, asked) == UNREADABLE
    await speak(h)
    assert said_then_asked_again(h, asked) == NOTHING
    assert (await draft(h))[:2] == ("details", "shopping")


async def test_a_note_telegram_will_not_give_us(h):
    await go_to(h, "details")
    asked = h.last(RESIDENT)
    hears(h, "never")
    await speak(h, file_id="gone")
    assert said_then_asked_again(h, asked) == UNREADABLE


def note_message(h: Any, kind: str, mime: str | None) -> dict[str, Any]:
    """A voice note or an audio file (v1) with this MIME type (none when None)."""
    note: dict[str, Any] = {"file_id": "v1", "file_unique_id": "v1u", "duration": 3}
    if mime is not None:
        note["mime_type"] = mime
    return h.updates.message(RESIDENT, **{kind: note})


@pytest.mark.parametrize(
    ("kind", "mime", "container"),
    [
        ("voice", None, "ogg"),
        ("voice", "audio/ogg", "ogg"),
        ("voice", "audio/mpeg", "mp3"),
        ("audio", "audio/mpeg", "mp3"),
        ("audio", "audio/x-m4a", "mp4"),
        ("audio", "audio/mp4", "mp4"),
        ("audio", "audio/ogg", "ogg"),
    ],
)
async def test_a_note_is_opened_as_what_telegram_says_it_is(h, kind, mime, container):
    await go_to(h, "details")
    engine = hears(h, "Mjölk")
    await h.feed(note_message(h, kind, mime))
    assert engine.calls == [(AUDIO, "sv", container)]
    assert h.last(RESIDENT).text == heard("Mjölk")


@pytest.mark.parametrize(
    ("kind", "mime"),
    [
        ("audio", None),
        ("audio", "audio/x-wav"),
        ("audio", "text/plain"),
        ("audio", "application/octet-stream"),
        ("voice", "video/mp4"),
    ],
)
async def test_any_other_kind_of_file_is_unreadable_and_not_fetched(h, kind, mime):
    await go_to(h, "details")
    asked = h.last(RESIDENT)
    engine = hears(h, "never")
    await h.feed(note_message(h, kind, mime))
    assert said_then_asked_again(h, asked) == UNREADABLE
    assert engine.calls == []
    assert h.request.sent(method="getFile") == []


async def test_without_the_voice_extra_nothing_else_changes(h):
    await go_to(h, "details")
    asked = h.last(RESIDENT)
    h.data.listener.engine = None
    await speak(h)
    assert said_then_asked_again(h, asked) == NOT_AVAILABLE
    assert h.request.sent(method="getFile") == []
    await h.send(RESIDENT, "Mjölk")
    assert (await draft(h))[-1] == "Mjölk"


async def test_a_forged_or_old_read_back_button(h):
    await go_to(h, "details")
    await h.press(RESIDENT, "vc:yes:999")
    assert h.alerts()[-1] == FORGOTTEN
    await h.press(RESIDENT, "vc:yes:abc")
    assert (await draft(h))[-1] is None


def test_every_step_that_takes_typed_text_takes_a_voice_note_too(harness):
    """A safety net for new steps: wherever text is read, a voice note is heard."""
    from telegram.ext import ConversationHandler, MessageHandler

    from bot.handlers.voice import VOICE

    missing, checked = [], 0
    for handler in harness.app.handlers[0]:
        if not isinstance(handler, ConversationHandler):
            continue
        for state, handlers in handler.states.items():
            messages = [h for h in handlers if isinstance(h, MessageHandler)]
            takes_text = any("filters.TEXT" in repr(h.filters) for h in messages)
            hears_voice = any(h.filters is VOICE for h in messages)
            checked += takes_text
            if takes_text and not hears_voice:
                missing.append((handler.name, state))
    assert missing == []
    assert checked > 40
