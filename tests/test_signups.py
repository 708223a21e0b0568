"""Seats and the waiting list for one date of an activity (service level, no Telegram)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.services import people, signups
from bot.services.errors import NotFound, NotOpen
from storage.db import create_engine, create_session_factory
from storage.place_models import Activity, ActivityException, Place
from storage.uow import UnitOfWorkFactory
from tests.conftest import NOW, TZ

TUESDAY = datetime(2026, 11, 24, 14, 0, tzinfo=TZ)
RESIDENTS = (101, 102, 103)


@pytest.fixture
async def uow(db_url):
    engine = create_engine(db_url, **({} if "sqlite" in db_url else {"pool_size": 10}))
    factory = UnitOfWorkFactory(create_session_factory(engine))
    async with factory() as work:
        area = await people.add_area(work, None, "Centrum", NOW)
        for n, tg in enumerate(RESIDENTS):
            await people.register_resident(
                work,
                tg,
                first_name=f"Person{n}",
                area_id=area.id,
                address="Storgatan 5",
                phone=None,
                now=NOW,
            )
        place = Place(key="cafe", name="Träffpunkt Centrum", area_id=area.id)
        work.session.add(place)
        await work.session.flush()
        activity = await work.places.add_activity(
            Activity(
                key="fika",
                place_id=place.id,
                title="Fika och samtal",
                category="fika",
                starts_at=TUESDAY,
                duration_minutes=120,
                rrule="FREQ=WEEKLY;BYDAY=TU",
                signup_required=True,
                capacity=1,
            )
        )
        work.session.add(
            ActivityException(activity_id=activity.id, occurs_at=TUESDAY + timedelta(days=7))
        )
    yield factory
    await engine.dispose()


async def _sign(factory, tg, when=TUESDAY):
    async with factory() as work:
        return await signups.sign_up(work, tg, 1, when, NOW, TZ)


async def test_two_people_take_the_last_seat_at_once_one_waits(uow):
    first, second = await asyncio.gather(_sign(uow, 101), _sign(uow, 102))
    assert sorted([first.status, second.status]) == ["confirmed", "waiting"]
    waiting = first if first.status == "waiting" else second
    assert waiting.waiting_position == 1


async def test_the_waiting_list_moves_up_when_someone_cancels(uow):
    assert (await _sign(uow, 101)).status == "confirmed"
    assert (await _sign(uow, 102)).status == "waiting"
    third = await _sign(uow, 103)
    assert (third.status, third.waiting_position) == ("waiting", 2)
    async with uow() as work:
        moved_up = await signups.cancel(work, 101, 1, TUESDAY, NOW, TZ)
    assert moved_up is not None and moved_up.telegram_id == 102
    assert (await _sign(uow, 102)).status == "confirmed"
    assert (await _sign(uow, 103)).waiting_position == 1


async def test_signing_up_twice_keeps_one_seat(uow):
    assert (await _sign(uow, 101)).status == "confirmed"
    assert (await _sign(uow, 101)).status == "confirmed"
    assert (await _sign(uow, 102)).status == "waiting"


@pytest.mark.parametrize(
    "when",
    [
        TUESDAY + timedelta(days=7),  # that date is cancelled
        TUESDAY + timedelta(days=1),  # not a date of this activity
        NOW - timedelta(days=5),  # already over
    ],
)
async def test_dates_that_cannot_be_booked_are_refused(uow, when):
    with pytest.raises(NotOpen):
        await _sign(uow, 101, when)


async def test_cancelling_without_a_seat_is_not_found(uow):
    async with uow() as work:
        with pytest.raises(NotFound):
            await signups.cancel(work, 101, 1, TUESDAY, NOW, TZ)
