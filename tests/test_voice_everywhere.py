"""Speaking instead of typing in every other conversation (issue 5): onboarding, asking on
someone's behalf, a broadcast, the follow-up comment, giving a task back, adding an area, a
new meeting place, a new activity, and finding a meeting place.

At each step that takes words the person speaks; the bot reads back «Jag uppfattade: «…»
Stämmer det?» with Ja / Säg det igen / Skriv i stället and keeps nothing yet. After «Ja» the
person must see exactly what typing the same words gives – the same messages with the same
buttons – and the same thing must be stored. Each case does both in one test: the note first,
then (after /avbryt, or by a second person where the first answer cannot be undone) the same
step typed, and the two are compared.

The request-for-help conversation is covered step by step in tests/test_voice_steps.py, whose
scripted speech engine and helpers are reused here.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from bot.services import organisations, people
from bot.services.place_import import import_text
from storage.models import (
    Area,
    FollowUp,
    HelpRequest,
    PersistedState,
    RequestEvent,
    VolunteerProfile,
)
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    VOLUNTEER2,
    ask_for_shopping,
    claim_data,
    coordinator_with_area,
    places_csv,
    resident,
    volunteer,
)
from tests.test_flow_onboarding import RESIDENT_ANSWERS, RESIDENT_STEPS, volunteer_to_areas
from tests.test_flow_onboarding import go_to as onboarding_go_to
from tests.test_flow_places import BOOKS, CAFE, FIND, ONLINE, SONGS
from tests.test_flow_tasks import GIVE_BACK, task_cards
from tests.test_manage_places import new_place
from tests.test_organisations import RED_CROSS
from tests.test_voice_steps import (
    AUDIO,
    FORGOTTEN,
    HEARD_BUTTONS,
    LISTENING_AGAIN,
    heard,
    hears,
    read_back_data,
    speak,
)

NEWCOMER = 101  # a second new resident, who types what the first one said

Go = Callable[[Any, int], Awaitable[None]]
Snapshot = Callable[[Any, int], Awaitable[Any]]


# --- Reading what the bot did --------------------------------------------------------------


def mark(h: Any) -> int:
    return len(h.request.calls)


def replies(h: Any, uid: int, since: int) -> list[tuple[str, list[str]]]:
    """Every message the person was sent since the mark: (text, buttons)."""
    return [
        (c.text, c.buttons())
        for c in h.request.calls[since:]
        if c.method == "sendMessage" and c.chat_id == uid
    ]


def user_data(h: Any, uid: int, key: str) -> Any:
    """A conversation's answers so far, as the bot holds them."""
    return copy.deepcopy(h.app.user_data.get(uid, {}).get(key))


async def persisted(h: Any) -> dict[tuple[str, str], str]:
    """Everything the persistence has written (conversation states and user data)."""
    async with h.uow() as uow:
        rows = (await uow.session.execute(select(PersistedState))).scalars().all()
        return {(r.namespace, r.key): r.value for r in rows}


async def the_person(h: Any, uid: int) -> tuple[Any, ...] | None:
    """What is stored about someone who is signing up (nothing that names them by id)."""
    async with h.uow() as uow:
        found = await uow.people.by_telegram_id(uid)
        if found is None:
            return None
        roles = sorted(await uow.people.roles(found.id))
        profile = await uow.session.get(VolunteerProfile, found.id)
        return (
            found.first_name,
            found.locale,
            found.area_id,
            found.address,
            found.phone,
            found.consent_at,
            found.onboarded_at,
            found.organisation_id,
            roles,
            profile.vetting if profile else None,
        )


async def the_request(h: Any) -> HelpRequest:
    async with h.uow() as uow:
        found: HelpRequest = (await uow.session.execute(select(HelpRequest))).scalar_one()
        return found


# --- The cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Press:
    """An inline button pressed on the way to a step."""

    data: str


