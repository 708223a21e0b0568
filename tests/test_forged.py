"""Forged and garbage callback data: refused kindly, audited, logged; nothing leaks.

Inline-button data is only a reference; anyone can send any data. Every action re-checks in
its service that this person may do it.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import AuditEntry, FollowUp, HelpRequest, VolunteerProfile
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
    swedish,
    volunteer,
)

RESIDENT2, UNVETTED, NORR = 101, 202, 203
SECRETS = ("Storgatan", "070-123", "070 123", "0701234567")
NOT_ALLOWED = "Tyvärr, det kan du inte göra."
NEED_VETTING = "Du kan ta uppdrag när en samordnare har godkänt dig."
ERROR = "Något gick fel hos oss"


def assert_kind(alert: str) -> None:
    """A deliberate answer, in Swedish; not the "something went wrong" apology."""
    assert alert in swedish(), f"not a Swedish text of the bot: {alert!r}"
    assert ERROR not in alert


# --- the scene -------------------------------------------------------------------------------


async def scene(h: Harness) -> int:
    """Two areas; Erik and Sara (Centrum, approved), Olle (Centrum, waiting), Nils (Norr,
    approved); Anna and Britt live in Centrum. Anna asks for shopping; returns its id."""
    await coordinator_with_area(h, "Centrum", "Norr")
    await volunteer(h, VOLUNTEER, "Erik", area_ids=(1,))
    await volunteer(h, VOLUNTEER2, "Sara", area_ids=(1,))
    await volunteer(h, UNVETTED, "Olle", area_ids=(1,), approve=False)
    await volunteer(h, NORR, "Nils", area_ids=(2,))
    await resident(h, RESIDENT, "Anna")
    await resident(h, RESIDENT2, "Britt", phone="073-999 88 77")
    await ask_for_shopping(h)
    async with h.uow() as uow:
        return (await uow.session.execute(select(HelpRequest.id))).scalar_one()


async def person_id(h: Harness, telegram_id: int) -> int:
    async with h.uow() as uow:
        found = await uow.people.by_telegram_id(telegram_id)
        assert found is not None
        return found.id


async def status(h: Harness, request_id: int) -> tuple[str, int | None]:
    async with h.uow() as uow:
        req = await uow.requests.get(request_id)
        return req.status, req.volunteer_id


async def refused_audit(h: Harness) -> list[tuple[int | None, str, str | None]]:
    async with h.uow() as uow:
        rows = (
            (
                await uow.session.execute(
                    select(AuditEntry).where(AuditEntry.allowed.is_(False)).order_by(AuditEntry.id)
                )
            )
            .scalars()
            .all()
        )
    return [(r.actor_telegram_id, r.action, r.target) for r in rows]


def alert_calls(h: Harness) -> list[Any]:
    return [c for c in h.request.calls if c.method == "answerCallbackQuery"]


async def forge(
    h: Harness, caplog: pytest.LogCaptureFixture, user_id: int, data: str, **kwargs: Any
) -> str:
    """Press a forged button with a clean record; return the one alert it got."""
    h.request.clear()
    caplog.clear()
    await h.press(user_id, data, **kwargs)
    calls = alert_calls(h)
    assert len(calls) == 1, [c.params for c in h.request.calls]
    assert calls[0].params.get("show_alert") in (True, "true", "True")
    return calls[0].text


def assert_nothing_leaked(h: Harness) -> None:
    """After a forged press nobody got a message with a name, address or phone in it."""
    for call in h.request.calls:
        for secret in (*SECRETS, "Anna"):
            assert secret not in call.text, (call.method, call.chat_id, call.text)
    assert not [c for c in h.request.calls if ERROR in c.text]


def assert_warned(caplog: pytest.LogCaptureFixture, action: str) -> None:
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and action in r.getMessage()
    ]
    assert warnings, f"no WARNING for {action}: {[r.getMessage() for r in caplog.records]}"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- forged but well-formed data -------------------------------------------------------------


async def test_claim_from_another_area(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    request_id = await scene(h)
    alert = await forge(h, caplog, NORR, f"task:claim:{request_id}")
    assert_kind(alert)
    assert await refused_audit(h) == [(NORR, "claim", f"request:{request_id}")]
    assert_warned(caplog, "claim")
    assert await status(h, request_id) == ("open", None)
    assert_nothing_leaked(h)
    assert h.request.sent(RESIDENT) == []


async def test_approved_volunteer_from_another_area_is_not_told_to_wait_for_approval(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Nils is approved; «once a coordinator has approved you» would confuse him. In a linked
    group chat every volunteer sees tasks from every area, so this is an everyday press."""
    h = harness
    request_id = await scene(h)
    alert = await forge(h, caplog, NORR, f"task:claim:{request_id}")
    assert alert != NEED_VETTING
    assert_kind(alert)


