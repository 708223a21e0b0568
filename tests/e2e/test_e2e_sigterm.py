"""SIGTERM (a deploy, a systemd restart) in the middle of a job's run, with the bot as its own
process: it stops taking updates, lets the send under way finish and record itself, exits 0
within the grace time, and after a restart everyone has exactly one message.

The limiter runs at a real rate (29 a second), so a run takes seconds. To stop the bot at a
known point, and while a message is on its way, the emulator holds one message of the run
until after the SIGTERM; it then answers it with a 500, and the bot's HTTP retry delivers it.
So the stop always falls in the middle of a send: before the graceful stop, APScheduler
cancelled that send (a CancelledError traceback, and for a broadcast's last message the
coordinator's summary lost for good).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession
from sqlalchemy import insert, select

from storage.db import create_engine, create_session_factory
from storage.models import Broadcast, Delivery, Person
from storage.place_models import Activity, Place, Reminder, SignUp
from tests.e2e.conftest import COORDINATOR, BotProcess, StartBot, _env, coordinator_with_area
from tests.e2e.emulator import BotApiEmulator
from tests.e2e.test_e2e_broadcast import FIRST, broadcast_to_residents, copies, seed_residents

pytestmark = pytest.mark.e2e
RATE = {"HJALPSAM_OUTGOING_RATE": "29"}  # the real limiter: a message every 1/29 s
GRACE = 15.0  # seconds from SIGTERM to exit (the jobs get 10 s; shutting down takes a moment)
QUIET = ("Traceback", "CancelledError", "did not finish within")
STOPPED = "Application.stop() complete"


def delivered(api: BotApiEmulator) -> int:
    """Messages that arrived in the recipients' chats (FIRST, FIRST + 1, ...)."""
    return sum(n for chat, n in api.counts.items() if chat >= FIRST)


def hold_after(api: BotApiEmulator, arrived: int) -> None:
    """Hold the first message to a recipient once ``arrived`` have arrived."""
    api.hold = lambda params: int(params["chat_id"]) >= FIRST and delivered(api) >= arrived


async def sigterm_while_held(api: BotApiEmulator, bot: BotProcess) -> float:
    """SIGTERM while a message is on its way; the bot must wait for it. Then let it through
    (a 500, then the bot's retry) and wait for the exit; returns seconds from SIGTERM to exit.
    """
    await api.until(lambda: api.held, 30, "a message of the run to be on its way")
    signalled = time.monotonic()
    bot.proc.send_signal(signal.SIGTERM)
    # PTB logs this just before post_stop, whose first step tells the jobs to stop.
    while STOPPED not in bot.log():
        assert bot.proc.poll() is None, "the bot exited without waiting for the send under way"
        assert time.monotonic() - signalled < 10, f"no {STOPPED!r} after SIGTERM:\n{bot.log()}"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    assert bot.proc.poll() is None, "the bot exited without waiting for the send under way"
    api.release()
    return await exited(bot, signalled)


async def exited(bot: BotProcess, since: float) -> float:
    """Wait (without blocking the emulator's event loop) for a clean exit within GRACE."""
    while bot.proc.poll() is None:
        if time.monotonic() - since > GRACE:
            pytest.fail(f"the bot did not exit within {GRACE} s of SIGTERM")
        await asyncio.sleep(0.05)
    took = time.monotonic() - since
    log = bot.log()
    assert bot.proc.returncode == 0, log
    for word in QUIET:
        assert word not in log, log
    return took


async def stop(bot: BotProcess) -> float:
    """SIGTERM with nothing under way: a quick clean exit."""
    signalled = time.monotonic()
    bot.proc.send_signal(signal.SIGTERM)
    return await exited(bot, signalled)


def recorded_as_sent(api: BotApiEmulator) -> dict[int, int]:
    """What the recipients got, as the database should have it: chat -> message id."""
    return {m.chat_id: m.message_id for m in api.sent if m.chat_id >= FIRST}


# --- broadcasts ----------------------------------------------------------------------------


