"""Issue 6: 10 % of Bot API calls fail (5xx, timeouts, 429) during full help loops, and still
no message is lost and no request is claimed twice.

The same loops run twice: once through a fault-injecting fake, once without faults. Every
message, edit and alert of the clean run arrives in the faulty one too, once (the fake's faults
happen before Telegram would have delivered); what failed beyond the retries went through the
outbound queue, which drains to zero. A timeout *after* delivery has its own test below: there
a notification may arrive twice, which is the trade-off chosen (a duplicate over a loss).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import build_application
from bot.jobs import resend as outbound
from bot.services.backoff import Backoff
from bot.settings import Settings
from bot.telegram import ratelimit, retrying
from bot.telegram.ratelimit import ChatRateLimiter
from storage.models import HelpRequest, OutboundMessage, RequestEvent
from tests.conftest import NOW, PG_URL, Harness, _truncate
from tests.fakes import RecordingRequest
from tests.faults import KINDS, FaultyRequest
from tests.helpers import ask_for_shopping, coordinator_with_area, resident, volunteer

RESIDENTS = ((100, "Anna"), (101, "Britt"), (102, "Cecilia"))
VOLUNTEERS = ((200, "Erik"), (201, "Sara"), (202, "Olle"))
RATE, SEED = 0.10, 6
YOURS, OOPS = "Tack! Uppdraget är ditt.", "Något gick fel hos oss"
STRIPPED = ": klart. Tack för din hjälp! 💛"  # what stays of the message with the address


async def _claimer(h: Harness, request_id: int) -> int:
    async with h.uow() as uow:
        req = await uow.session.get(HelpRequest, request_id)
        person = await uow.people.get(req.volunteer_id)
        return int(person.telegram_id)


async def _newest_request(h: Harness) -> int:
    async with h.uow() as uow:
        return int((await uow.session.execute(select(func.max(HelpRequest.id)))).scalar_one())


async def play(h: Harness, fake: FaultyRequest, winners: dict[int, int] | None) -> dict[int, int]:
    """Three full loops; volunteers race for each task (or, given winners, press in turn)."""
    await coordinator_with_area(h, "Centrum")
    for uid, name in VOLUNTEERS:
        await volunteer(h, uid, name)
    for uid, name in RESIDENTS:
        await resident(h, uid, name)
    won: dict[int, int] = {}
    for n, (uid, _name) in enumerate(RESIDENTS):
        await ask_for_shopping(h, uid, details=f"Mjölk och bröd, lista {n + 1}")
        rid = await _newest_request(h)
        claim = f"task:claim:{rid}"
        vols = [v for v, _ in VOLUNTEERS]
        # Outages beyond the retries: the news for Anna, the details for the third winner.
        fake.down = {uid} if n == 0 else set(vols) if n == 2 else set()
        if winners is None:
            await asyncio.gather(*(h.press(v, claim) for v in vols))
        else:
            for v in sorted(vols, key=lambda v: v != winners[rid]):
                await h.press(v, claim)
        won[rid] = winner = await _claimer(h, rid)
        # The queue sends the third winner's details within seconds, before they are done:
        # details still queued when the task ends are dropped, never sent (issue 12).
        fake.down = set()
        await send_queued(h)
        fake.down = {uid} if n == 1 else set()  # Britt hears "done" later
        await h.press(winner, f"task:done:{rid}")
        fake.down = set()
        await h.press(uid, f"fu:good:{rid}")
        await h.send(uid, "Tack, det gick bra")
        await h.press(winner, f"fu:ok:{rid}")
        await h.send(winner, "Hoppa över")
    return won


async def send_queued(h: Harness) -> None:
    """One run of the outbound job a minute later (the clock then goes back: nothing else
    moves on)."""
    h.data.clock = lambda: NOW + timedelta(minutes=1)
    await outbound.resend(h.app, lambda: False)
    h.data.clock = lambda: NOW


async def drain(h: Harness) -> int:
    """Run the outbound job, later and later, until nothing waits; returns the runs."""
    for run in range(1, 30):
        h.data.clock = lambda run=run: NOW + timedelta(minutes=15 * run)
        await outbound.resend(h.app, lambda: False)
        async with h.uow() as uow:
            if await uow.health.outbound_depth() == 0:
                return run
    raise AssertionError("the outbound queue did not drain")


def seen(request: RecordingRequest) -> dict[str, Counter[tuple[int | None, str]]]:
    return {
        m: Counter((c.chat_id, c.text) for c in request.calls if c.method == m)
        for m in ("sendMessage", "editMessageText", "answerCallbackQuery")
    }


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short retry waits, and the real limiter (for its RetryAfter handling) without pacing."""
    monkeypatch.setattr(retrying, "HTTP", Backoff(first=0.01, factor=2, most=0.01))
    monkeypatch.setattr(
        ratelimit, "build", lambda s: ChatRateLimiter(1000, chat_rate=1000, chat_burst=1000)
    )
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def run_loops(
    settings: Settings, fake: FaultyRequest, winners: dict[int, int] | None = None
) -> tuple[Harness, dict[int, int]]:
    app = build_application(settings, request=fake)
    app.bot_data.clock = lambda: NOW
    await app.initialize()
    await app.start()  # the job queue: conversations time out
    h = Harness(app, fake.inner)
    return h, await play(h, fake, winners)


