"""Reading aloud: what is said (no emoji, clock times as people say them), and the voice note
itself (real Opus in an Ogg container, 48 kHz mono, that PyAV decodes back)."""

from __future__ import annotations

import asyncio
import importlib.machinery
import importlib.util
import io
import math
import shutil
import struct
import sys
import threading
import time
import types
import wave
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bot.settings import Settings
from bot.voice import tts
from bot.voice.tts import Speaker, SpeechUnavailable, ogg_seconds, speakable
from tests.fakes import TOKEN

HAS_ENGINE = shutil.which("espeak-ng") is not None and importlib.util.find_spec("av") is not None
needs_engine = pytest.mark.skipif(not HAS_ENGINE, reason="needs espeak-ng and PyAV (av)")
REPLY = "Tack, Anna! Jag har skickat din förfrågan. En volontär hör av sig tisdag kl. 14.00."


def _settings(**extra: Any) -> Settings:
    return Settings(_env_file=None, telegram_token=TOKEN, **extra)


def _decode(data: bytes) -> tuple[str, str, int, int, float]:
    """Container, codec, sample rate, channels and seconds, as PyAV reads them back."""
    av = pytest.importorskip("av")
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        rate, channels = stream.codec_context.sample_rate, stream.codec_context.channels
        samples = sum(frame.samples for frame in container.decode(audio=0))
        return container.format.name, stream.codec_context.name, rate, channels, samples / rate


# --- what is said ------------------------------------------------------------------------


def test_emoji_symbols_and_guillemets_are_not_read_out() -> None:
    said = speakable("Hej Anna! ❤️ 😊 «☕ Fika och samtal» 👍🏽 → klart ✅")
    assert said == "Hej Anna! Fika och samtal klart."
    assert speakable("🙋 Be om hjälp") == "Be om hjälp."
    assert speakable("🇸🇪 1️⃣ ⬅️ ✖️") == "1."
    assert speakable("😊 👍") == ""


def test_lines_become_sentences_and_markup_links_and_slashes_go() -> None:
    text = (
        "Dina förfrågningar:\n\n• Handla – *imorgon*\n• <b>Apotek</b>\nLäs mer: https://x.se/a_b"
    )
    assert speakable(text) == "Dina förfrågningar. Handla – imorgon. Apotek. Läs mer."
    assert speakable("/paminnelser stänger av påminnelser.") == (
        "paminnelser stänger av påminnelser."
    )


def test_clock_times_and_phone_numbers_are_said_as_people_say_them() -> None:
    assert speakable("Vi ses tisdag kl. 14.00.") == "Vi ses tisdag klockan 14."
    assert speakable("Kom kl. 9.05 eller kl. 16.30!") == "Kom klockan 9 05 eller klockan 16 30!"
    assert speakable("See you on Tuesday at 14:00.", "en") == "See you on Tuesday at 2 pm."
    assert speakable("At 09:05 or 16:30.", "en") == "At 9 oh 5 am or 4 30 pm."
    assert speakable("Ring 070-123 45 67.") == "Ring 0 7 0, 1 2 3, 4 5, 6 7."
    # Numbers that are not phone numbers or clock times stay numbers.
    assert speakable("Storgatan 5, 3 personer, 24 november 2026") == (
        "Storgatan 5, 3 personer, 24 november 2026."
    )


def test_a_long_text_is_cut_at_a_sentence_that_fits() -> None:
    text = " ".join(f"Mening nummer {n} är här." for n in range(200))
    said = speakable(text)
    assert len(said) <= tts.MAX_CHARS
    assert said.endswith("är här.")
    assert said.startswith("Mening nummer 0 är här.")


# --- the engines -------------------------------------------------------------------------


@needs_engine
async def test_a_reply_becomes_real_ogg_opus_that_decodes_back() -> None:
    speaker = Speaker(_settings())
    assert speaker.available
    data = await speaker.speak(REPLY, "sv")
    assert data[:4] == b"OggS"
    assert b"OpusHead" in data[:200]
    container, codec, rate, channels, seconds = _decode(data)
    assert (container, codec, rate, channels) == ("ogg", "opus", 48_000, 1)
    assert 3.0 < seconds < 15.0
    assert abs(ogg_seconds(data) - seconds) <= 1
    assert len(data) < 60_000  # a voice note, not a recording studio


@needs_engine
async def test_english_is_read_with_an_english_voice() -> None:
    speaker = Speaker(_settings())
    data = await speaker.speak("Thank you! A volunteer will call you at 14:00.", "en")
    assert _decode(data)[:4] == ("ogg", "opus", 48_000, 1)


async def test_without_espeak_ng_nothing_can_speak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    speaker = Speaker(_settings())
    assert not speaker.available
    with pytest.raises(SpeechUnavailable):
        await speaker.speak("Hej!", "sv")


@needs_engine
async def test_nothing_to_say_is_not_a_voice_note() -> None:
    with pytest.raises(SpeechUnavailable):
        await Speaker(_settings()).speak("👍 😊", "sv")


async def test_at_most_two_syntheses_run_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    speaker = Speaker(_settings())
    monkeypatch.setattr(speaker, "_check", lambda: None)
    speaker._espeak = "espeak-ng"
    running, most = 0, 0
    lock = threading.Lock()

    def slow(text: str, locale: str) -> bytes:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return b"OggS"

    monkeypatch.setattr(speaker, "_speak", slow)
    await asyncio.gather(*(speaker.speak(f"Hej {n}", "sv") for n in range(8)))
    assert most == tts.CONCURRENCY == 2


def _tone(rate: int = 22_050, seconds: float = 1.0) -> bytes:
    """One second of a 440 Hz tone, 16-bit mono."""
    return b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
        for n in range(int(rate * seconds))
    )


class _FakePiperVoice:
    """The piper-tts 1.3 API: ``PiperVoice.load(path)`` and ``synthesize_wav(text, wav)``."""

    loaded: ClassVar[list[str]] = []
    said: ClassVar[list[str]] = []

    @classmethod
    def load(cls, path: str) -> _FakePiperVoice:
        cls.loaded.append(path)
        return cls()

    def synthesize_wav(self, text: str, wav: wave.Wave_write) -> None:
        self.said.append(text)
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22_050)
        wav.writeframes(_tone())


@pytest.mark.skipif(importlib.util.find_spec("av") is None, reason="needs PyAV (av)")
async def test_a_piper_voice_is_used_for_its_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    module = types.ModuleType("piper")
    module.__spec__ = importlib.machinery.ModuleSpec("piper", None)
    module.PiperVoice = _FakePiperVoice  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "piper", module)
    model = tmp_path / "sv_SE-nst-medium.onnx"
    model.write_bytes(b"onnx")
    (tmp_path / "sv_SE-nst-medium.onnx.json").write_text('{"language": {"code": "sv_SE"}}')
    speaker = Speaker(_settings(tts_piper_voice=model))
    assert speaker.available
    data = await speaker.speak("Hej Anna! ❤️", "sv")
    assert _FakePiperVoice.loaded == [str(model)]
    assert _FakePiperVoice.said == ["Hej Anna!"]
    assert _decode(data)[:4] == ("ogg", "opus", 48_000, 1)
    assert 0.8 < _decode(data)[4] < 1.3
    await speaker.speak("Hej igen.", "sv")
    assert len(_FakePiperVoice.loaded) == 1  # loaded once, on first use


async def test_a_missing_piper_package_or_voice_file_is_not_an_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    speaker = Speaker(_settings(tts_piper_voice=tmp_path / "missing.onnx"))
    assert not speaker.available
