"""The speech-to-text engine: installing Whisper base, the bounded worker, the errors, and the
``hjalpsam transcribe`` command.

Most tests put a fake engine in the worker (no model needed, but PyAV decodes the notes). The
few marked ``voice`` load the real Whisper base and hear clips espeak-ng speaks; they skip when
the voice extra or espeak-ng is missing.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json
import os
import sys
import threading
import wave
from collections.abc import AsyncIterator, Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.services.heard import suggest, words
from bot.settings import Settings
from bot.voice import model, stt
from bot.voice.stt import (
    Transcriber,
    VoiceBusy,
    VoiceTooLong,
    VoiceUnavailable,
    VoiceUnreadable,
)
from tests.voice_clips import voice_clip  # noqa: F401 - a fixture

TZ = ZoneInfo("Europe/Stockholm")
needs_av = pytest.mark.skipif(
    importlib.util.find_spec("av") is None, reason="PyAV is not installed (the voice extra)"
)


def settings_in(folder: Path, **overrides: Any) -> Settings:
    return Settings(_env_file=None, data_dir=folder / "data", **overrides)


def silence_wav(seconds: float, rate: int = 16_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as note:
        note.setnchannels(1)
        note.setsampwidth(2)
        note.setframerate(rate)
        note.writeframes(b"\0\0" * int(seconds * rate))
    return out.getvalue()


class FakeEngine:
    """Hears ``text``; with a gate it waits until the test opens it."""

    def __init__(self, text: str = "  hej  ", gate: threading.Event | None = None) -> None:
        self.text, self.gate = text, gate
        self.calls: list[tuple[int, str]] = []
        self.entered = threading.Event()

    def transcribe(self, samples: Any, language: str) -> str:
        self.calls.append((samples.size, language))
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(10)
        return self.text


@pytest.fixture
async def transcribers() -> AsyncIterator[list[Transcriber]]:
    """Transcribers made in a test; their workers are stopped afterwards."""
    made: list[Transcriber] = []
    yield made
    for transcriber in made:
        await transcriber.close()


@pytest.fixture
def fake(tmp_path: Path, transcribers: list[Transcriber]) -> Callable[..., Transcriber]:
    def make(engine: FakeEngine, **overrides: Any) -> Transcriber:
        made = Transcriber(settings_in(tmp_path, **overrides), load=lambda: engine)
        transcribers.append(made)
        return made

    return make


# --- the model: join, check, remember -------------------------------------------------------


def test_join_keeps_the_file_only_when_the_hash_matches(tmp_path):
    halves = [tmp_path / "a", tmp_path / "b"]
    halves[0].write_bytes(b"hello ")
    halves[1].write_bytes(b"world")
    good = model.Expected(
        "x.bin", "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9", 11
    )
    model.join_verified(halves, tmp_path / "out" / "x.bin", good)
    assert (tmp_path / "out" / "x.bin").read_bytes() == b"hello world"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["x.bin"]


def test_a_wrong_hash_is_an_error_and_leaves_nothing_behind(tmp_path):
    (tmp_path / "a").write_bytes(b"hello world")
    wrong = model.Expected("x.bin", "0" * 64, 11)
    with pytest.raises(model.ModelCorrupt, match="sha256"):
        model.join_verified([tmp_path / "a"], tmp_path / "out" / "x.bin", wrong)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_missing_half_is_a_model_error(tmp_path, monkeypatch):
    monkeypatch.setattr(model, "parts", lambda: (tmp_path / "gone1", tmp_path / "gone2"))
    with pytest.raises(model.ModelError, match="cannot install"):
        model.install_base(tmp_path / "data")


def _fake_parts(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "part1", tmp_path / "part2"
    for folder in (first, second):
        folder.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", "model.bin.part1"):
        (first / name).write_text("not the real thing")
    (second / "model.bin.part2").write_text("nor this")
    return first, second


@needs_av
@pytest.mark.skipif(not importlib.util.find_spec("faster_whisper"), reason="no voice extra")
async def test_a_damaged_model_makes_voice_unavailable_and_is_not_tried_again(
    tmp_path, monkeypatch, transcribers
):
    fake_parts = _fake_parts(tmp_path)
    monkeypatch.setattr(model, "parts", lambda: fake_parts)
    transcriber = Transcriber(settings_in(tmp_path))
    transcribers.append(transcriber)
    assert transcriber.available
    with pytest.raises(VoiceUnavailable, match="sha256"):
        await transcriber.transcribe(silence_wav(1), "sv", container="wav")
    assert not transcriber.available
    assert not model.base_dir(tmp_path / "data").joinpath("config.json").exists()
    with pytest.raises(VoiceUnavailable, match="sha256"):
        await transcriber.transcribe(silence_wav(1), "sv", container="wav")


def test_without_faster_whisper_voice_is_unavailable(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    settings = settings_in(tmp_path)
    assert not Transcriber(settings).available
    with pytest.raises(VoiceUnavailable, match="faster-whisper"):
        stt.load_whisper(settings)


async def test_without_faster_whisper_a_note_raises_voice_unavailable(
    tmp_path, monkeypatch, transcribers
):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    transcriber = Transcriber(settings_in(tmp_path))
    transcribers.append(transcriber)
    with pytest.raises(VoiceUnavailable):
        await transcriber.transcribe(silence_wav(1), "sv", container="wav")


def test_without_a_model_voice_is_unavailable(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not Transcriber(settings_in(tmp_path, stt_model_dir=empty)).available
    monkeypatch.setattr(model, "parts", lambda: None)
    assert not model.obtainable(tmp_path / "data", None)
    with pytest.raises(model.ModelMissing):
        model.locate(tmp_path / "data", None)


# --- the worker: bounded, off the loop, errors ----------------------------------------------


@needs_av
async def test_the_text_is_stripped_and_the_language_taken_from_the_locale(fake):
    engine = FakeEngine("  Jag behöver hjälp.  ")
    assert (
        await fake(engine).transcribe(silence_wav(1), "sv_SE", container="wav")
        == "Jag behöver hjälp."
    )
    assert engine.calls == [(16_000, "sv")]


@needs_av
async def test_the_queue_is_bounded_and_one_more_is_busy_at_once(fake):
    gate = threading.Event()
    engine = FakeEngine(gate=gate)
    transcriber = fake(engine, stt_queue=3)
    note = silence_wav(0.5)
    waiting = [
        asyncio.create_task(transcriber.transcribe(note, "sv", container="wav")) for _ in range(3)
    ]
    await asyncio.sleep(0)
    assert await asyncio.to_thread(engine.entered.wait, 10)
    with pytest.raises(VoiceBusy):
        await transcriber.transcribe(note, "sv", container="wav")
    gate.set()
    assert await asyncio.gather(*waiting) == ["hej"] * 3
    assert await transcriber.transcribe(note, "sv", container="wav") == "hej"  # room again
    assert len(engine.calls) == 4


@needs_av
async def test_a_note_over_the_time_limit_is_too_long_before_any_model_is_used(fake):
    engine = FakeEngine()
    with pytest.raises(VoiceTooLong):
        await fake(engine, stt_max_seconds=2).transcribe(silence_wav(3), "sv", container="wav")
    assert engine.calls == []


async def test_a_note_over_20_mb_is_too_long_without_decoding(fake):
    engine = FakeEngine()
    with pytest.raises(VoiceTooLong):
        await fake(engine).transcribe(b"\0" * (stt.MAX_BYTES + 1), "sv", container="ogg")


@needs_av
@pytest.mark.parametrize(
    ("audio", "container"),
    [
        (b"", "ogg"),
        (b"not audio at all", "ogg"),
        (b"OggS" + bytes(range(256)) * 4, "ogg"),
        (silence_wav(1)[:30], "wav"),
        (silence_wav(1), "ogg"),
        (silence_wav(1), "matroska"),
    ],
    ids=["empty", "text", "broken-ogg", "cut-wav", "wav-said-to-be-ogg", "not-telegrams"],
)
async def test_a_file_that_is_not_audio_is_unreadable(fake, audio, container):
    engine = FakeEngine()
    with pytest.raises(VoiceUnreadable):
        await fake(engine).transcribe(audio, "sv", container=container)
    assert engine.calls == []


FFCONCAT = b"ffconcat version 1.0\nfile /etc/passwd\n"


@needs_av
@pytest.mark.parametrize("container", sorted(stt.CONTAINERS))
async def test_an_ffconcat_note_is_unreadable_whatever_it_is_said_to_be(fake, container):
    engine = FakeEngine()
    with pytest.raises(VoiceUnreadable):
        await fake(engine).transcribe(FFCONCAT, "sv", container=container)
    assert engine.calls == []


@needs_av
async def test_an_ffconcat_note_never_reads_the_file_it_names(
    fake,
    voice_clip,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """Guessed from its bytes, this note would be the clip beside it (FFmpeg opens a relative
    name from the working folder) and would be heard."""
    voice_clip("Hej", tmp_path / "clip.ogg")
    monkeypatch.chdir(tmp_path)
    engine = FakeEngine()
    note = b"ffconcat version 1.0\nfile clip.ogg\n"
    with pytest.raises(VoiceUnreadable):
        await fake(engine).transcribe(note, "sv", container="ogg")
    assert engine.calls == []


@needs_av
async def test_a_real_voice_note_is_decoded_as_ogg(fake, voice_clip):  # noqa: F811
    engine = FakeEngine()
    assert await fake(engine).transcribe(voice_clip("Hej"), "sv", container="ogg") == "hej"
    assert len(engine.calls) == 1 and engine.calls[0][0] > 8_000  # over half a second heard


@needs_av
async def test_a_130_second_voice_note_is_too_long(fake, voice_clip):  # noqa: F811
    engine = FakeEngine()
    clip = voice_clip("Hej", silence_before=130)
    with pytest.raises(VoiceTooLong):
        await fake(engine).transcribe(clip, "sv", container="ogg")
    assert engine.calls == []


@needs_av
async def test_a_failed_load_is_remembered(tmp_path, transcribers):
    loads = []

    def load() -> FakeEngine:
        loads.append(threading.current_thread().name)
        raise VoiceUnavailable("no model")

    transcriber = Transcriber(settings_in(tmp_path), load=load)
    transcribers.append(transcriber)
    for _ in range(2):
        with pytest.raises(VoiceUnavailable, match="no model"):
            await transcriber.transcribe(silence_wav(1), "sv", container="wav")
    assert len(loads) == 1 and loads[0].startswith("stt")
    assert not transcriber.available


async def test_preload_loads_the_model_in_the_worker_at_once(tmp_path, transcribers):
    loaded = threading.Event()
    where: list[str] = []

    def load() -> FakeEngine:
        where.append(threading.current_thread().name)
        loaded.set()
        return FakeEngine()

    transcribers.append(Transcriber(settings_in(tmp_path, stt_preload=True), load=load))
    assert await asyncio.to_thread(loaded.wait, 10)
    assert where[0].startswith("stt")


@needs_av
async def test_after_close_notes_are_refused(tmp_path):
    transcriber = Transcriber(settings_in(tmp_path), load=FakeEngine)
    await transcriber.close()
    with pytest.raises(VoiceUnavailable):
        await transcriber.transcribe(silence_wav(1), "sv", container="wav")


# --- hjalpsam transcribe --------------------------------------------------------------------


class _CannedTranscriber:
    heard = "Kan någon handla åt mig på torsdag förmiddag"
    # The containers asked for, by every instance (a test that reads it sets its own list).
    containers: ClassVar[list[str]] = []

    def __init__(self, settings: Settings) -> None:
        pass

    async def transcribe(self, audio: bytes, language: str, *, container: str) -> str:
        self.containers.append(container)
        if audio == b"broken":
            raise VoiceUnreadable("Invalid data")
        return self.heard

    async def close(self) -> None:
        pass


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """``hjalpsam …`` in this process, with settings from a clean environment."""
    for name in [n for n in os.environ if n.startswith("HJALPSAM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HJALPSAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return main


def test_transcribe_prints_one_line(cli, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("bot.cli.transcribe.Transcriber", _CannedTranscriber)
    (tmp_path / "note.ogg").write_bytes(b"audio")
    assert cli(["transcribe", str(tmp_path / "note.ogg")]) == 0
    assert capsys.readouterr().out == _CannedTranscriber.heard + "\n"


def test_transcribe_parse_prints_json(cli, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("bot.cli.transcribe.Transcriber", _CannedTranscriber)
    (tmp_path / "note.ogg").write_bytes(b"audio")
    assert cli(["transcribe", "--parse", "--language", "sv", str(tmp_path / "note.ogg")]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["text"] == _CannedTranscriber.heard
    assert found["category"] == "shopping"
    at = datetime.fromisoformat(found["when"])
    assert (at.weekday(), at.hour) == (3, 10)  # Thursday morning


def test_transcribe_says_what_is_wrong_in_one_line(cli, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("bot.cli.transcribe.Transcriber", _CannedTranscriber)
    (tmp_path / "note.ogg").write_bytes(b"broken")
    assert cli(["transcribe", str(tmp_path / "note.ogg")]) == 3
    assert cli(["transcribe", str(tmp_path / "missing.ogg")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "hjalpsam: not an audio file that can be decoded: Invalid data"
    assert err[1].startswith("hjalpsam: cannot read")


@pytest.mark.parametrize(
    ("name", "container"),
    [
        ("note.ogg", "ogg"),
        ("note.OGA", "ogg"),
        ("note.opus", "ogg"),
        ("note.mp3", "mp3"),
        ("note.m4a", "mp4"),
        ("note.mp4", "mp4"),
        ("note.wav", "wav"),
    ],
)
def test_transcribe_opens_a_file_by_its_ending(cli, tmp_path, monkeypatch, name, container):
    monkeypatch.setattr("bot.cli.transcribe.Transcriber", _CannedTranscriber)
    monkeypatch.setattr(_CannedTranscriber, "containers", [])
    (tmp_path / name).write_bytes(b"audio")
    assert cli(["transcribe", str(tmp_path / name)]) == 0
    assert _CannedTranscriber.containers == [container]


@pytest.mark.parametrize("name", ["note.ffconcat", "note.txt", "note.m3u8", "note"])
def test_transcribe_refuses_other_files(cli, tmp_path, monkeypatch, capsys, name):
    monkeypatch.setattr("bot.cli.transcribe.Transcriber", _CannedTranscriber)
    monkeypatch.setattr(_CannedTranscriber, "containers", [])
    (tmp_path / name).write_bytes(FFCONCAT)
    assert cli(["transcribe", str(tmp_path / name)]) == 3
    assert capsys.readouterr().err.startswith("hjalpsam: not an audio file that can be decoded")
    assert _CannedTranscriber.containers == []


# --- the real model -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def whisper_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with Whisper base joined and checked (once per session)."""
    if importlib.util.find_spec("faster_whisper") is None or model.parts() is None:
        pytest.skip("the voice extra is not installed")
    data = tmp_path_factory.mktemp("voice") / "data"
    model.install_base(data)
    return data


