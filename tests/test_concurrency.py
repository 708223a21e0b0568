"""Fifty volunteers press «Jag tar det» on the same task at once: exactly one gets it.

This goes through the service (``bot.services.requests.claim``), each volunteer in a unit of
work of their own (a session and a connection of their own), on a real engine pool large
enough for all of them at once. Run it on PostgreSQL with HJALPSAM_TEST_DATABASE_URL set.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services import drafts, people, requests, vetting
from bot.services.errors import AlreadyClaimed
from bot.services.views import ClaimResult
from storage.db import create_engine, create_session_factory
from storage.models import AuditEntry, HelpRequest, RequestEvent
from storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
VOLUNTEERS = 50
ROUNDS = 3
COORDINATOR_TG, RESIDENT_TG, FIRST_VOLUNTEER_TG = 900, 100, 10_000


async def _set_up(uow: UnitOfWorkFactory) -> dict[int, int]:
    """An area, a coordinator, a resident and 50 approved volunteers.

    Returns each volunteer's person id by Telegram id.
    """
    async with uow() as u:
        await people.add_coordinator(u, COORDINATOR_TG, NOW)
        await people.register_coordinator(u, COORDINATOR_TG, first_name="Karin", now=NOW)
        area = await people.add_area(u, COORDINATOR_TG, "Centrum", NOW)
        await people.register_resident(
            u,
            RESIDENT_TG,
            first_name="Anna",
            area_id=area.id,
            address="Storgatan 5",
            phone="070-123 45 67",
            now=NOW,
        )
    ids: dict[int, int] = {}
    async with uow() as u:
        for n in range(VOLUNTEERS):
            tg = FIRST_VOLUNTEER_TG + n
            person, _stored = await people.register_volunteer(
                u, tg, first_name=f"Volontär {n}", area_ids=[area.id], skills=["shopping"], now=NOW
            )
            ids[tg] = person.id
    async with uow() as u:
        for person_id in ids.values():
            await vetting.decide(u, COORDINATOR_TG, person_id, True, NOW)
    return ids


async def _submit(uow: UnitOfWorkFactory) -> int:
    """The resident asks for help with shopping; every volunteer is offered it."""
    async with uow() as u:
        await drafts.save(
            u, RESIDENT_TG, step="confirm", now=NOW, category="shopping", details="Mjölk och bröd"
        )
        result = await requests.submit(u, RESIDENT_TG, NOW)
    assert len(result.volunteers) == VOLUNTEERS
    return result.request.id


async def _race(
    uow: UnitOfWorkFactory, request_id: int, volunteers: list[int]
) -> list[ClaimResult | BaseException]:
    """Everyone claims at once: each in a unit of work of their own, released together."""
    barrier = asyncio.Barrier(len(volunteers))

    async def one(telegram_id: int) -> ClaimResult:
        async with uow() as u:
            await barrier.wait()
            return await requests.claim(u, telegram_id, request_id, NOW)

    return await asyncio.gather(*(one(tg) for tg in volunteers), return_exceptions=True)


async def _warm_pool(engine: AsyncEngine, n: int) -> None:
    """Check n connections out at once (no transaction), so the race is not about connecting."""
    barrier = asyncio.Barrier(n)

    async def hold() -> None:
        async with engine.connect() as conn:
            await conn.get_raw_connection()
            await barrier.wait()

    await asyncio.gather(*(hold() for _ in range(n)))


async def test_fifty_volunteers_claim_one_task_exactly_one_wins(db_url: str) -> None:
    engine = create_engine(db_url, pool_size=VOLUNTEERS, max_overflow=10, pool_timeout=60)
    uow = UnitOfWorkFactory(create_session_factory(engine))
    try:
        ids = await _set_up(uow)
        await _warm_pool(engine, VOLUNTEERS)
        volunteers = list(ids)
        for round_no in range(ROUNDS):
            request_id = await _submit(uow)
            # A different order each round, so the first one gathered is not always the winner.
            order = volunteers[round_no::] + volunteers[:round_no]
            if round_no % 2:
                order.reverse()
            outcomes = await _race(uow, request_id, order)

            won = [
                (tg, o)
                for tg, o in zip(order, outcomes, strict=True)
                if isinstance(o, ClaimResult)
            ]
            lost = [o for o in outcomes if isinstance(o, AlreadyClaimed)]
            other = [o for o in outcomes if not isinstance(o, (ClaimResult, AlreadyClaimed))]
            assert not other, f"round {round_no}: unexpected outcomes {other!r}"
            assert len(won) == 1, f"round {round_no}: {len(won)} winners"
            assert len(lost) == VOLUNTEERS - 1
            winner_tg, result = won[0]
            winner_id = ids[winner_tg]
            assert result.volunteer.person_id == winner_id
            assert result.volunteer.telegram_id == winner_tg
            assert result.request.id == request_id and result.request.status == "claimed"
            assert result.contact.address == "Storgatan 5"

            async with uow() as u:
                req = await u.session.get(HelpRequest, request_id)
                assert req is not None
                assert req.status == "claimed"
                assert req.volunteer_id == winner_id
                events = (
                    await u.session.execute(
                        select(RequestEvent.kind, RequestEvent.actor_id)
                        .where(RequestEvent.request_id == request_id)
                        .order_by(RequestEvent.id)
                    )
                ).all()
                contact_reads = (
                    (
                        await u.session.execute(
                            select(AuditEntry.actor_telegram_id).where(
                                AuditEntry.action == "read_contact",
                                AuditEntry.target == f"request:{request_id}",
                            )
                        )
                    )
                    .scalars()
                    .all()
                )
            assert [kind for kind, _actor in events] == ["created", "claimed"]
            assert [actor for kind, actor in events if kind == "claimed"] == [winner_id]
            # Only the winner saw the resident's address and phone.
            assert contact_reads == [winner_tg]
    finally:
        await engine.dispose()
