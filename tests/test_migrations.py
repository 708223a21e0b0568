"""The Alembic migrations build exactly the schema the models describe, and can be undone."""

from alembic import command

from storage.migrate import alembic_config, upgrade
from tests.conftest import PG_URL


def test_migrations_match_the_models_and_go_down_and_up_again(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    command.check(alembic_config(url))  # raises if the models and migrations differ
    command.downgrade(alembic_config(url), "base")
    upgrade(url)
    command.check(alembic_config(url))


def test_the_test_database_is_at_head_and_matches_the_models(db_url):
    # On PostgreSQL this checks the server's types too; on SQLite the migrated template.
    command.check(alembic_config(PG_URL or db_url))


def test_existing_coordinators_become_municipal_unless_they_have_an_organisation(tmp_path):
    """0007: one municipality owns the areas; coordinators without an organisation become its
    coordinators, those with one keep it (and are not municipal)."""
    import sqlite3

    db = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{db}"
    upgrade(url, "0006")
    at = "2026-11-01 10:00:00"
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO areas (id, name, created_at) VALUES (1, 'Centrum', ?)", (at,))
        conn.execute("INSERT INTO organisations (id, name, kind) VALUES (3, 'PRO', 'other')")
        for pid, tg, org in ((1, 900, None), (2, 901, 3), (3, 200, None)):
            conn.execute(
                "INSERT INTO people (id, telegram_id, organisation_id, unreachable, "
                "reminders_off, read_aloud, created_at) VALUES (?, ?, ?, 0, 0, 0, ?)",
                (pid, tg, org, at),
            )
        conn.executemany(
            "INSERT INTO roles (person_id, role) VALUES (?, ?)",
            [(1, "coordinator"), (2, "coordinator"), (3, "volunteer")],
        )
    upgrade(url)
    with sqlite3.connect(db) as conn:
        municipalities = conn.execute("SELECT id, name FROM municipalities").fetchall()
        areas = conn.execute("SELECT municipality_id FROM areas").fetchall()
        people = conn.execute(
            "SELECT telegram_id, municipality_id, organisation_id FROM people ORDER BY id"
        ).fetchall()
        roles = conn.execute("SELECT person_id, role FROM roles ORDER BY person_id").fetchall()
    # SQLite rebuilds `people` for its new foreign key: nothing that points at it may go.
    assert roles == [(1, "coordinator"), (2, "coordinator"), (3, "volunteer")]
    assert municipalities == [(1, "Kommunen")]
    assert areas == [(1,)]
    assert people == [(900, 1, None), (901, None, 3), (200, None, None)]
