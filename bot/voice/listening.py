"""Voice notes for the conversations: fetch, transcribe off the loop, and hold what was heard
until the person says it is right.

A transcript is kept here in memory only, for a short while, keyed by chat; nothing of it
reaches the database until the person presses «Ja» (then it is their answer, as if typed).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from telegram import Audio, Message, Voice
from telegram.error import BadRequest, TelegramError

from bot.voice.stt import VoiceTooLong, VoiceUnavailable, VoiceUnreadable, container_for_mime

log = logging.getLogger(__name__)

# Telegram lets bots download files up to 20 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# How long a transcript waits for «Ja» before it is forgotten.
KEEP_FOR = timedelta(minutes=30)
# At most this many transcripts wait at once (the oldest go first).
MAX_WAITING = 5000


class Engine(Protocol):
    """What the listener needs from a speech-to-text engine (bot.voice.stt.Transcriber)."""

    @property
    def available(self) -> bool: ...

    async def transcribe(self, audio: bytes, language: str, *, container: str) -> str: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class Waiting:
    nonce: int
    text: str
    at: datetime
    # The step that heard it: «Ja» answers only that step, never one the person went on to.
    step: str


class Listener:
    """Hears voice notes and remembers the last transcript of each chat until it is used."""

    def __init__(self, engine: Engine | None, max_seconds: int) -> None:
        self.engine = engine
        self._max_seconds = max_seconds
        self._waiting: dict[int, Waiting] = {}
        self._nonces = itertools.count(1)

    @property
    def available(self) -> bool:
        return self.engine is not None and self.engine.available

    async def hear(self, message: Message, language: str) -> str:
        """The words in this voice note; raises a VoiceError subclass when it cannot be heard."""
        if self.engine is None or not self.engine.available:
            raise VoiceUnavailable("no speech engine")
        note: Voice | Audio | None = message.voice or message.audio
        if note is None:
            raise VoiceUnreadable("not a voice note")
        # Opened as what Telegram says it is, never as what its bytes look like. A voice note
        # without a type is OGG/Opus, as Telegram's apps record them; an audio file must say.
        container = container_for_mime(note.mime_type, "ogg" if message.voice else None)
        # Seconds as Telegram sent them (PTB's ``duration`` attribute is changing type).
        seconds = int(note.to_dict().get("duration") or 0)
        if (note.file_size or 0) > MAX_DOWNLOAD_BYTES or seconds > self._max_seconds:
            raise VoiceTooLong(f"{seconds} s, {note.file_size} bytes")
        try:
            file = await note.get_file()
            audio = bytes(await file.download_as_bytearray())
        except BadRequest as error:
            # "file is too big" is the one Telegram gives over 20 MB.
            if "too big" in error.message.lower():
                raise VoiceTooLong(error.message) from error
            raise VoiceUnreadable(error.message) from error
        except TelegramError as error:
            log.warning("could not fetch a voice note: %s", error.__class__.__name__)
            raise VoiceUnreadable("download failed") from error
        return await self.engine.transcribe(audio, language, container=container)

    def keep(self, chat_id: int, text: str, now: datetime, step: str) -> int:
        """Hold a transcript heard at ``step`` (replacing an earlier one); its number."""
        self._forget_old(now)
        nonce = next(self._nonces)
        self._waiting.pop(chat_id, None)
        self._waiting[chat_id] = Waiting(nonce, text, now, step)
        return nonce

    def take(self, chat_id: int, nonce: int, now: datetime, step: str) -> str | None:
        """The transcript with this number, once, for the step that heard it; None when it is
        gone, was replaced, or the person has moved on to another step since."""
        waiting = self._waiting.get(chat_id)
        if waiting is None or waiting.nonce != nonce or now - waiting.at > KEEP_FOR:
            return None
        del self._waiting[chat_id]
        return waiting.text if waiting.step == step else None

    def _forget_old(self, now: datetime) -> None:
        while self._waiting:
            chat_id, oldest = next(iter(self._waiting.items()))
            if now - oldest.at <= KEEP_FOR and len(self._waiting) < MAX_WAITING:
                break
            del self._waiting[chat_id]

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.close()
