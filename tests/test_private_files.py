"""A new SQLite database, and its -wal and -shm files, can be read by its owner only (0600),
whatever the umask of the process that made it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import create_engine

ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(folder: Path) -> dict[str, int]:
    return {path.name: mode(path) for path in folder.iterdir()}


def hjalpsam(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    """The command line with a permissive umask, as a careless shell would have it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
    env.update(PYTHONPATH=str(ROOT), HJALPSAM_DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=database.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        umask=0o022,
    )


@pytest.mark.parametrize(
    "command", [("db", "upgrade"), ("admin", "add-coordinator", "4242")], ids=["upgrade", "admin"]
)
def test_the_command_line_creates_the_database_0600(tmp_path: Path, command: tuple[str, ...]):
    database = tmp_path / "hjalpsam.db"
    done = hjalpsam(*command, database=database)
    assert done.returncode == 0, done.stderr
    assert mode(database) == 0o600
    for extra in tmp_path.glob("hjalpsam.db-*"):
        assert mode(extra) == 0o600, extra.name


async def test_the_wal_and_shm_files_are_0600_too(tmp_path: Path):
    database = tmp_path / "fresh.db"
    old = os.umask(0o022)
    try:
        engine = create_engine(f"sqlite+aiosqlite:///{database}")
        try:
            async with engine.connect() as conn:
                await conn.execute(text("CREATE TABLE t (x TEXT)"))
                await conn.execute(text("INSERT INTO t VALUES ('x')"))
                await conn.commit()
                # While the connection is open the WAL files are there.
                files = modes(tmp_path)
        finally:
            await engine.dispose()
    finally:
        os.umask(old)
    assert files == {"fresh.db": 0o600, "fresh.db-wal": 0o600, "fresh.db-shm": 0o600}


async def test_an_existing_file_keeps_its_mode(tmp_path: Path):
    """An operator's own choice (a group that makes backups, say) is left alone."""
    database = tmp_path / "theirs.db"
    database.touch(mode=0o640)
    database.chmod(0o640)  # whatever the umask
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    assert mode(database) == 0o640


def test_the_systemd_unit_keeps_new_files_private():
    unit = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    service = unit.split("[Service]", 1)[1].split("[Install]", 1)[0]
    assert "\nUMask=0077\n" in service
