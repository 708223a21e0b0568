"""Details of requests closed more than 90 days ago are blanked; the counts stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services import retention
from storage.models import FollowUp, HelpRequest, Person, RequestEvent
from tests.conftest import NOW


async def test_old_closed_requests_lose_their_details_but_not_their_counts(harness):
    h = harness
    async with h.uow() as uow:
        person = Person(telegram_id=5, first_name="Anna", created_at=NOW)
        uow.session.add(person)
        from storage.models import Area

        area = Area(name="Centrum", created_at=NOW)
        uow.session.add(area)
        await uow.session.flush()

        def request(closed_days_ago: int | None, status: str) -> HelpRequest:
            closed = NOW - timedelta(days=closed_days_ago) if closed_days_ago else None
            return HelpRequest(
                resident_id=person.id,
                created_by_id=person.id,
                area_id=area.id,
                category="shopping",
                details="Portkod 1234",
                status=status,
                created_at=NOW - timedelta(days=200),
                closed_at=closed,
            )

        old, recent, still_open = request(91, "done"), request(89, "done"), request(None, "open")
        uow.session.add_all([old, recent, still_open])
        await uow.session.flush()
        uow.session.add(
            FollowUp(
                request_id=old.id,
                person_id=person.id,
                role="resident",
                score="good",
                comment="Tack Erik!",
                at=NOW - timedelta(days=91),
            )
        )
        uow.session.add(RequestEvent(request_id=old.id, kind="cancelled", note="bortrest", at=NOW))
    async with h.uow() as uow:
        assert await retention.purge(uow, NOW, 90) == 1
    async with h.uow() as uow:
        rows = (await uow.session.execute(select(HelpRequest).order_by(HelpRequest.id))).scalars()
        assert [(r.status, r.details) for r in rows] == [
            ("done", None),
            ("done", "Portkod 1234"),
            ("open", "Portkod 1234"),
        ]
        follow_up = (await uow.session.execute(select(FollowUp))).scalar_one()
        assert (follow_up.score, follow_up.comment) == ("good", None)
        event = (await uow.session.execute(select(RequestEvent))).scalar_one()
        assert (event.kind, event.note) == ("cancelled", None)
    async with h.uow() as uow:
        assert await retention.purge(uow, NOW, 90) == 0  # nothing left to do


async def test_old_closed_requests_stop_naming_the_resident_but_keep_counting(harness):
    """After the retention period a request names a stand-in, not Anna (or whoever entered
    it); its volunteer stays for the count of active volunteers; the report counts stay."""
    from bot.services import reports
    from tests.conftest import TZ

    h = harness
    async with h.uow() as uow:
        from storage.models import Area

        anna = Person(telegram_id=5, first_name="Anna", created_at=NOW)
        erik = Person(telegram_id=6, first_name="Erik", created_at=NOW)
        area = Area(name="Centrum", created_at=NOW)
        uow.session.add_all([anna, erik, area])
        await uow.session.flush()
        for days in (91, 89):
            req = HelpRequest(
                resident_id=anna.id,
                created_by_id=anna.id,
                volunteer_id=erik.id,
                area_id=area.id,
                category="shopping",
                status="done",
                created_at=NOW - timedelta(days=days + 1),
                closed_at=NOW - timedelta(days=days),
            )
            uow.session.add(req)
            await uow.session.flush()
            uow.session.add(RequestEvent(request_id=req.id, kind="done", actor_id=erik.id, at=NOW))
        ids = (anna.id, erik.id)
    window = reports.period("year", NOW, TZ)
    async with h.uow() as uow:
        before = await reports.build(uow, window)
        await retention.purge(uow, NOW, 90)
    async with h.uow() as uow:
        rows = (await uow.session.execute(select(HelpRequest).order_by(HelpRequest.id))).scalars()
        links = [(r.resident_id, r.created_by_id, r.volunteer_id) for r in rows]
        stand_in = (
            await uow.session.execute(select(Person).where(Person.telegram_id == 0))
        ).scalar_one()
        events = await uow.session.execute(select(RequestEvent).order_by(RequestEvent.id))
        actors = [e.actor_id for e in events.scalars()]
        after = await reports.build(uow, window)
    anna_id, erik_id = ids
    assert links == [(stand_in.id, stand_in.id, erik_id), (anna_id, anna_id, erik_id)]
    assert (stand_in.first_name, stand_in.address, stand_in.phone) == (None, None, None)
    assert actors == [None, erik_id]
    assert before == after and before.active_volunteers == 1
    async with h.uow() as uow:
        await retention.purge(uow, NOW, 90)  # a second run finds nothing more to cut
    async with h.uow() as uow:
        count = await uow.session.execute(select(Person).where(Person.telegram_id == 0))
        assert len(count.scalars().all()) == 1
