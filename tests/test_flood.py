"""Flood control: 30 messages in 10 s get one calm answer, then a pause; others go on."""

from __future__ import annotations

import pytest

from bot.app import build_application
from bot.services.flood import DROP, OK, WARN, FloodGuard
from tests.conftest import NOW, Harness
from tests.fakes import RecordingRequest
from tests.helpers import RESIDENT, coordinator_with_area, resident


def test_the_31st_in_ten_seconds_warns_then_drops_until_the_pause_is_over():
    guard = FloodGuard(limit=30, window_s=10, quiet_s=60)
    assert [guard.check(1, 100 + i * 0.1) for i in range(30)] == [OK] * 30
    assert guard.check(1, 103.1) == WARN
    assert guard.check(1, 104) == DROP
    assert guard.check(2, 104) == OK  # someone else is not affected
    assert guard.check(1, 163.2) == OK  # after the quiet time


def test_thirty_spread_over_more_than_ten_seconds_are_fine():
    guard = FloodGuard(limit=30, window_s=10, quiet_s=60)
    assert all(guard.check(1, i * 0.5) == OK for i in range(100))


@pytest.fixture
async def strict(settings):
    """The real limits (the other tests raise them)."""
    request = RecordingRequest()
    app = build_application(settings.model_copy(update={"flood_messages": 30}), request=request)
    app.bot_data.clock = lambda: NOW
    async with app:
        await app.start()
        yield Harness(app, request)
        await app.stop()
    await app.bot_data.engine.dispose()


async def test_a_flood_gets_one_calm_message_and_others_are_unaffected(strict):
    h = strict
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    h.request.clear()
    for _ in range(40):
        await h.send(RESIDENT, "hej")
    calm = [t for t in h.texts(RESIDENT) if t.startswith("Det var många meddelanden")]
    assert calm == [
        "Det var många meddelanden på en gång. Jag tar en kort paus och lyssnar igen om en "
        "minut. 😊"
    ]
    # Only the ones before the limit were answered (resident() sent 8 of the 30 already).
    assert len(h.texts(RESIDENT)) <= 31
    await h.send(901, "/start")
    assert h.last(901).text.startswith("Hej och välkommen")
