"""The command line: clear words for a bad token, and the admin commands on a real database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
    full_env.update(env)
    full_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("", "Det finns ingen bot-token. Skaffa en hos @BotFather"),
        ("not-a-token", "Bot-token ser inte rätt ut. Kopiera den igen från @BotFather"),
    ],
)
def test_run_without_a_good_token_says_how_to_get_one(tmp_path, token, expected):
    result = _run("run", env={"HJALPSAM_TELEGRAM_TOKEN": token}, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_when_telegram_cannot_be_reached_is_one_clear_line(tmp_path):
    result = _run(
        "run",
        env={
            "HJALPSAM_TELEGRAM_TOKEN": "123456789:AAHfakeFAKEfakeFAKEfakeFAKEfake_123",
            "HJALPSAM_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
            "HJALPSAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        },
        cwd=tmp_path,
    )
    assert result.returncode == 3
    assert result.stderr.strip() == (
        "Kan inte nå Telegram på http://127.0.0.1:9/bot. Kontrollera nätverket, eller "
        "HJALPSAM_TELEGRAM_API_URL om du använder en egen Bot API-server."
    )


def test_malformed_setting_is_one_clear_line(tmp_path):
    result = _run("db", "upgrade", env={"HJALPSAM_COORDINATOR_IDS": "abc"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "HJALPSAM_COORDINATOR_IDS" in result.stderr
    assert "Traceback" not in result.stderr


def test_admin_commands_upgrade_and_write_the_database(tmp_path):
    db = tmp_path / "cli.db"
    env = {"HJALPSAM_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert _run("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    added = _run("admin", "add-coordinator", "4242", env=env, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    in_org = _run(
        "admin", "add-coordinator", "4343", "--organisation", "PRO Ekbacka", env=env, cwd=tmp_path
    )
    assert in_org.returncode == 0, in_org.stderr
    area = _run("admin", "add-area", "Centrum", env=env, cwd=tmp_path)
    again = _run("admin", "add-area", "centrum", env=env, cwd=tmp_path)
    assert area.stdout.strip() == "Området Centrum är tillagt."
    assert again.stdout.strip() == "Det finns redan ett område som heter centrum."
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        roles = (
            conn.execute(
                text(
                    "SELECT r.role FROM roles r JOIN people p ON p.id = r.person_id "
                    "WHERE p.telegram_id = 4242"
                )
            )
            .scalars()
            .all()
        )
        areas = conn.execute(text("SELECT name FROM areas")).scalars().all()
        organisation = conn.execute(
            text(
                "SELECT o.name FROM people p JOIN organisations o ON o.id = p.organisation_id "
                "WHERE p.telegram_id = 4343"
            )
        ).scalar_one()
    engine.dispose()
    assert roles == ["coordinator"] and areas == ["Centrum"]
    assert organisation == "PRO Ekbacka"


# --- the schema: only `db upgrade` (and `run` on SQLite) migrate -----------------------------

BEHIND = (
    "Databasen är inte uppdaterad för den här versionen av Hjälpsam. "
    "Kör «hjalpsam db upgrade» först."
)
REPORT = ("report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", "rapport")


def _revision(sync_url: str) -> str | None:
    engine = create_engine(sync_url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()


def test_report_on_an_older_sqlite_schema_says_so_and_does_not_migrate(tmp_path):
    db = tmp_path / "old.db"
    upgrade(f"sqlite+aiosqlite:///{db}", "0005")
    env = {"HJALPSAM_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "MPLBACKEND": "Agg"}
    for command in (REPORT, ("export",), ("admin", "add-area", "Centrum")):
        result = _run(*command, env=env, cwd=tmp_path)
        assert (result.returncode, result.stderr.strip()) == (5, BEHIND), command
        assert result.stdout == ""
    assert _revision(f"sqlite:///{db}") == "0005"
    assert not (tmp_path / "rapport").exists()

    assert _run("db", "upgrade", env=env, cwd=tmp_path).stdout.strip() == (
        "Databasen är uppdaterad."
    )
    done = _run(*REPORT, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "rapport" / "report.csv").exists()


def test_report_on_a_missing_sqlite_file_leaves_no_file_behind(tmp_path):
    env = {"HJALPSAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'nothing.db'}"}
    result = _run(*REPORT, env=env, cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (5, BEHIND)
    assert list(tmp_path.iterdir()) == []


def test_a_database_of_a_newer_version_is_not_touched(tmp_path):
    db = tmp_path / "new.db"
    upgrade(f"sqlite+aiosqlite:///{db}")
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    env = {"HJALPSAM_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    result = _run("admin", "add-coordinator", "4242", env=env, cwd=tmp_path)
    assert result.returncode == 5
    assert result.stderr.strip() == (
        "Databasen hör till en nyare version av Hjälpsam än den här. "
        "Installera den nyare versionen."
    )


def test_the_first_admin_command_sets_up_the_default_sqlite_file(tmp_path):
    """README's first run: `admin add-coordinator` comes before the bot was ever started."""
    added = _run("admin", "add-coordinator", "4242", env={}, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "4242 är nu samordnare."
    db = tmp_path / "hjalpsam.db"
    assert added.stderr.strip() == f"Det fanns ingen databas, så en ny är skapad: {db.resolve()}"
    assert _revision(f"sqlite:///{db}") == _head()
    # From now on the file exists, and nobody is told about it again.
    area = _run("admin", "add-area", "Centrum", env={}, cwd=tmp_path)
    assert (area.returncode, area.stderr) == (0, "")


def _head() -> str:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("")).get_current_head() or ""


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A PostgreSQL database of this test's own that nothing has migrated, dropped afterwards."""
    base = os.environ.get("HJALPSAM_TEST_DATABASE_URL", "")
    if not base:
        pytest.skip("needs HJALPSAM_TEST_DATABASE_URL (PostgreSQL)")
    url = make_url(base)
    name = f"{url.database}_cli_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(_postgres(base, drop, f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    asyncio.run(_postgres(base, drop))


async def _postgres(url: str, *statements: str) -> list[str]:
    """Run statements with asyncpg; the first column of the last one's rows."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    rows: list[str] = []
    try:
        for statement in statements:
            rows = [row[0] for row in await conn.fetch(statement)]
    finally:
        await conn.close()
    return rows


@pytest.mark.postgres
def test_report_on_unmigrated_postgres_says_so_then_db_upgrade_works(tmp_path, empty_postgres):
    tables = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    env = {"HJALPSAM_DATABASE_URL": empty_postgres, "MPLBACKEND": "Agg"}
    for command in (REPORT, ("admin", "add-coordinator", "4242"), ("demo-data",)):
        result = _run(*command, env=env, cwd=tmp_path)
        assert (result.returncode, result.stderr.strip()) == (5, BEHIND), command
    assert asyncio.run(_postgres(empty_postgres, tables)) == []

    assert _run("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    revision = asyncio.run(_postgres(empty_postgres, "SELECT version_num FROM alembic_version"))
    assert revision == [_head()]
    added = _run("admin", "add-coordinator", "4242", env=env, cwd=tmp_path)
    assert (added.returncode, added.stderr) == (0, "")
    done = _run(*REPORT, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
