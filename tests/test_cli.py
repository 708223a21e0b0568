"""The command line: clear words for a bad token, and the admin commands on a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

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
