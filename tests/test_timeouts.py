"""Walking away in the middle of a flow, then the bot restarts: the conversation still times
out, with the same calm word and the menu, in the person's language, and the draft is kept.

The restart runs like ``serve_webhook``: initialize, post_init (where the timeouts are armed
again, before ``Application.start()``), start; then stop and post_shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from telegram import Update
from telegram.ext import ConversationHandler

from bot.app import build_application
from bot.conversations import request_help
from bot.telegram.timeouts import ResumeTimeout, resume_handler
from storage.models import Draft, PersistedState
from tests.conftest import NOW, Harness
from tests.fakes import RecordingRequest
from tests.helpers import RESIDENT, coordinator_with_area, resident
from tests.test_reminder_scheduler import until

ANN = 101  # reads English
PAUSED = (
    "Vi pausar här. Det du har skrivit är sparat. Tryck på «Be om hjälp» när du vill fortsätta."
)
PAUSED_EN = (
    "I will pause here. What you have written is saved. "
    "Press «Ask for help» when you want to continue."
)
RESIDENT_MENU = ["🙋 Be om hjälp", "☕ Hitta mötesplats", "📋 Mina förfrågningar", "❓ Hjälp"]
NOT_UNDERSTOOD = "Förlåt, det förstod jag inte. Välj gärna i menyn här nedanför."
RESUME = "Du har börjat på en förfrågan: Handla. Vill du fortsätta med den?"
AT_DETAILS = ["🙋 Be om hjälp", "🛒 Handla", "imorgon kl 10", "✅ Ja"]
AT_DETAILS_EN = ["🙋 Ask for help", "🛒 Shopping", "Tomorrow", "Morning"]


async def english_resident(h: Harness) -> None:
    for text in ("/start", "English", "🙋 I want help", "Ann", "Centrum", "Storgatan 7"):
        await h.send(ANN, text)
    await h.send(ANN, "Skip")
    await h.send(ANN, "✅ Yes, that is fine")


async def at_details(h: Harness, *people: int) -> None:
    """Anna (and Ann) get as far as «Vill du berätta mer?» and walk away."""
    for uid in people:
        for text in AT_DETAILS_EN if uid == ANN else AT_DETAILS:
            await h.send(uid, text)
    assert await stored_states(h) == {uid: request_help.State.DETAILS for uid in people}


async def stored_states(h: Harness) -> dict[int, int]:
    """Stored conversation states of the ask-for-help flow, by person."""
    async with h.uow() as uow:
        rows = await uow.states.load(f"conv:{request_help.NAME}")
    return {int(k.strip("[]").split(",")[1]): int(v) for k, v in rows.items()}


async def draft_step(h: Harness) -> str | None:
    async with h.uow() as uow:
        anna = await uow.people.by_telegram_id(RESIDENT)
        row = await uow.session.get(Draft, anna.id)
        return None if row is None else row.step


async def walked_away(h: Harness, minutes: float) -> None:
    """The last answers were given this many minutes ago."""
    async with h.uow() as uow:
        await uow.session.execute(
            update(PersistedState)
            .where(PersistedState.namespace.startswith("conv:"))
            .values(updated_at=datetime.now(UTC) - timedelta(minutes=minutes))
        )


@asynccontextmanager
async def restarted(h: Harness, settings: Any, **changes: Any) -> AsyncIterator[Harness]:
    """The bot stops; a fresh process starts on the same database (and stops at the end)."""
    await h.app.stop()
    request = RecordingRequest()
    app = build_application(settings.model_copy(update=changes), request=request)
    app.bot_data.clock = lambda: NOW
    again = Harness(app, request)
    again.updates = h.updates
    try:
        async with app:
            await app.post_init(app)
            try:
                await app.start()
                try:
                    yield again
                finally:
                    await app.stop()
            finally:
                await app.post_shutdown(app)
    finally:
        await h.app.start()  # for the fixture's teardown


def told(h: Harness, uid: int = RESIDENT) -> list[tuple[str, list[str]]]:
    return [(c.text, c.buttons()) for c in h.request.sent(uid)]


def timeout_jobs(h: Harness) -> list[Any]:
    return [j for j in h.app.job_queue.jobs() if j.name == "_trigger_timeout"]


async def assert_back_at_the_menu_with_the_draft(h: Harness) -> None:
    """The next text goes to the menu; «Be om hjälp» offers the saved draft."""
    h.request.clear()
    await h.send(RESIDENT, "Mjölk och bröd")
    assert told(h) == [(NOT_UNDERSTOOD, RESIDENT_MENU)]
    await h.send(RESIDENT, "🙋 Be om hjälp")
    assert h.last(RESIDENT).text == RESUME
    assert await draft_step(h) == "details"


async def test_after_a_restart_the_timeout_is_armed_again(harness: Harness, settings: Any):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await at_details(h, RESIDENT)
    async with restarted(h, settings) as again:
        # Nothing is said at start; a full timeout runs from now.
        assert told(again) == []
        jobs = timeout_jobs(again)
        assert len(jobs) == 1
        due = jobs[0].next_t - datetime.now(UTC)
        assert timedelta(minutes=29) < due <= timedelta(minutes=30)
        # What the JobQueue does when the time is up.
        await jobs[0].run(again.app)
        await again.app.update_persistence()
        assert told(again) == [(PAUSED, RESIDENT_MENU)]
        assert await stored_states(again) == {}
        await assert_back_at_the_menu_with_the_draft(again)


async def test_with_a_short_timeout_the_pause_comes_by_itself(harness: Harness, settings: Any):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await at_details(h, RESIDENT)
    # 1.2 s: settings read whole minutes, and pydantic's model_copy does not validate.
    async with restarted(h, settings, conversation_timeout_minutes=0.02) as again:
        await until(lambda: bool(told(again)), limit=20)
        assert told(again) == [(PAUSED, RESIDENT_MENU)]
        await again.app.update_persistence()
        assert await stored_states(again) == {}
        await assert_back_at_the_menu_with_the_draft(again)


async def test_time_that_ran_out_while_the_bot_was_down_pauses_at_start(
    harness: Harness, settings: Any
):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await english_resident(h)
    await at_details(h, RESIDENT, ANN)
    await walked_away(h, minutes=31)
    async with restarted(h, settings) as again:
        # Told at start, each in their own language, and the flows are over.
        assert told(again) == [(PAUSED, RESIDENT_MENU)]
        assert [text for text, _ in told(again, ANN)] == [PAUSED_EN]
        assert timeout_jobs(again) == []
        assert await stored_states(again) == {}
        await assert_back_at_the_menu_with_the_draft(again)


async def test_a_flow_still_in_time_is_not_paused_at_start(harness: Harness, settings: Any):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await at_details(h, RESIDENT)
    await walked_away(h, minutes=29)
    async with restarted(h, settings) as again:
        assert told(again) == []
        assert len(timeout_jobs(again)) == 1
        # The flow goes on where it was.
        await again.send(RESIDENT, "Mjölk och bröd")
        assert again.last(RESIDENT).text.startswith("Så här ser din förfrågan ut:")


def test_only_the_resume_update_matches_the_fallback() -> None:
    handler = resume_handler()
    conversation = ConversationHandler(entry_points=[], states={}, fallbacks=[handler])
    resume = ResumeTimeout(conversation, (RESIDENT, RESIDENT), 1, expired=False)
    assert handler.check_update(resume)
    assert not handler.check_update(Update(update_id=1))
    assert (resume.effective_chat.id, resume.effective_user.id) == (RESIDENT, RESIDENT)
    assert resume.effective_message is None and resume.callback_query is None


async def test_the_time_of_each_state_is_stored(harness: Harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    before = datetime.now(UTC)
    await h.send(RESIDENT, "🙋 Be om hjälp")
    async with h.uow() as uow:
        rows = (
            await uow.session.execute(
                select(PersistedState.updated_at).where(
                    PersistedState.namespace == f"conv:{request_help.NAME}"
                )
            )
        ).scalars()
        written = list(rows)
    assert len(written) == 1 and before <= written[0] <= datetime.now(UTC)
