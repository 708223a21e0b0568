"""Half-written requests and the saved "near me" location: exported, erased and purged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from telegram import InputFile

import bot.handlers.privacy as privacy_handlers
from bot.jobs.purge import purge_old
from bot.jobs.scheduler import Scheduler
from bot.services import privacy, retention
from bot.services.places import SAVED_SEARCH_KEY
from storage.models import Draft, PersistedState, Person
from tests.conftest import NOW, TZ
from tests.helpers import RESIDENT, coordinator_with_area, places_csv, resident

CAFE = dict(
    place_key="rk-cafe",
    place_name="Röda Korsets café",
    area="Centrum",
    address="Storgatan 12",
    lat="59.35318",
    lon="16.52411",
    activity_key="rk-fika",
    title="Fika och samtal",
    category="fika",
    start="2026-11-24 14:00",
    duration_minutes="120",
    rrule="FREQ=WEEKLY;BYDAY=TU",
)


async def _half_written(h) -> None:
    """The resident asks for help and stops before sending it."""
    for step in ("🙋 Be om hjälp", "🛒 Handla", "imorgon kl 10", "✅ Ja", "Portkod 1234"):
        await h.send(RESIDENT, step)


@pytest.fixture
def files(monkeypatch) -> list[bytes]:
    """The bytes of every file the privacy handlers send (the fake records no uploads)."""
    sent: list[bytes] = []

    def recording(content: bytes, **kwargs) -> InputFile:
        sent.append(content)
        return InputFile(content, **kwargs)

    monkeypatch.setattr(privacy_handlers, "InputFile", recording)
    return sent


async def _exported(h) -> dict:
    await h.send(RESIDENT, "/minadata")
    assert h.request.sent(RESIDENT, "sendDocument")
    return json.loads(h.files[-1])


async def _drafts(h) -> list[Draft]:
    async with h.uow() as uow:
        return list((await uow.session.execute(select(Draft))).scalars())


async def _kept(h) -> dict:
    async with h.uow() as uow:
        return await uow.privacy.user_data_of(RESIDENT)


async def _purge_at(h, moment) -> None:
    h.data.clock = lambda: moment
    await purge_old(h.app, Scheduler(h.app))


async def _near_me(h) -> None:
    from bot.services.place_import import import_text

    report = await import_text(h.uow, places_csv(CAFE), TZ, NOW)
    assert not report.errors
    await h.send(RESIDENT, "☕ Hitta mötesplats")
    await h.feed(h.updates.location(RESIDENT, 59.3530, 16.5245))
    await h.send(RESIDENT, "✖️ Avbryt")


async def test_minadata_holds_the_draft_and_the_purge_drops_it_after_30_days(harness, files):
    h = harness
    h.files = files
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await _half_written(h)
    data = await _exported(h)
    assert data["draft"]["category"] == "shopping"
    assert data["draft"]["details"] == "Portkod 1234"
    await _purge_at(h, NOW + timedelta(days=29))
    assert len(await _drafts(h)) == 1
    await _purge_at(h, NOW + timedelta(days=31))
    assert await _drafts(h) == []
    assert (await _exported(h))["draft"] is None


async def test_the_near_me_location_is_exported_and_purged_also_in_memory(harness, files):
    h = harness
    h.files = files
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await _near_me(h)
    saved = (await _kept(h))[SAVED_SEARCH_KEY]
    assert (saved["lat"], saved["lon"], saved["at"]) == (59.353, 16.524, NOW.isoformat())
    location = (await _exported(h))["saved_location"]
    assert location == {"latitude": 59.353, "longitude": 16.524, "at": NOW.isoformat()}
    await _purge_at(h, NOW + timedelta(days=31))
    assert SAVED_SEARCH_KEY not in await _kept(h)
    assert SAVED_SEARCH_KEY not in h.app.user_data[RESIDENT]
    # Any later update writes the running bot's copy back: it must not bring the spot back.
    await h.send(RESIDENT, "/minadata")
    assert SAVED_SEARCH_KEY not in await _kept(h)
    assert (await _exported(h))["saved_location"] is None


async def test_erase_removes_the_draft_and_the_location(harness, files):
    h = harness
    h.files = files
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await _near_me(h)
    await _half_written(h)
    assert len(await _drafts(h)) == 1
    assert SAVED_SEARCH_KEY in await _kept(h)
    await h.send(RESIDENT, "/radera")
    await h.press(RESIDENT, "me:erase")
    assert await _drafts(h) == []
    async with h.uow() as uow:
        states = (await uow.session.execute(select(PersistedState))).scalars().all()
    assert not [s for s in states if "59.35" in s.value or "Portkod" in s.value]
    assert SAVED_SEARCH_KEY not in h.app.user_data.get(RESIDENT, {})


# --- services, no Telegram --------------------------------------------------------------


async def test_forget_abandoned_keeps_the_recent_and_drops_the_old(harness):
    h = harness
    async with h.uow() as uow:
        people = [Person(telegram_id=t, first_name="X", created_at=NOW) for t in (1, 2, 3, 4)]
        uow.session.add_all(people)
        await uow.session.flush()
        for person, age in zip(people[:2], (29, 31), strict=True):
            uow.session.add(
                Draft(person_id=person.id, step="details", updated_at=NOW - timedelta(days=age))
            )
        near = {"mode": "near", "lat": 59.35, "lon": 16.52, "offset": 0}
        await uow.privacy.put_user_data(1, {SAVED_SEARCH_KEY: {**near, "at": NOW.isoformat()}})
        old = (NOW - timedelta(days=31)).isoformat()
        await uow.privacy.put_user_data(2, {SAVED_SEARCH_KEY: {**near, "at": old}, "x": 1})
        await uow.privacy.put_user_data(3, {SAVED_SEARCH_KEY: near})  # kept before "at"
        await uow.privacy.put_user_data(4, {SAVED_SEARCH_KEY: {"mode": "week", "offset": 3}})
    async with h.uow() as uow:
        forgotten = await retention.forget_abandoned(uow, NOW, 90)
    assert (forgotten.drafts, sorted(forgotten.locations)) == (1, [2, 3])
    async with h.uow() as uow:
        assert [d.person_id for d in await _drafts_in(uow)] == [people[0].id]
        kept = await uow.privacy.all_user_data()
        assert SAVED_SEARCH_KEY in kept[1]
        assert kept[2] == {"x": 1}
        assert 3 not in kept
        assert kept[4][SAVED_SEARCH_KEY]["mode"] == "week"
        # Nothing left to do on a second run.
        assert await retention.forget_abandoned(uow, NOW, 90) == retention.Forgotten()


async def test_a_short_retention_period_shortens_the_30_days(harness):
    assert retention.abandoned_before(NOW, 7) == NOW - timedelta(days=7)
    assert retention.abandoned_before(NOW, 90) == NOW - timedelta(days=30)


async def test_export_of_someone_with_no_draft_or_location(harness):
    h = harness
    async with h.uow() as uow:
        uow.session.add(Person(telegram_id=5, first_name="Anna", created_at=NOW))
    async with h.uow() as uow:
        data = await privacy.export(uow, 5, NOW)
    assert (data["draft"], data["saved_location"]) == (None, None)


async def _drafts_in(uow) -> list[Draft]:
    return list((await uow.session.execute(select(Draft))).scalars())
