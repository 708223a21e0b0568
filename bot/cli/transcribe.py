"""``hjalpsam transcribe [--parse] [--language sv|en] FILE``: what the bot hears in a voice note.

For operators trying the speech model (or one of their own, HJALPSAM_STT_MODEL_DIR) on real
recordings; the output is plain English and one line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.heard import Heard, suggest
from bot.services.when import to_when
from bot.settings import Settings
from bot.voice.stt import (
    Transcriber,
    VoiceBusy,
    VoiceError,
    VoiceTooLong,
    VoiceUnavailable,
    VoiceUnreadable,
    container_for_file,
)

_PROBLEMS: dict[type[VoiceError], str] = {
    VoiceUnavailable: "speech recognition is not available: {detail}",
    VoiceTooLong: "the recording is too long (at most {seconds} s and 20 MB): {detail}",
    VoiceUnreadable: "not an audio file that can be decoded: {detail}",
    VoiceBusy: "the transcriber is busy: {detail}",
}


def transcribe_file(settings: Settings, path: Path, language: str, parse: bool) -> int:
    """Print the transcript of ``path`` on one line, or with ``parse`` a JSON object with the
    category and time the voice-first request would suggest."""
    try:
        audio = path.read_bytes()
    except OSError as error:
        print(f"hjalpsam: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 2
    # faster-whisper logs every file at INFO; the transcript is what the operator wants.
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    try:
        # By the file's ending (.ogg, .mp3, .m4a, .wav…), never by guessing from its bytes.
        container = container_for_file(path)
        text = asyncio.run(_transcribe(settings, audio, language, container))
    except VoiceError as error:
        template = _PROBLEMS.get(type(error), "{detail}")
        detail = str(error) or type(error).__name__
        print(
            "hjalpsam: " + template.format(detail=detail, seconds=settings.stt_max_seconds),
            file=sys.stderr,
        )
        return 3
    if not parse:
        print(" ".join(text.split()))
        return 0
    tz = ZoneInfo(settings.timezone)
    heard = suggest(text, datetime.now(UTC), tz, language)
    found = {"text": text, "category": heard.category, "when": _when(heard, tz)}
    print(json.dumps(found, ensure_ascii=False))
    return 0


def _when(heard: Heard, tz: ZoneInfo) -> str | None:
    """A day heard on its own as "2026-11-26"; with a time, the ISO instant it stands for."""
    if heard.when is None:
        return None
    if heard.when.clock is None and heard.when.part is None:
        return heard.when.day.isoformat()
    at = to_when(heard.when, tz).at
    return at.isoformat() if at else None


async def _transcribe(settings: Settings, audio: bytes, language: str, container: str) -> str:
    transcriber = Transcriber(settings)
    try:
        return await transcriber.transcribe(audio, language, container=container)
    finally:
        await transcriber.close()
