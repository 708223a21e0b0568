"""The volunteer's time on a task: guessed from the kind of help, asked once after «Klart».

Only the volunteer who did the task may answer; a forged, a repeated or a malformed press gets
a kind answer and changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.services import hours
from storage.models import AuditEntry, HelpRequest, RequestEvent, TaskPost
from tests.conftest import Harness
from tests.helpers import (
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

QUESTION = "Ungefär hur lång tid tog det? Jag har gissat 1 timme."
BUTTONS = ["30 min", "1 timme", "1,5 timme", "2 timmar", "3 timmar", "Det stämmer"]
FOLLOW_UP = "Hur gick det? Tryck på en."
NOT_ALLOWED = "Tyvärr, det kan du inte göra."
STALE = "Den knappen fungerar inte längre. Här är menyn."
ALREADY = "Tack, tiden har jag redan skrivit upp. 💛"
ERROR = "Något gick fel hos oss"


async def done_task(h: Harness) -> int:
    """Erik takes Anna's shopping and marks it done (on the message with her address, where
    «Klart» is); returns the request id."""
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)
    await ask_for_shopping(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    async with h.uow() as uow:
        request_id = (await uow.session.execute(select(HelpRequest.id))).scalar_one()
    h.request.clear()
    await h.press(VOLUNTEER, f"task:done:{request_id}", message_id=await address_message(h))
    return request_id


async def address_message(h: Harness) -> int:
    """The id of the message with the resident's address that the volunteer got."""
    async with h.uow() as uow:
        return int(
            (
                await uow.session.execute(
                    select(TaskPost.message_id).where(
                        TaskPost.chat_id == VOLUNTEER, TaskPost.kind == "address"
                    )
                )
            ).scalar_one()
        )


async def stored(h: Harness, request_id: int) -> tuple[str, int | None, list[str]]:
    """The request's status, its minutes and the notes of its «minutes» events."""
    async with h.uow() as uow:
        req = await uow.requests.get(request_id)
        notes = (
            (
                await uow.session.execute(
                    select(RequestEvent.note).where(
                        RequestEvent.request_id == request_id, RequestEvent.kind == "minutes"
                    )
                )
            )
            .scalars()
            .all()
        )
    return req.status, req.volunteer_minutes, list(notes)


def no_errors(h: Harness) -> None:
    assert not [c for c in h.request.calls if ERROR in c.text]
    assert not [a for a in h.alerts() if ERROR in a]


async def test_done_asks_the_time_before_how_it_went_and_stores_the_guess(
    harness: Harness,
) -> None:
    h = harness
    request_id = await done_task(h)
    # The message with the address is the one pressed: it keeps only the thanks.
    [edit] = h.request.sent(VOLUNTEER, "editMessageText")
    assert edit.text == "Tack för din hjälp! 💛" and not edit.callback_data()
    question, follow_up = h.request.sent(VOLUNTEER)
    assert question.text == QUESTION
    assert question.buttons() == BUTTONS
    assert question.callback_data() == {
        "30 min": f"hrs:set:{request_id}:30",
        "1 timme": f"hrs:set:{request_id}:60",
        "1,5 timme": f"hrs:set:{request_id}:90",
        "2 timmar": f"hrs:set:{request_id}:120",
        "3 timmar": f"hrs:set:{request_id}:180",
        "Det stämmer": f"hrs:skip:{request_id}",
    }
    # The follow-up question is still asked, last, of both.
    assert follow_up.text == FOLLOW_UP
    assert h.last(RESIDENT).text.endswith(FOLLOW_UP)
    assert not [t for t in h.texts(RESIDENT) if "gissat" in t]  # the resident is not asked
    # Shopping is guessed at 60 minutes, stored at once; nothing answered yet.
    assert await stored(h, request_id) == ("done", 60, [])
    no_errors(h)