@dataclass(frozen=True)
class Case:
    who: int
    go: Go  # from the menu (or nothing) to the step
    said: str  # what the person says, and what a typist would type
    stored: Snapshot  # what the step may store
    typist: int | None = None  # someone else types it (the first answer cannot be undone)
    reset: Go | None = None  # how the first person gets back before the step (else /avbryt)
    prepare: Callable[[Any], Awaitable[None]] | None = None


def path(*steps: str | Press) -> Go:
    async def go(h: Any, uid: int) -> None:
        for step in steps:
            if isinstance(step, Press):
                await h.press(uid, step.data)
            else:
                await h.send(uid, step)

    return go


async def cancel(h: Any, uid: int) -> None:
    await h.send(uid, "/avbryt")


def answers_of(key: str) -> Snapshot:
    async def stored(h: Any, uid: int) -> Any:
        return user_data(h, uid, key)

    return stored


# Onboarding: every resident step (the person is stored only at the end) ...


def onboarding(step: str) -> Case:
    async def go(h: Any, uid: int) -> None:
        await onboarding_go_to(h, step, uid)

    async def stored(h: Any, uid: int) -> Any:
        return user_data(h, uid, "onboarding"), await the_person(h, uid)

    spoken = RESIDENT_ANSWERS[RESIDENT_STEPS[step][0]]
    # Spoken words carry no emoji: «Jag vill ha hjälp», «Ja, det är okej».
    spoken = spoken.removeprefix("🙋 ").removeprefix("✅ ")
    return Case(RESIDENT, go, spoken, stored, typist=NEWCOMER)


# ... and the volunteer's: the areas ticked with «✔️ Klar» below them, and the organisation.


async def volunteer_ticks_centrum(h: Any, uid: int) -> None:
    await volunteer_to_areas(h, uid)
    await h.press(uid, "ob:area:1")


async def volunteer_to_organisation(h: Any, uid: int) -> None:
    await volunteer_ticks_centrum(h, uid)
    for data in ("ob:done", "ob:skill:shopping", "ob:done"):
        await h.press(uid, data)


async def a_red_cross_coordinator(h: Any) -> None:
    async with h.uow() as uow:
        org = await organisations.named(uow, RED_CROSS)
        await people.add_coordinator(uow, COORDINATOR, NOW, org)


async def volunteer_stored(h: Any, uid: int) -> Any:
    return user_data(h, uid, "onboarding"), await the_person(h, uid)


# Asking on someone's behalf.

PROXY = ["📝 Be om hjälp åt någon", "Astrid", "070-987 65 43", "Kvarngatan 3", "Centrum"]


def proxy(said: str, *before: str) -> Case:
    return Case(COORDINATOR, path(*before), said, answers_of("proxy"))


# A broadcast to all residents.

BROADCAST: list[str | Press] = [
    "/utskick",
    Press("bc:aud:residents"),
    "Hej! Fika i Centrum på fredag.",
    "Hi! Coffee in Centrum on Friday.",
]


def broadcast(said: str, steps: int) -> Case:
    return Case(COORDINATOR, path(*BROADCAST[:steps]), said, answers_of("broadcast"))


# The follow-up after a task is done, and giving a task back.


async def anna_asks_erik_takes(h: Any, *, sara: bool) -> None:
    await volunteer(h, VOLUNTEER, "Erik")
    if sara:
        await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)
    await ask_for_shopping(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))


async def erik_is_done(h: Any) -> None:
    await anna_asks_erik_takes(h, sara=False)
    await h.press(VOLUNTEER, f"task:done:{(await the_request(h)).id}")


async def to_follow_up_comment(h: Any, uid: int) -> None:
    await h.press(uid, f"fu:good:{(await the_request(h)).id}")


async def follow_ups(h: Any, uid: int) -> Any:
    async with h.uow() as uow:
        rows = (await uow.session.execute(select(FollowUp).order_by(FollowUp.id))).scalars()
        return [(r.role, r.score, r.comment) for r in rows]