async def deliveries(database_url: str) -> tuple[dict[int, int], list[str], Broadcast]:
    """The deliveries recorded as sent (chat -> message id), every status, and the broadcast."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            rows = list((await session.execute(select(Delivery))).scalars())
            broadcast = (await session.execute(select(Broadcast))).scalar_one()
    finally:
        await engine.dispose()
    sent = {r.chat_id: r.message_id for r in rows if r.status == "sent"}
    return {c: m for c, m in sent.items() if m is not None}, [r.status for r in rows], broadcast


@pytest.mark.parametrize("stop_at", ["middle", "last"])
async def test_sigterm_during_a_broadcast_each_gets_one_and_the_summary_is_complete(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str, stop_at: str
) -> None:
    """SIGTERM while the 101st of 200 messages is on its way ("middle"), or the very last one
    ("last", where the bot closes the broadcast and writes the summary while it stops)."""
    api, count = emulator, 200
    arrived = {"middle": 100, "last": count - 1}[stop_at]
    summary = f"Klart! {count} fick meddelandet."
    # The coordinator writes the broadcast to a bot without the limiter (quicker), which stops;
    # the one with the limiter takes over the conversation, and the coordinator presses «Skicka».
    setup = await start_bot()
    await coordinator_with_area(api)
    await seed_residents(database_url, count)
    send = await broadcast_to_residents(api, f"Det går till {count} personer.")
    await stop(setup)
    first = await start_bot(RATE)
    hold_after(api, arrived)
    await api.press(COORDINATOR, send, "bc:send")
    progress = await api.wait_for(COORDINATOR, f"Skickat till 0 av {count} …")

    took = await sigterm_while_held(api, first)
    # The send under way was finished and recorded; nothing after it was begun.
    assert delivered(api) == arrived + 1
    sent, statuses, broadcast = await deliveries(database_url)
    assert sent == recorded_as_sent(api)
    assert statuses.count("pending") == count - arrived - 1
    if stop_at == "last":
        assert broadcast.status == "done" and progress.text == summary
    else:
        assert broadcast.status == "sending" and progress.text != summary

    second = await start_bot(RATE)
    await api.until(lambda: delivered(api) == count, 30, "every recipient to get the message")
    await api.until(lambda: progress.text == summary, 15, "the summary")
    await asyncio.sleep(1.2)  # another run of the job: nothing else goes out
    assert set(copies(api, count).values()) == {1}  # nobody twice, nobody left out
    assert progress.text == summary
    # One progress message, edited to the summary; no second one.
    coordinator = api.messages(COORDINATOR)
    shown = [m.message_id for m in coordinator if "Skickat till" in m.text or "fick" in m.text]
    assert shown == [progress.message_id]
    await stop(second)
    sent, statuses, broadcast = await deliveries(database_url)
    assert sent == recorded_as_sent(api) and set(statuses) == {"sent"}
    assert broadcast.status == "done"
    print(f"\n{stop_at}: SIGTERM to exit {took:.2f} s")


# --- reminders -----------------------------------------------------------------------------


async def seed_due_reminders(database_url: str, count: int) -> None:
    """``count`` people signed up for a date three hours from now, each with a 'before'
    reminder that fell due a minute ago (relative to now, so the time of day never matters)."""
    now = datetime.now(UTC)
    occurs_at = now + timedelta(hours=3)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            place = Place(key="sigterm", name="Träffpunkt Centrum", address="Torggatan 5")
            session.add(place)
            await session.flush()
            activity = Activity(
                key="sigterm",
                place_id=place.id,
                title="Fika",
                category="fika",
                starts_at=occurs_at,
            )
            session.add(activity)
            await session.flush()
            people = await session.execute(
                insert(Person).returning(Person.id, sort_by_parameter_order=True),
                [
                    {
                        "telegram_id": FIRST + n,
                        "first_name": "R",
                        "locale": "sv",
                        "onboarded_at": now,
                        "created_at": now,
                    }
                    for n in range(count)
                ],
            )
            signups = await session.execute(
                insert(SignUp).returning(SignUp.id, sort_by_parameter_order=True),
                [
                    {
                        "activity_id": activity.id,
                        "occurs_at": occurs_at,
                        "person_id": p,
                        "status": "confirmed",
                        "created_at": now,
                    }
                    for p in people.scalars()
                ],
            )
            await session.execute(
                insert(Reminder),
                [
                    {"signup_id": s, "kind": "before", "due_at": now - timedelta(minutes=1)}
                    for s in signups.scalars()
                ],
            )
    finally:
        await engine.dispose()


async def reminder_rows(database_url: str) -> list[tuple[int, Reminder]]:
    """Every reminder row, with its person's chat id."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            rows = await session.execute(
                select(Person.telegram_id, Reminder)
                .join(SignUp, Reminder.signup_id == SignUp.id)
                .join(Person, SignUp.person_id == Person.id)
            )
            return [(chat, row) for chat, row in rows if chat is not None]
    finally:
        await engine.dispose()


