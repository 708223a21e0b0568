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
