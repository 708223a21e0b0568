"""Run Alembic migrations from code (``hjalpsam db upgrade``, and on start with SQLite), and
tell whether a database is at the code's revision (every other command checks, never migrates).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

_HERE = Path(__file__).resolve().parent


class Schema(StrEnum):
    """How a database's schema stands against the code's head revision."""

    EMPTY = "empty"  # no tables at all: a new database
    BEHIND = "behind"  # an older revision, or tables that Alembic never marked
    CURRENT = "current"
    AHEAD = "ahead"  # a revision this code does not know: a newer version migrated it


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(_HERE / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database up to date. Call it outside a running event loop (or in a thread)."""
    command.upgrade(alembic_config(url), revision)


async def schema(engine: AsyncEngine) -> Schema:
    """Compare the database's revision with the code's head; reads only, runs no migration."""
    script = ScriptDirectory.from_config(alembic_config(""))
    async with engine.connect() as connection:
        revisions, has_tables = await connection.run_sync(_stamp)
    if not revisions:
        return Schema.BEHIND if has_tables else Schema.EMPTY
    if revisions == set(script.get_heads()):
        return Schema.CURRENT
    known = {found.revision for found in script.walk_revisions()}
    return Schema.BEHIND if revisions <= known else Schema.AHEAD


def _stamp(connection: Connection) -> tuple[set[str], bool]:
    """The revisions Alembic recorded, and whether there is any table at all."""
    revisions = set(MigrationContext.configure(connection).get_current_heads())
    return revisions, bool(inspect(connection).get_table_names())
