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