async def test_claim_as_unvetted_volunteer(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    request_id = await scene(h)
    alert = await forge(h, caplog, UNVETTED, f"task:claim:{request_id}")
    assert alert == NEED_VETTING
    refused = await refused_audit(h)
    assert refused and {(a, t) for a, _act, t in refused} == {(UNVETTED, f"request:{request_id}")}
    assert all(act.startswith("claim") for _a, act, _t in refused), refused
    assert_warned(caplog, "claim")
    assert await status(h, request_id) == ("open", None)
    assert_nothing_leaked(h)
    # The resident may not take her own request either.
    alert = await forge(h, caplog, RESIDENT, f"task:claim:{request_id}")
    assert_kind(alert)
    assert_nothing_leaked(h)


async def test_mark_someone_elses_task_done(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    request_id = await scene(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    erik = await person_id(h, VOLUNTEER)
    for forger in (VOLUNTEER2, RESIDENT2, RESIDENT):
        alert = await forge(h, caplog, forger, f"task:done:{request_id}")
        assert alert == NOT_ALLOWED
        assert_warned(caplog, "done")
        assert_nothing_leaked(h)
    assert await refused_audit(h) == [
        (uid, "done", f"request:{request_id}") for uid in (VOLUNTEER2, RESIDENT2, RESIDENT)
    ]
    assert await status(h, request_id) == ("claimed", erik)


async def test_give_back_someone_elses_task(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    request_id = await scene(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    erik = await person_id(h, VOLUNTEER)
    alert = await forge(h, caplog, VOLUNTEER2, f"task:back:{request_id}")
    assert alert == NOT_ALLOWED
    assert await refused_audit(h) == [(VOLUNTEER2, "give_back", f"request:{request_id}")]
    assert_warned(caplog, "give_back")
    assert_nothing_leaked(h)
    # Sara is not left in a "why?" question: her next words do not give the task back.
    h.request.clear()
    await h.send(VOLUNTEER2, "Jag kan inte")
    assert await status(h, request_id) == ("claimed", erik)
    assert h.last(VOLUNTEER2).text.startswith("Förlåt, det förstod jag inte.")
    assert_nothing_leaked(h)


async def test_show_someone_elses_task(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    request_id = await scene(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    alert = await forge(h, caplog, VOLUNTEER2, f"task:show:{request_id}")
    assert alert == NOT_ALLOWED
    assert await refused_audit(h) == [(VOLUNTEER2, "read_request", f"request:{request_id}")]
    assert_warned(caplog, "read_request")
    assert_nothing_leaked(h)


async def test_approve_a_volunteer_as_a_resident(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await scene(h)
    olle = await person_id(h, UNVETTED)
    for data in (f"vet:ok:{olle}", f"vet:no:{olle}"):
        alert = await forge(h, caplog, RESIDENT, data)
        assert alert == NOT_ALLOWED
        assert_nothing_leaked(h)
        assert h.request.sent(UNVETTED) == []  # Olle is told nothing
    assert await refused_audit(h) == [
        (RESIDENT, "approve", f"person:{olle}"),
        (RESIDENT, "decline", f"person:{olle}"),
    ]
    assert_warned(caplog, "decline")
    # A volunteer cannot approve themselves either.
    alert = await forge(h, caplog, UNVETTED, f"vet:ok:{olle}")
    assert alert == NOT_ALLOWED
    async with h.uow() as uow:
        profile = await uow.session.get(VolunteerProfile, olle)
    assert profile.vetting == "pending" and profile.vetted_by_id is None


async def test_read_another_residents_request(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    request_id = await scene(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    for data, action in (
        (f"req:show:{request_id}", "read_request"),
        (f"req:cancel:{request_id}", "read_request"),
        (f"req:cancelyes:{request_id}", "cancel"),
    ):
        alert = await forge(h, caplog, RESIDENT2, data)
        assert alert == NOT_ALLOWED, data
        assert_warned(caplog, action)
        assert_nothing_leaked(h)
        assert h.request.sent(RESIDENT2) == []  # not even the request's details
        assert h.request.sent(VOLUNTEER) == []  # Erik is not told of a cancel
    assert await refused_audit(h) == [
        (RESIDENT2, "read_request", f"request:{request_id}"),
        (RESIDENT2, "read_request", f"request:{request_id}"),
        (RESIDENT2, "cancel", f"request:{request_id}"),
    ]
    assert (await status(h, request_id))[0] == "claimed"


async def test_follow_up_on_someone_elses_request(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    request_id = await scene(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    await h.press(VOLUNTEER, f"task:done:{request_id}")
    for forger in (RESIDENT2, VOLUNTEER2):
        alert = await forge(h, caplog, forger, f"fu:bad:{request_id}")
        assert alert == NOT_ALLOWED
        assert_warned(caplog, "follow_up")
        assert_nothing_leaked(h)
        assert h.request.sent(forger) == []  # not asked for a comment
    assert await refused_audit(h) == [
        (RESIDENT2, "follow_up", f"request:{request_id}"),
        (VOLUNTEER2, "follow_up", f"request:{request_id}"),
    ]
    async with h.uow() as uow:
        assert (await uow.session.execute(select(FollowUp))).scalars().all() == []
    # Britt's next words are not stored as a comment on Anna's request.
    await h.send(RESIDENT2, "Dålig hjälp")
    async with h.uow() as uow:
        assert (await uow.session.execute(select(FollowUp))).scalars().all() == []


async def test_the_address_only_ever_went_to_the_holder(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """All the forgeries in one go, recorded from the start: the address went to Erik only."""
    h = harness
    request_id = await scene(h)
    h.request.clear()
    await h.press(NORR, f"task:claim:{request_id}")
    await h.press(UNVETTED, f"task:claim:{request_id}")
    await h.press(VOLUNTEER, f"task:claim:{request_id}")
    await h.press(VOLUNTEER2, f"task:claim:{request_id}")
    for forger in (VOLUNTEER2, NORR, UNVETTED, RESIDENT2):
        for data in (
            f"task:show:{request_id}",
            f"task:back:{request_id}",
            f"req:show:{request_id}",
            f"req:cancel:{request_id}",
        ):
            await h.press(forger, data)
    # A coordinator sees the request, but no contact details: it is taken, nobody escalated it.
    await h.press(COORDINATOR, f"req:show:{request_id}")
    holders = {c.chat_id for c in h.request.calls if any(s in c.text for s in SECRETS)}
    assert holders == {VOLUNTEER}
    assert await status(h, request_id) == ("claimed", await person_id(h, VOLUNTEER))


# --- garbage data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "task:nuke:1",
        "x" * 64,
        "",
        "ob:area:1",  # an onboarding button long after onboarding
        "ob:done",
        "zz:top:1",
    ],
)
async def test_garbage_callback_data_gets_a_kind_answer(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    h = harness
    await scene(h)
    alert = await forge(h, caplog, VOLUNTEER, data)
    assert alert.startswith("Den knappen fungerar inte längre")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert_nothing_leaked(h)


@pytest.mark.parametrize(
    "data",
    [
        "task:claim:99999",
        "task:done:99999",
        "task:back:99999",
        "task:show:99999",
        "req:show:99999",
        "req:cancel:99999",
        "req:cancelyes:99999",
        "vet:ok:99999",
        "fu:good:99999",
    ],
)
async def test_buttons_for_things_that_do_not_exist(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    h = harness
    await scene(h)
    h.request.clear()
    caplog.clear()
    await h.press(COORDINATOR if data.startswith("vet") else VOLUNTEER, data)
    alerts = h.alerts()
    assert len(alerts) == 1 and alerts[0], data
    assert_kind(alerts[0])
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert_nothing_leaked(h)


@pytest.mark.parametrize(
    "data",
    [
        "task:claim:abc",
        "task:claim",
        "task:done:abc",
        "req:show:abc",
        "req:cancelyes:abc",
        "vet:ok:abc",
        "fu:good:abc",
    ],
)
async def test_well_shaped_data_without_a_number_gets_a_kind_answer(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    h = harness
    await scene(h)
    alert = await forge(h, caplog, VOLUNTEER, data)
    assert alert.startswith("Den knappen fungerar inte längre"), alert
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert_nothing_leaked(h)


async def test_garbage_from_a_stranger_who_never_started(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    request_id = await scene(h)
    for data in (
        f"task:claim:{request_id}",
        f"req:show:{request_id}",
        f"fu:good:{request_id}",
        "x" * 64,
    ):
        alert = await forge(h, caplog, 777, data)
        assert_kind(alert)
        assert_nothing_leaked(h)
    assert await status(h, request_id) == ("open", None)
