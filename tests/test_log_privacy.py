"""No log line holds a name, an address, a phone or a message text, even when the database
fails in the middle of writing them and every logger (SQLAlchemy's too) is at DEBUG.

The database fails as in ``tests/test_db_drop.py``: on PostgreSQL the bot's connections are
killed, on SQLite the statement fails with the driver's own error. The error handler logs the
exception with its traceback, which names the statement; its values must not be there.
"""

from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import Harness
from tests.helpers import RESIDENT, coordinator_with_area
from tests.test_db_drop import ERROR, Drop
from tests.test_flow_request import mark, reply

NAME, ADDRESS, PHONE = "Ingegerd", "Lingonstigen 17", "070-555 19 37"
DETAILS = "Portkod 7Q19X, jag har diabetes"
# Distinctive pieces: no timing figure or id in a log line can contain them by chance.
SECRETS = (NAME, ADDRESS, PHONE, DETAILS, "Lingonstigen", "555 19 37", "7Q19X", "diabetes")
ONBOARDING = [
    "/start",
    "Svenska",
    "🙋 Jag vill ha hjälp",
    NAME,
    "Centrum",
    ADDRESS,
    PHONE,
    "✅ Ja, det är okej",
]
ASKING = ["🙋 Be om hjälp", "🛒 Handla", "imorgon kl 10", "✅ Ja", DETAILS, "✅ Skicka"]
# The statement that fails, and the message whose handling runs it.
WHERE = {
    "storing the address in the step": ("INSERT INTO persisted_state", ADDRESS),
    "saving name, address and phone": ("UPDATE people SET first_name", "✅ Ja, det är okej"),
    "saving the details in the draft": ("UPDATE drafts SET details", DETAILS),
    "sending the request": ("INSERT INTO help_requests", "✅ Skicka"),
}


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Each record as a handler would write it (tracebacks included), and its raw message."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(
        f"{formatter.format(record)}\n{record.getMessage()}" for record in caplog.records
    )


@pytest.mark.parametrize("where", list(WHERE))
async def test_a_database_error_logs_no_personal_data(
    harness: Harness, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    await coordinator_with_area(harness, "Centrum")
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy puts its own loggers at WARNING when imported; here they say everything.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    statement, failing_message = WHERE[where]
    drop = Drop(harness.data.engine)
    since = None
    for text in ONBOARDING + ASKING:
        if text == failing_message:
            drop.next(statement)
            since = mark(harness)
        await harness.send(RESIDENT, text)
        if since is not None:
            break
    assert drop.dropped == 1 and since is not None
    assert reply(harness, since) == [(ERROR, [])]

    logged = everything_logged(caplog)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert errors, "the failure was not logged"
    # The statement is named, its values are not.
    assert statement.split()[-1] in logged
    assert "hidden due to hide_parameters=True" in logged
    # SQLAlchemy was heard at DEBUG (rows and all), so its silence about the data counts.
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
    for secret in SECRETS:
        for form in (secret, json.dumps(secret)[1:-1]):
            assert form not in logged, f"{form!r} was logged"