async def close(h: Harness) -> None:
    await h.app.stop()
    await h.app.shutdown()
    await h.app.bot_data.engine.dispose()


async def fresh_database(settings: Settings, sqlite_template: Path, tmp_path: Path) -> Settings:
    if PG_URL:
        await _truncate(PG_URL)
        return settings
    path = tmp_path / "clean.db"
    shutil.copy(sqlite_template, path)
    return settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{path}"})


async def test_ten_percent_of_calls_fail_and_nothing_is_lost_or_claimed_twice(
    settings: Settings,
    sqlite_template: Path,
    tmp_path: Path,
    fast: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FaultyRequest(RecordingRequest(), rate=RATE, seed=SEED)
    h, winners = await run_loops(settings, fake)
    try:
        async with h.uow() as uow:
            queued = (await uow.session.execute(select(func.count(OutboundMessage.id)))).scalar()
        runs = await drain(h)
        async with h.uow() as uow:
            rows = (await uow.session.execute(select(OutboundMessage))).scalars().all()
            claims = Counter(
                e.request_id
                for e in (await uow.session.execute(select(RequestEvent))).scalars()
                if e.kind == "claimed"
            )
            statuses = {
                r.id: r.status for r in (await uow.session.execute(select(HelpRequest))).scalars()
            }
    finally:
        await close(h)
    faulty = seen(fake.inner)
    random_faults = sum(fake.tally[kind] for kind in KINDS)
    logging.getLogger(__name__).warning(
        "%s random faults in %s Bot API attempts (%.1f %%): %s; %s refused by outages; "
        "%s notifications queued, sent by %s run(s) of the job",
        random_faults,
        fake.attempts,
        100 * random_faults / fake.attempts,
        {kind: fake.tally[kind] for kind in KINDS},
        fake.tally["outage"],
        queued,
        runs,
    )

    # No request claimed twice; each winner told once, and no one else.
    assert claims == {rid: 1 for rid in winners} and set(statuses.values()) == {"done"}
    told = Counter(c.chat_id for c in fake.inner.sent() if c.text.startswith(YOURS))
    assert told == Counter(winners.values())
    # Each winner's message with the address was stripped when the task was done (the third
    # one's after the queue had sent it).
    stripped = Counter(c for c, t in faulty["editMessageText"].elements() if STRIPPED in t)
    assert stripped == Counter(winners.values())
    # The queue was used, and every queued message was sent.
    assert queued >= 3 and all(r.sent_at is not None and r.failed_at is None for r in rows)
    # Each kind of fault happened; no error reached a handler or a person.
    assert all(fake.tally[kind] for kind in KINDS), fake.tally
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert not any(
        OOPS in text for _, text in faulty["sendMessage"] + faulty["answerCallbackQuery"]
    )

    # The same loops without faults, the same winners: the same messages, edits and alerts.
    clean_settings = await fresh_database(settings, sqlite_template, tmp_path)
    clean = FaultyRequest(RecordingRequest(), outages=False)
    h, _ = await run_loops(clean_settings, clean, winners)
    await close(h)
    expected = seen(clean.inner)
    for method, wanted in expected.items():
        assert faulty[method] - wanted == Counter(), method  # nothing more
        assert wanted - faulty[method] == Counter(), method  # nothing less


async def test_a_timeout_after_delivery_may_repeat_a_notification_but_loses_nothing(
    settings: Settings, fast: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram took each call, then the answer timed out. The retries send the volunteer's
    details and the resident's news twice (the trade-off: a duplicate, not a loss); a repeated
    edit or callback answer is told "not modified" / "too old", which counts as done."""
    fake = FaultyRequest(RecordingRequest())
    app = build_application(settings, request=fake)
    app.bot_data.clock = lambda: NOW
    await app.initialize()
    await app.start()
    h = Harness(app, fake.inner)
    try:
        await coordinator_with_area(h, "Centrum")
        await volunteer(h, 200, "Erik")
        await volunteer(h, 201, "Sara")
        await resident(h, 100, "Anna")
        await ask_for_shopping(h, 100)
        rid = await _newest_request(h)
        fake.after_delivery = {"sendMessage", "editMessageText", "answerCallbackQuery"}
        fake.inner.clear()
        await h.press(200, f"task:claim:{rid}")
        await h.press(201, f"task:claim:{rid}")
        async with h.uow() as uow:
            claims = (
                await uow.session.execute(
                    select(func.count(RequestEvent.id)).where(RequestEvent.kind == "claimed")
                )
            ).scalar()
    finally:
        await close(h)
    sent = seen(fake.inner)
    assert claims == 1 and only_winner_got_details(sent, 200)
    news = [t for c, t in sent["sendMessage"].elements() if c == 100]
    assert len(news) == 2 and news[0] == news[1] and news[0].startswith("Goda nyheter!")
    assert all(n == 1 for n in sent["editMessageText"].values())
    assert sorted(t for _, t in sent["answerCallbackQuery"].elements()) == [
        "",
        "Någon hann före – tack ändå!",
    ]
    assert fake.tally["told it landed"] >= 3
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def only_winner_got_details(sent: dict[str, Counter[tuple[int | None, str]]], chat: int) -> bool:
    """Only ``chat`` got the details, twice (once per delivery of the same call)."""
    details = [c for c, t in sent["sendMessage"].elements() if t.startswith(YOURS)]
    return details == [chat, chat]
