"""Issue 12: the message with the resident's address doesn't outlive the task.

However a task ends (done, given back, cancelled by the resident or a coordinator, expired,
the holder stopped in the chat or on the command line, the resident or the holder erased),
every message in the holder's chat that shows the address (the one after the claim, each
«Visa» answer) is edited down to what, when and how it ended. An edit Telegram does not take
waits in the outbound queue and the queue's job makes it; a message with the address that is
still queued when the task ends is never sent.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import build_application
from bot.cli import admin
from bot.context import BotContext
from bot.handlers import addresses
from bot.jobs import escalate, resend
from bot.jobs.scheduler import Scheduler
from bot.services import requests
from bot.services.backoff import Backoff
from bot.settings import Settings
from bot.telegram import retrying
from storage.models import HelpRequest, OutboundMessage, TaskPost
from tests.conftest import NOW, Harness
from tests.fakes import RecordingRequest
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    VOLUNTEER2,
    ask_for_shopping,
    claim_data,
    coordinator_with_area,
    resident,
    volunteer,
)

GROUP = -100
WHEN = "måndag 23 november kl. 10.00"
SECRETS = ("Storgatan 5", "070-123 45 67", "Mjölk och bröd")
YOURS = "Tack! Uppdraget är ditt."
DONE = f"Handla, {WHEN}: klart. Tack för din hjälp! 💛"
GIVEN_BACK = f"Handla, {WHEN}: du har lämnat tillbaka uppdraget."
RELEASED = f"Handla, {WHEN}: uppdraget är inte längre ditt."
CANCELLED = f"Handla, {WHEN}: uppdraget är avbokat."
ENDED = f"Handla, {WHEN}: uppdraget är avslutat."


@dataclass
class Flaky(RecordingRequest):
    """The recording fake, but Telegram fails (502) every message to the chats in ``down``
    and every edit in the chats in ``no_edits``; a failed call is not recorded."""

    down: set[int] = field(default_factory=set)
    no_edits: set[int] = field(default_factory=set)

    async def do_request(self, url: str, method: str, request_data: Any = None, *a: Any, **k: Any):  # type: ignore[no-untyped-def]
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        chat = int(params.get("chat_id") or 0)
        if (name == "sendMessage" and chat in self.down) or (
            name == "editMessageText" and chat in self.no_edits
        ):
            body = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            return 502, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, *a, **k)


class FlakyHarness(Harness):
    request: Flaky


@pytest.fixture
async def h(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FlakyHarness]:
    monkeypatch.setattr(retrying, "HTTP", Backoff(first=0.0, factor=2, most=0.0))
    request = Flaky()
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: NOW
    app.bot_data.listener.engine = None
    async with app:
        await app.start()
        yield FlakyHarness(app, request)
        await app.stop()
    await app.bot_data.engine.dispose()


# --- steps and looks ------------------------------------------------------------------------


async def asked(h: FlakyHarness) -> int:
    """Coordinator, Erik and Sara, Anna; Anna asks for shopping. Returns the request id."""
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)
    await ask_for_shopping(h)
    async with h.uow() as uow:
        return int((await uow.session.execute(select(HelpRequest.id))).scalar_one())


async def taken(h: FlakyHarness) -> tuple[int, int]:
    """Erik takes Anna's shopping; returns the request and his message with her address."""
    request_id = await asked(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    got = h.last(VOLUNTEER).text
    assert got.startswith(YOURS) and all(s in got for s in SECRETS)
    [message_id] = await address_posts(h, request_id)
    return request_id, message_id


async def address_posts(h: Harness, request_id: int) -> list[int]:
    """The holder's messages with the address that are remembered for this request."""
    async with h.uow() as uow:
        found = await uow.session.execute(
            select(TaskPost.message_id)
            .where(TaskPost.request_id == request_id, TaskPost.kind == "address")
            .order_by(TaskPost.id)
        )
        return [int(m) for m in found.scalars()]


async def person_id(h: Harness, telegram_id: int) -> int:
    async with h.uow() as uow:
        return int((await uow.people.by_telegram_id(telegram_id)).id)


async def queued(h: Harness) -> list[OutboundMessage]:
    async with h.uow() as uow:
        found = await uow.session.execute(select(OutboundMessage).order_by(OutboundMessage.id))
        return list(found.scalars())


def edits_of(h: Harness, message_id: int) -> list[Any]:
    return [
        e
        for e in h.request.sent(VOLUNTEER, "editMessageText")
        if int(e.params["message_id"]) == message_id
    ]


async def assert_stripped(h: Harness, request_id: int, message_id: int, text: str) -> None:
    """Erik's message was edited once, to ``text``: no address, phone, details or buttons; and
    nothing with the address is remembered or waits in the queue."""
    [edit] = edits_of(h, message_id)
    assert edit.text == text and not edit.callback_data()
    assert [s for s in SECRETS if s in edit.text] == []
    assert await address_posts(h, request_id) == []
    pending = [m for m in await queued(h) if m.sent_at is None and m.failed_at is None]
    assert [m.id for m in pending if any(s in m.text for s in SECRETS)] == []


async def run_queue(h: Harness, later: timedelta = timedelta(minutes=1)) -> resend.Run:
    h.data.clock = lambda: NOW + later
    return await resend.resend(h.app, lambda: False)


# --- every way a task ends ------------------------------------------------------------------


async def _done(h: FlakyHarness, request_id: int) -> None:
    await h.press(VOLUNTEER, f"task:done:{request_id}")  # on another message (message 1)


async def _given_back(h: FlakyHarness, request_id: int) -> None:
    await h.press(VOLUNTEER, f"task:back:{request_id}")
    await h.send(VOLUNTEER, "Hoppa över")


async def _cancelled_by(who: int, h: FlakyHarness, request_id: int) -> None:
    await h.press(who, f"req:cancelyes:{request_id}")


async def _suspended(h: FlakyHarness, _request_id: int) -> None:
    await h.press(COORDINATOR, f"vol:stopyes:{await person_id(h, VOLUNTEER)}")


async def _erased(who: int, h: FlakyHarness, _request_id: int) -> None:
    await h.send(who, "/radera")
    await h.press(who, "me:erase")


def _with(step: Callable[..., Awaitable[None]], who: int) -> Callable[..., Awaitable[None]]:
    return lambda h, request_id: step(who, h, request_id)


ENDS = {
    "done": (_done, DONE),
    "given back": (_given_back, GIVEN_BACK),
    "cancelled by the resident": (_with(_cancelled_by, RESIDENT), CANCELLED),
    "cancelled by a coordinator": (_with(_cancelled_by, COORDINATOR), CANCELLED),
    "the holder suspended": (_suspended, RELEASED),
    "the resident erased": (_with(_erased, RESIDENT), CANCELLED),
    "the holder erased": (_with(_erased, VOLUNTEER), GIVEN_BACK),
}


@pytest.mark.parametrize("end", list(ENDS))
async def test_each_way_a_task_ends_strips_the_address_message(h: FlakyHarness, end: str) -> None:
    step, text = ENDS[end]
    request_id, message_id = await taken(h)
    h.request.clear()
    await step(h, request_id)
    async with h.uow() as uow:
        assert (await uow.requests.get(request_id)).status != "claimed"
    await assert_stripped(h, request_id, message_id, text)


async def test_show_answers_are_stripped_too_and_done_keeps_only_the_thanks(
    h: FlakyHarness,
) -> None:
    """Erik opens the task twice (once from a group post: answered in his own chat); «Klart»
    on the message after the claim leaves it the thanks, and each answer is stripped."""
    request_id, message_id = await taken(h)
    await h.press(VOLUNTEER, f"task:show:{request_id}")
    await h.press(VOLUNTEER, f"task:show:{request_id}", chat_id=GROUP)
    assert [c for c in h.request.calls if c.chat_id == GROUP] == []  # a toast only
    first, *shown = await address_posts(h, request_id)
    assert first == message_id and len(shown) == 2
    h.request.clear()
    await h.press(VOLUNTEER, f"task:done:{request_id}", message_id=message_id)
    assert [e.text for e in edits_of(h, message_id)] == ["Tack för din hjälp! 💛"]
    for answer in shown:
        [edit] = edits_of(h, answer)
        assert edit.text == DONE and not edit.callback_data()
    assert await address_posts(h, request_id) == []


async def test_an_expired_request_leaves_no_address_behind(h: FlakyHarness) -> None:
    """Only an open request expires: its last holder's message was stripped when they gave it
    back, and an edit Telegram did not take then is made by the queue even after the request
    has expired. A message with the address still remembered for it is closed too."""
    request_id, message_id = await taken(h)
    h.request.no_edits = {VOLUNTEER}
    await _given_back(h, request_id)
    assert edits_of(h, message_id) == []
    h.request.no_edits = set()
    async with h.uow() as uow:  # as if an older version had left one behind
        await uow.requests.add_posts(request_id, [(VOLUNTEER, 4242)], "address")

    h.data.clock = lambda: NOW + timedelta(hours=23)  # Monday 11.00: the time has passed
    counts = await escalate.check_due(h.app, Scheduler(h.app))
    assert counts.expired == 1
    [leftover] = edits_of(h, 4242)
    assert not any(s in leftover.text for s in SECRETS) and not leftover.callback_data()

    run = await run_queue(h, timedelta(hours=23))
    assert run.sent >= 1
    await assert_stripped(h, request_id, message_id, GIVEN_BACK)


# --- the queue ------------------------------------------------------------------------------


async def _claim_while_erik_is_unreachable(h: FlakyHarness) -> int:
    request_id = await asked(h)
    h.request.down = {VOLUNTEER}
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    h.request.down = set()
    [row] = [m for m in await queued(h) if m.chat_id == VOLUNTEER]
    assert all(s in row.text for s in SECRETS)
    assert (row.about_id, row.request_id) == (await person_id(h, RESIDENT), request_id)
    assert row.edit_message_id is None
    return request_id


QUEUED_ENDS = {
    "cancelled by the resident": _with(_cancelled_by, RESIDENT),
    "the holder suspended": _suspended,
    "given back": _given_back,
}


@pytest.mark.parametrize("end", list(QUEUED_ENDS))
async def test_a_queued_address_message_is_never_sent_once_the_task_has_ended(
    h: FlakyHarness, end: str
) -> None:
    request_id = await _claim_while_erik_is_unreachable(h)
    await QUEUED_ENDS[end](h, request_id)
    [row] = [m for m in await queued(h) if m.request_id == request_id]
    assert row.failed_at is not None and row.sent_at is None and row.text == ""
    h.request.clear()
    await run_queue(h, timedelta(minutes=5))
    assert [c.text for c in h.request.calls if any(s in c.text for s in SECRETS)] == []
    assert await address_posts(h, request_id) == []


async def test_a_queued_address_message_is_remembered_when_sent_and_stripped_later(
    h: FlakyHarness,
) -> None:
    request_id = await _claim_while_erik_is_unreachable(h)
    h.request.clear()
    run = await run_queue(h)
    assert run.sent == 1 and h.last(VOLUNTEER).text.startswith(YOURS)
    [message_id] = await address_posts(h, request_id)
    h.request.clear()
    await _done(h, request_id)
    await assert_stripped(h, request_id, message_id, DONE)


async def test_a_failed_strip_is_queued_and_the_job_makes_the_edit(h: FlakyHarness) -> None:
    request_id, message_id = await taken(h)
    h.request.no_edits = {VOLUNTEER}
    h.request.clear()
    await _cancelled_by(RESIDENT, h, request_id)
    assert edits_of(h, message_id) == []
    [row] = [m for m in await queued(h) if m.edit_message_id is not None]
    assert (row.chat_id, row.edit_message_id, row.text) == (VOLUNTEER, message_id, CANCELLED)
    assert row.about_id is None and row.request_id is None  # it names no one

    await run_queue(h)  # Telegram still fails: tried again later
    assert edits_of(h, message_id) == []
    h.request.no_edits = set()
    run = await run_queue(h, timedelta(minutes=30))
    assert run.sent == 1
    await assert_stripped(h, request_id, message_id, CANCELLED)
    [row] = [m for m in await queued(h) if m.edit_message_id is not None]
    assert row.sent_at is not None and row.message_id == message_id and row.text == ""


async def test_the_command_line_suspension_queues_the_edit(
    h: FlakyHarness, settings: Settings
) -> None:
    request_id, message_id = await taken(h)
    said, code = await admin._suspend(settings, VOLUNTEER, None)
    assert code == 0, said
    assert await address_posts(h, request_id) == []
    [row] = [m for m in await queued(h) if m.edit_message_id is not None]
    assert (row.chat_id, row.edit_message_id, row.text) == (VOLUNTEER, message_id, RELEASED)
    h.request.clear()
    later = datetime.now(UTC) + timedelta(minutes=1)  # the command line queues at its own now
    h.data.clock = lambda: later
    assert (await resend.resend(h.app, lambda: False)).sent >= 1
    await assert_stripped(h, request_id, message_id, RELEASED)


# --- erasure --------------------------------------------------------------------------------


async def test_address_posts_of_a_person_are_found_and_stripped(h: FlakyHarness) -> None:
    """For erasure: the messages that show a resident's address, or are in a holder's chat."""
    first, message_id = await taken(h)
    await h.press(VOLUNTEER, f"task:show:{first}")
    [_, shown] = await address_posts(h, first)
    sara, erik, anna = [await person_id(h, t) for t in (VOLUNTEER2, VOLUNTEER, RESIDENT)]
    async with h.uow() as uow:
        assert await requests.address_posts_of(uow, sara) == []
        by_holder = await requests.address_posts_of(uow, erik)
    assert [(p.chat_id, p.message_id, p.kind) for p in by_holder] == [
        (VOLUNTEER, message_id, "address"),
        (VOLUNTEER, shown, "address"),
    ]
    assert all(p.request is not None and p.request.id == first for p in by_holder)
    assert await address_posts(h, first) == []  # handed over to be stripped

    h.request.clear()
    await addresses.strip_for_erasure(BotContext(h.app), by_holder)
    for message in (message_id, shown):
        [edit] = edits_of(h, message)
        assert edit.text == ENDED and not edit.callback_data()

    # The resident's side: her next request's message with the address.
    await ask_for_shopping(h, details="Mjölk och bröd igen")
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    async with h.uow() as uow:
        second = int(
            (await uow.session.execute(select(HelpRequest.id).where(HelpRequest.id != first)))
            .scalars()
            .one()
        )
        by_resident = await requests.address_posts_of(uow, anna)
    assert [(p.chat_id, p.request.id if p.request else None) for p in by_resident] == [
        (VOLUNTEER, second)
    ]