async def forget_the_comment(h: Any, uid: int) -> None:
    async with h.uow() as uow:
        await uow.session.execute(update(FollowUp).values(comment=None))


async def anna_and_two_volunteers(h: Any) -> None:
    """Erik takes Anna's request; Sara could take it too."""
    await anna_asks_erik_takes(h, sara=True)


async def to_give_back_reason(h: Any, uid: int) -> None:
    """Take the task (Erik has it already; Sara takes it once Erik gave it back), then give it
    back."""
    if uid != VOLUNTEER:
        await h.press(uid, claim_data(task_cards(h, uid)[-1]))
    await h.press(uid, h.last(uid).callback_data()[GIVE_BACK])


async def the_task(h: Any, uid: int) -> Any:
    req = await the_request(h)
    async with h.uow() as uow:
        last = (
            await uow.session.execute(
                select(RequestEvent).order_by(RequestEvent.id.desc()).limit(1)
            )
        ).scalar_one()
    return req.status, req.volunteer_id is None, last.kind, last.note


# Adding an area.


async def area_names(h: Any, uid: int) -> list[str]:
    async with h.uow() as uow:
        return sorted((await uow.session.execute(select(Area.name))).scalars())


async def remove_soder(h: Any, uid: int) -> None:
    async with h.uow() as uow:
        await uow.session.execute(delete(Area).where(Area.name == "Söder"))


# Meeting places and activities (coordinator), and finding a meeting place (resident).


async def a_place(h: Any) -> None:
    await new_place(h)


async def a_town(h: Any) -> None:
    """The meeting places of tests/test_flow_places.py; Anna, and another Anna who types."""
    report = await import_text(h.uow, places_csv(CAFE, BOOKS, SONGS, ONLINE), TZ, NOW)
    assert not report.errors
    await resident(h)
    await resident(h, NEWCOMER)


def find_place(said: str, *before: str) -> Case:
    # The search is remembered (for «Visa fler»), so a second resident types.
    stored = answers_of("find_place")
    return Case(RESIDENT, path(FIND, *before), said, stored, typist=NEWCOMER, prepare=a_town)


ACTIVITY: list[str | Press] = [Press("pa:newact:1"), "Fika och samtal", "☕ Fika och samtal"]


def activity(said: str, steps: int) -> Case:
    return Case(
        COORDINATOR,
        path(*ACTIVITY[:steps]),
        said,
        answers_of("manage_activities"),
        prepare=a_place,
    )


