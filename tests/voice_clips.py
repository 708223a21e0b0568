"""Voice notes made at test time: espeak-ng speaks, PyAV encodes OGG/Opus as Telegram does.

``make_clip("Jag behöver hjälp att handla")`` gives the bytes of a 48 kHz mono OGG/Opus file.
Tests take the ``voice_clip`` fixture (the same function), which skips cleanly when espeak-ng
or PyAV is missing.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import shutil
import subprocess
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

RATE = 48_000
# Whisper base understands espeak-ng's female voice 5, a little slower than its default
# 175 words a minute, best of the voices tried ("handla i affären i morgon" comes back word
# for word). espeak says some words so oddly that Whisper base never gets them ("torsdag"
# comes back as "tusen" or "tushån"), so tests say "i morgon" rather than a weekday.
VARIANT = "f5"
SPEED = 120


def clip_tools_missing() -> str | None:
    """Why clips cannot be made here, or None when they can."""
    if shutil.which("espeak-ng") is None:
        return "espeak-ng is not installed"
    if importlib.util.find_spec("av") is None:
        return "PyAV is not installed (the voice extra)"
    return None


def speak_wav(text: str, lang: str = "sv", variant: str = VARIANT, speed: int = SPEED) -> bytes:
    """espeak-ng's WAV of ``text`` (22.05 kHz mono)."""
    espeak = shutil.which("espeak-ng")
    assert espeak is not None, "espeak-ng is not installed"
    voice = f"{lang}+{variant}" if variant else lang
    done = subprocess.run(
        [espeak, "-v", voice, "-s", str(speed), "--stdout", text],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def to_ogg_opus(wav: bytes, silence_before: float = 0.0) -> bytes:
    """Encode audio (any format PyAV reads) as 48 kHz mono OGG/Opus, optionally after a
    stretch of silence (to make long notes cheaply)."""
    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(io.BytesIO(wav)) as source, av.open(out, mode="w", format="ogg") as target:
        stream = target.add_stream("libopus", rate=RATE, layout="mono")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        silent = np.zeros((1, int(silence_before * RATE)), dtype=np.int16)
        frames: list[av.AudioFrame] = []
        if silent.size:
            frames.append(av.AudioFrame.from_ndarray(silent, format="s16", layout="mono"))
        spoken = (
            resampled
            for decoded in itertools.chain(source.decode(audio=0), [None])
            for resampled in resampler.resample(decoded)
        )
        start = 0
        for frame in itertools.chain(frames, spoken):
            # One running clock for the silence and the speech, or the muxer refuses them.
            frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
            start += frame.samples
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return out.getvalue()


def make_clip(
    text: str,
    path: Path | None = None,
    lang: str = "sv",
    *,
    silence_before: float = 0.0,
    variant: str = VARIANT,
    speed: int = SPEED,
) -> bytes:
    """An OGG/Opus voice note of ``text`` spoken by espeak-ng; also written to ``path``."""
    clip = to_ogg_opus(speak_wav(text, lang, variant, speed), silence_before)
    if path is not None:
        path.write_bytes(clip)
    return clip


@pytest.fixture
def voice_clip() -> Callable[..., bytes]:
    """``make_clip``, or a skip when espeak-ng or PyAV is missing."""
    missing = clip_tools_missing()
    if missing is not None:
        pytest.skip(missing)
    return make_clip
