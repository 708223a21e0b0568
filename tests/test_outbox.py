"""The broadcast outbox: blocked users, RetryAfter, errors, progress, restarts, fairness."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from bot.app import build_application
from bot.jobs import send_broadcasts
from bot.services import broadcasts
from bot.services.backoff import Backoff
from bot.services.broadcasts import Audience
from bot.settings import Settings
from bot.telegram import retrying
from bot.telegram.sender import Delivery, Kind
from tests.conftest import NOW, Harness
from tests.fakes import RecordingRequest
from tests.helpers import COORDINATOR
from tests.test_broadcast import add_person, deliveries

FIRST = 1000  # recipients' chat ids are FIRST, FIRST + 1, ...


@dataclass
class ScriptedRequest(RecordingRequest):
    """RecordingRequest that first answers some chats' messages with scripted errors."""

    script: dict[int, list[int]] = field(default_factory=dict)  # chat -> HTTP statuses
    refused: list[tuple[int, int]] = field(default_factory=list)

    async def do_request(self, url: str, method: str, request_data: Any = None, *a: Any, **k: Any):  # type: ignore[no-untyped-def]
        params = dict(request_data.parameters) if request_data else {}
        chat = int(params.get("chat_id") or 0)
        if url.endswith("/sendMessage") and self.script.get(chat):
            status = self.script[chat].pop(0)
            self.refused.append((chat, status))
            body: dict[str, Any] = {"ok": False, "error_code": status}
            if status == 429:
                body.update(description="Too Many Requests", parameters={"retry_after": 1})
            elif status >= 500:
                body.update(description="Bad Gateway")
            else:
                body.update(description="Bad Request: message could not be sent")
            return status, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, *a, **k)


async def seed(h: Any, count: int, en: tuple[int, ...] = ()) -> int:
    """A coordinator and ``count`` residents; a broadcast to them all. Returns its id."""
    await add_person(h, COORDINATOR, "coordinator")
    for n in range(count):
        await add_person(h, FIRST + n, "resident", locale="en" if n in en else "sv")
    async with h.uow() as uow:
        created = await broadcasts.create(
            uow, COORDINATOR, Audience("residents"), "Hej!", "Hello!", NOW, "sv", 77
        )
    return created.id


def sent_to(request: RecordingRequest) -> list[int]:
    return [c.chat_id for c in request.sent() if c.chat_id and c.chat_id >= FIRST]


async def harness_with(settings: Settings, request: RecordingRequest) -> Harness:
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: NOW
    await app.initialize()
    return Harness(app, request)


async def close(h: Harness) -> None:
    await h.app.shutdown()
    await h.app.bot_data.engine.dispose()


@pytest.fixture
async def scripted(settings: Settings) -> AsyncIterator[Harness]:
    """A harness whose fake can answer with errors."""
    h = await harness_with(settings, ScriptedRequest())
    yield h
    await close(h)


async def test_blocked_users_become_unreachable_and_are_not_retried(harness: Any) -> None:
    h = harness
    await seed(h, 3)
    h.request.blocked.add(FIRST + 1)
    await send_broadcasts.deliver(h.app, lambda: False)
    await send_broadcasts.deliver(h.app, lambda: False)
    assert sent_to(h.request) == [FIRST, FIRST + 1, FIRST + 2]  # the blocked one tried once
    rows = await deliveries(h)
    assert rows[FIRST + 1].status == "unreachable" and rows[FIRST].status == "sent"
    async with h.uow() as uow:
        person = await uow.people.by_telegram_id(FIRST + 1)
        assert person.unreachable
    edit = h.request.sent(COORDINATOR, "editMessageText")[-1]
    assert edit.params["message_id"] == 77
    assert edit.text == ("Klart! 2 fick meddelandet. 1 gick inte att nå (de har stängt av boten).")


