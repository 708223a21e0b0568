"""Every benchmark still runs: ``python -m bench.X --smoke`` ends with one JSON line, ``ok``.

Each runs as its own process from the repository's root, the way the README tells people to
run it, with a temporary folder of its own and without the HJALPSAM_* settings of the shell.
The benchmarks make their own SQLite files and ask the system for free ports, so these tests
can run side by side (``pytest -n auto``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 180  # a smoke run takes seconds; this is for a machine busy with other work

BENCHMARKS = [
    pytest.param("flow", id="flow"),
    pytest.param("broadcast", id="broadcast"),
    pytest.param("reminders", id="reminders"),
    pytest.param("webhook", id="webhook"),
    pytest.param("window", id="window"),
    # Makes a clip with espeak-ng and transcribes it; says "skipped" without the tools.
    pytest.param("voice", id="voice", marks=pytest.mark.voice),
]


def smoke(name: str, tmp: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    """Run ``python -m bench.<name> --smoke``; the process and its last line, parsed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
    env.update(TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"bench.{name} printed nothing (exit {done.returncode}):\n{done.stderr[-3000:]}"
    try:
        summary = json.loads(lines[-1])
    except json.JSONDecodeError:
        pytest.fail(f"bench.{name}'s last line is not JSON: {lines[-1]!r}\n{done.stderr[-3000:]}")
    assert isinstance(summary, dict), lines[-1]
    return done, summary


@pytest.mark.parametrize("name", BENCHMARKS)
def test_the_benchmark_runs_and_checks_out(name: str, tmp_path: Path) -> None:
    done, summary = smoke(name, tmp_path)
    assert summary.get("ok") is True, f"{summary}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, done.stderr[-3000:]
    if "skipped" in summary:
        pytest.skip(f"bench.{name}: {summary['skipped']}")


def test_every_benchmark_has_its_smoke_run_here() -> None:
    modules = {p.stem for p in (ROOT / "bench").glob("*.py")} - {"__init__", "common"}
    assert modules == {p.values[0] for p in BENCHMARKS}