def recorded_reminders(rows: list[tuple[int, Reminder]]) -> dict[int, int | None]:
    """chat -> message id of the rows marked sent."""
    return {chat: r.message_id for chat, r in rows if r.sent_at is not None}


async def start_webhook_bot(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    database_url: str,
    api: BotApiEmulator,
    extra_env: dict[str, str],
) -> BotProcess:
    """The bot in webhook mode (bot/telegram/web.py serve_webhook); returns once it is healthy.
    Killed at teardown with the others (``start_bot`` keeps them on ``request.node``)."""
    with socket.socket() as s:  # a free port for its web server
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {
        **_env(database_url, api.base_url),
        **extra_env,
        "HJALPSAM_WEBHOOK_URL": "https://bot.example.org/hook",
        "HJALPSAM_WEBHOOK_SECRET": "e2e-webhook-secret-0123456789",
        "HJALPSAM_HTTP_PORT": str(port),
    }
    started: list[BotProcess] = request.node.bot_processes
    bot = BotProcess(tmp_path, env, len(started) + 1)
    started.append(bot)
    async with ClientSession() as http:
        for _ in range(300):  # up to 30 s
            assert bot.proc.poll() is None, bot.log()
            with contextlib.suppress(OSError):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return bot
            await asyncio.sleep(0.1)
    pytest.fail(f"the bot did not become healthy:\n{bot.log()}")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_during_a_reminder_run_each_gets_one_and_no_row_is_left(
    request: pytest.FixtureRequest,
    emulator: BotApiEmulator,
    start_bot: StartBot,
    database_url: str,
    tmp_path: Path,
    mode: str,
) -> None:
    """SIGTERM while the 61st of 150 due reminders is on its way; the stopped process is in
    long-polling or in webhook mode (the restarted one polls)."""
    api, count, arrived = emulator, 150, 60
    env = {**RATE, "HJALPSAM_REMINDER_POLL_SECONDS": "1"}
    if mode == "webhook":
        first = await start_webhook_bot(request, tmp_path, database_url, api, env)
    else:
        first = await start_bot(env)
    hold_after(api, arrived)
    await seed_due_reminders(database_url, count)  # the next poll finds them

    took = await sigterm_while_held(api, first)
    assert delivered(api) == arrived + 1
    rows = await reminder_rows(database_url)
    assert recorded_reminders(rows) == recorded_as_sent(api)
    assert len(rows) == count and not any(r.dropped_at for _, r in rows)  # nothing dropped
    assert sum(1 for _, r in rows if r.sent_at is None) == count - arrived - 1

    second = await start_bot(env)
    await api.until(lambda: delivered(api) == count, 30, "everyone to get a reminder")
    await asyncio.sleep(1.2)  # another run of the job: nothing else goes out
    assert set(copies(api, count).values()) == {1}
    texts = {m.text for m in api.sent if m.chat_id >= FIRST}
    assert len(texts) == 1 and next(iter(texts)).startswith("Snart dags: «Fika» börjar")
    await stop(second)
    rows = await reminder_rows(database_url)
    assert all(r.sent_at is not None and r.dropped_at is None for _, r in rows)  # none left
    assert recorded_reminders(rows) == recorded_as_sent(api)
    print(f"\nreminders ({mode}): SIGTERM to exit {took:.2f} s")
