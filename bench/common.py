"""What every benchmark shares: its last line, one JSON object with ``ok``, and the exit status.

``tests/test_bench_smoke.py`` runs each ``python -m bench.X --smoke`` and reads that line, so a
benchmark that crashes still ends with ``{"ok": false, "error": ...}`` (the traceback goes to
stderr) and exit status 1.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any


class ErrorCounter(logging.Handler):
    """Counts ERROR records (the bot's error handler logs every failed update)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.first is None:
            self.first = record.getMessage()


def finish(summary: dict[str, Any]) -> int:
    """Print the summary as the last line (``ok`` last); the exit status: 0 when ok, else 1."""
    ok = summary.get("ok") is True
    print(json.dumps({k: v for k, v in summary.items() if k != "ok"} | {"ok": ok}), flush=True)
    return 0 if ok else 1


def crashed(error: BaseException) -> int:
    """The traceback to stderr, ``{"ok": false, "error": ...}`` as the last line; status 1."""
    traceback.print_exception(error, file=sys.stderr)
    return finish({"ok": False, "error": f"{error.__class__.__name__}: {error}"})


def run_guarded(body: Callable[[], int]) -> int:
    """Run a benchmark's body; a crash still ends with a JSON line saying so."""
    try:
        return body()
    except Exception as error:  # reported as the benchmark's result
        return crashed(error)


def nearest_rank(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` (0..1) of the values lie (nearest-rank percentile)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def load_average() -> float:
    """The one-minute load average (other jobs on the machine slow the figures down)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