CASES: dict[str, Case] = {
    **{f"onboarding-{step}": onboarding(step) for step in RESIDENT_STEPS},
    "volunteer-areas-klar": Case(
        VOLUNTEER, volunteer_ticks_centrum, "Klar", volunteer_stored, typist=VOLUNTEER2
    ),
    "volunteer-organisation": Case(
        VOLUNTEER,
        volunteer_to_organisation,
        RED_CROSS,
        volunteer_stored,
        typist=VOLUNTEER2,
        prepare=a_red_cross_coordinator,
    ),
    "proxy-name": proxy("Astrid", *PROXY[:1]),
    "proxy-phone": proxy("070-987 65 43", *PROXY[:2]),
    "proxy-address": proxy("Kvarngatan 3", *PROXY[:3]),
    "proxy-area": proxy("Centrum", *PROXY[:4]),
    "proxy-category": proxy("Handla", *PROXY[:5]),
    "proxy-when": proxy("imorgon kl 10", *PROXY, "🛒 Handla"),
    "proxy-part": proxy("kl 10", *PROXY, "🛒 Handla", "Imorgon"),
    "proxy-details": proxy("Mjölk och kaffe", *PROXY, "🛒 Handla", "imorgon kl 10", "✅ Ja"),
    "broadcast-swedish": broadcast("Hej! Fika i Centrum på fredag.", 2),
    "broadcast-english": broadcast("Hi! Coffee in Centrum on Friday.", 3),
    "broadcast-preview": broadcast("Ändra texten", 4),
    "follow-up-comment": Case(
        RESIDENT,
        to_follow_up_comment,
        "Han kom lite sent",
        follow_ups,
        reset=forget_the_comment,
        prepare=erik_is_done,
    ),
    "give-back-reason": Case(
        VOLUNTEER,
        to_give_back_reason,
        "Jag blev sjuk",
        the_task,
        typist=VOLUNTEER2,
        prepare=anna_and_two_volunteers,
    ),
    "add-area": Case(
        COORDINATOR, path("➕ Lägg till område"), "Söder", area_names, reset=remove_soder
    ),
    "new-place-name": Case(
        COORDINATOR,
        path("🗂 Mötesplatser", Press("pa:new")),
        "Träffpunkt Centrum",
        answers_of("manage_places"),
    ),
    "new-activity-title": activity("Fika och samtal", 1),
    "new-activity-kind": activity("Fika och samtal", 2),
    "new-activity-first-date": activity("tisdag 1 december kl 14", 3),
    "find-place-way": find_place("Idag"),
    "find-place-kind": find_place("Studiecirkel", "🎨 Välj sort"),
}
# A handful of steps, one per kind of conversation, for «Säg det igen» and «Skriv i stället».
A_HANDFUL = [
    "onboarding-name",
    "proxy-phone",
    "broadcast-swedish",
    "follow-up-comment",
    "give-back-reason",
    "new-activity-title",
    "find-place-way",
]


@pytest.fixture
async def h(harness: Any) -> Any:
    """Coordinator 900 with Centrum (1) and Norr (2); a voice note v1 exists."""
    await coordinator_with_area(harness, "Centrum", "Norr")
    harness.request.files["v1"] = AUDIO
    return harness


async def at_the_step(h: Any, case: Case) -> tuple[Any, Any]:
    """Set up, go to the step; the question and what is stored (and persisted) there."""
    if case.prepare is not None:
        await case.prepare(h)
    await case.go(h, case.who)
    asked = h.last(case.who)
    return asked, (await case.stored(h, case.who), await persisted(h))


async def confirm(h: Any, case: Case, read_back: dict[str, str]) -> tuple[Any, Any]:
    """Press «Ja» under a read-back: what the person then sees, and what is stored."""
    since = mark(h)
    await h.press(case.who, read_back["✅ Ja"])
    return replies(h, case.who, since), await case.stored(h, case.who)


async def typed(h: Any, case: Case, stored_before: Any) -> tuple[Any, Any]:
    """The same step typed: by the same person after going back, or by a second person."""
    typist = case.typist or case.who
    if case.typist is None:
        await (case.reset or cancel)(h, case.who)
    await case.go(h, typist)
    assert await case.stored(h, typist) == stored_before, "the typed run starts elsewhere"
    since = mark(h)
    await h.send(typist, case.said)
    return replies(h, typist, since), await case.stored(h, typist)


async def forgotten(h: Any, case: Case, read_back: dict[str, str], before: Any) -> None:
    """An answered read-back's «Ja» does nothing but say so."""
    since = mark(h)
    await h.press(case.who, read_back["✅ Ja"])
    assert [a["text"] for a in answers_since(h, since)] == [FORGOTTEN]
    assert replies(h, case.who, since) == []
    assert (await case.stored(h, case.who), await persisted(h)) == before


def answers_since(h: Any, since: int) -> list[dict[str, Any]]:
    return [c.params for c in h.request.calls[since:] if c.method == "answerCallbackQuery"]