@pytest.mark.voice
def test_whisper_base_is_joined_once_and_checked_by_its_marker(whisper_data, monkeypatch):
    folder = model.base_dir(whisper_data)
    assert (folder / "model.bin").stat().st_size == model.MODEL_BIN.size
    assert model.is_verified(folder)

    def no_hashing(*args: object) -> None:
        raise AssertionError("hashed again")

    monkeypatch.setattr(model, "join_verified", no_hashing)
    assert model.install_base(whisper_data) == folder
    # A model.bin changed since (another time stamp) is checked again.
    stamp = (folder / "model.bin").stat()
    os.utime(folder / "model.bin", ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1))
    try:
        assert not model.is_verified(folder)
    finally:
        os.utime(folder / "model.bin", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert model.is_verified(folder)


@pytest.mark.voice
async def test_whisper_hears_a_swedish_request(whisper_data, voice_clip, transcribers):  # noqa: F811
    transcriber = Transcriber(Settings(_env_file=None, data_dir=whisper_data))
    transcribers.append(transcriber)
    assert transcriber.available
    clip = voice_clip("Kan någon följa mig till vårdcentralen i morgon klockan tio")
    text = await transcriber.transcribe(clip, "sv", container="ogg")
    assert "folja" in words(text), text
    guess = suggest(text, datetime.now(TZ), TZ, "sv")
    assert guess.category == "escort", text
    assert guess.when is not None and guess.when.clock == time(10), text


@pytest.mark.voice
def test_transcribe_parse_hears_shopping_tomorrow(
    whisper_data,
    voice_clip,  # noqa: F811
    cli,
    tmp_path,
    monkeypatch,
    capsys,
):
    monkeypatch.setenv("HJALPSAM_DATA_DIR", str(whisper_data))
    voice_clip("Jag vill ha hjälp att handla i affären i morgon", tmp_path / "note.ogg")
    today = datetime.now(TZ).date()
    assert cli(["transcribe", "--parse", str(tmp_path / "note.ogg")]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["category"] == "shopping", found
    # The command reads the clock itself: tomorrow as of before it ran or after (midnight).
    tomorrow = {str(day + timedelta(days=1)) for day in (today, datetime.now(TZ).date())}
    assert found["when"] in tomorrow, found