async def test_retry_after_is_waited_out_and_the_same_row_is_sent_once(
    scripted: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB warns about RetryAfter's int seconds unless told to use timedelta (as it will).
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    h = scripted
    await seed(h, 3)
    h.request.script[FIRST + 1] = [429]
    run = await send_broadcasts.deliver(h.app, lambda: False)
    assert run.retries == 1 and run.sent == 3
    assert h.request.refused == [(FIRST + 1, 429)]
    # Refused calls are not recorded: each chat got its message exactly once.
    assert sent_to(h.request) == [FIRST, FIRST + 1, FIRST + 2]
    assert {r.status for r in (await deliveries(h)).values()} == {"sent"}


async def test_a_failing_telegram_is_retried_a_few_times_then_failed(
    scripted: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = scripted
    monkeypatch.setattr(send_broadcasts, "PROGRESS_MIN_SECONDS", 0)
    monkeypatch.setattr(send_broadcasts, "PROGRESS_SECONDS", 0)
    await seed(h, 50)
    h.request.blocked.add(FIRST + 4)
    # Each run's call is tried three times at the HTTP boundary; three runs, then it fails.
    monkeypatch.setattr(retrying, "HTTP", Backoff(first=0, factor=2, most=0))
    h.request.script[FIRST + 49] = [502] * 9
    clock = [NOW]
    h.data.clock = lambda: clock[0]
    for _ in range(4):  # the retries wait a little longer each time
        await send_broadcasts.deliver(h.app, lambda: False)
        clock[0] += timedelta(minutes=1)
    assert h.request.refused == [(FIRST + 49, 502)] * 9
    rows = await deliveries(h)
    assert rows[FIRST + 49].status == "failed" and rows[FIRST + 49].attempts == 3
    edits = [c.text for c in h.request.sent(COORDINATOR, "editMessageText")]
    assert edits == [
        "Skickat till 10 av 50 …",
        "Skickat till 20 av 50 …",
        "Skickat till 30 av 50 …",
        "Skickat till 40 av 50 …",
        "Skickat till 49 av 50 …",
        "Klart! 48 fick meddelandet. 1 gick inte att nå (de har stängt av boten). 1 misslyckades.",
    ]


async def test_a_message_telegram_refuses_is_failed_at_once(scripted: Harness) -> None:
    h = scripted
    await seed(h, 3)
    h.request.script[FIRST + 1] = [400]
    await send_broadcasts.deliver(h.app, lambda: False)
    await send_broadcasts.deliver(h.app, lambda: False)
    assert h.request.refused == [(FIRST + 1, 400)]
    rows = await deliveries(h)
    assert rows[FIRST + 1].status == "failed" and rows[FIRST + 1].attempts == 1
    assert sent_to(h.request) == [FIRST, FIRST + 2]


async def test_after_a_restart_only_the_rest_is_sent(harness: Any, settings: Settings) -> None:
    h = harness
    await seed(h, 30)
    # The first process stops (as if killed) after 12 messages.
    await send_broadcasts.deliver(h.app, lambda: len(sent_to(h.request)) >= 12)
    first = sent_to(h.request)
    assert len(first) == 12

    again = await harness_with(settings, RecordingRequest())
    await send_broadcasts.deliver(again.app, lambda: False)
    await close(again)
    rest = sent_to(again.request)
    assert sorted(first + rest) == list(range(FIRST, FIRST + 30))  # each exactly once
    last = again.request.sent(COORDINATOR, "editMessageText")[-1]
    assert last.text == "Klart! 30 fick meddelandet."


async def test_a_reply_goes_out_in_the_middle_of_a_broadcast(settings: Settings) -> None:
    """With the real limiter, /start from someone is answered before the broadcast is done."""
    fast = settings.model_copy(update={"outgoing_rate": 30, "broadcast_rate": 30})
    h = await harness_with(fast, RecordingRequest())
    request = h.request
    await seed(h, 120)
    sending = asyncio.create_task(send_broadcasts.deliver(h.app, lambda: False))
    for _ in range(1000):  # until the broadcast is under way
        if len(sent_to(request)) >= 5:
            break
        await asyncio.sleep(0.01)
    asked_at = len(request.calls)
    await h.send(777, "/start")
    await sending
    await close(h)
    calls = request.calls
    answer = next(i for i, c in enumerate(calls) if c.chat_id == 777)
    broadcast = [i for i, c in enumerate(calls) if c.chat_id and c.chat_id >= FIRST]
    assert len(broadcast) == 120
    assert answer < broadcast[-1]  # answered while the broadcast was still going
    # It did not wait for the rest of them (at most a few went out while /start was handled;
    # the margin is for a loaded machine, where handling /start itself takes a while).
    assert sum(1 for i in broadcast if asked_at <= i < answer) <= 15


async def test_the_benchmark_runs(db_url: str) -> None:
    """bench/broadcast.py with a few recipients and two people writing, on either database.

    tests/test_bench_smoke.py runs every benchmark on SQLite; this one also runs on PostgreSQL.
    """
    from bench.broadcast import run

    result = await run(40, db_url, quiet=True, interactive=2)
    assert result["recipients"] == result["delivered"] == 40
    assert result["duplicates"] == result["lost"] == 0
    assert result["asked"] == result["replied"] == 6  # three messages each, all answered
    assert set(result) >= {"msgs_per_s", "ratio_to_30", "http_429", "reply_p95_ms"}


async def test_a_summary_telegram_could_not_take_is_edited_in_at_the_next_run(
    harness: Harness,
) -> None:
    h = harness
    await seed(h, 2)
    real_edit = h.data.notifier.edit
    refused: list[str] = []

    async def flaky_edit(chat_id: int, message_id: int, text: str, markup: Any = None) -> Any:
        if not refused:
            refused.append(text)
            return Delivery(Kind.RETRY, reason="TimedOut: timed out")
        return await real_edit(chat_id, message_id, text, markup)

    h.data.notifier.edit = flaky_edit
    await send_broadcasts.deliver(h.app, lambda: False)
    assert refused == ["Klart! 2 fick meddelandet."]
    await send_broadcasts.deliver(h.app, lambda: False)
    edits = [c.text for c in h.request.sent(COORDINATOR, "editMessageText")]
    assert edits == ["Klart! 2 fick meddelandet."]
    async with h.uow() as uow:
        assert await broadcasts.sending(uow) == []
