"""Paused means paused: a volunteer who may not take tasks (paused or not approved) never wins
a claim and never sees an address, whatever old button they press. The rule sits in the
claim's conditional UPDATE, so a pause between the offer and the press counts too.

Run on PostgreSQL as well (HJALPSAM_TEST_DATABASE_URL): a pause committed by another
connection between the service's check and the UPDATE is refused by the UPDATE.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import update

from bot.services import assignments, people, requests
from bot.services.errors import NotAllowed, NotVetted, Paused
from storage.db import create_engine, create_session_factory, is_sqlite
from storage.models import VolunteerProfile
from storage.uow import UnitOfWork, UnitOfWorkFactory
from tests.conftest import Harness
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
from tests.test_assign import YES, ask_erik, person_id, the_assignment
from tests.test_escalation import audit, the_request
from tests.test_services import (
    NOW,
    UNVETTED,
    VOL,
    VOL2,
    _audit,
    _setup,
    _status,
    _submit,
)

PAUSED = (
    "Du har pausat och får inga nya uppdrag. Uppdrag du redan har är fortfarande dina. "
    "Skriv /paus igen när du vill ha uppdrag igen."
)
NEED_VETTING = "Du kan ta uppdrag när en samordnare har godkänt dig."
YOURS = "Tack! Uppdraget är ditt."
BO = 202


@pytest.fixture
async def uow(db_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(db_url)
    yield UnitOfWorkFactory(create_session_factory(engine))
    await engine.dispose()


async def _pause(uow: UnitOfWorkFactory, telegram_id: int) -> None:
    async with uow() as u:
        assert await people.toggle_pause(u, telegram_id, NOW) is True


def _contact_reads(entries: list[tuple[int | None, str, str | None, bool]]) -> list[int | None]:
    return [actor for actor, action, _target, ok in entries if action == "read_contact" and ok]


# --- The rule in the service and in the UPDATE -------------------------------------------------


async def test_a_paused_volunteer_cannot_claim_and_another_still_can(
    uow: UnitOfWorkFactory,
) -> None:
    await _setup(uow)
    request_id = await _submit(uow)  # offered to Erik and Sara
    await _pause(uow, VOL)
    with pytest.raises(Paused):
        async with uow() as u:
            await requests.claim(u, VOL, request_id, NOW)
    assert await _status(uow, request_id) == ("open", None)
    entries = await _audit(uow)
    assert (VOL, "claim", f"request:{request_id}", False) in entries
    assert _contact_reads(entries) == []

    async with uow() as u:
        won = await requests.claim(u, VOL2, request_id, NOW)
    assert won.contact.address == "Storgatan 5"
    assert _contact_reads(await _audit(uow)) == [VOL2]


async def test_an_unapproved_volunteer_cannot_claim(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    with pytest.raises(NotVetted):
        async with uow() as u:
            await requests.claim(u, UNVETTED, request_id, NOW)
    assert await _status(uow, request_id) == ("open", None)


async def test_a_resumed_volunteer_can_claim_again(uow: UnitOfWorkFactory) -> None:
    await _setup(uow)
    request_id = await _submit(uow)
    await _pause(uow, VOL)
    async with uow() as u:
        assert await people.toggle_pause(u, VOL, NOW) is False
    async with uow() as u:
        won = await requests.claim(u, VOL, request_id, NOW)
    assert won.volunteer.telegram_id == VOL


async def test_the_conditional_update_itself_refuses_who_may_not_take_tasks(
    uow: UnitOfWorkFactory,
) -> None:
    """No service check in front: the UPDATE alone decides, by the volunteer's standing."""
    ids = await _setup(uow)
    request_id = await _submit(uow)
    await _pause(uow, VOL)
    async with uow() as u:
        anna = await u.people.by_telegram_id(RESIDENT)
        assert anna is not None
        assert not await u.requests.claim(request_id, ids["Erik"], NOW)  # paused
        assert not await u.requests.claim(request_id, ids["Olle"], NOW)  # not approved
        assert not await u.requests.claim(request_id, anna.id, NOW)  # no volunteer at all
    assert await _status(uow, request_id) == ("open", None)
    async with uow() as u:
        assert await u.requests.claim(request_id, ids["Sara"], NOW)
    assert await _status(uow, request_id) == ("claimed", ids["Sara"])


def _pause_before_the_update(u: UnitOfWork, person: int, other: UnitOfWorkFactory | None) -> None:
    """Let the service's check pass, then pause the volunteer just before the UPDATE runs:
    in another connection that commits (PostgreSQL), or in this very transaction (SQLite,
    where a second writer would wait for this one)."""
    real_claim = u.requests.claim

    async def claim(request_id: int, volunteer_id: int, now: Any) -> bool:
        pause = update(VolunteerProfile).where(VolunteerProfile.person_id == person)
        if other is None:
            await u.session.execute(pause.values(paused=True))
        else:
            async with other() as o:
                await o.session.execute(pause.values(paused=True))
        return await real_claim(request_id, volunteer_id, now)

    u.requests.claim = claim  # type: ignore[method-assign]


