"""Speech to text on a folder of voice notes: speed, accuracy and memory.

    python -m bench.voice --make DIR          # write ten spoken requests (espeak-ng) to DIR
    python -m bench.voice DIR [--language sv] # transcribe every DIR/*.ogg
    python -m bench.voice --smoke             # one clip made in a temporary folder

Each ``*.ogg`` goes through the bot's own :class:`bot.voice.stt.Transcriber` (PyAV decoding and
the single worker thread included), one after another, after the model has been loaded (the
load is timed on its own). When ``NAME.txt`` sits beside ``NAME.ogg`` it is the reference, and
the word error rate over all such clips is measured with jiwer after both sides are lower-cased
and stripped of punctuation. ``category_agree`` is the share of those clips where the category
suggested from the transcript (``bot.services.heard``) is the one suggested from the reference.

The model is Whisper base unless HJALPSAM_STT_MODEL_DIR (or ``--model-dir``) names another
CTranslate2 Whisper folder; threads from HJALPSAM_STT_CPU_THREADS (or ``--threads``).

The last line printed is one JSON object:
``{"clips", "p50_s", "p95_s", "rtf", "wer", "rss_mb", "model", "load_s", "audio_s",
"category_agree", "ok"}``: latency per clip (median and 95th percentile, nearest rank), the
real-time factor (transcription time / audio time), the word error rate (null without
references), the peak resident memory of the process. ``ok`` is true when every clip came back
with some text.

``--smoke`` makes the first sample clip with espeak-ng in a temporary folder and
transcribes it; without espeak-ng, PyAV or the voice extra it prints
``{"ok": true, "skipped": "<why>"}`` instead.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import finish, nearest_rank, run_guarded
from bot.services.heard import suggest
from bot.settings import Settings
from bot.voice.stt import SAMPLE_RATE, Transcriber, decode, unavailable_reason

# Typical requests, as older residents say them.
SENTENCES: tuple[str, ...] = (
    "Jag behöver hjälp att handla på torsdag förmiddag",
    "Kan någon följa mig till vårdcentralen i morgon klockan tio",
    "Kan någon hämta min medicin på apoteket på fredag",
    "Jag vill gärna ha sällskap på en promenad i eftermiddag",
    "Min dator krånglar, kan någon hjälpa mig med den",
    "Kan någon byta en glödlampa i köket",
    "Jag vill ha hjälp att handla i affären i morgon",
    "Kan någon skjutsa mig till tandläkaren på måndag",
    "Jag skulle vilja ha en telefonvän att prata med",
    "Kan någon hjälpa mig att skotta snö utanför dörren",
)
TZ = ZoneInfo("Europe/Stockholm")


def make_clips(folder: Path, sentences: Sequence[str] = SENTENCES) -> None:
    """Write NN.ogg (espeak-ng, OGG/Opus 48 kHz mono) and NN.txt for each sentence."""
    from tests.voice_clips import clip_tools_missing, make_clip

    missing = clip_tools_missing()
    if missing is not None:
        raise SystemExit(f"bench.voice: {missing}")
    folder.mkdir(parents=True, exist_ok=True)
    for number, sentence in enumerate(sentences, 1):
        make_clip(sentence, folder / f"{number:02d}.ogg")
        (folder / f"{number:02d}.txt").write_text(sentence + "\n", encoding="utf-8")
    print(f"wrote {len(sentences)} clips to {folder}")


def missing_for_smoke(settings: Settings) -> str | None:
    """Why the smoke run cannot transcribe here, or None when it can."""
    from tests.voice_clips import clip_tools_missing

    missing = clip_tools_missing()
    if missing is not None:
        return missing
    return unavailable_reason(settings)


def normalise(text: str) -> str:
    """Lower case, punctuation out, single spaces: what WER is measured on."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


