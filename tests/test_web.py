"""The webhook endpoint, /healthz and /metrics."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.telegram import web
from tests.fakes import Updates

SECRET = "a-long-random-secret"


@pytest.fixture
async def client(harness):
    async with TestClient(TestServer(web.build(harness.app, SECRET))) as c:
        yield c


async def _answered(h, chat_id: int) -> str:
    for _ in range(100):
        if h.request.sent(chat_id):
            return h.last(chat_id).text
        await asyncio.sleep(0.02)
    raise AssertionError("no answer")


async def test_a_wrong_or_missing_secret_is_403_and_nothing_is_handled(harness, client):
    update = Updates().message(4711, "/start")
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
        response = await client.post(web.WEBHOOK_PATH, json=update, headers=headers)
        assert response.status == 403
    await asyncio.sleep(0.1)
    assert not harness.request.sent(4711)


async def test_too_large_or_malformed_bodies_get_4xx(client):
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    big = await client.post(web.WEBHOOK_PATH, data=b"x" * (1024 * 1024), headers=headers)
    assert big.status == 413
    broken = await client.post(web.WEBHOOK_PATH, data=b"{not json", headers=headers)
    assert broken.status == 400
    empty = await client.post(web.WEBHOOK_PATH, data=b"[]", headers=headers)
    assert empty.status == 400


async def test_a_good_update_is_acknowledged_and_then_answered(harness, client):
    update = Updates().message(4711, "/start")
    response = await client.post(
        web.WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status == 200
    assert (await _answered(harness, 4711)).startswith("Hej och välkommen")


async def test_healthz_and_metrics(harness, client):
    response = await client.get("/healthz")
    body = json.loads(await response.text())
    # In tests nothing starts the scheduler, so the bot reports itself not healthy.
    assert response.status == 503
    assert body["database"] == "ok" and body["scheduler"] == "stopped"
    assert body["outbox_depth"] == 0
    await harness.send(4711, "/start")
    metrics = await (await client.get("/metrics")).text()
    assert "hjalpsam_updates_total 1.0" in metrics
    assert "hjalpsam_messages_sent_total 1.0" in metrics
    assert "hjalpsam_handler_seconds_count 1.0" in metrics
    body = json.loads(await (await client.get("/healthz")).text())
    assert body["last_update_age_s"] is not None


async def test_the_reminder_lag_and_outbox_depth_are_measured(harness, client):
    from datetime import timedelta

    from storage.models import Broadcast, Delivery
    from storage.place_models import Reminder
    from tests.conftest import NOW

    async with harness.uow() as uow:
        uow.session.add(Reminder(kind="before", due_at=NOW - timedelta(minutes=5)))
        broadcast = Broadcast(audience="residents", text_sv="Hej", created_at=NOW)
        uow.session.add(broadcast)
        await uow.session.flush()
        uow.session.add_all(
            Delivery(broadcast_id=broadcast.id, chat_id=n, status="pending") for n in (1, 2, 3)
        )
    metrics = await (await client.get("/metrics")).text()
    assert "hjalpsam_reminder_lag_seconds 300.0" in metrics
    assert "hjalpsam_outbox_depth 3.0" in metrics
