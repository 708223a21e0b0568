"""Asking for help as a Swedish-speaking resident sees it: every step, Back, Cancel, bad input,
the draft saved after every step, resuming, sending, and who gets the task."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import Draft, HelpRequest
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    claim_data,
    coordinator_with_area,
    resident,
    volunteer,
)

# --- What the resident reads (the Swedish msgstr) ------------------------------------------

ASK_CATEGORY = "Vad behöver du hjälp med?"
ASK_WHEN = (
    "När behöver du hjälpen?\n"
    "Du kan också skriva, till exempel «imorgon kl 10» eller «den 3 december»."
)
ASK_DAY = "Vilken dag?"
ASK_DETAILS = (
    "Vill du berätta mer? Till exempel vad som ska handlas, eller vart du ska.\n"
    "Skriv det, eller tryck på «Hoppa över».\n\n"
    "🔒 Volontären som tar uppdraget läser det du skriver, tillsammans med din adress. "
    "Kommunens samordnare kan också se det. Skriv portkod eller något om din hälsa bara om "
    "det behövs."
)
RESUME = "Du har börjat på en förfrågan: Handla. Vill du fortsätta med den?"
DRAFT_CANCELLED = "Okej, jag har tagit bort förfrågan. Nu är du tillbaka i menyn."
MENU = "Vad vill du göra? Välj här nedanför."
SENT = (
    "Tack! Nu är din förfrågan skickad. 🌼\n"
    "Vi letar efter en volontär. Du får ett meddelande här när någon har tagit den."
)
SAVED = (
    "Tack! Din förfrågan är sparad. 🌼\n"
    "Just nu finns ingen volontär i ditt område som ger den här hjälpen. En samordnare "
    "har fått veta det och letar efter någon."
)
TIME_NOT_UNDERSTOOD = (
    "Jag förstod inte riktigt tiden. Tryck på en knapp, eller skriv till "
    "exempel «imorgon kl 10» eller «den 3 december»."
)
TIME_IN_PAST = "Den tiden har redan varit. Välj en tid framåt."
NOT_UNDERSTOOD = (
    "Förlåt, det förstod jag inte. Tryck på en knapp här nedanför, eller skriv ditt svar."
)
PLEASE_TEXT = "Jag kan bara läsa text här. Skriv gärna, eller tryck på en av knapparna."
VOICE = "Jag kan inte lyssna just nu – skriv gärna i stället."
STALE = "Den knappen fungerar inte längre."
EMERGENCY = (
    "Tänk på: det här är inte för nödsituationer. Ring 112 om det är fara. "
    "Ring 1177 för råd om vård."
)
UNCLAIMED = (
    "Ingen volontär ger den här hjälpen i Centrum än: handla, måndag 23 november "
    "kl. 10.00. Leta gärna upp någon."
)
# An offer: the kind of help, the area and the time; never the resident's own words.
TASK_CARD = "Ny förfrågan i Centrum\n\nVad: Handla\nNär: måndag 23 november kl. 10.00"
MONDAY_10 = "måndag 23 november kl. 10.00"


def ask_part(day: str) -> str:
    return (
        f"{day}. Vilken tid på dagen passar dig?\n"
        "Du kan också skriva en tid, till exempel «kl 14»."
    )


def confirm_time(when: str) -> str:
    return f"Jag uppfattade: {when}. Stämmer det?"


def too_long(limit: int) -> str:
    return f"Det var en lång text. Kan du göra den kortare, högst {limit} tecken?"


def summary(when: str, details: str | None = None, what: str = "Handla") -> str:
    lines = ["Så här ser din förfrågan ut:", "", f"Vad: {what}", f"När: {when}"]
    if details:
        lines.append(f"Mer: {details}")
    lines += ["Område: Centrum", "", EMERGENCY, "", "Ska jag skicka den?"]
    return "\n".join(lines)


NAV = ["⬅️ Tillbaka", "✖️ Avbryt"]
CATEGORY_BUTTONS = [
    "🛒 Handla",
    "💊 Apotek",
    "🚶 Promenad och sällskap",
    "🚗 Skjuts och följeslagare",
    "📱 Digital hjälp",
    "🔧 Praktisk hjälp hemma",
    "☎️ Telefonvän",
    "💬 Annat",
    *NAV,
]
WHEN_BUTTONS = ["Idag", "Imorgon", "📅 Välj dag", "Ingen brådska", *NAV]
DAY_BUTTONS = [
    "söndag 22 nov.",
    "måndag 23 nov.",
    "tisdag 24 nov.",
    "onsdag 25 nov.",
    "torsdag 26 nov.",
    "fredag 27 nov.",
    "lördag 28 nov.",
    *NAV,
]
PART_BUTTONS = ["Förmiddag", "Eftermiddag", "Kväll", "Spelar ingen roll", *NAV]
CONFIRM_TIME_BUTTONS = ["✅ Ja", "✏️ Nej, jag skriver igen", *NAV]
DETAILS_BUTTONS = ["Hoppa över", *NAV]
SEND_BUTTONS = ["✅ Skicka", *NAV]
RESUME_BUTTONS = ["▶️ Fortsätt", "🔄 Börja om", "✖️ Avbryt"]
RESIDENT_MENU = ["🙋 Be om hjälp", "☕ Hitta mötesplats", "📋 Mina förfrågningar", "❓ Hjälp"]

MON_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)

# --- The steps: how to get there, what is asked, and the draft stored by then ---------------
# Draft snapshot: (step, category, when_day, when_at, when_precision, details)

STEPS: dict[str, dict[str, Any]] = {
    "category": {
        "path": ["🙋 Be om hjälp"],
        "ask": (ASK_CATEGORY, CATEGORY_BUTTONS),
        "draft": ("category", None, None, None, None, None),
        "rest": ["🛒 Handla", "imorgon kl 10", "✅ Ja", "Mjölk och bröd", "✅ Skicka"],
    },
    "when": {
        "path": ["🙋 Be om hjälp", "🛒 Handla"],
        "ask": (ASK_WHEN, WHEN_BUTTONS),
        "draft": ("when", "shopping", None, None, None, None),
        "rest": ["imorgon kl 10", "✅ Ja", "Mjölk och bröd", "✅ Skicka"],
    },
    "day": {
        "path": ["🙋 Be om hjälp", "🛒 Handla", "📅 Välj dag"],
        "ask": (ASK_DAY, DAY_BUTTONS),
        "draft": ("day", "shopping", None, None, None, None),
        "rest": ["måndag 23 nov.", "kl 10", "✅ Ja", "Mjölk och bröd", "✅ Skicka"],
    },
    "part": {
        "path": ["🙋 Be om hjälp", "🛒 Handla", "Imorgon"],
        "ask": (ask_part("Måndag 23 november"), PART_BUTTONS),
        "draft": ("part", "shopping", "2026-11-23", None, None, None),
        "rest": ["kl 10", "✅ Ja", "Mjölk och bröd", "✅ Skicka"],
    },
    "confirm_time": {
        "path": ["🙋 Be om hjälp", "🛒 Handla", "imorgon kl 10"],
        "ask": (confirm_time(MONDAY_10), CONFIRM_TIME_BUTTONS),
        "draft": ("confirm_time", "shopping", None, MON_10, "exact", None),
        "rest": ["✅ Ja", "Mjölk och bröd", "✅ Skicka"],
    },
    "details": {
        "path": ["🙋 Be om hjälp", "🛒 Handla", "imorgon kl 10", "✅ Ja"],
        "ask": (ASK_DETAILS, DETAILS_BUTTONS),
        "draft": ("details", "shopping", None, MON_10, "exact", None),
        "rest": ["Mjölk och bröd", "✅ Skicka"],
    },
    "confirm": {
        "path": ["🙋 Be om hjälp", "🛒 Handla", "imorgon kl 10", "✅ Ja", "Mjölk och bröd"],
        "ask": (summary(MONDAY_10, "Mjölk och bröd"), SEND_BUTTONS),
        "draft": ("confirm", "shopping", None, MON_10, "exact", "Mjölk och bröd"),
        "rest": ["✅ Skicka"],
    },
}
ORDER = list(STEPS)
# Where «⬅️ Tillbaka» leads from each step.
BACK_TO = {
    "when": "category",
    "day": "when",
    "part": "when",
    "confirm_time": "when",
    "details": "when",
    "confirm": "details",
}
# A 4,000-character text: the limit named in the reply at the steps that read free text.
LONG_LIMIT = {"when": 200, "day": 200, "part": 200, "details": 1000}


# --- Helpers -------------------------------------------------------------------------------


def markup(call: Any) -> dict[str, Any]:
    raw = call.params.get("reply_markup") or {}
    return json.loads(raw) if isinstance(raw, str) else raw


def mark(h: Any) -> int:
    return len(h.request.calls)


def reply(h: Any, since: int, uid: int = RESIDENT) -> list[tuple[str, list[str]]]:
    """What the person was sent since the mark: (text, buttons) per message."""
    return [
        (c.text, c.buttons())
        for c in h.request.calls[since:]
        if c.method == "sendMessage" and c.chat_id == uid
    ]


def answers_of(h: Any, since: int) -> list[dict[str, Any]]:
    return [c.params for c in h.request.calls[since:] if c.method == "answerCallbackQuery"]


async def say(h: Any, *texts: str) -> None:
    for text in texts:
        await h.send(RESIDENT, text)


async def go_to(h: Any, step: str) -> None:
    await say(h, *STEPS[step]["path"])


async def draft(h: Any) -> tuple[Any, ...] | None:
    async with h.uow() as uow:
        anna = await uow.people.by_telegram_id(RESIDENT)
        row = await uow.session.get(Draft, anna.id)
        if row is None:
            return None
        return (row.step, row.category, row.when_day, row.when_at, row.when_precision, row.details)


async def requests_stored(h: Any) -> list[HelpRequest]:
    async with h.uow() as uow:
        return list(
            (await uow.session.execute(select(HelpRequest).order_by(HelpRequest.id))).scalars()
        )


async def assert_the_usual_request(h: Any) -> None:
    """Handla, Monday 23 November at 10.00, «Mjölk och bröd», in Centrum, open."""
    stored = await requests_stored(h)
    assert len(stored) == 1
    req = stored[0]
    assert (
        req.category,
        req.when_at,
        req.when_precision,
        req.details,
        req.area_id,
        req.status,
    ) == ("shopping", MON_10, "exact", "Mjölk och bröd", 1, "open")
    assert await draft(h) is None


@pytest.fixture
async def h(harness: Any) -> Any:
    """Coordinator 900 with Centrum (1) and Norr (2); Anna lives in Centrum."""
    await coordinator_with_area(harness, "Centrum", "Norr")
    await resident(harness)
    harness.request.clear()
    return harness


# --- Every step: the question, its buttons and the draft -----------------------------------


@pytest.mark.parametrize("step", ORDER)
async def test_each_step_asks_its_question_and_stores_the_draft(h, step):
    await go_to(h, step)
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == STEPS[step]["ask"]
    assert await draft(h) == STEPS[step]["draft"]


@pytest.mark.parametrize(
    ("button", "day"), [("Idag", "Söndag 22 november"), ("Imorgon", "Måndag 23 november")]
)
async def test_today_and_tomorrow_ask_for_the_part_of_day(h, button, day):
    await go_to(h, "when")
    await say(h, button)
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (ask_part(day), PART_BUTTONS)


async def test_pick_a_day_then_a_part_of_day(h):
    await go_to(h, "day")
    await say(h, "tisdag 24 nov.")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        ask_part("Tisdag 24 november"),
        PART_BUTTONS,
    )
    assert await draft(h) == ("part", "shopping", "2026-11-24", None, None, None)
    await say(h, "Kväll")
    assert h.last(RESIDENT).text == ASK_DETAILS
    assert await draft(h) == (
        "details",
        "shopping",
        "2026-11-24",
        datetime(2026, 11, 24, 18, tzinfo=TZ),
        "part",
        None,
    )
    await say(h, "Hoppa över")
    assert h.last(RESIDENT).text == summary("tisdag 24 november, kväll")


@pytest.mark.parametrize(
    ("button", "when_at", "precision", "shown"),
    [
        (
            "Förmiddag",
            datetime(2026, 11, 23, 10, tzinfo=TZ),
            "part",
            "måndag 23 november, förmiddag",
        ),
        (
            "Eftermiddag",
            datetime(2026, 11, 23, 14, tzinfo=TZ),
            "part",
            "måndag 23 november, eftermiddag",
        ),
        ("Kväll", datetime(2026, 11, 23, 18, tzinfo=TZ), "part", "måndag 23 november, kväll"),
        ("Spelar ingen roll", datetime(2026, 11, 23, 12, tzinfo=TZ), "day", "måndag 23 november"),
    ],
)
async def test_part_of_day_goes_on_to_details(h, button, when_at, precision, shown):
    await go_to(h, "part")
    await say(h, button)
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (ASK_DETAILS, DETAILS_BUTTONS)
    assert await draft(h) == ("details", "shopping", "2026-11-23", when_at, precision, None)
    await say(h, "Hoppa över")
    assert h.last(RESIDENT).text == summary(shown)


async def test_no_rush_skips_straight_to_details(h):
    await go_to(h, "when")
    await say(h, "Ingen brådska")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (ASK_DETAILS, DETAILS_BUTTONS)
    assert await draft(h) == ("details", "shopping", None, None, "none", None)
    await say(h, "Hoppa över")
    assert h.last(RESIDENT).text == summary("ingen brådska")
    await say(h, "✅ Skicka")
    req = (await requests_stored(h))[0]
    assert (req.when_at, req.when_precision) == (None, "none")


@pytest.mark.parametrize(
    ("typed", "when_at", "precision", "read_back"),
    [
        ("imorgon kl 10", MON_10, "exact", "måndag 23 november kl. 10.00"),
        (
            "torsdag förmiddag",
            datetime(2026, 11, 26, 10, tzinfo=TZ),
            "part",
            "torsdag 26 november, förmiddag",
        ),
        (
            "idag kl 15",
            datetime(2026, 11, 22, 15, tzinfo=TZ),
            "exact",
            "söndag 22 november kl. 15.00",
        ),
    ],
)
async def test_a_typed_time_is_read_back_for_confirmation(h, typed, when_at, precision, read_back):
    await go_to(h, "when")
    await say(h, typed)
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        confirm_time(read_back),
        CONFIRM_TIME_BUTTONS,
    )
    assert await draft(h) == ("confirm_time", "shopping", None, when_at, precision, None)
    await say(h, "✅ Ja")
    assert h.last(RESIDENT).text == ASK_DETAILS
    await say(h, "Hoppa över")
    assert h.last(RESIDENT).text == summary(read_back)


async def test_a_typed_day_without_time_asks_for_the_part_of_day(h):
    await go_to(h, "when")
    await say(h, "den 3 december")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        ask_part("Torsdag 3 december"),
        PART_BUTTONS,
    )
    assert await draft(h) == ("part", "shopping", "2026-12-03", None, None, None)


async def test_a_clock_time_typed_at_the_part_of_day_is_read_back(h):
    await go_to(h, "part")
    await say(h, "kl 14")
    assert h.last(RESIDENT).text == confirm_time("måndag 23 november kl. 14.00")
    assert await draft(h) == (
        "confirm_time",
        "shopping",
        "2026-11-23",
        datetime(2026, 11, 23, 14, tzinfo=TZ),
        "exact",
        None,
    )


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        ("blablabla", TIME_NOT_UNDERSTOOD),
        ("idag kl 8", TIME_IN_PAST),
    ],
)
async def test_an_unusable_typed_time_is_explained_and_asked_again(h, typed, explanation):
    await go_to(h, "when")
    since = mark(h)
    await say(h, typed)
    assert reply(h, since) == [(explanation, []), (ASK_WHEN, WHEN_BUTTONS)]
    assert await draft(h) == STEPS["when"]["draft"]
    await say(h, *STEPS["when"]["rest"])
    await assert_the_usual_request(h)


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        ("blablabla", TIME_NOT_UNDERSTOOD),
        ("kl 8", TIME_IN_PAST),
    ],
)
async def test_an_unusable_time_at_the_part_of_day_is_asked_again(h, typed, explanation):
    await go_to(h, "when")
    await say(h, "Idag")
    since = mark(h)
    await say(h, typed)
    assert reply(h, since) == [(explanation, []), (ask_part("Söndag 22 november"), PART_BUTTONS)]


@pytest.mark.parametrize("how", ["✏️ Nej, jag skriver igen", "Nej"])
async def test_saying_the_time_is_wrong_asks_again(h, how):
    await go_to(h, "confirm_time")
    await say(h, how)
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (ASK_WHEN, WHEN_BUTTONS)
    await say(h, "torsdag förmiddag", "✅ Ja", "Hoppa över")
    assert h.last(RESIDENT).text == summary("torsdag 26 november, förmiddag")


# --- Details -------------------------------------------------------------------------------


async def test_details_can_be_skipped(h):
    await go_to(h, "details")
    await say(h, "Hoppa över")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        summary(MONDAY_10),
        SEND_BUTTONS,
    )
    assert await draft(h) == ("confirm", "shopping", None, MON_10, "exact", None)
    await say(h, "✅ Skicka")
    assert (await requests_stored(h))[0].details is None


@pytest.mark.parametrize("length", [1001, 4000])
async def test_too_long_details_are_refused_kindly_and_nothing_is_lost(h, length):
    await go_to(h, "details")
    since = mark(h)
    await say(h, "m" * length)
    assert reply(h, since) == [(too_long(1000), []), (ASK_DETAILS, DETAILS_BUTTONS)]
    assert await draft(h) == STEPS["details"]["draft"]
    await say(h, "Mjölk och bröd")
    assert h.last(RESIDENT).text == summary(MONDAY_10, "Mjölk och bröd")
    await say(h, "✅ Skicka")
    await assert_the_usual_request(h)


async def test_details_of_exactly_1000_characters_are_kept_whole(h):
    await go_to(h, "details")
    text = "m" * 1000
    await say(h, text)
    assert h.last(RESIDENT).text == summary(MONDAY_10, text)
    await say(h, "✅ Skicka")
    assert (await requests_stored(h))[0].details == text


async def test_details_are_kept_when_going_back_from_the_summary_and_leaving(h):
    await go_to(h, "confirm")
    await say(h, "⬅️ Tillbaka")
    assert await draft(h) == ("details", "shopping", None, MON_10, "exact", "Mjölk och bröd")
    await say(h, "/start", "🙋 Be om hjälp", "▶️ Fortsätt")
    assert h.last(RESIDENT).text == ASK_DETAILS
    await say(h, "Mjölk och bröd", "✅ Skicka")
    await assert_the_usual_request(h)


# --- Back and Cancel at every step ---------------------------------------------------------


async def test_back_from_the_first_step_goes_to_the_menu_and_breaks_nothing(h):
    await go_to(h, "category")
    since = mark(h)
    await say(h, "⬅️ Tillbaka")
    assert reply(h, since) == [(MENU, RESIDENT_MENU)]
    # No half-request is left that would need resuming …
    left = await draft(h)
    assert left is None or left[1:] == (None, None, None, None, None)
    # … the menu works …
    await say(h, "📋 Mina förfrågningar")
    assert h.texts(RESIDENT)[-2] == (  # the last one offers «⚠️ Något kändes fel»
        "Du har inga förfrågningar än. Tryck på «Be om hjälp» för att göra en."
    )
    # … and asking again starts cleanly at the first question.
    await say(h, "🙋 Be om hjälp")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (ASK_CATEGORY, CATEGORY_BUTTONS)
    await say(h, *STEPS["category"]["rest"])
    await assert_the_usual_request(h)


@pytest.mark.parametrize("step", list(BACK_TO))
async def test_back_returns_to_the_previous_question_and_keeps_the_answers(h, step):
    await go_to(h, step)
    await say(h, "⬅️ Tillbaka")
    target = BACK_TO[step]
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == STEPS[target]["ask"]
    stored = await draft(h)
    assert stored[0] == target
    assert stored[1] == "shopping"
    if step == "confirm":
        assert stored[5] == "Mjölk och bröd"
    # Going forward again from there finishes normally.
    await say(h, *STEPS[target]["rest"])
    await assert_the_usual_request(h)


@pytest.mark.parametrize("how", ["✖️ Avbryt", "avbryt", "/avbryt"])
@pytest.mark.parametrize("step", [*ORDER, "resume"])
async def test_cancel_at_every_step_removes_the_draft(h, step, how):
    if step == "resume":
        await go_to(h, "details")
        await say(h, "/start", "🙋 Be om hjälp")
        assert h.last(RESIDENT).text == RESUME
    else:
        await go_to(h, step)
    assert await draft(h) is not None
    since = mark(h)
    await say(h, how)
    assert reply(h, since) == [(DRAFT_CANCELLED, RESIDENT_MENU)]
    assert await draft(h) is None
    assert await requests_stored(h) == []
    # Asking again starts afresh, without offering to continue.
    await say(h, "🙋 Be om hjälp")
    assert h.last(RESIDENT).text == ASK_CATEGORY


# --- Bad input at every step ---------------------------------------------------------------


async def send_bad(h: Any, kind: str) -> None:
    if kind in ("sticker", "photo", "voice"):
        await h.feed(getattr(h.updates, kind)(RESIDENT))
    elif kind == "4000 characters":
        await say(h, "å" * 4000)
    elif kind == "old inline button":
        # An onboarding button from long ago, still on the screen.
        await h.press(RESIDENT, "ob:area:1")


@pytest.mark.parametrize(
    "kind", ["sticker", "photo", "voice", "4000 characters", "old inline button"]
)
@pytest.mark.parametrize("step", ORDER)
async def test_bad_input_is_explained_and_the_draft_is_kept(h, step, kind):
    await go_to(h, step)
    since = mark(h)
    await send_bad(h, kind)
    got = reply(h, since)
    if kind == "old inline button":
        answer = answers_of(h, since)
        assert len(answer) == 1 and answer[0]["text"].startswith(STALE)
        # Still at the same step: at most the same question again, never the menu.
        assert got in ([], [STEPS[step]["ask"]])
    else:
        assert len(got) == 2, got
        explanation = got[0][0]
        if kind == "voice":
            assert explanation == VOICE
        elif kind == "4000 characters":
            assert explanation == too_long(LONG_LIMIT.get(step, 1000))
        else:
            assert explanation == PLEASE_TEXT
        assert got[1] == STEPS[step]["ask"]
    assert await draft(h) == STEPS[step]["draft"]
    # The next valid answers finish with everything given before.
    await say(h, *STEPS[step]["rest"])
    await assert_the_usual_request(h)


@pytest.mark.parametrize("step", ["category", "confirm_time", "confirm"])
async def test_an_unexpected_word_at_a_button_step_is_asked_again(h, step):
    await go_to(h, step)
    since = mark(h)
    await say(h, "kanske")
    assert reply(h, since) == [(NOT_UNDERSTOOD, []), STEPS[step]["ask"]]
    assert await draft(h) == STEPS[step]["draft"]


# --- Leaving and coming back ---------------------------------------------------------------


@pytest.mark.parametrize("step", ORDER[1:])
async def test_leave_with_start_and_continue_at_the_same_step(h, step):
    await go_to(h, step)
    since = mark(h)
    await say(h, "/start")
    assert reply(h, since) == [(MENU, RESIDENT_MENU)]
    assert await draft(h) == STEPS[step]["draft"]
    await say(h, "🙋 Be om hjälp")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (RESUME, RESUME_BUTTONS)
    await say(h, "▶️ Fortsätt")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == STEPS[step]["ask"]
    assert await draft(h) == STEPS[step]["draft"]
    await say(h, *STEPS[step]["rest"])
    await assert_the_usual_request(h)


async def test_leaving_before_choosing_anything_offers_no_resume(h):
    await go_to(h, "category")
    await say(h, "/start", "🙋 Be om hjälp")
    assert h.last(RESIDENT).text == ASK_CATEGORY


async def test_start_over_forgets_the_earlier_answers(h):
    await go_to(h, "details")
    await say(h, "/start", "🙋 Be om hjälp", "🔄 Börja om")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (ASK_CATEGORY, CATEGORY_BUTTONS)
    assert await draft(h) == ("category", None, None, None, None, None)
    await say(h, "💊 Apotek", "Ingen brådska", "Hoppa över")
    assert h.last(RESIDENT).text == summary("ingen brådska", what="Apotek")


@pytest.mark.parametrize("kind", ["sticker", "Kanske"])
async def test_an_unclear_answer_to_resume_asks_again(h, kind):
    await go_to(h, "details")
    await say(h, "/start", "🙋 Be om hjälp")
    since = mark(h)
    if kind == "sticker":
        await h.feed(h.updates.sticker(RESIDENT))
    else:
        await say(h, kind)
    explanation = PLEASE_TEXT if kind == "sticker" else NOT_UNDERSTOOD
    assert reply(h, since) == [(explanation, []), (RESUME, RESUME_BUTTONS)]
    await say(h, "▶️ Fortsätt")
    assert h.last(RESIDENT).text == ASK_DETAILS


# --- Sending, and who gets the task --------------------------------------------------------


async def test_no_matching_volunteer_saves_it_and_tells_the_coordinator(h):
    await go_to(h, "confirm")
    since = mark(h)
    await say(h, "✅ Skicka")
    assert reply(h, since) == [(SAVED, RESIDENT_MENU)]
    assert reply(h, since, COORDINATOR) == [(UNCLAIMED, [])]
    await assert_the_usual_request(h)


ERIK, PER, LISA, OLLE, SARA = 200, 201, 202, 203, 204


async def test_only_vetted_unpaused_volunteers_with_area_and_skill_get_the_task(h):
    await volunteer(h, ERIK, "Erik")  # the right one
    await volunteer(h, PER, "Per", approve=False)  # not vetted yet
    await volunteer(h, LISA, "Lisa")  # pauses below
    await volunteer(h, OLLE, "Olle", area_ids=(2,))  # lives in Norr
    await volunteer(h, SARA, "Sara", skills=("pharmacy",))  # pharmacy only
    await h.send(LISA, "/paus")
    assert h.last(LISA).text.startswith("Du har pausat och får inga nya uppdrag.")
    await go_to(h, "confirm")
    since = mark(h)
    await say(h, "✅ Skicka")
    assert reply(h, since) == [(SENT, RESIDENT_MENU)]
    card = reply(h, since, ERIK)
    assert card == [(TASK_CARD, ["🙋 Jag tar det"])]
    for nobody in (PER, LISA, OLLE, SARA, COORDINATOR):
        assert reply(h, since, nobody) == [], nobody
    # The card carries no personal details of the resident.
    assert "Anna" not in card[0][0] and "Storgatan" not in card[0][0]
    await assert_the_usual_request(h)
    # And Erik can take it.
    offer = [c for c in h.request.sent(ERIK)][-1]
    await h.press(ERIK, claim_data(offer))
    assert h.last(ERIK).text.startswith("Tack! Uppdraget är ditt.")


async def test_a_paused_volunteer_who_resumes_gets_the_next_task(h):
    await volunteer(h, LISA, "Lisa")
    await h.send(LISA, "/paus")
    await h.send(LISA, "/paus")
    assert h.last(LISA).text == "Välkommen tillbaka! Nu får du nya uppdrag igen."
    await go_to(h, "confirm")
    since = mark(h)
    await say(h, "✅ Skicka")
    assert reply(h, since) == [(SENT, RESIDENT_MENU)]
    assert reply(h, since, LISA) == [(TASK_CARD, ["🙋 Jag tar det"])]


async def test_sending_twice_makes_one_request(h):
    await go_to(h, "confirm")
    await say(h, "✅ Skicka")
    since = mark(h)
    await say(h, "✅ Skicka")
    assert reply(h, since) == [
        ("Förlåt, det förstod jag inte. Välj gärna i menyn här nedanför.", RESIDENT_MENU)
    ]
    assert len(await requests_stored(h)) == 1


# --- Coming back after the time has passed -------------------------------------------------


@pytest.mark.parametrize("step", ["part", "confirm_time", "details", "confirm"])
async def test_resuming_after_the_time_has_passed_asks_for_a_new_time(h, step):
    """Anna starts on Sunday for Monday 10.00, leaves, and continues on Wednesday."""
    await go_to(h, step)
    await say(h, "/start")
    h.app.bot_data.clock = lambda: NOW + timedelta(days=3)
    await say(h, "🙋 Be om hjälp")
    assert h.last(RESIDENT).text == RESUME
    since = mark(h)
    await say(h, "▶️ Fortsätt")
    assert reply(h, since) == [(TIME_IN_PAST, []), (ASK_WHEN, WHEN_BUTTONS)]
    stored = await draft(h)
    assert stored[:2] == ("when", "shopping")


async def test_a_request_for_a_time_that_has_passed_is_never_sent(h):
    """Anna reaches the summary for today at 15.00 and presses «Skicka» only at 16.00 (after
    a restart no timeout ends the conversation)."""
    await say(h, "🙋 Be om hjälp", "🛒 Handla", "idag kl 15", "✅ Ja", "Hoppa över")
    assert h.last(RESIDENT).text == summary("söndag 22 november kl. 15.00")
    h.app.bot_data.clock = lambda: NOW + timedelta(hours=4)
    since = mark(h)
    await say(h, "✅ Skicka")
    assert reply(h, since) == [(TIME_IN_PAST, []), (ASK_WHEN, WHEN_BUTTONS)]
    assert await requests_stored(h) == []
    assert (await draft(h))[:2] == ("when", "shopping")