async def run(settings: Settings, clips: list[Path], language: str) -> dict[str, object]:
    """Transcribe each clip and measure; prints a line per clip."""
    transcriber = Transcriber(settings)
    if not transcriber.available:
        raise SystemExit("bench.voice: speech recognition is not available (the voice extra?)")
    started = time.perf_counter()
    await transcriber.load()
    load_s = time.perf_counter() - started
    latencies: list[float] = []
    unheard = 0
    audio_s = 0.0
    references: list[str] = []
    hypotheses: list[str] = []
    agree = 0
    now = datetime.now(TZ)
    try:
        for clip in clips:
            audio = clip.read_bytes()
            seconds = decode(audio, settings.stt_max_seconds, "ogg").size / SAMPLE_RATE
            started = time.perf_counter()
            text = await transcriber.transcribe(audio, language, container="ogg")
            latencies.append(time.perf_counter() - started)
            audio_s += seconds
            unheard += not text.strip()
            print(f"{clip.name}\t{seconds:.1f} s audio\t{latencies[-1]:.2f} s\t{text}")
            reference = clip.with_suffix(".txt")
            if reference.exists():
                said = reference.read_text(encoding="utf-8").strip()
                references.append(normalise(said))
                hypotheses.append(normalise(text) or "-")
                expected = suggest(said, now, TZ, language).category
                agree += suggest(text, now, TZ, language).category == expected
    finally:
        await transcriber.close()
    return {
        "clips": len(clips),
        "p50_s": round(nearest_rank(latencies, 0.5), 3),
        "p95_s": round(nearest_rank(latencies, 0.95), 3),
        "rtf": round(sum(latencies) / audio_s, 3) if audio_s else None,
        "wer": _wer(references, hypotheses),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "model": str(settings.stt_model_dir or "faster-whisper-base"),
        "load_s": round(load_s, 3),
        "audio_s": round(audio_s, 1),
        "category_agree": round(agree / len(references), 2) if references else None,
        "ok": unheard == 0,
    }


def _wer(references: list[str], hypotheses: list[str]) -> float | None:
    if not references:
        return None
    import jiwer

    return round(float(jiwer.wer(references, hypotheses)), 3)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bench.voice``."""
    parser = argparse.ArgumentParser(prog="python -m bench.voice", description=__doc__)
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--make", action="store_true", help="write the sample clips to FOLDER")
    parser.add_argument(
        "--smoke", action="store_true", help="one sample clip in a temporary folder (no FOLDER)"
    )
    parser.add_argument("--language", choices=["sv", "en"], default="sv")
    parser.add_argument("--model-dir", type=Path, help="a CTranslate2 Whisper folder")
    parser.add_argument("--threads", type=int, help="CPU threads for the model")
    args = parser.parse_args(argv)
    if (args.folder is None) != args.smoke or (args.make and args.smoke):
        parser.error("give a FOLDER (with or without --make), or --smoke without one")
    if args.make:
        make_clips(args.folder)
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    overrides: dict[str, object] = {}
    if args.model_dir is not None:
        overrides["stt_model_dir"] = args.model_dir
    if args.threads is not None:
        overrides["stt_cpu_threads"] = args.threads
    settings = settings.model_copy(update=overrides)
    if args.smoke:
        return run_guarded(lambda: smoke(settings, args.language))
    clips = sorted(args.folder.glob("*.ogg"))
    if not clips:
        print(f"bench.voice: no *.ogg in {args.folder}", file=sys.stderr)
        return 2
    return run_guarded(lambda: finish(asyncio.run(run(settings, clips, args.language))))


def smoke(settings: Settings, language: str) -> int:
    """A clip made here and now, transcribed; or a clean skip without the tools."""
    missing = missing_for_smoke(settings)
    if missing is not None:
        return finish({"ok": True, "skipped": missing})
    with tempfile.TemporaryDirectory(prefix="hjalpsam-bench-voice-") as tmp:
        make_clips(Path(tmp), SENTENCES[:1])
        clips = sorted(Path(tmp).glob("*.ogg"))
        return finish(asyncio.run(run(settings, clips, language)))


if __name__ == "__main__":
    sys.exit(main())
