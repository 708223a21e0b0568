"""The rules of keeping meeting places, without Telegram."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.services import activity_admin, people, place_admin
from bot.services.errors import NotAllowed, NotFound, NotOpen
from bot.services.place_admin import ActivityDraft, Invalid
from storage.db import create_engine, create_session_factory
from storage.uow import UnitOfWorkFactory
from tests.conftest import NOW, TZ

COORD, RESIDENT = 900, 100
DEC1 = datetime(2026, 12, 1, 14, 0, tzinfo=TZ)


@pytest.fixture
async def uow(db_url):
    engine = create_engine(db_url)
    factory = UnitOfWorkFactory(create_session_factory(engine))
    async with factory() as work:
        area = await people.add_area(work, None, "Centrum", NOW)
        await people.add_coordinator(work, COORD, NOW)
        await people.register_resident(
            work, RESIDENT, first_name="Anna", area_id=area.id, address="X", phone=None, now=NOW
        )
    yield factory
    await engine.dispose()


def draft(**changes) -> ActivityDraft:
    values = dict(
        title="Fika",
        category="fika",
        starts_at=DEC1,
        repeat="monthly",
        duration_minutes=90,
        signup_required=False,
        capacity=None,
        cost_sek=0,
    )
    return ActivityDraft(**{**values, **changes})


async def test_rules_of_a_place(uow):
    async with uow() as work:
        with pytest.raises(Invalid, match="where"):
            await place_admin.add_place(
                work, COORD, name="Kafé", area_id=1, address=None, link=None, now=NOW
            )
    async with uow() as work:
        with pytest.raises(Invalid, match="link"):
            await place_admin.add_place(
                work, COORD, name="Kafé", area_id=1, address=None, link="kafe", now=NOW
            )
    async with uow() as work:
        card = await place_admin.add_place(
            work, COORD, name="  Kafé   Norr ", area_id=1, address="Gatan 1", link=None, now=NOW
        )
    assert (card.name, card.area, card.access) == ("Kafé Norr", "Centrum", ())
    async with uow() as work:
        with pytest.raises(NotFound):
            await place_admin.edit_place(work, COORD, card.id, "area", 99, NOW)
    async with uow() as work:
        with pytest.raises(NotAllowed):
            await place_admin.toggle(work, RESIDENT, card.id, 0, NOW)
    async with uow() as work:
        assert (await place_admin.toggle(work, COORD, card.id, 3, NOW)).access == ("step_free",)


async def test_monthly_rule_and_cancel_rules(uow):
    async with uow() as work:
        place = await place_admin.add_place(
            work, COORD, name="Kafé", area_id=1, address="Gatan 1", link=None, now=NOW
        )
    async with uow() as work:
        card = await activity_admin.add_activity(work, COORD, place.id, draft(), NOW, TZ)
    assert card.draft.rrule == "FREQ=MONTHLY;BYDAY=1TU" and card.draft.repeat == "monthly"
    assert [d.day for d in card.next_dates[:3]] == [1, 5, 2]  # first Tuesdays
    assert card.draft.cost_sek is None
    async with uow() as work:
        with pytest.raises(Invalid, match="past"):
            await activity_admin.add_activity(
                work,
                COORD,
                place.id,
                draft(starts_at=datetime(2026, 11, 1, 10, tzinfo=TZ)),
                NOW,
                TZ,
            )
    async with uow() as work:
        with pytest.raises(NotOpen):
            await activity_admin.cancel(work, COORD, card.id, DEC1.replace(hour=15), NOW, TZ)
    async with uow() as work:
        done = await activity_admin.cancel(work, COORD, card.id, DEC1, NOW, TZ)
    assert done.told == () and done.escorts == ()
    async with uow() as work:
        with pytest.raises(NotOpen):
            await activity_admin.cancel_preview(work, COORD, card.id, DEC1, NOW, TZ)
    async with uow() as work:
        with pytest.raises(NotAllowed):
            await activity_admin.cancel(work, RESIDENT, card.id, None, NOW, TZ)
    async with uow() as work:
        await activity_admin.cancel(work, COORD, card.id, None, NOW, TZ)
    async with uow() as work:
        with pytest.raises(NotOpen):
            await activity_admin.update_activity(work, COORD, card.id, draft(title="Ny"), NOW, TZ)
