"""Reading texts aloud: espeak-ng (or a Piper voice), encoded to OGG/Opus for sendVoice.

Synthesis runs in a worker thread, at most ``CONCURRENCY`` at a time, so many people who
have reading aloud turned on cannot starve the event loop or the two cores. espeak-ng reads
the text from stdin (never from argv: a text starting with "-" is not an option). The Piper
voice, when configured and the ``piper-tts`` package is installed, is loaded on first use.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import io
import json
import logging
import re
import shutil
import subprocess
import threading
import unicodedata
import wave
from pathlib import Path
from typing import Any

from bot.settings import Settings

log = logging.getLogger(__name__)

CONCURRENCY = 2  # syntheses at once (the machine has two cores)
MAX_CHARS = 800  # a longer text is read up to the last sentence that fits
RATE = 48_000  # Telegram voice notes: Opus at 48 kHz, mono
BITRATE = 24_000  # plenty for one voice
OPUS_OPTIONS = {"application": "voip", "compression_level": "5"}
WORDS_PER_MINUTE = 150  # a little slower than espeak-ng's 175, for older listeners
TIMEOUT = 30.0  # seconds for one synthesis
ESPEAK_VOICES = {"sv": "sv", "en": "en-gb"}
ESPEAK_IO = ("-b", "1", "--stdin", "--stdout")  # UTF-8 text on stdin, WAV on stdout


class SpeechUnavailable(Exception):
    """No engine can read this text aloud (none installed, or the synthesis failed)."""


# --- making a text fit to be heard -----------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_COMMAND = re.compile(r"(?<![\w/])/([a-zA-Z]\w*)")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[.:]([0-5]\d)\b")
_KL = re.compile(r"\bkl\.\s*", re.IGNORECASE)
# A Swedish phone number: 8 digits or more, in groups; read digit by digit, group by group.
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0)\d{1,3}(?:[ -]?\d{2,4}){2,4}\b")
_MARKUP = str.maketrans("", "", '*_`~#|[]{}^\\<>«»“”„"')
_SPACES = re.compile(r"[ \t\u00a0]+")


def _is_symbol(char: str) -> bool:
    """Emoji, pictographs, arrows, variation selectors and joiners: never read out."""
    if char in "+=%&$€£":
        return False
    category = unicodedata.category(char)
    return category in ("So", "Sk", "Sm", "Cs", "Co", "Cn", "Cf", "Me") or (
        "\ufe00" <= char <= "\ufe0f"
    )


def _clock(match: re.Match[str], locale: str) -> str:
    hours, minutes = int(match.group(1)), match.group(2)
    if locale == "en":
        suffix = "am" if hours < 12 else "pm"
        twelve = hours % 12 or 12
        if minutes == "00":
            return f"{twelve} {suffix}"
        return f"{twelve} {'oh ' + minutes[1] if minutes[0] == '0' else minutes} {suffix}"
    # Swedish: "14.00" is "fjorton", "14.05" is "fjorton noll fem".
    return str(hours) if minutes == "00" else f"{hours} {minutes}"


def _phone(match: re.Match[str]) -> str:
    groups = re.split(r"[ -]+", match.group(0).replace("+46", "0 "))
    return ", ".join(" ".join(group) for group in groups if group)


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(". "), head.rfind("! "), head.rfind("? "), head.rfind("\n"))
    if end > limit // 2:
        return head[: end + 1]
    return head.rsplit(" ", 1)[0]


def speakable(text: str, locale: str = "sv", limit: int = MAX_CHARS) -> str:
    """The text as it should be heard: no emoji, symbols, links or markup; clock times and
    phone numbers said the way people say them; at most ``limit`` characters."""
    text = _TAG.sub(" ", _URL.sub(" ", text))
    text = "".join(" " if _is_symbol(c) else c for c in unicodedata.normalize("NFC", text))
    text = _COMMAND.sub(r"\1", text).translate(_MARKUP).replace("•", " ")
    text = _PHONE.sub(_phone, text)
    if locale == "sv":
        text = _KL.sub("klockan ", text)
    text = _CLOCK.sub(lambda m: _clock(m, locale), text)
    lines = []
    for raw in text.splitlines():
        line = _SPACES.sub(" ", raw).strip(" -–—:;,")
        if line:
            # A line of its own is a pause of its own (a list item, a heading).
            lines.append(line if line[-1] in ".!?" else line + ".")
    return _cap(" ".join(lines), limit)


# --- encoding ----------------------------------------------------------------------------


def to_ogg_opus(wav: bytes) -> bytes:
    """Any WAV (espeak-ng's 22 kHz, Piper's) as OGG/Opus, 48 kHz mono, for sendVoice."""
    import av  # the optional "voice" extra; only imported when it is there

    out = io.BytesIO()
    with av.open(io.BytesIO(wav), format="wav") as source, av.open(out, "w", "ogg") as target:
        # Tuned for speech; complexity 5 of 10 takes a third less CPU and sounds the same.
        stream = target.add_stream("libopus", rate=RATE, layout="mono", options=OPUS_OPTIONS)
        stream.bit_rate = BITRATE
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        for frame in [*source.decode(audio=0), None]:
            for chunk in resampler.resample(frame):
                target.mux(stream.encode(chunk))
        target.mux(stream.encode(None))
    return out.getvalue()


def ogg_seconds(data: bytes) -> int:
    """The length of an OGG/Opus file in whole seconds (from the last page's granule)."""
    last = data.rfind(b"OggS")
    if last < 0 or len(data) < last + 14:
        return 0
    granule = int.from_bytes(data[last + 6 : last + 14], "little", signed=True)
    return max(1, round(granule / RATE)) if granule > 0 else 0


# --- engines -----------------------------------------------------------------------------


def _piper_language(model: Path) -> str | None:
    """The language of a Piper voice ("sv", "en"), from the JSON file next to it."""
    config = model.with_name(model.name + ".json")
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    code = (data.get("language") or {}).get("code") or (data.get("espeak") or {}).get("voice")
    return str(code).split("_")[0].split("-")[0].lower() if code else None


class Speaker:
    """Turns a text into a voice note: ``await speaker.speak(text, "sv") -> OGG bytes``."""

    def __init__(self, settings: Settings) -> None:
        self._piper_path: Path | None = settings.tts_piper_voice
        self._espeak: str | None = None
        self._checked = False
        self._piper_usable = False
        self._piper_language: str | None = None
        self._piper_voice: Any = None
        self._piper_lock = threading.Lock()
        self._limit = asyncio.Semaphore(CONCURRENCY)

    def _check(self) -> None:
        """Look for the engines once, on first use (not at import, not at start)."""
        if self._checked:
            return
        self._checked = True
        if importlib.util.find_spec("av") is None:
            log.info("reading aloud is off: PyAV (the voice extra) is not installed")
            return
        self._espeak = shutil.which("espeak-ng")
        if self._piper_path is not None:
            if importlib.util.find_spec("piper") is None:
                log.warning("HJALPSAM_TTS_PIPER_VOICE is set but piper-tts is not installed")
            elif not self._piper_path.is_file():
                log.warning("the Piper voice %s does not exist", self._piper_path)
            else:
                self._piper_usable = True
                self._piper_language = _piper_language(self._piper_path)
        if not (self._espeak or self._piper_usable):
            log.info("reading aloud is off: neither espeak-ng nor a Piper voice is there")

    @property
    def available(self) -> bool:
        """Whether anything can read aloud here."""
        self._check()
        return bool(self._espeak or self._piper_usable)

    async def speak(self, text: str, locale: str) -> bytes:
        """The text read aloud as OGG/Opus; SpeechUnavailable if it cannot be."""
        if not self.available:
            raise SpeechUnavailable("no engine")
        heard = speakable(text, locale)
        if not heard:
            raise SpeechUnavailable("nothing to say")
        async with self._limit:
            return await asyncio.to_thread(self._speak, heard, locale)

    def _speak(self, text: str, locale: str) -> bytes:
        """In a worker thread: synthesise, then encode."""
        use_piper = self._piper_usable and (
            self._piper_language in (None, locale) or not self._espeak
        )
        wav = None
        if use_piper:
            try:
                wav = self._piper(text)
            except Exception:
                # A broken voice file must not silence the bot: espeak-ng takes over for good.
                log.exception("the Piper voice failed; using espeak-ng instead")
                self._piper_usable = False
        if wav is None:
            wav = self._espeak_wav(text, locale)
        return to_ogg_opus(wav)

    def _espeak_wav(self, text: str, locale: str) -> bytes:
        if not self._espeak:
            raise SpeechUnavailable("espeak-ng is not installed")
        voice = ESPEAK_VOICES.get(locale, ESPEAK_VOICES["sv"])
        try:
            done = subprocess.run(
                [self._espeak, "-v", voice, "-s", str(WORDS_PER_MINUTE), *ESPEAK_IO],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=TIMEOUT,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise SpeechUnavailable(f"espeak-ng failed: {error.__class__.__name__}") from error
        return done.stdout

    def _piper(self, text: str) -> bytes:
        with self._piper_lock:
            if self._piper_voice is None:
                piper = importlib.import_module("piper")
                log.info("loading the Piper voice %s", self._piper_path)
                self._piper_voice = piper.PiperVoice.load(str(self._piper_path))
        voice = self._piper_voice
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            if hasattr(voice, "synthesize_wav"):  # piper-tts 1.3 and later
                voice.synthesize_wav(text, wav)
            else:  # piper-tts 1.2: synthesize() writes the WAV itself
                voice.synthesize(text, wav)
        return buffer.getvalue()
