"""Service-level rules, without Telegram: a UnitOfWorkFactory on the test database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.services import drafts, followup, people, requests, vetting
from bot.services.errors import AlreadyClaimed, NotAllowed, NotFound, NotOpen, NotRegistered
from bot.services.views import When
from storage.db import create_engine, create_session_factory
from storage.models import AuditEntry, FollowUp, HelpRequest, RequestEvent
from storage.uow import UnitOfWorkFactory

TZ = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=TZ)
COORDINATOR, RESIDENT, RESIDENT2 = 900, 100, 101
VOL, VOL2, UNVETTED, ELSEWHERE = 200, 201, 202, 203


@pytest.fixture
async def uow(db_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(db_url)
    yield UnitOfWorkFactory(create_session_factory(engine))
    await engine.dispose()


async def _setup(uow: UnitOfWorkFactory) -> dict[str, int]:
    """Two areas; residents in Centrum; approved, unvetted and other-area volunteers."""
    ids: dict[str, int] = {}
    async with uow() as u:
        await people.add_coordinator(u, COORDINATOR, NOW)
        await people.register_coordinator(u, COORDINATOR, first_name="Karin", now=NOW)
        centrum = await people.add_area(u, None, "Centrum", NOW)
        norr = await people.add_area(u, None, "Norr", NOW)
        ids["centrum"], ids["norr"] = centrum.id, norr.id
        for tg, name in ((RESIDENT, "Anna"), (RESIDENT2, "Britt")):
            await people.register_resident(
                u,
                tg,
                first_name=name,
                area_id=centrum.id,
                address="Storgatan 5",
                phone="070-123 45 67",
                now=NOW,
            )
        for tg, name, area in (
            (VOL, "Erik", centrum.id),
            (VOL2, "Sara", centrum.id),
            (UNVETTED, "Olle", centrum.id),
            (ELSEWHERE, "Nils", norr.id),
        ):
            person, _stored = await people.register_volunteer(
                u, tg, first_name=name, area_ids=[area], skills=["shopping"], now=NOW
            )
            ids[name] = person.id
    async with uow() as u:
        for name in ("Erik", "Sara", "Nils"):
            await vetting.decide(u, COORDINATOR, ids[name], True, NOW)
    return ids


async def _submit(uow: UnitOfWorkFactory, resident: int = RESIDENT) -> int:
    async with uow() as u:
        await drafts.save(
            u,
            resident,
            step="confirm",
            now=NOW,
            category="shopping",
            when=When(NOW + timedelta(days=1), "exact"),
            details="Mjölk",
        )
        result = await requests.submit(u, resident, NOW)
    return result.request.id


async def _audit(uow: UnitOfWorkFactory) -> list[tuple[int | None, str, str | None, bool]]:
    async with uow() as u:
        return [
            (e.actor_telegram_id, e.action, e.target, e.allowed) for e in await u.audit.entries()
        ]


async def _status(uow: UnitOfWorkFactory, request_id: int) -> tuple[str, int | None]:
    async with uow() as u:
        req = await u.requests.get(request_id)
        assert req is not None
        return req.status, req.volunteer_id


# --- Submitting ------------------------------------------------------------------------------


async def test_submit_offers_to_approved_matching_volunteers_only(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    async with uow() as u:
        await drafts.save(
            u, RESIDENT, step="confirm", now=NOW, category="shopping", when=When(None, "none")
        )
        result = await requests.submit(u, RESIDENT, NOW)
    assert sorted(v.person_id for v in result.volunteers) == sorted([ids["Erik"], ids["Sara"]])
    assert result.coordinators == []  # someone can take it, so no alarm
    assert result.request.status == "open" and result.request.area == "Centrum"
    async with uow() as u:
        person = await u.people.by_telegram_id(RESIDENT)
        assert person is not None and await u.drafts.get(person.id) is None


async def test_submit_without_a_matching_volunteer_tells_the_coordinators(
    uow: UnitOfWorkFactory,
) -> None:
    await _setup(uow)
    async with uow() as u:
        await drafts.save(
            u, RESIDENT, step="confirm", now=NOW, category="digital", when=When(None, "none")
        )
        result = await requests.submit(u, RESIDENT, NOW)
    assert result.volunteers == [] and result.group_chat_ids == []
    assert [c.telegram_id for c in result.coordinators] == [COORDINATOR]


async def test_submit_without_a_draft_is_not_found(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    with pytest.raises(NotFound):
        async with uow() as u:
            await requests.submit(u, RESIDENT, NOW)


# --- Claiming ------------------------------------------------------------------------------


async def test_second_claim_raises_already_claimed(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    request_id = await _submit(uow)
    async with uow() as u:
        result = await requests.claim(u, VOL, request_id, NOW)
    assert result.volunteer.person_id == ids["Erik"]
    assert result.contact.address == "Storgatan 5"
    with pytest.raises(AlreadyClaimed):
        async with uow() as u:
            await requests.claim(u, VOL2, request_id, NOW)
    assert await _status(uow, request_id) == ("claimed", ids["Erik"])
    # The same volunteer pressing twice does not win it twice either.
    with pytest.raises(AlreadyClaimed):
        async with uow() as u:
            await requests.claim(u, VOL, request_id, NOW)


async def test_claim_race_exactly_one_wins(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    request_id = await _submit(uow)

    async def attempt(telegram_id: int) -> object:
        async with uow() as u:
            return await requests.claim(u, telegram_id, request_id, NOW)

    outcomes = await asyncio.gather(attempt(VOL), attempt(VOL2), return_exceptions=True)
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], AlreadyClaimed), outcomes
    status, holder = await _status(uow, request_id)
    assert status == "claimed" and holder in (ids["Erik"], ids["Sara"])
    async with uow() as u:
        events = [e.kind for e in await u.requests.events(request_id)]
    assert events == ["created", "claimed"]


async def test_claim_refused_for_unvetted_other_area_and_own_request(
    uow: UnitOfWorkFactory,
) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    for telegram_id in (UNVETTED, ELSEWHERE, RESIDENT):
        with pytest.raises(NotAllowed):
            async with uow() as u:
                await requests.claim(u, telegram_id, request_id, NOW)
    assert (await _status(uow, request_id))[0] == "open"
    refused = [(a, act, t) for a, act, t, ok in await _audit(uow) if not ok]
    # One refusal line (or more) per attempt, each naming who and which request.
    assert {(a, t) for a, _act, t in refused} == {
        (tg, f"request:{request_id}") for tg in (UNVETTED, ELSEWHERE, RESIDENT)
    }
    assert all(act.startswith("claim") for _a, act, _t in refused), refused
    assert [a for a, _act, _t in refused] == sorted(
        [a for a, _act, _t in refused], key=[UNVETTED, ELSEWHERE, RESIDENT].index
    )


async def test_a_declined_volunteer_cannot_claim(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    async with uow() as u:
        await vetting.decide(u, COORDINATOR, ids["Olle"], False, NOW)
    request_id = await _submit(uow)
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await requests.claim(u, UNVETTED, request_id, NOW)


async def test_someone_who_never_started_is_not_registered(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    with pytest.raises(NotRegistered):
        async with uow() as u:
            await requests.claim(u, 555, request_id, NOW)


async def test_claim_of_a_cancelled_request_is_not_open(uow: UnitOfWorkFactory) -> None:
    """Nobody was faster: the resident cancelled. AlreadyClaimed would tell a wrong story."""
    await _setup(uow)
    request_id = await _submit(uow)
    async with uow() as u:
        await requests.cancel(u, RESIDENT, request_id, NOW)
    with pytest.raises(NotOpen):
        async with uow() as u:
            await requests.claim(u, VOL, request_id, NOW)
    assert (await _status(uow, request_id)) == ("cancelled", None)


async def test_claim_of_a_missing_request_is_not_found(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    with pytest.raises(NotFound):
        async with uow() as u:
            await requests.claim(u, VOL, 999, NOW)


# --- Permissions on someone else's task ----------------------------------------------------


async def test_only_the_holder_may_complete_or_give_back(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    request_id = await _submit(uow)
    async with uow() as u:
        await requests.claim(u, VOL, request_id, NOW)
    for call in (
        lambda u: requests.complete(u, VOL2, request_id, NOW),
        lambda u: requests.give_back(u, VOL2, request_id, None, NOW),
        lambda u: requests.held(u, VOL2, request_id, NOW),
        lambda u: requests.complete(u, RESIDENT, request_id, NOW),
    ):
        with pytest.raises(NotAllowed):
            async with uow() as u:
                await call(u)
    assert await _status(uow, request_id) == ("claimed", ids["Erik"])


async def test_give_back_opens_the_task_and_keeps_the_reason(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    request_id = await _submit(uow)
    async with uow() as u:
        await requests.claim(u, VOL, request_id, NOW)
    async with uow() as u:
        result = await requests.give_back(u, VOL, request_id, "Jag blev sjuk", NOW)
    assert [v.person_id for v in result.volunteers] == [ids["Sara"]]  # not Erik again
    assert result.resident.telegram_id == RESIDENT
    assert await _status(uow, request_id) == ("open", None)
    async with uow() as u:
        events = [(e.kind, e.note) for e in await u.requests.events(request_id)]
    assert events[-1] == ("given_back", "Jag blev sjuk")
    # Given back: no longer his to finish.
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await requests.complete(u, VOL, request_id, NOW)


async def test_reading_a_request_is_for_its_resident_holder_and_coordinators(
    uow: UnitOfWorkFactory,
) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    async with uow() as u:
        _req, _vol, contact = await requests.detail(u, RESIDENT, request_id, NOW)
    assert contact is None  # the resident sees no contact card of themselves
    for outsider in (RESIDENT2, VOL, UNVETTED):
        with pytest.raises(NotAllowed):
            async with uow() as u:
                await requests.detail(u, outsider, request_id, NOW)
    async with uow() as u:
        await requests.claim(u, VOL, request_id, NOW)
    async with uow() as u:
        _req, _vol, contact = await requests.detail(u, VOL, request_id, NOW)
    assert contact is not None and contact.phone == "070-123 45 67"
    async with uow() as u:
        _req, _vol, contact = await requests.detail(u, COORDINATOR, request_id, NOW)
    assert contact is None  # taken and never escalated: the coordinator has no reason to call
    async with uow() as u:
        (await u.requests.get(request_id)).escalated_at = NOW
    async with uow() as u:
        _req, _vol, contact = await requests.detail(u, COORDINATOR, request_id, NOW)
    assert contact is not None
    reads = [(a, act) for a, act, _t, ok in await _audit(uow) if ok and act == "read_contact"]
    assert reads == [(VOL, "read_contact"), (VOL, "read_contact"), (COORDINATOR, "read_contact")]


async def test_only_a_coordinator_may_vet(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    for actor in (RESIDENT, VOL, UNVETTED, 555):
        with pytest.raises(NotAllowed):
            async with uow() as u:
                await vetting.decide(u, actor, ids["Olle"], True, NOW)
    async with uow() as u:
        profile = await u.volunteers.profile(ids["Olle"])
        assert profile is not None and profile.vetting == "pending"
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await vetting.pending(u, VOL, NOW)
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await vetting.link_group(u, VOL, -100, NOW)


async def test_a_volunteer_is_vetted_once(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    with pytest.raises(NotOpen):
        async with uow() as u:
            await vetting.decide(u, COORDINATOR, ids["Erik"], False, NOW)
    with pytest.raises(NotFound):
        async with uow() as u:
            await vetting.decide(u, COORDINATOR, 999, True, NOW)


async def test_only_a_coordinator_may_add_an_area(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await people.add_area(u, RESIDENT, "Söder", NOW)
    async with uow() as u:
        assert [a.name for a in await people.areas(u)] == ["Centrum", "Norr"]


async def test_pause_is_for_volunteers(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await people.toggle_pause(u, RESIDENT, NOW)
    async with uow() as u:
        assert await people.toggle_pause(u, VOL, NOW) is True
    async with uow() as u:
        assert await people.toggle_pause(u, VOL, NOW) is False


# --- Cancelling ----------------------------------------------------------------------------


async def test_cancel_of_a_done_request_is_not_open(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    async with uow() as u:
        await requests.claim(u, VOL, request_id, NOW)
    async with uow() as u:
        await requests.complete(u, VOL, request_id, NOW)
    with pytest.raises(NotOpen):
        async with uow() as u:
            await requests.cancel(u, RESIDENT, request_id, NOW)
    assert (await _status(uow, request_id))[0] == "done"
    # Done twice is not possible either.
    with pytest.raises(NotOpen):
        async with uow() as u:
            await requests.complete(u, VOL, request_id, NOW)


async def test_cancel_by_another_resident_is_not_allowed(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await requests.cancel(u, RESIDENT2, request_id, NOW)
    assert (await _status(uow, request_id))[0] == "open"


async def test_cancel_of_a_claimed_request_names_the_volunteer(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    request_id = await _submit(uow)
    async with uow() as u:
        await requests.claim(u, VOL, request_id, NOW)
    async with uow() as u:
        result = await requests.cancel(u, RESIDENT, request_id, NOW)
    assert result.volunteer is not None and result.volunteer.person_id == ids["Erik"]
    assert result.request.status == "cancelled"
    with pytest.raises(NotOpen):
        async with uow() as u:
            await requests.cancel(u, RESIDENT, request_id, NOW)


# --- Follow-up -----------------------------------------------------------------------------


async def test_follow_up_second_answer_changes_the_first(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    with pytest.raises(NotOpen):  # not done yet
        async with uow() as u:
            await followup.answer(u, RESIDENT, request_id, "good", NOW)
    async with uow() as u:
        await requests.claim(u, VOL, request_id, NOW)
    async with uow() as u:
        await requests.complete(u, VOL, request_id, NOW)
    async with uow() as u:
        await followup.answer(u, RESIDENT, request_id, "good", NOW)
    async with uow() as u:
        await followup.answer(u, RESIDENT, request_id, "bad", NOW)
    async with uow() as u:
        await followup.comment(u, RESIDENT, request_id, "Kom sent", NOW)
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await followup.answer(u, RESIDENT2, request_id, "good", NOW)
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await followup.answer(u, RESIDENT, request_id, "great", NOW)
    async with uow() as u:
        rows = (await u.session.execute(select(FollowUp))).scalars().all()
        assert [(r.role, r.score, r.comment) for r in rows] == [("resident", "bad", "Kom sent")]


# --- The unit of work --------------------------------------------------------------------


async def test_audit_entry_survives_a_not_allowed(
    uow: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    caplog.set_level(logging.WARNING, logger="bot.services.people")
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await requests.detail(u, RESIDENT2, request_id, NOW)
    # Read back in a fresh session: the refused attempt was committed.
    async with uow() as u:
        rows = (
            (await u.session.execute(select(AuditEntry).where(AuditEntry.allowed.is_(False))))
            .scalars()
            .all()
        )
        assert [(r.actor_telegram_id, r.action, r.target) for r in rows] == [
            (RESIDENT2, "read_request", f"request:{request_id}")
        ]
        assert rows[0].at == NOW
    assert any(
        r.levelno == logging.WARNING and "read_request" in r.getMessage() for r in caplog.records
    )


async def test_unexpected_errors_roll_back(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    with pytest.raises(RuntimeError):
        async with uow() as u:
            await requests.claim(u, VOL, request_id, NOW)
            raise RuntimeError("boom")
    assert await _status(uow, request_id) == ("open", None)
    async with uow() as u:
        kinds = [e.kind for e in (await u.session.execute(select(RequestEvent))).scalars()]
        assert kinds == ["created"]
        assert [e.action for e in await u.audit.entries() if e.action == "read_contact"] == []
        assert (await u.session.execute(select(HelpRequest))).scalar_one().status == "open"


async def test_uow_session_is_closed_outside_the_block(uow: UnitOfWorkFactory) -> None:
    unit = uow()
    with pytest.raises(RuntimeError):
        _ = unit.session
    async with unit as u:
        assert u.session is not None
    with pytest.raises(RuntimeError):
        _ = unit.session
