"""The outbound queue: notifications Telegram did not take are kept and sent again by the job
(sent with their id, blocked chats marked unreachable, given up after a day)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.app import build_application
from bot.jobs import resend as outbound
from bot.services.backoff import Backoff
from bot.services.views import Recipient
from bot.settings import Settings
from bot.telegram import retrying, web
from bot.telegram.sender import Markup
from storage.models import OutboundMessage
from tests.conftest import NOW, Harness
from tests.fakes import RecordingRequest
from tests.test_broadcast import add_person

ANNA, ERIK = 100, 200
INLINE = InlineKeyboardMarkup(
    [[InlineKeyboardButton("🙋 Jag tar det", callback_data="task:claim:7")]]
)
REPLY = ReplyKeyboardMarkup([[KeyboardButton("🙋 Be om hjälp")], ["ℹ️ Om tjänsten"]])


@dataclass
class Flaky(RecordingRequest):
    """RecordingRequest whose sendMessage fails for some chats: 502, 400 or 429."""

    down: set[int] = field(default_factory=set)
    down_texts: set[str] = field(default_factory=set)
    refuse: set[int] = field(default_factory=set)
    slow: set[int] = field(default_factory=set)
    tries: int = 0

    async def do_request(self, url: str, method: str, request_data: Any = None, *a: Any, **k: Any):  # type: ignore[no-untyped-def]
        params = dict(request_data.parameters) if request_data else {}
        if url.endswith("/sendMessage"):
            self.tries += 1
            chat = int(params.get("chat_id") or 0)
            if chat in self.down or params.get("text") in self.down_texts:
                return 502, json.dumps(
                    {"ok": False, "error_code": 502, "description": "Bad Gateway"}
                ).encode()
            if chat in self.refuse:
                return 400, json.dumps(
                    {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
                ).encode()
            if chat in self.slow:
                body = {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                }
                return 429, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, *a, **k)


class FlakyHarness(Harness):
    request: Flaky


@pytest.fixture
async def h(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FlakyHarness]:
    monkeypatch.setattr(retrying, "HTTP", Backoff(first=0.0, factor=2, most=0.0))
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter without PTB's int warning
    request = Flaky()
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: NOW
    await app.initialize()
    yield FlakyHarness(app, request)
    await app.shutdown()
    await app.bot_data.engine.dispose()


def at(h: FlakyHarness, later: timedelta) -> None:
    h.data.clock = lambda: NOW + later


async def rows(h: FlakyHarness) -> list[OutboundMessage]:
    async with h.uow() as uow:
        found = await uow.session.execute(select(OutboundMessage).order_by(OutboundMessage.id))
        return list(found.scalars())


async def queue(
    h: FlakyHarness, chat: int, text: str = "Goda nyheter!", markup: Markup = None
) -> Any:
    """Send through the notifier while the chat is down: the message is queued."""
    h.request.down.add(chat)
    outcome = await h.data.notifier.deliver_to_chat(chat, text, markup)
    h.request.down.discard(chat)
    return outcome


async def resend(h: FlakyHarness) -> outbound.Run:
    return await outbound.resend(h.app, lambda: False)


async def test_the_notifier_queues_a_message_telegram_fails_to_take(h: FlakyHarness) -> None:
    h.request.down.add(ERIK)
    sent = await h.data.notifier.send(Recipient(1, ERIK, "sv", "Erik"), lambda: ("Hej", INLINE))
    assert sent is None
    assert h.request.tries == 3  # the HTTP retries came first
    [row] = await rows(h)
    assert (row.chat_id, row.text, row.attempts, row.error) == (ERIK, "Hej", 1, "NetworkError")
    assert json.loads(row.markup or "") == INLINE.to_dict()
    assert row.next_attempt_at == NOW + timedelta(seconds=5) and row.sent_at is None


async def test_blocked_and_refused_messages_are_not_queued(h: FlakyHarness) -> None:
    await add_person(h, ANNA, "resident")
    h.request.blocked.add(ANNA)
    h.request.refuse.add(ERIK)
    assert not (await h.data.notifier.deliver_to_chat(ANNA, "Hej")).arrives
    assert not (await h.data.notifier.deliver_to_chat(ERIK, "Hej")).arrives
    assert await rows(h) == []
    async with h.uow() as uow:
        assert (await uow.people.by_telegram_id(ANNA)).unreachable


@pytest.mark.parametrize("markup", [None, INLINE, REPLY], ids=["plain", "inline", "reply"])
async def test_the_job_sends_it_with_its_buttons_and_records_the_message_id(
    h: FlakyHarness, markup: Markup
) -> None:
    assert (await queue(h, ERIK, "Goda nyheter!", markup)).queued
    assert (await resend(h)).sent == 0  # not due yet
    at(h, timedelta(seconds=5))
    run = await resend(h)
    assert run == outbound.Run(sent=1)
    [call] = h.request.sent(ERIK)
    assert call.text == "Goda nyheter!"
    expected = markup.to_dict() if markup is not None else None
    got = call.params.get("reply_markup")
    assert (json.loads(got) if isinstance(got, str) else got) == expected
    [row] = await rows(h)
    assert row.sent_at == NOW + timedelta(seconds=5) and row.message_id is not None
    assert (row.text, row.markup) == ("", None)  # not kept once delivered
    assert await resend(h) == outbound.Run()  # sent once
    assert h.data.metrics.registry.get_sample_value("hjalpsam_outbound_depth") == 0


async def test_a_failed_resend_waits_longer_each_time(h: FlakyHarness) -> None:
    await queue(h, ERIK)
    h.request.down.add(ERIK)
    for seconds, attempts, wait in ((5, 2, 15), (20, 3, 45), (65, 4, 135)):
        at(h, timedelta(seconds=seconds))
        assert (await resend(h)).retried == 1
        [row] = await rows(h)
        assert row.attempts == attempts
        assert row.next_attempt_at == NOW + timedelta(seconds=seconds + wait)
    h.request.down.clear()
    at(h, timedelta(seconds=200))
    assert (await resend(h)).sent == 1


async def test_a_chat_that_blocked_the_bot_meanwhile_becomes_unreachable(h: FlakyHarness) -> None:
    await add_person(h, ANNA, "resident")
    await queue(h, ANNA)
    h.request.blocked.add(ANNA)
    at(h, timedelta(minutes=1))
    assert await resend(h) == outbound.Run(unreachable=1)
    [row] = await rows(h)
    assert row.error == "unreachable" and row.failed_at is not None and row.sent_at is None
    async with h.uow() as uow:
        assert (await uow.people.by_telegram_id(ANNA)).unreachable
    assert await resend(h) == outbound.Run()  # never tried again


async def test_given_up_after_a_day(h: FlakyHarness, caplog: pytest.LogCaptureFixture) -> None:
    await queue(h, ERIK)
    h.request.down.add(ERIK)
    at(h, timedelta(hours=24, minutes=1))
    tries = h.request.tries
    with caplog.at_level(logging.WARNING, logger="bot.jobs.resend"):
        assert await resend(h) == outbound.Run(given_up=1)
    assert h.request.tries == tries  # too late to be of use: not sent at all
    [row] = await rows(h)
    assert row.failed_at is not None and row.error == "gave up: NetworkError"
    assert row.text == ""
    assert "given up after a day" in caplog.text
    h.request.down.clear()
    assert await resend(h) == outbound.Run()


async def test_retry_after_leaves_the_rest_for_a_later_run(h: FlakyHarness) -> None:
    await queue(h, ANNA, "Först")
    await queue(h, ERIK, "Sedan")
    h.request.slow.add(ANNA)
    at(h, timedelta(seconds=5))
    assert await resend(h) == outbound.Run(retried=1)
    first, second = await rows(h)
    assert first.next_attempt_at >= NOW + timedelta(seconds=6) and second.sent_at is None


async def test_a_chat_gets_its_messages_in_order(h: FlakyHarness) -> None:
    await queue(h, ERIK, "Ett")
    await queue(h, ERIK, "Två")
    h.request.down_texts.add("Ett")
    at(h, timedelta(seconds=5))
    assert await resend(h) == outbound.Run(retried=1)  # "Två" waits behind "Ett"
    h.request.down_texts.clear()
    at(h, timedelta(minutes=1))
    assert (await resend(h)).sent == 2
    assert [c.text for c in h.request.sent(ERIK)] == ["Ett", "Två"]


async def test_two_senders_at_once_send_each_message_once(h: FlakyHarness) -> None:
    chats = range(1000, 1020)
    for chat in chats:
        await queue(h, chat, f"Till {chat}")
    at(h, timedelta(seconds=5))
    runs = await asyncio.gather(resend(h), resend(h))
    assert sum(r.sent for r in runs) == 20
    assert sorted(c.chat_id or 0 for c in h.request.sent()) == list(chats)
    assert all(r.sent_at is not None for r in await rows(h))


async def test_the_depth_is_in_healthz_and_metrics(h: FlakyHarness) -> None:
    await queue(h, ERIK)
    async with TestClient(TestServer(web.build(h.app, "a-long-random-secret"))) as client:
        body = json.loads(await (await client.get("/healthz")).text())
        metrics = await (await client.get("/metrics")).text()
    assert body["outbound_depth"] == 1 and body["outbox_depth"] == 0
    assert "hjalpsam_outbound_depth 1.0" in metrics