# --- The tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
async def test_a_confirmed_note_answers_like_typing(h, name):
    case = CASES[name]
    _, before = await at_the_step(h, case)
    engine = hears(h, case.said)
    since = mark(h)
    await speak(h, case.who)
    # Read back with its three buttons; nothing of it is kept yet.
    assert engine.calls == [(AUDIO, "sv", "ogg")]
    assert replies(h, case.who, since) == [(heard(case.said), HEARD_BUTTONS)]
    assert (await case.stored(h, case.who), await persisted(h)) == before
    read_back = read_back_data(h, case.who)
    by_voice = await confirm(h, case, read_back)
    assert by_voice[0], "«Ja» got no answer"
    # The read-back lost its buttons.
    edits = h.request.sent(case.who, method="editMessageReplyMarkup")
    assert edits and edits[-1].params.get("reply_markup") in (None, "", "{}")

    assert await typed(h, case, before[0]) == by_voice


@pytest.mark.parametrize("name", A_HANDFUL)
async def test_say_it_again_keeps_nothing_and_listens_again(h, name):
    case = CASES[name]
    _, before = await at_the_step(h, case)
    hears(h, "Något helt annat", case.said)
    await speak(h, case.who)
    first = read_back_data(h, case.who)
    since = mark(h)
    await h.press(case.who, first["🔁 Säg det igen"])
    assert replies(h, case.who, since) == [(LISTENING_AGAIN, [])]
    assert (await case.stored(h, case.who), await persisted(h)) == before
    await speak(h, case.who)
    assert h.last(case.who).text == heard(case.said)
    second = read_back_data(h, case.who)
    # The first words can no longer be confirmed.
    await forgotten(h, case, first, before)
    by_voice = await confirm(h, case, second)
    assert "Något helt annat" not in repr(by_voice)
    assert await typed(h, case, before[0]) == by_voice


@pytest.mark.parametrize("name", A_HANDFUL)
async def test_type_instead_asks_again_and_keeps_nothing(h, name):
    case = CASES[name]
    asked, before = await at_the_step(h, case)
    hears(h, case.said)
    await speak(h, case.who)
    read_back = read_back_data(h, case.who)
    since = mark(h)
    await h.press(case.who, read_back["⌨️ Skriv i stället"])
    assert replies(h, case.who, since) == [(asked.text, asked.buttons())]
    assert (await case.stored(h, case.who), await persisted(h)) == before
    await forgotten(h, case, read_back, before)
    # Typing now answers the step as always.
    since = mark(h)
    await h.send(case.who, case.said)
    after_typing = replies(h, case.who, since), await case.stored(h, case.who)
    assert await typed(h, case, before[0]) == after_typing


# --- A read-back that belongs to a step that is gone --------------------------------------

# «Ja» answers only the step that heard the words (bot/voice/listening.py keeps the step).


async def swedish_text_step(h: Any) -> dict[str, str]:
    """The coordinator speaks the Swedish text of a broadcast; the read-back's buttons."""
    await path(*BROADCAST[:2])(h, COORDINATOR)
    hears(h, "Söder")
    await speak(h, COORDINATOR)
    return read_back_data(h, COORDINATOR)


async def test_a_read_back_from_a_cancelled_conversation_answers_nothing_else(h):
    read_back = await swedish_text_step(h)
    await h.send(COORDINATOR, "/avbryt")
    # A new conversation: adding an area. The broadcast's words must not become its name.
    await h.send(COORDINATOR, "➕ Lägg till område")
    since = mark(h)
    await h.press(COORDINATOR, read_back["✅ Ja"])
    assert await area_names(h, COORDINATOR) == ["Centrum", "Norr"]
    assert [a["text"] for a in answers_since(h, since)] == [FORGOTTEN]


async def test_a_read_back_of_a_step_answered_by_typing_answers_nothing_else(h):
    read_back = await swedish_text_step(h)
    # The coordinator types the Swedish text instead and is asked for the English one.
    await h.send(COORDINATOR, "Söder")
    since = mark(h)
    await h.press(COORDINATOR, read_back["✅ Ja"])
    assert user_data(h, COORDINATOR, "broadcast").get("en") is None
    assert [a["text"] for a in answers_since(h, since)] == [FORGOTTEN]
