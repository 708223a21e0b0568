"""The database connection drops in the middle of a flow: the person gets a kind error, keeps
the draft and the step they were at, and the next message works.

On PostgreSQL the bot's connections are really killed, from a connection of the test's own
(``pg_terminate_backend``). SQLite has no server to lose, so there one statement fails with
the driver's own error instead.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.conversations import request_help
from storage.uow import StorageUnavailable
from tests.conftest import PG_URL, Harness
from tests.helpers import RESIDENT, coordinator_with_area, resident
from tests.test_flow_request import (
    MON_10,
    MONDAY_10,
    SEND_BUTTONS,
    draft,
    mark,
    reply,
    summary,
)
from tests.test_timeouts import ANN, at_details, english_resident, stored_states

ERROR = (
    "Något gick fel hos oss. Det du har skrivit är sparat. Försök gärna igen om en liten stund."
)
DETAILS = request_help.State.DETAILS
SUMMARY = (summary(MONDAY_10, "Mjölk och bröd"), SEND_BUTTONS)
PG_ONLY = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (HJALPSAM_TEST_DATABASE_URL)")
OTHERS = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND backend_type = 'client backend'"
)
# Where the answer to «Vill du berätta mer?» is handled, in order: the statement that fails.
WHERE = {
    # The first read of the update (the language is not cached, as after a restart).
    "reading the language": "SELECT people.id",
    "saving the answer": "UPDATE drafts SET details",
    "saving the next step in the draft": "UPDATE drafts SET step",
    "storing the next step": "INSERT INTO persisted_state",
    # After the next step was stored, before its question was sent.
    "reading the person for the summary": "SELECT roles.role",
}


async def kill_connections() -> int:
    """Terminate every other connection to the test database; return once they are gone."""
    url = make_url(PG_URL).set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        pids = [row["pid"] for row in await conn.fetch(f"SELECT pid {OTHERS}")]
        await conn.execute(f"SELECT pg_terminate_backend(pid) {OTHERS}")
        async with asyncio.timeout(10):
            while await conn.fetchval(  # noqa: ASYNC110 - the server ends them on its own
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", pids
            ):
                await asyncio.sleep(0.01)
        return len(pids)
    finally:
        await conn.close()


class Drop:
    """The connection drops just before the next statement that starts with the first prefix,
    then before the next one that starts with the second, and so on."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.prefixes: list[str] = []
        self.dropped = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)

    def next(self, *prefixes: str) -> None:
        self.prefixes = list(prefixes)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not self.prefixes or not statement.startswith(self.prefixes[0]):
            return
        self.prefixes.pop(0)
        self.dropped += 1
        if PG_URL:
            # For real; the statement then fails on its dead connection. (This runs inside the
            # driver's synchronous part, so the killing has an event loop of its own.)
            killer = threading.Thread(target=lambda: asyncio.run(kill_connections()))
            killer.start()
            killer.join()
            return
        raise sqlite3.OperationalError("disk I/O error")


@pytest.fixture
async def h(harness: Harness) -> Harness:
    """Anna has answered what and when, and is asked «Vill du berätta mer?»."""
    await coordinator_with_area(harness, "Centrum")
    await resident(harness)
    await at_details(harness, RESIDENT)
    return harness


async def assert_kept_at_details(h: Harness) -> None:
    """The answers before are kept, and the question is still the same one."""
    stored = await draft(h)
    assert stored is not None and stored[1] == "shopping" and stored[3] == MON_10
    assert await stored_states(h) == {RESIDENT: DETAILS}


@pytest.mark.parametrize("where", list(WHERE))
async def test_a_drop_in_the_middle_of_a_step(h: Harness, where: str) -> None:
    drop = Drop(h.data.engine)
    h.data.locales.clear()
    drop.next(WHERE[where])
    since = mark(h)
    await h.send(RESIDENT, "Mjölk och bröd")
    assert drop.dropped == 1
    assert reply(h, since) == [(ERROR, [])]
    await assert_kept_at_details(h)
    since = mark(h)
    await h.send(RESIDENT, "Mjölk och bröd")
    assert reply(h, since) == [SUMMARY]
    assert await stored_states(h) == {RESIDENT: request_help.State.CONFIRM}


async def test_the_database_still_away_while_saying_sorry(h: Harness) -> None:
    """The step cannot be stored back either: the person is told all the same, and their next
    message is still the answer to the question they saw."""
    drop = Drop(h.data.engine)
    drop.next(WHERE["reading the person for the summary"], "INSERT INTO persisted_state")
    since = mark(h)
    await h.send(RESIDENT, "Mjölk och bröd")
    assert drop.dropped == 2
    assert reply(h, since) == [(ERROR, [])]
    since = mark(h)
    await h.send(RESIDENT, "Bara mjölk")
    assert reply(h, since) == [(summary(MONDAY_10, "Bara mjölk"), SEND_BUTTONS)]
    assert await stored_states(h) == {RESIDENT: request_help.State.CONFIRM}


async def test_the_kind_error_is_in_the_persons_own_language(h: Harness) -> None:
    """Ann (English) wrote just before; Anna's language cannot be read."""
    await english_resident(h)
    await h.send(ANN, "🙋 Ask for help")
    h.data.locales.clear()
    Drop(h.data.engine).next(WHERE["reading the language"])
    since = mark(h)
    await h.send(RESIDENT, "Mjölk och bröd")
    assert reply(h, since) == [(ERROR, [])]


async def test_a_step_that_could_not_be_stored_is_stored_with_the_next_write(h: Harness) -> None:
    """The flow ended (PTB hands the change over once), but the database was away."""
    drop = Drop(h.data.engine)
    persistence = h.app.persistence
    key = (RESIDENT, RESIDENT)
    drop.next("DELETE FROM persisted_state")
    with pytest.raises(StorageUnavailable):
        await persistence.update_conversation(request_help.NAME, key, None)
    assert await stored_states(h) == {RESIDENT: DETAILS}
    # Someone else's next step is stored, and the one that failed with it.
    await persistence.update_conversation(request_help.NAME, (ANN, ANN), 1)
    assert await stored_states(h) == {ANN: 1}


@PG_ONLY
async def test_connections_killed_between_two_messages(h: Harness) -> None:
    assert await kill_connections() >= 1
    since = mark(h)
    await h.send(RESIDENT, "Mjölk och bröd")
    assert reply(h, since) == [SUMMARY]