async def test_a_pause_between_the_check_and_the_update_still_wins(
    uow: UnitOfWorkFactory, db_url: str
) -> None:
    ids = await _setup(uow)
    request_id = await _submit(uow)
    with pytest.raises(Paused):
        async with uow() as u:
            _pause_before_the_update(u, ids["Erik"], None if is_sqlite(db_url) else uow)
            await requests.claim(u, VOL, request_id, NOW)
    assert await _status(uow, request_id) == ("open", None)
    assert _contact_reads(await _audit(uow)) == []


# --- A coordinator asking one volunteer ---------------------------------------------------------


async def test_a_coordinator_cannot_ask_a_paused_volunteer(uow: UnitOfWorkFactory) -> None:
    ids = await _setup(uow)
    request_id = await _submit(uow)
    await _pause(uow, VOL)
    async with uow() as u:
        page = await assignments.candidates(u, COORDINATOR, request_id, 0, NOW)
    assert ids["Erik"] not in {c.person_id for c in page.candidates}
    assert ids["Sara"] in {c.person_id for c in page.candidates}
    with pytest.raises(NotAllowed):
        async with uow() as u:
            await assignments.assign(u, COORDINATOR, request_id, ids["Erik"], NOW)


async def test_a_volunteer_paused_after_being_asked_cannot_say_yes(
    uow: UnitOfWorkFactory,
) -> None:
    ids = await _setup(uow)
    request_id = await _submit(uow)
    async with uow() as u:
        asked = await assignments.assign(u, COORDINATOR, request_id, ids["Erik"], NOW)
    await _pause(uow, VOL)
    with pytest.raises(Paused):
        async with uow() as u:
            await assignments.accept(u, VOL, asked.id, NOW)
    assert await _status(uow, request_id) == ("open", None)
    async with uow() as u:
        found = await u.escalations.assignment(asked.id)
        assert found is not None
        # Still a question: they can resume and say yes, or say no.
        assert (found.answer, found.answered_at) == ("pending", None)
    assert _contact_reads(await _audit(uow)) == []


# --- Through the real Application ---------------------------------------------------------------


async def _loop(h: Harness) -> Any:
    """Karin, Erik and Sara approved, Bo not; Anna asks for shopping. Erik's offer."""
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await volunteer(h, BO, "Bo", approve=False)
    await resident(h)
    await ask_for_shopping(h)
    return h.last(VOLUNTEER)


def _nothing_about_anna(h: Harness, telegram_id: int) -> None:
    said = [c.text for c in h.request.calls if c.params.get("chat_id") == telegram_id]
    assert not [t for t in said if "Storgatan" in t or "070-123" in t or YOURS in t], said
    assert h.texts(RESIDENT) == []


async def test_paused_volunteer_pressing_an_old_offer_gets_no_address(harness: Harness) -> None:
    h = harness
    offer = await _loop(h)
    sara_offer = h.last(VOLUNTEER2)
    await h.send(VOLUNTEER, "/paus")  # after the offer came, before the press
    h.request.clear()

    await h.press(VOLUNTEER, claim_data(offer))
    assert h.alerts() == [PAUSED]
    _nothing_about_anna(h, VOLUNTEER)
    req = await the_request(h)
    assert (req.status, req.volunteer_id) == ("open", None)
    entry = (await audit(h))[-1]
    assert (entry.actor_telegram_id, entry.action, entry.allowed) == (VOLUNTEER, "claim", False)

    await h.press(VOLUNTEER2, claim_data(sara_offer))
    assert h.last(VOLUNTEER2).text.startswith(YOURS)
    assert "Storgatan 5" in h.last(VOLUNTEER2).text
    req = await the_request(h)
    assert (req.status, req.volunteer_id) == ("claimed", await person_id(h, VOLUNTEER2))


async def test_unapproved_volunteer_pressing_a_task_button_gets_no_address(
    harness: Harness,
) -> None:
    h = harness
    offer = await _loop(h)
    assert not [c for c in h.request.sent(BO) if "🙋 Jag tar det" in c.buttons()]  # no offer
    h.request.clear()
    await h.press(BO, claim_data(offer))
    assert h.alerts() == [NEED_VETTING]
    _nothing_about_anna(h, BO)
    assert (await the_request(h)).status == "open"


async def test_paused_after_being_asked_the_yes_gets_no_address(harness: Harness) -> None:
    h = harness
    await _loop(h)
    request_id = (await the_request(h)).id
    yes = await ask_erik(h, request_id)
    await h.send(VOLUNTEER, "/paus")
    h.request.clear()

    await h.press(VOLUNTEER, yes)
    assert h.alerts() == [PAUSED]
    _nothing_about_anna(h, VOLUNTEER)
    assert h.texts(COORDINATOR) == []
    assert (await the_request(h)).status == "open"
    assert (await the_assignment(h)).answer == "pending"


async def test_coordinator_is_not_offered_a_paused_volunteer(harness: Harness) -> None:
    h = harness
    await _loop(h)
    request_id = (await the_request(h)).id
    await h.send(VOLUNTEER, "/paus")
    await h.press(COORDINATOR, f"asg:pick:{request_id}")
    assert h.last(COORDINATOR).buttons() == ["📍 Sara"]
    h.request.clear()
    # A forged (or old) choice of Erik is refused in the service.
    await h.press(COORDINATOR, f"asg:vol:{request_id}:{await person_id(h, VOLUNTEER)}")
    assert h.alerts() == ["Tyvärr, det kan du inte göra."]
    assert h.request.sent(VOLUNTEER) == []
    assert YES not in str(h.request.calls)
