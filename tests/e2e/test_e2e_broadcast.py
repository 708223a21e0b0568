"""Broadcasts against the Bot API emulator: SIGKILL in the middle, restart, exactly one copy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from storage.db import create_engine, create_session_factory
from storage.models import Person, Role
from tests.e2e.conftest import COORDINATOR, StartBot, coordinator_with_area
from tests.e2e.emulator import BotApiEmulator, Limits

pytestmark = pytest.mark.e2e
FIRST = 10_000  # the recipients' chat ids: FIRST, FIRST + 1, ...


async def seed_residents(database_url: str, count: int) -> None:
    """``count`` residents straight into the database the bot uses."""
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            people = [
                Person(
                    telegram_id=FIRST + n,
                    first_name="R",
                    locale="sv",
                    onboarded_at=now,
                    created_at=now,
                )
                for n in range(count)
            ]
            session.add_all(people)
            await session.flush()
            session.add_all(Role(person_id=p.id, role="resident") for p in people)
    finally:
        await engine.dispose()


async def broadcast_to_residents(api: BotApiEmulator, reach: str) -> Any:
    """The coordinator writes to all residents; returns the message with «Skicka»."""
    await api.send(COORDINATOR, "📣 Skicka utskick")
    question = await api.wait_for(COORDINATOR, "Vem ska få utskicket?")
    await api.press(COORDINATOR, question, "bc:aud:residents")
    await api.wait_for(COORDINATOR, "Skriv meddelandet på svenska.")
    await api.send(COORDINATOR, "Hej! Nu har biblioteket öppet igen.")
    await api.wait_for(COORDINATOR, "Skriv samma meddelande på engelska")
    await api.send(COORDINATOR, "Hoppa över")
    return await api.wait_for(COORDINATOR, reach)


def copies(api: BotApiEmulator, count: int) -> dict[int, int]:
    return {chat: api.counts[chat] for chat in range(FIRST, FIRST + count)}


async def test_sigkill_in_the_middle_of_a_broadcast_then_each_gets_exactly_one(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str
) -> None:
    api, count, kill_at = emulator, 400, 200
    first = await start_bot()
    await coordinator_with_area(api)
    await seed_residents(database_url, count)
    # Three recipients' first message is answered with a 429; the outbox waits, then resends.
    # One before the kill, two after the restart.
    api.inject_429 = {FIRST + 5: 1, FIRST + 250: 1, FIRST + 350: 1}
    send = await broadcast_to_residents(api, "Det går till 400 personer.")

    # Hold the 201st message on its way, then kill the bot: it never got Telegram's answer.
    api.hold = lambda params: (
        int(params["chat_id"]) >= FIRST
        and (sum(1 for chat in api.counts if chat >= FIRST) >= kill_at)
    )
    await api.press(COORDINATOR, send, "bc:send")
    await api.until(lambda: api.held, 60, "the broadcast to be under way")
    first.kill()
    api.release()
    halfway = sum(copies(api, count).values())
    assert kill_at <= halfway < count

    await start_bot()
    await api.until(
        lambda: sum(1 for n in copies(api, count).values() if n) == count,
        120,
        "every recipient to get the message",
    )
    await api.wait_for(COORDINATOR, lambda m: m.text == "Klart! 400 fick meddelandet.", 30)
    assert set(copies(api, count).values()) == {1}  # nobody twice, nobody left out
    assert api.injected == 3
    message = next(m for m in api.sent if m.chat_id == FIRST + 5)
    assert message.text == "📣 Meddelande från Hjälpsam\n\nHej! Nu har biblioteket öppet igen."


async def test_telegrams_limits_and_injected_retry_after_are_honoured(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str
) -> None:
    """With the real limiter on, against an emulator that enforces Telegram's limits."""
    api, count = emulator, 90
    api.limits = Limits(chat_burst=4)  # a little more lenient than the bot's own 3
    await start_bot({"HJALPSAM_OUTGOING_RATE": "29"})
    await coordinator_with_area(api)
    await seed_residents(database_url, count)
    api.inject_429 = {FIRST + 1: 1, FIRST + 50: 2}
    send = await broadcast_to_residents(api, "Det går till 90 personer.")
    await api.press(COORDINATOR, send, "bc:send")
    await api.wait_for(COORDINATOR, lambda m: m.text == "Klart! 90 fick meddelandet.", 60)
    assert set(copies(api, count).values()) == {1}
    assert api.injected == 3