async def test_the_volunteer_corrects_the_time_once(harness: Harness) -> None:
    h = harness
    request_id = await done_task(h)
    question = h.request.sent(VOLUNTEER)[0]
    h.request.clear()
    await h.press(VOLUNTEER, question.callback_data()["1,5 timme"])
    assert h.alerts() == [""]  # answered quietly; the message itself says thank you
    assert [e.text for e in h.request.sent(VOLUNTEER, "editMessageText")] == [
        "Tack! Jag har skrivit upp 1,5 timme."
    ]
    assert await stored(h, request_id) == ("done", 90, ["90"])

    # A second press on an old copy (or a double tap) changes nothing.
    h.request.clear()
    await h.press(VOLUNTEER, question.callback_data()["3 timmar"])
    await h.press(VOLUNTEER, question.callback_data()["Det stämmer"])
    assert h.alerts() == [ALREADY, ALREADY]
    assert h.request.sent(VOLUNTEER) == []
    assert await stored(h, request_id) == ("done", 90, ["90"])
    no_errors(h)


async def test_that_is_right_keeps_the_guess(harness: Harness) -> None:
    h = harness
    request_id = await done_task(h)
    h.request.clear()
    await h.press(VOLUNTEER, f"hrs:skip:{request_id}")
    assert [e.text for e in h.request.sent(VOLUNTEER, "editMessageText")] == [
        "Tack! Jag har skrivit upp 1 timme."
    ]
    assert await stored(h, request_id) == ("done", 60, ["60"])


async def test_only_the_volunteer_who_did_it_may_set_the_time(harness: Harness) -> None:
    h = harness
    request_id = await done_task(h)
    h.request.clear()
    for other in (RESIDENT, VOLUNTEER2):
        await h.press(other, f"hrs:set:{request_id}:180")
        await h.press(other, f"hrs:skip:{request_id}")
    assert h.alerts() == [NOT_ALLOWED] * 4
    assert h.request.sent(RESIDENT) == [] and h.request.sent(VOLUNTEER2) == []
    assert await stored(h, request_id) == ("done", 60, [])
    async with h.uow() as uow:
        refused = (
            await uow.session.execute(
                select(AuditEntry.actor_telegram_id, AuditEntry.action, AuditEntry.target).where(
                    AuditEntry.allowed.is_(False)
                )
            )
        ).all()
    target = f"request:{request_id}"
    assert sorted(refused) == sorted(
        [(RESIDENT, "hours", target)] * 2 + [(VOLUNTEER2, "hours", target)] * 2
    )
    # Erik can still answer afterwards.
    await h.press(VOLUNTEER, f"hrs:set:{request_id}:120")
    assert await stored(h, request_id) == ("done", 120, ["120"])
    no_errors(h)


async def test_forged_and_malformed_presses_are_refused_kindly(harness: Harness) -> None:
    h = harness
    request_id = await done_task(h)
    h.request.clear()
    forged = [
        f"hrs:set:{request_id}:999",  # not one of the answers
        f"hrs:set:{request_id}:0",
        f"hrs:set:{request_id}",  # no minutes
        "hrs:set:99999:60",  # no such request
        "hrs:skip",
        "hrs:set:abc:60",
    ]
    for data in forged:
        await h.press(VOLUNTEER, data)
    alerts = h.alerts()
    assert len(alerts) == len(forged)
    assert alerts[:2] == [NOT_ALLOWED, NOT_ALLOWED]
    for alert in alerts:
        assert alert in swedish() and ERROR not in alert, alert
    assert await stored(h, request_id) == ("done", 60, [])
    no_errors(h)


async def test_the_time_of_a_task_not_done_cannot_be_set(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    await ask_for_shopping(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    async with h.uow() as uow:
        request_id = (await uow.session.execute(select(HelpRequest.id))).scalar_one()
    h.request.clear()
    await h.press(VOLUNTEER, f"hrs:set:{request_id}:60")
    assert h.alerts() == [STALE]
    assert await stored(h, request_id) == ("claimed", None, [])


async def test_the_guess_depends_on_the_kind_of_help_and_keeps_an_earlier_figure(
    harness: Harness,
) -> None:
    assert [hours.estimate_for(c) for c in ("pharmacy", "company", "escort", "phone")] == [
        45,
        90,
        120,
        30,
    ]
    assert hours.estimate_for("unknown") == 60
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await ask_for_shopping(h)
    async with h.uow() as uow:
        req = (await uow.session.execute(select(HelpRequest))).scalar_one()
        req.volunteer_minutes = 75  # set before, e.g. by a coordinator
        request_id = req.id
    async with h.uow() as uow:
        kept = await hours.record_estimate(uow, request_id, "shopping")
    assert kept == hours.Minutes(request_id, 75)
