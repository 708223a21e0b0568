"""Erasure leaves nothing: every table is seeded through the flows, three people are erased
(a resident with /radera, a resident without Telegram by a coordinator, a volunteer with
/radera), and every column of every table is read back.

Each table is checked the way ``HOW`` says; a table the scan does not know fails the test,
so a new table can't slip past it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Table, select

from bot.app import build_application
from bot.jobs import resend, send_broadcasts
from bot.services import broadcasts, privacy
from bot.services.backoff import Backoff
from bot.services.broadcasts import Audience
from bot.settings import Settings
from bot.telegram import retrying
from storage.models import (
    Assignment,
    Base,
    Broadcast,
    HelpRequest,
    OutboundMessage,
    Person,
    TaskPost,
)
from storage.place_models import Reminder
from tests.conftest import NOW, Harness
from tests.erasure_seed import GUNBORG, OTTILIA, SIXTEN, Erased, claim, request_id, seed
from tests.helpers import COORDINATOR, ask_for_shopping, coordinator_with_area, resident, volunteer
from tests.test_outbound import Flaky

# How each table is checked, besides the scan of every value for the erased people's
# identifiers and words (which every table gets):
TEXT = "text only: it has no link to people"
LINKS = "every link to people is cut (NULL) or the row is gone"
KEPT = "requests keep their links to the emptied person rows, for the reports' counts"
EMPTIED = "the erased people's rows are empty"
HOW: dict[str, str] = {
    "municipalities": TEXT,
    "areas": TEXT,
    "organisations": TEXT,
    "places": TEXT,
    "activities": TEXT,
    "activity_exceptions": TEXT,
    "reminders": TEXT,  # they hang on sign-ups, which are the person's and go
    "persisted_state": TEXT,  # keyed by Telegram id: the scan finds it
    "audit_log": TEXT,  # the actor's Telegram id: the scan finds it
    "task_posts": TEXT,  # a chat id: the scan finds it
    "people": EMPTIED,
    "help_requests": KEPT,
    "roles": LINKS,
    "volunteer_profiles": LINKS,
    "volunteer_areas": LINKS,
    "volunteer_skills": LINKS,
    "request_events": LINKS,
    "follow_ups": LINKS,
    "drafts": LINKS,
    "volunteer_groups": LINKS,
    "assignments": LINKS,
    "broadcasts": LINKS,
    "broadcast_deliveries": LINKS,
    "outbound_messages": LINKS,
    "safety_reports": LINKS,
    "signups": LINKS,
}
# Tables the flows leave empty here (nothing in them is about a person).
UNSEEDED = {"activity_exceptions", "organisations"}
# What an emptied person row may still hold.
PERSON_KEEPS = {"id", "created_at", "unreachable", "reminders_off", "read_aloud"}


def _links(table: Table) -> list[str]:
    people = Base.metadata.tables["people"]
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is people]


def _texts(value: Any) -> list[str]:
    """The value as text; JSON (kept steps, buttons) also decoded, for its non-ASCII words."""
    text = str(value)
    try:
        return [text, json.dumps(json.loads(text), ensure_ascii=False)]
    except (TypeError, ValueError):
        return [text]


async def _rows(h: Harness, table: Table) -> list[dict[str, Any]]:
    async with h.uow() as uow:
        result = await uow.session.execute(select(table))
        return [dict(row._mapping) for row in result]


async def problems(h: Harness, gone: list[Erased]) -> list[str]:
    """Every trace of the erased people left in the database."""
    found: list[str] = []
    ids = {person.id for person in gone}
    words = [w.casefold() for person in gone for w in person.words]
    for table in Base.metadata.sorted_tables:
        how = HOW[table.name]
        for row in await _rows(h, table):
            for column, value in row.items():
                for text in _texts(value):
                    found += [
                        f"{table.name}.{column} holds {w!r}" for w in words if w in text.casefold()
                    ]
            if how == LINKS:
                found += [
                    f"{table.name}.{c} links to person {row[c]}"
                    for c in _links(table)
                    if row[c] in ids
                ]
            if how == EMPTIED and row["id"] in ids:
                found += [
                    f"people.{c} of person {row['id']} holds {v!r}"
                    for c, v in row.items()
                    if c not in PERSON_KEEPS and v is not None
                ]
    return sorted(set(found))


async def nothing_left(h: Harness, gone: list[Erased]) -> None:
    found = await problems(h, gone)
    assert not found, "\n".join(found)


def test_the_scan_knows_every_table() -> None:
    assert set(HOW) == {t.name for t in Base.metadata.sorted_tables}
    for table in Base.metadata.sorted_tables:
        links = _links(table)
        if HOW[table.name] == TEXT:
            assert not links, f"{table.name} links to people ({links}): say how it is erased"
        elif HOW[table.name] == LINKS:
            assert links, f"{table.name} has no link to people"
    assert {n for n, how in HOW.items() if how == KEPT} == {"help_requests"}


@pytest.fixture
async def h(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    """The harness, with a fake Telegram that fails (502) for the chats in ``request.down``."""
    monkeypatch.setattr(retrying, "HTTP", Backoff(first=0.0, factor=2, most=0.0))
    request = Flaky()
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: NOW
    app.bot_data.listener.engine = None
    async with app:
        await app.start()
        yield Harness(app, request)
        await app.stop()
    await app.bot_data.engine.dispose()


async def _pending(h: Harness) -> list[OutboundMessage]:
    async with h.uow() as uow:
        found = await uow.session.execute(
            select(OutboundMessage).where(OutboundMessage.sent_at.is_(None))
        )
        return list(found.scalars())


async def _seeded_everywhere(h: Harness, everyone: list[Erased]) -> None:
    """The seed reached every table, and each word is in the database to begin with."""
    empty = {t.name for t in Base.metadata.sorted_tables if not await _rows(h, t)}
    assert empty == UNSEEDED
    texts = [
        text.casefold()
        for table in Base.metadata.sorted_tables
        for row in await _rows(h, table)
        for value in row.values()
        for text in _texts(value)
    ]
    dump = " ".join(texts)
    for person in everyone:
        assert [w for w in person.words if w.casefold() not in dump] == [], person.name
    queued = {(m.chat_id, "Lönnvägen 17" in m.text) for m in await _pending(h)}
    # Ottilia's message with Gunborg's address, and one to Gunborg herself, wait to be sent.
    assert {(OTTILIA, True), (GUNBORG, False)} <= queued


async def _nothing_hangs_on(h: Harness, person: Erased) -> None:
    """Rows that name no one but hang on the person's requests or seats are gone too: the
    task messages and questions to volunteers, and the reminders (she had the only seat)."""
    async with h.uow() as uow:
        theirs = select(HelpRequest.id).where(HelpRequest.resident_id == person.id)
        for model in (TaskPost, Assignment):
            found = await uow.session.execute(select(model).where(model.request_id.in_(theirs)))
            assert found.first() is None, model.__tablename__
        assert (await uow.session.execute(select(Reminder))).first() is None


async def _erase_by_radera(h: Harness, telegram_id: int) -> None:
    await h.send(telegram_id, "/radera")
    h.request.clear()
    await h.press(telegram_id, "me:erase")
    edits = [c.text for c in h.request.sent(telegram_id, "editMessageText")]
    assert "Klart. Allt om dig är raderat. Tack för den här tiden! 💛" in edits


async def test_erasure_leaves_nothing(h: Harness) -> None:
    seeded = await seed(h)
    gunborg, signhild, sixten = seeded.gunborg, seeded.signhild, seeded.sixten
    await _seeded_everywhere(h, [gunborg, signhild, sixten])
    assert await problems(h, [gunborg]) != []  # the scan sees what is there

    await _erase_by_radera(h, GUNBORG)
    await nothing_left(h, [gunborg])
    await _nothing_hangs_on(h, gunborg)

    async with h.uow() as uow:
        erased = await privacy.erase_proxy(uow, COORDINATOR, signhild.id, NOW)
    assert [c.request.details for c in erased.cancelled] == ["Hämta medicin på apoteket"]
    await nothing_left(h, [gunborg, signhild])

    await _erase_by_radera(h, SIXTEN)
    await nothing_left(h, [gunborg, signhild, sixten])

    # The queue's job later sends nothing of theirs.
    h.request.clear()
    h.data.clock = lambda: NOW + timedelta(minutes=5)
    await resend.resend(h.app, lambda: False)
    words = [w.casefold() for p in (gunborg, signhild, sixten) for w in p.words]
    sent = [c.text.casefold() for c in h.request.calls]
    assert [(w, t) for t in sent for w in words if w in t] == []
    async with h.uow() as uow:
        people = (await uow.session.execute(select(Person.id))).scalars().all()
    assert {gunborg.id, signhild.id, sixten.id} <= set(people)  # emptied, not deleted


async def test_a_queued_message_with_the_address_goes_with_the_resident(h: Harness) -> None:
    """The leak named in issue 12: Telegram fails when Ottilia takes Gunborg's request, so the
    message with Gunborg's address waits in the queue; Gunborg erases herself meanwhile."""
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, OTTILIA, "Ottilia")
    await resident(h, GUNBORG, "Gunborg", phone="070-555 12 34")
    await ask_for_shopping(h, GUNBORG, details="Köp kattmat, portkod 4321")
    h.request.down.add(OTTILIA)
    await claim(h, OTTILIA, await request_id(h, "Köp kattmat, portkod 4321"))
    h.request.down.discard(OTTILIA)
    secrets = ("Storgatan 5", "070-555 12 34", "Köp kattmat")
    [queued] = [m for m in await _pending(h) if m.chat_id == OTTILIA]
    assert all(s in queued.text for s in secrets)

    await _erase_by_radera(h, GUNBORG)
    assert [m.id for m in await _pending(h) if "Storgatan 5" in m.text] == []
    h.request.clear()
    h.data.clock = lambda: NOW + timedelta(minutes=5)
    await resend.resend(h.app, lambda: False)
    assert [c.text for c in h.request.calls if any(s in c.text for s in secrets)] == []


async def test_a_broadcast_under_way_still_finishes_when_a_recipient_is_erased(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await resident(h, GUNBORG, "Gunborg")
    async with h.uow() as uow:
        await broadcasts.create(
            uow, COORDINATOR, Audience("residents"), "Hej!", None, NOW, "sv", 7
        )
    await _erase_by_radera(h, GUNBORG)
    await send_broadcasts.deliver(h.app, lambda: False)
    edit = h.request.sent(COORDINATOR, "editMessageText")[-1]
    assert edit.text == "Klart! 1 fick meddelandet."
    async with h.uow() as uow:
        assert [b.status for b in (await uow.session.execute(select(Broadcast))).scalars()] == [
            "done"
        ]
