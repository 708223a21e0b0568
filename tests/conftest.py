"""Fixtures: a fresh migrated database and a fresh Application for every test.

Set HJALPSAM_TEST_DATABASE_URL to run the suite on PostgreSQL instead of SQLite files: each
pytest-xdist worker then gets a database of its own (see ``tests/postgres.py``), and ``PG_URL``
is that worker's. Tests that reach no database are marked ``nodb``, so a second run on
PostgreSQL can leave them out (``-m "not nodb"``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.app import build_application
from bot.settings import Settings
from storage import place_models  # noqa: F401 - its tables are truncated too
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Base
from tests import postgres
from tests.fakes import TOKEN, RecordingRequest, Updates, to_update

TZ = ZoneInfo("Europe/Stockholm")
# Sunday 22 November 2026, noon, in Stockholm.
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=TZ)
# This worker's database (made in pytest_sessionstart), or "" on SQLite.
PG_URL = postgres.worker_url(
    os.environ.get("HJALPSAM_TEST_DATABASE_URL", ""), os.environ.get("PYTEST_XDIST_WORKER", "")
)
# Fixtures that reach the database under test; any fixture that needs one of them does too.
DATABASE_FIXTURES = frozenset(
    {
        "db_url",
        "settings",
        "harness",
        "sqlite_template",
        "pg_migrated",
        # The e2e tests' (tests/e2e/conftest.py).
        "database_url",
        "pg_upgraded",
    }
)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Make this worker's PostgreSQL database (not in xdist's controller: it runs no tests)."""
    config = session.config
    controller = not hasattr(config, "workerinput") and config.getoption("dist", "no") != "no"
    if PG_URL and not controller:
        postgres.prepare(os.environ["HJALPSAM_TEST_DATABASE_URL"], PG_URL)


@pytest.hookimpl(tryfirst=True)  # before -m "not nodb" deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``nodb`` what reaches no database: it runs the same on SQLite and PostgreSQL.

    A test module that imports PG_URL is about PostgreSQL: its tests are never ``nodb``, even
    those that build their own engine without a fixture.
    """
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        module = getattr(item, "module", None)
        if (
            not fixtures & DATABASE_FIXTURES
            and item.get_closest_marker("postgres") is None
            and getattr(module, "PG_URL", None) is None
        ):
            item.add_marker(pytest.mark.nodb)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migrated() -> bool:
    """Whether the tests run on PostgreSQL (this worker's database, made from the template)."""
    return bool(PG_URL)


async def _truncate(url: str) -> None:
    """Empty every table and start the ids at 1 again.

    DELETE, children first, rather than TRUNCATE: on tables this small it takes half the time
    (TRUNCATE makes new files for each table), and every test on PostgreSQL begins with it.
    """
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(table.delete())
            await conn.execute(
                text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'")
            )
    finally:
        await engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path, pg_migrated: bool) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    if pg_migrated:
        asyncio.run(_truncate(PG_URL))
        yield PG_URL
        return
    path = tmp_path / "hjalpsam.db"
    shutil.copy(sqlite_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        _env_file=None,
        telegram_token=TOKEN,
        telegram_api_url="http://127.0.0.1:1/bot",
        database_url=db_url,
        coordinator_ids=[900],
        outgoing_rate=0,
        # Flows in tests send many updates a second; flood control has its own tests.
        flood_messages=10_000,
    )


class Harness:
    """Drives the real Application with updates and reads what the bot sent."""

    def __init__(self, app: Any, request: RecordingRequest) -> None:
        self.app = app
        self.request = request
        self.updates = Updates()

    @property
    def data(self) -> Any:
        return self.app.bot_data

    def uow(self) -> Any:
        return self.app.bot_data.uow()

    async def feed(self, data: dict[str, Any]) -> None:
        await self.app.process_update(to_update(data, self.app.bot))

    async def send(self, user_id: int, text: str) -> None:
        await self.feed(self.updates.message(user_id, text))

    async def press(
        self, user_id: int, data: str, message_id: int = 1, chat_id: int | None = None
    ) -> None:
        await self.feed(
            self.updates.callback(user_id, data, message_id=message_id, chat_id=chat_id)
        )

    def last(self, chat_id: int) -> Any:
        return self.request.last(chat_id)

    def texts(self, chat_id: int) -> list[str]:
        return [c.text for c in self.request.sent(chat_id)]

    def alerts(self) -> list[str]:
        return [
            str(c.params.get("text", ""))
            for c in self.request.calls
            if c.method == "answerCallbackQuery"
        ]


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[Harness]:
    request = RecordingRequest()
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: NOW
    # As installed without the voice extra; voice tests put in the engine they need.
    app.bot_data.listener.engine = None
    async with app:
        await app.start()
        yield Harness(app, request)
        await app.stop()
    await app.bot_data.engine.dispose()
