"""The database on the command line: ``hjalpsam db upgrade``, and the one way every other
command opens it (:func:`units`).

Only ``db upgrade`` and ``run`` on SQLite migrate. Every other command checks that the schema
is at the code's revision and otherwise stops with one line: running Alembic on a production
PostgreSQL is the operator's decision, not a side effect of ``hjalpsam report``. The one
exception is a SQLite file that does not exist yet or has no tables: there is nothing to lose,
and README's "First run" makes yourself a coordinator before the bot ever started.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.settings import Settings
from bot.ui import texts
from storage.db import create_engine, create_session_factory, sqlite_file
from storage.migrate import Schema, schema, upgrade
from storage.uow import UnitOfWorkFactory


class SchemaNotReady(Exception):
    """The database is not at the code's revision; the command did not touch it."""

    def __init__(self, state: Schema) -> None:
        super().__init__(state.value)
        self.state = state

    def line(self) -> str:
        """The one line for the operator."""
        if self.state is Schema.AHEAD:
            return texts.cli_schema_ahead()
        return texts.cli_schema_behind()


def upgrade_command(settings: Settings) -> int:
    """``hjalpsam db upgrade``: run the migrations and say so."""
    upgrade(settings.database_url)
    print(texts.cli_database_ready())
    return 0


@asynccontextmanager
async def units(settings: Settings, *, create: bool = False) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on the settings' database, disposed of afterwards.

    Raises :class:`SchemaNotReady` unless the schema is current. With ``create``, a SQLite file
    that is missing or empty is created and migrated instead (said on stderr, in case it was
    the wrong folder).
    """
    url = settings.database_url
    fresh_file = sqlite_file(url)
    if fresh_file is not None and not create and not fresh_file.exists():
        raise SchemaNotReady(Schema.EMPTY)  # connecting would leave an empty file behind
    engine = create_engine(url)
    try:
        state = await schema(engine)
        if state is Schema.EMPTY and create and fresh_file is not None:
            await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
            print(texts.cli_database_created(str(fresh_file.resolve())), file=sys.stderr)
        elif state is not Schema.CURRENT:
            raise SchemaNotReady(state)
        yield UnitOfWorkFactory(create_session_factory(engine))
    finally:
        await engine.dispose()


async def check(settings: Settings) -> None:
    """Raise :class:`SchemaNotReady` unless the schema is current (``run`` on PostgreSQL)."""
    async with units(settings):
        pass
