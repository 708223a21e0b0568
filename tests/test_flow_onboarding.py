"""Onboarding as a Swedish-speaking person sees it: every question, every button, Back and
Cancel at every step, bad input at every step, and what ends up in the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.services import people
from storage.models import (
    PersistedState,
    Person,
    Role,
    VolunteerArea,
    VolunteerProfile,
    VolunteerSkill,
)
from tests.conftest import NOW
from tests.helpers import COORDINATOR, coordinator_with_area

RESIDENT, VOLUNTEER = 100, 200

# --- What the person reads (the Swedish msgstr) --------------------------------------------

WELCOME = (
    "Hej och välkommen till Hjälpsam! 👋\n"
    "Här kan du få hjälp i vardagen, eller hjälpa någon annan.\n\n"
    "Vilket språk vill du använda?"
)
ASK_ROLE = "Vad vill du göra?"
ASK_NAME = "Vad heter du i förnamn? Skriv det här."
ASK_AREA = "Tack, Anna! Var bor du? Välj ditt område."
ASK_ADDRESS = (
    "Vilken adress ska volontären komma till?\nSkriv gatan och numret, till exempel Storgatan 5."
)
ASK_PHONE = (
    "Vill du lämna ett telefonnummer? Då kan volontären ringa dig.\n"
    "Tryck på knappen, skriv numret eller hoppa över."
)
ASK_CONSENT = (
    "En sak till. Den volontär som tar din förfrågan ser ditt namn, din adress och ditt "
    "telefonnummer. Kommunens samordnare kan också se dem, om de behöver hjälpa till med din "
    "förfrågan. Kommunen ansvarar för dina uppgifter. Du kan radera dem när du vill med "
    "/radera.\n\nÄr det okej?"
)
RESIDENT_READY = "Klart! Välkommen, Anna. 🌼\nTryck på «Be om hjälp» när du behöver något."
NO_CONSENT = (
    "Det är helt okej. Utan adress kan vi inte skicka någon volontär, så jag har inte "
    "sparat något.\nSkriv /start om du ändrar dig."
)
ASK_V_AREAS = (
    "Tack, Erik! I vilka områden kan du hjälpa till? Tryck på ett eller flera, och sedan «Klar»."
)
ASK_V_SKILLS = "Vilken sorts hjälp kan du ge? Tryck på en eller flera, och sedan «Klar»."
VOLUNTEER_WAITING = (
    "Tack, Erik! 💛\nEn samordnare går igenom dina uppgifter och godkänner dig. "
    "Sedan får du uppdrag här. Det brukar ta några dagar."
)
NEW_VOLUNTEER = "En ny volontär väntar på att bli godkänd: Erik. Tryck på «Volontärer som väntar»."
COORDINATOR_READY = "Välkommen, Karin! Du är samordnare. Din meny finns här nedanför."
COORDINATOR_NO_AREAS = (
    "Det finns inga områden än. Tryck på «Lägg till område» för att lägga till det första."
)
CANCELLED = "Okej, vi slutar här. Skriv /start när du vill börja igen."
NO_AREAS = (
    "Hjälpsam är inte riktigt klart än. Det finns inga områden ännu. "
    "Försök gärna igen lite senare."
)
NOT_UNDERSTOOD = (
    "Förlåt, det förstod jag inte. Tryck på en knapp här nedanför, eller skriv ditt svar."
)
PLEASE_TEXT = "Jag kan bara läsa text här. Skriv gärna, eller tryck på en av knapparna."
VOICE = "Jag kan inte lyssna just nu – skriv gärna i stället."
PHONE_BAD = (
    "Det ser inte ut som ett telefonnummer. Skriv till exempel 070-123 45 67, "
    "eller tryck på «Hoppa över»."
)
CHOOSE_ONE = "Välj minst en."
STALE = "Den knappen fungerar inte längre."
MENU = "Vad vill du göra? Välj här nedanför."
START_FIRST = "Hej! Skriv /start för att börja."
LONG = "Det var en lång text. Kan du göra den kortare"


def too_long(limit: int) -> str:
    return f"Det var en lång text. Kan du göra den kortare, högst {limit} tecken?"


NAV = ["⬅️ Tillbaka", "✖️ Avbryt"]
LANGUAGE_BUTTONS = ["Svenska", "English"]
ROLE_BUTTONS = ["🙋 Jag vill ha hjälp", "🤝 Jag vill hjälpa till", *NAV]
AREA_BUTTONS = ["Centrum", "Norr", *NAV]
PHONE_BUTTONS = ["📞 Dela mitt nummer", "Hoppa över", *NAV]
CONSENT_BUTTONS = ["✅ Ja, det är okej", "📄 Läs mer", "Nej tack", *NAV]
RESIDENT_MENU = ["🙋 Be om hjälp", "☕ Hitta mötesplats", "📋 Mina förfrågningar", "❓ Hjälp"]
PENDING_VOLUNTEER_MENU = ["📋 Mina uppdrag", "❓ Hjälp"]
COORDINATOR_MENU = [
    "🧾 Volontärer som väntar",
    "🗂 Mötesplatser",
    "📣 Skicka utskick",
    "📝 Be om hjälp åt någon",
    "📊 Rapport",
    "➕ Lägg till område",
    "❓ Hjälp",
]
SKILLS = [
    "Handla",
    "Apotek",
    "Promenad och sällskap",
    "Skjuts och följeslagare",
    "Digital hjälp",
    "Praktisk hjälp hemma",
    "Telefonvän",
    "Annat",
]
SELECT_TAIL = ["✔️ Klar", *NAV]

# --- The resident's steps: (answers to get there, question, buttons) -----------------------

RESIDENT_ANSWERS = [
    "Svenska",
    "🙋 Jag vill ha hjälp",
    "Anna",
    "Centrum",
    "Storgatan 5",
    "070-123 45 67",
    "✅ Ja, det är okej",
]
RESIDENT_STEPS: dict[str, tuple[int, str, list[str]]] = {
    # step: (how many answers lead there, question, buttons)
    "language": (0, WELCOME, LANGUAGE_BUTTONS),
    "role": (1, ASK_ROLE, ROLE_BUTTONS),
    "name": (2, ASK_NAME, NAV),
    "area": (3, ASK_AREA, AREA_BUTTONS),
    "address": (4, ASK_ADDRESS, NAV),
    "phone": (5, ASK_PHONE, PHONE_BUTTONS),
    "consent": (6, ASK_CONSENT, CONSENT_BUTTONS),
}
ORDER = list(RESIDENT_STEPS)


# --- Helpers -------------------------------------------------------------------------------


def markup(call: Any) -> dict[str, Any]:
    raw = call.params.get("reply_markup") or {}
    return json.loads(raw) if isinstance(raw, str) else raw


def keyboard_removed(call: Any) -> bool:
    return markup(call).get("remove_keyboard") is True


def new_messages(h: Any, chat_id: int, since: int) -> list[Any]:
    return [
        c for c in h.request.calls[since:] if c.method == "sendMessage" and c.chat_id == chat_id
    ]


def answers_of(h: Any, since: int = 0) -> list[dict[str, Any]]:
    """answerCallbackQuery calls: the toast or alert a pressed inline button got."""
    return [c.params for c in h.request.calls[since:] if c.method == "answerCallbackQuery"]


def reply(h: Any, since: int, uid: int = RESIDENT) -> list[tuple[str, list[str]]]:
    """What the person was sent since the mark: (text, buttons) per message."""
    return [(c.text, c.buttons()) for c in new_messages(h, uid, since)]


def mark(h: Any) -> int:
    return len(h.request.calls)


async def go_to(h: Any, step: str, uid: int = RESIDENT) -> None:
    """A new resident runs /start and answers up to (not including) the step."""
    await h.send(uid, "/start")
    for answer in RESIDENT_ANSWERS[: RESIDENT_STEPS[step][0]]:
        await h.send(uid, answer)


async def finish_from(h: Any, step: str, uid: int = RESIDENT) -> None:
    """Give the remaining valid answers from this step on."""
    for answer in RESIDENT_ANSWERS[RESIDENT_STEPS[step][0] :]:
        await h.send(uid, answer)


async def person(h: Any, uid: int) -> Person | None:
    async with h.uow() as uow:
        return await uow.people.by_telegram_id(uid)


async def roles(h: Any, uid: int) -> set[str]:
    async with h.uow() as uow:
        found = await uow.people.by_telegram_id(uid)
        return set(await uow.people.roles(found.id)) if found else set()


async def persisted_user_data(h: Any, uid: int) -> str:
    async with h.uow() as uow:
        row = (
            await uow.session.execute(
                select(PersistedState.value).where(
                    PersistedState.namespace == "user_data", PersistedState.key == str(uid)
                )
            )
        ).scalar()
    return row or ""


async def assert_anna_stored(h: Any, phone: str | None = "070-123 45 67") -> None:
    anna = await person(h, RESIDENT)
    assert anna is not None
    assert (anna.first_name, anna.area_id, anna.address, anna.phone) == (
        "Anna",
        1,
        "Storgatan 5",
        phone,
    )
    assert anna.consent_at == NOW and anna.onboarded_at == NOW
    assert anna.locale == "sv"
    assert await roles(h, RESIDENT) == {"resident"}


async def assert_nothing_personal(h: Any, uid: int) -> None:
    found = await person(h, uid)
    if found is not None:
        assert (found.first_name, found.area_id, found.address, found.phone) == (
            None,
            None,
            None,
            None,
        )
        assert found.consent_at is None and found.onboarded_at is None
    assert await roles(h, uid) == set()
    leftovers = await persisted_user_data(h, uid)
    for secret in ("Anna", "Erik", "Storgatan", "070"):
        assert secret not in leftovers


@pytest.fixture
async def h(harness: Any) -> Any:
    """Coordinator 900 has set up two areas: Centrum (1) and Norr (2)."""
    await coordinator_with_area(harness, "Centrum", "Norr")
    harness.request.clear()
    return harness


# --- Resident: the happy path --------------------------------------------------------------


@pytest.mark.parametrize("step", ORDER)
async def test_resident_sees_each_question_with_its_buttons(h, step):
    await go_to(h, step)
    _, question, buttons = RESIDENT_STEPS[step]
    last = h.last(RESIDENT)
    assert last.text == question
    assert last.buttons() == buttons


async def test_resident_finishes_and_is_stored(h):
    await go_to(h, "language")
    await finish_from(h, "language")
    last = h.last(RESIDENT)
    assert last.text == RESIDENT_READY
    assert last.buttons() == RESIDENT_MENU
    await assert_anna_stored(h)
    # Nothing half-done is left behind in the conversation store.
    assert "onboarding" not in await persisted_user_data(h, RESIDENT)


async def test_phone_button_asks_telegram_for_the_contact(h):
    await go_to(h, "phone")
    share = markup(h.last(RESIDENT))["keyboard"][0][0]
    assert share == {"text": "📞 Dela mitt nummer", "request_contact": True}


async def test_sharing_a_contact_stores_its_phone(h):
    await go_to(h, "phone")
    await h.feed(h.updates.contact(RESIDENT, "+46701234567"))
    assert h.last(RESIDENT).text == ASK_CONSENT
    await h.send(RESIDENT, "✅ Ja, det är okej")
    assert h.last(RESIDENT).text == RESIDENT_READY
    await assert_anna_stored(h, phone="+46701234567")


@pytest.mark.parametrize("phone", ["070-123 45 67", "+46 70 123 45 67", "0701234567"])
async def test_written_phone_numbers_are_accepted(h, phone):
    await go_to(h, "phone")
    await h.send(RESIDENT, phone)
    assert h.last(RESIDENT).text == ASK_CONSENT
    await h.send(RESIDENT, "✅ Ja, det är okej")
    await assert_anna_stored(h, phone=phone)


async def test_skipping_the_phone_stores_none(h):
    await go_to(h, "phone")
    await h.send(RESIDENT, "Hoppa över")
    assert h.last(RESIDENT).text == ASK_CONSENT
    await h.send(RESIDENT, "✅ Ja, det är okej")
    assert h.last(RESIDENT).text == RESIDENT_READY
    await assert_anna_stored(h, phone=None)


async def test_declining_consent_stores_nothing_personal(h):
    await go_to(h, "consent")
    await h.send(RESIDENT, "Nej tack")
    last = h.last(RESIDENT)
    assert last.text == NO_CONSENT
    assert keyboard_removed(last)
    await assert_nothing_personal(h, RESIDENT)
    # /start begins again, it does not pretend they are signed up.
    await h.send(RESIDENT, "/start")
    assert h.last(RESIDENT).text == WELCOME


async def test_read_more_tells_the_whole_truth_then_asks_again(h):
    """«📄 Läs mer»: what is saved, who sees it, how long, who answers; nothing stored yet."""
    h.data.settings.controller_contact = "dataskydd@kommunen.se"
    await go_to(h, "consent")
    since = mark(h)
    await h.send(RESIDENT, "📄 Läs mer")
    (notice, no_buttons), (question, buttons) = reply(h, since)
    assert notice.startswith("🔒 Så tar Hjälpsam hand om dina uppgifter\n\nDet här sparar vi\n")
    for said in (
        "• När vi frågar volontärer om de kan hjälpa dig, ser de bara vilken sorts hjälp, "
        "området och tiden.",
        "• Samordnare i föreningar och kyrkor ser aldrig din adress eller ditt telefonnummer.",
        "• Det du skrev i en förfrågan tas bort 90 dagar efter att förfrågan är avslutad.",
        "• /radera raderar allt.",
    ):
        assert said in notice
    assert notice.endswith(
        "Kommunen ansvarar för dina uppgifter. Du når dem på dataskydd@kommunen.se."
    )
    assert no_buttons == []
    assert (question, buttons) == (ASK_CONSENT, CONSENT_BUTTONS)
    assert (await roles(h, RESIDENT)) == set()  # not signed up by reading
    await h.send(RESIDENT, "✅ Ja, det är okej")
    assert h.last(RESIDENT).text == RESIDENT_READY


@pytest.mark.parametrize("who", ["resident", "volunteer", "coordinator"])
async def test_start_again_after_onboarding_shows_the_menu(h, who):
    if who == "resident":
        uid, buttons = RESIDENT, RESIDENT_MENU
        await go_to(h, "language")
        await finish_from(h, "language")
    elif who == "volunteer":
        uid, buttons = VOLUNTEER, PENDING_VOLUNTEER_MENU
        await volunteer_to_areas(h)
        await h.press(VOLUNTEER, "ob:area:1")
        await h.press(VOLUNTEER, "ob:done")
        await h.press(VOLUNTEER, "ob:skill:shopping")
        await h.press(VOLUNTEER, "ob:done")
    else:
        uid, buttons = COORDINATOR, COORDINATOR_MENU
    since = mark(h)
    await h.send(uid, "/start")
    assert reply(h, since, uid) == [(MENU, buttons)]


# --- Resident: Back and Cancel at every step ----------------------------------------------


@pytest.mark.parametrize("step", ORDER[1:])
async def test_back_returns_to_the_previous_question(h, step):
    await go_to(h, step)
    previous = ORDER[ORDER.index(step) - 1]
    await h.send(RESIDENT, "⬅️ Tillbaka")
    _, question, buttons = RESIDENT_STEPS[previous]
    assert h.last(RESIDENT).text == question
    assert h.last(RESIDENT).buttons() == buttons


@pytest.mark.parametrize("step", ORDER[2:])
async def test_back_then_forward_keeps_the_earlier_answers(h, step):
    await go_to(h, step)
    await h.send(RESIDENT, "⬅️ Tillbaka")
    previous = ORDER[ORDER.index(step) - 1]
    await finish_from(h, previous)
    assert h.last(RESIDENT).text == RESIDENT_READY
    await assert_anna_stored(h)


@pytest.mark.parametrize("how", ["✖️ Avbryt", "avbryt", "/avbryt"])
@pytest.mark.parametrize("step", ORDER)
async def test_cancel_at_every_step_ends_kindly_and_keeps_nothing(h, step, how):
    await go_to(h, step)
    since = mark(h)
    await h.send(RESIDENT, how)
    sent = new_messages(h, RESIDENT, since)
    assert [c.text for c in sent] == [CANCELLED]
    assert keyboard_removed(sent[0])
    await assert_nothing_personal(h, RESIDENT)
    # The conversation is really over: the next answer is not taken as the next step.
    await h.send(RESIDENT, "Storgatan 5")
    assert h.last(RESIDENT).text == START_FIRST


# --- Resident: bad input at every step -----------------------------------------------------

LONG_TEXT = "å" * 4000
LONG_REPLY = {"name": too_long(60), "address": too_long(200), "phone": too_long(40)}


async def send_bad(h: Any, kind: str) -> None:
    if kind == "sticker":
        await h.feed(h.updates.sticker(RESIDENT))
    elif kind == "photo":
        await h.feed(h.updates.photo(RESIDENT))
    elif kind == "voice":
        await h.feed(h.updates.voice(RESIDENT))
    elif kind == "4000 characters":
        await h.send(RESIDENT, LONG_TEXT)
    else:
        await h.send(RESIDENT, kind)


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "4000 characters"])
@pytest.mark.parametrize("step", ORDER)
async def test_bad_input_is_explained_and_loses_nothing(h, step, kind):
    await go_to(h, step)
    since = mark(h)
    await send_bad(h, kind)
    _, question, buttons = RESIDENT_STEPS[step]
    got = reply(h, since)
    assert len(got) == 2, got
    explanation, again = got
    if kind == "voice":
        assert explanation[0] == VOICE
    elif kind == "4000 characters":
        if step in LONG_REPLY:
            assert explanation[0] == LONG_REPLY[step]
        else:
            assert explanation[0].startswith(LONG)
    else:
        assert explanation[0] == PLEASE_TEXT
    assert again == (question, buttons)
    # The next valid answers still finish with everything given before.
    await finish_from(h, step)
    assert h.last(RESIDENT).text == RESIDENT_READY
    await assert_anna_stored(h)


@pytest.mark.parametrize(
    ("step", "text", "explanation"),
    [
        ("language", "Finska", NOT_UNDERSTOOD),
        ("role", "Jag vet inte", NOT_UNDERSTOOD),
        ("name", "12345", NOT_UNDERSTOOD),
        ("name", "🙂🙂", NOT_UNDERSTOOD),
        ("area", "Söder", NOT_UNDERSTOOD),
        ("address", "5", NOT_UNDERSTOOD),
        ("phone", "hej", PHONE_BAD),
        ("phone", "12", PHONE_BAD),
        ("phone", "070-ABC", PHONE_BAD),
        ("consent", "Kanske", NOT_UNDERSTOOD),
    ],
)
async def test_wrong_text_is_explained_and_loses_nothing(h, step, text, explanation):
    await go_to(h, step)
    since = mark(h)
    await h.send(RESIDENT, text)
    _, question, buttons = RESIDENT_STEPS[step]
    assert reply(h, since) == [(explanation, []), (question, buttons)]
    await finish_from(h, step)
    assert h.last(RESIDENT).text == RESIDENT_READY
    await assert_anna_stored(h)


async def test_sticker_at_the_address_then_a_valid_address_keeps_name_and_area(h):
    await go_to(h, "address")
    await h.feed(h.updates.sticker(RESIDENT))
    await h.send(RESIDENT, "Storgatan 5")
    await h.send(RESIDENT, "070-123 45 67")
    await h.send(RESIDENT, "✅ Ja, det är okej")
    assert h.last(RESIDENT).text == RESIDENT_READY
    await assert_anna_stored(h)


async def test_area_can_be_typed_in_any_case(h):
    await go_to(h, "area")
    await h.send(RESIDENT, "centrum")
    assert h.last(RESIDENT).text == ASK_ADDRESS


async def test_name_is_stored_tidy(h):
    await go_to(h, "name")
    await h.send(RESIDENT, "  Anna   Maria ")
    assert h.last(RESIDENT).text == "Tack, Anna Maria! Var bor du? Välj ditt område."


# --- No areas yet --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["🙋 Jag vill ha hjälp", "🤝 Jag vill hjälpa till"])
async def test_no_areas_yet_gives_a_kind_message(harness, role):
    h = harness
    await h.send(RESIDENT, "/start")
    await h.send(RESIDENT, "Svenska")
    await h.send(RESIDENT, role)
    # Told right after choosing, not after more questions.
    last = h.last(RESIDENT)
    assert last.text == NO_AREAS
    assert keyboard_removed(last)
    anna = await person(h, RESIDENT)
    assert anna.first_name is None and anna.onboarded_at is None
    assert await roles(h, RESIDENT) == set()
    # Once an area exists, /start begins from the start.
    await h.send(RESIDENT, "/start")
    assert h.last(RESIDENT).text == WELCOME


@pytest.mark.parametrize("role", ["🙋 Jag vill ha hjälp", "🤝 Jag vill hjälpa till"])
async def test_no_areas_yet_keeps_no_half_answers(harness, role):
    h = harness
    await h.send(RESIDENT, "/start")
    await h.send(RESIDENT, "Svenska")
    await h.send(RESIDENT, role)
    # Told right after choosing, not after more questions.
    assert h.last(RESIDENT).text == NO_AREAS
    # The conversation is over, so the name given must not linger in the state store.
    await assert_nothing_personal(h, RESIDENT)


async def test_coordinator_without_areas_is_told_to_add_one(harness):
    h = harness
    await h.send(COORDINATOR, "/start")
    assert h.last(COORDINATOR).text == WELCOME
    await h.send(COORDINATOR, "Svenska")
    # A coordinator is not asked whether they want help: straight to the name.
    assert h.last(COORDINATOR).text == ASK_NAME
    assert h.last(COORDINATOR).buttons() == NAV
    await h.send(COORDINATOR, "Karin")
    last = h.last(COORDINATOR)
    assert last.text == COORDINATOR_READY + "\n\n" + COORDINATOR_NO_AREAS
    assert last.buttons() == COORDINATOR_MENU
    karin = await person(h, COORDINATOR)
    assert karin.first_name == "Karin" and karin.onboarded_at == NOW
    assert await roles(h, COORDINATOR) == {"coordinator"}


# --- Coordinator ---------------------------------------------------------------------------


async def test_coordinator_with_areas_gets_the_menu_only(harness):
    h = harness
    await h.send(COORDINATOR, "/start")
    await h.send(COORDINATOR, "Svenska")
    async with h.uow() as uow:
        await people.add_area(uow, None, "Centrum", NOW)
    await h.send(COORDINATOR, "Karin")
    assert h.last(COORDINATOR).text == COORDINATOR_READY
    assert h.last(COORDINATOR).buttons() == COORDINATOR_MENU


async def test_coordinator_back_from_name_returns_to_language(harness):
    h = harness
    await h.send(COORDINATOR, "/start")
    await h.send(COORDINATOR, "Svenska")
    await h.send(COORDINATOR, "⬅️ Tillbaka")
    assert h.last(COORDINATOR).text == WELCOME
    assert h.last(COORDINATOR).buttons() == LANGUAGE_BUTTONS
    await h.send(COORDINATOR, "Svenska")
    assert h.last(COORDINATOR).text == ASK_NAME


@pytest.mark.parametrize("how", ["✖️ Avbryt", "avbryt", "/avbryt"])
async def test_coordinator_cancel_at_name(harness, how):
    h = harness
    await h.send(COORDINATOR, "/start")
    await h.send(COORDINATOR, "Svenska")
    await h.send(COORDINATOR, how)
    assert h.last(COORDINATOR).text == CANCELLED
    karin = await person(h, COORDINATOR)
    assert karin.first_name is None and karin.onboarded_at is None


@pytest.mark.parametrize("kind", ["sticker", "voice", "12345"])
async def test_coordinator_bad_name_is_asked_again(harness, kind):
    h = harness
    await h.send(COORDINATOR, "/start")
    await h.send(COORDINATOR, "Svenska")
    since = mark(h)
    if kind == "sticker":
        await h.feed(h.updates.sticker(COORDINATOR))
    elif kind == "voice":
        await h.feed(h.updates.voice(COORDINATOR))
    else:
        await h.send(COORDINATOR, kind)
    explanation = {"sticker": PLEASE_TEXT, "voice": VOICE, "12345": NOT_UNDERSTOOD}[kind]
    assert reply(h, since, COORDINATOR) == [(explanation, []), (ASK_NAME, NAV)]
    await h.send(COORDINATOR, "Karin")
    assert h.last(COORDINATOR).text.startswith(COORDINATOR_READY)


# --- Volunteer -----------------------------------------------------------------------------


def area_buttons(*ticked: str) -> list[str]:
    return [
        ("✅ " if name in ticked else "◻️ ") + name for name in ("Centrum", "Norr")
    ] + SELECT_TAIL


def skill_buttons(*ticked: str) -> list[str]:
    return [("✅ " if name in ticked else "◻️ ") + name for name in SKILLS] + SELECT_TAIL


def last_edit(h: Any, uid: int = VOLUNTEER) -> Any:
    edits = h.request.sent(uid, "editMessageReplyMarkup")
    assert edits, "the ticks were not updated"
    return edits[-1]


async def volunteer_to_areas(h: Any, uid: int = VOLUNTEER) -> None:
    await h.send(uid, "/start")
    await h.send(uid, "Svenska")
    await h.send(uid, "🤝 Jag vill hjälpa till")
    await h.send(uid, "Erik")


async def volunteer_to_skills(h: Any) -> None:
    await volunteer_to_areas(h)
    await h.press(VOLUNTEER, "ob:area:1")
    await h.press(VOLUNTEER, "ob:done")


async def test_volunteer_questions_and_buttons(h):
    await h.send(VOLUNTEER, "/start")
    await h.send(VOLUNTEER, "Svenska")
    await h.send(VOLUNTEER, "🤝 Jag vill hjälpa till")
    assert (h.last(VOLUNTEER).text, h.last(VOLUNTEER).buttons()) == (ASK_NAME, NAV)
    await h.send(VOLUNTEER, "Erik")
    last = h.last(VOLUNTEER)
    assert last.text == ASK_V_AREAS
    assert last.buttons() == area_buttons()
    assert last.callback_data() == {
        "◻️ Centrum": "ob:area:1",
        "◻️ Norr": "ob:area:2",
        "✔️ Klar": "ob:done",
        "⬅️ Tillbaka": "ob:back",
        "✖️ Avbryt": "ob:cancel",
    }
    await h.press(VOLUNTEER, "ob:area:1")
    assert last_edit(h).buttons() == area_buttons("Centrum")
    await h.press(VOLUNTEER, "ob:done")
    last = h.last(VOLUNTEER)
    assert last.text == ASK_V_SKILLS
    assert last.buttons() == skill_buttons()


async def test_volunteer_finishes_is_stored_pending_and_coordinator_is_told(h):
    await volunteer_to_areas(h)
    await h.press(VOLUNTEER, "ob:area:1")
    await h.press(VOLUNTEER, "ob:area:2")
    assert last_edit(h).buttons() == area_buttons("Centrum", "Norr")
    await h.press(VOLUNTEER, "ob:done")
    await h.press(VOLUNTEER, "ob:skill:shopping")
    await h.press(VOLUNTEER, "ob:skill:pharmacy")
    assert last_edit(h).buttons() == skill_buttons("Handla", "Apotek")
    since = mark(h)
    await h.press(VOLUNTEER, "ob:done")
    assert reply(h, since, VOLUNTEER) == [(VOLUNTEER_WAITING, PENDING_VOLUNTEER_MENU)]
    assert reply(h, since, COORDINATOR) == [(NEW_VOLUNTEER, [])]
    async with h.uow() as uow:
        erik = await uow.people.by_telegram_id(VOLUNTEER)
        assert erik.first_name == "Erik" and erik.onboarded_at == NOW
        assert erik.address is None and erik.phone is None
        profile = await uow.session.get(VolunteerProfile, erik.id)
        assert profile.vetting == "pending" and profile.paused is False
        areas = set(
            (
                await uow.session.execute(
                    select(VolunteerArea.area_id).where(VolunteerArea.person_id == erik.id)
                )
            ).scalars()
        )
        skills = set(
            (
                await uow.session.execute(
                    select(VolunteerSkill.category).where(VolunteerSkill.person_id == erik.id)
                )
            ).scalars()
        )
        given = set(
            (
                await uow.session.execute(select(Role.role).where(Role.person_id == erik.id))
            ).scalars()
        )
    assert areas == {1, 2}
    assert skills == {"shopping", "pharmacy"}
    assert given == {"volunteer"}


async def test_toggling_an_area_twice_unticks_it(h):
    await volunteer_to_areas(h)
    await h.press(VOLUNTEER, "ob:area:1")
    assert last_edit(h).buttons() == area_buttons("Centrum")
    await h.press(VOLUNTEER, "ob:area:1")
    assert last_edit(h).buttons() == area_buttons()
    # Nothing is chosen now, so Done is refused.
    since = mark(h)
    await h.press(VOLUNTEER, "ob:done")
    assert answers_of(h, since)[-1]["text"] == CHOOSE_ONE
    assert h.last(VOLUNTEER).text == ASK_V_AREAS


async def test_toggling_a_skill_twice_unticks_it(h):
    await volunteer_to_skills(h)
    await h.press(VOLUNTEER, "ob:skill:company")
    assert last_edit(h).buttons() == skill_buttons("Promenad och sällskap")
    await h.press(VOLUNTEER, "ob:skill:company")
    assert last_edit(h).buttons() == skill_buttons()


@pytest.mark.parametrize("step", ["areas", "skills"])
async def test_done_with_nothing_chosen_gives_an_alert(h, step):
    await (volunteer_to_areas(h) if step == "areas" else volunteer_to_skills(h))
    since = mark(h)
    await h.press(VOLUNTEER, "ob:done")
    answer = answers_of(h, since)
    assert len(answer) == 1
    assert answer[0]["text"] == CHOOSE_ONE
    assert answer[0]["show_alert"] in (True, "true")
    # The question stays; nothing new is sent and nothing is stored.
    assert new_messages(h, VOLUNTEER, since) == []
    assert await roles(h, VOLUNTEER) == set()


async def test_forged_area_is_refused_kindly(h):
    await volunteer_to_areas(h)
    since = mark(h)
    await h.press(VOLUNTEER, "ob:area:999")
    answer = answers_of(h, since)
    assert len(answer) == 1 and answer[0]["text"].startswith(STALE)
    assert h.request.sent(VOLUNTEER, "editMessageReplyMarkup") == []
    assert new_messages(h, VOLUNTEER, since) == []
    # Carry on normally: area 999 never gets stored.
    await h.press(VOLUNTEER, "ob:area:1")
    await h.press(VOLUNTEER, "ob:done")
    await h.press(VOLUNTEER, "ob:skill:shopping")
    await h.press(VOLUNTEER, "ob:done")
    assert h.last(VOLUNTEER).text == VOLUNTEER_WAITING
    async with h.uow() as uow:
        erik = await uow.people.by_telegram_id(VOLUNTEER)
        assert await uow.volunteers.area_ids(erik.id) == {1}


async def test_forged_skill_and_area_button_at_the_wrong_step_are_refused(h):
    await volunteer_to_skills(h)
    for forged in ("ob:skill:dancing", "ob:area:2"):
        since = mark(h)
        await h.press(VOLUNTEER, forged)
        assert answers_of(h, since)[0]["text"].startswith(STALE)
        assert new_messages(h, VOLUNTEER, since) == []
    await h.press(VOLUNTEER, "ob:skill:shopping")
    await h.press(VOLUNTEER, "ob:done")
    async with h.uow() as uow:
        erik = await uow.people.by_telegram_id(VOLUNTEER)
        assert await uow.volunteers.area_ids(erik.id) == {1}
        assert set(await uow.volunteers.skills(erik.id)) == {"shopping"}


@pytest.mark.parametrize("how", ["button", "typed"])
async def test_volunteer_back_from_skills_keeps_the_ticked_areas(h, how):
    await volunteer_to_areas(h)
    await h.press(VOLUNTEER, "ob:area:2")
    await h.press(VOLUNTEER, "ob:done")
    await h.press(VOLUNTEER, "ob:skill:phone")
    if how == "button":
        await h.press(VOLUNTEER, "ob:back")
    else:
        await h.send(VOLUNTEER, "⬅️ Tillbaka")
    last = h.last(VOLUNTEER)
    assert last.text == ASK_V_AREAS
    assert last.buttons() == area_buttons("Norr")
    await h.press(VOLUNTEER, "ob:done")
    # The skills already ticked are still ticked.
    assert h.last(VOLUNTEER).buttons() == skill_buttons("Telefonvän")
    await h.press(VOLUNTEER, "ob:done")
    assert h.last(VOLUNTEER).text == VOLUNTEER_WAITING


@pytest.mark.parametrize("how", ["button", "typed"])
async def test_volunteer_back_from_areas_returns_to_name_and_keeps_ticks(h, how):
    await volunteer_to_areas(h)
    await h.press(VOLUNTEER, "ob:area:1")
    if how == "button":
        await h.press(VOLUNTEER, "ob:back")
    else:
        await h.send(VOLUNTEER, "⬅️ Tillbaka")
    assert (h.last(VOLUNTEER).text, h.last(VOLUNTEER).buttons()) == (ASK_NAME, NAV)
    await h.send(VOLUNTEER, "Erik")
    assert h.last(VOLUNTEER).buttons() == area_buttons("Centrum")


async def test_volunteer_back_from_name_returns_to_role(h):
    await h.send(VOLUNTEER, "/start")
    await h.send(VOLUNTEER, "Svenska")
    await h.send(VOLUNTEER, "🤝 Jag vill hjälpa till")
    await h.send(VOLUNTEER, "⬅️ Tillbaka")
    assert (h.last(VOLUNTEER).text, h.last(VOLUNTEER).buttons()) == (ASK_ROLE, ROLE_BUTTONS)


@pytest.mark.parametrize("how", ["ob:cancel", "✖️ Avbryt", "avbryt", "/avbryt"])
@pytest.mark.parametrize("step", ["areas", "skills"])
async def test_volunteer_cancel_at_every_step(h, step, how):
    await (volunteer_to_areas(h) if step == "areas" else volunteer_to_skills(h))
    since = mark(h)
    if how.startswith("ob:"):
        await h.press(VOLUNTEER, how)
    else:
        await h.send(VOLUNTEER, how)
    sent = new_messages(h, VOLUNTEER, since)
    assert [c.text for c in sent] == [CANCELLED]
    assert keyboard_removed(sent[0])
    await assert_nothing_personal(h, VOLUNTEER)
    assert reply(h, since, COORDINATOR) == []
    # The old buttons do nothing any more.
    since = mark(h)
    await h.press(VOLUNTEER, "ob:done")
    assert answers_of(h, since)[0]["text"].startswith(STALE)
    assert await roles(h, VOLUNTEER) == set()


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "4000 characters", "Centrum"])
@pytest.mark.parametrize("step", ["areas", "skills"])
async def test_volunteer_bad_input_while_ticking_keeps_the_ticks(h, step, kind):
    await volunteer_to_areas(h)
    await h.press(VOLUNTEER, "ob:area:1")
    if step == "skills":
        await h.press(VOLUNTEER, "ob:done")
        await h.press(VOLUNTEER, "ob:skill:home")
    since = mark(h)
    if kind in ("sticker", "photo", "voice"):
        await h.feed(getattr(h.updates, kind)(VOLUNTEER))
    else:
        await h.send(VOLUNTEER, LONG_TEXT if kind == "4000 characters" else kind)
    got = reply(h, since, VOLUNTEER)
    assert len(got) == 2
    explanation = got[0][0]
    if kind == "voice":
        assert explanation == VOICE
    elif kind == "4000 characters":
        assert explanation.startswith(LONG)
    elif kind == "Centrum":
        assert explanation == NOT_UNDERSTOOD
    else:
        assert explanation == PLEASE_TEXT
    expected = (
        (ASK_V_AREAS, area_buttons("Centrum"))
        if step == "areas"
        else (ASK_V_SKILLS, skill_buttons("Praktisk hjälp hemma"))
    )
    assert got[1] == expected


@pytest.mark.parametrize("kind", ["sticker", "voice", "12345", "4000 characters"])
async def test_volunteer_bad_name_is_asked_again(h, kind):
    await h.send(VOLUNTEER, "/start")
    await h.send(VOLUNTEER, "Svenska")
    await h.send(VOLUNTEER, "🤝 Jag vill hjälpa till")
    since = mark(h)
    if kind in ("sticker", "voice"):
        await h.feed(getattr(h.updates, kind)(VOLUNTEER))
    else:
        await h.send(VOLUNTEER, LONG_TEXT if kind == "4000 characters" else kind)
    explanation = {
        "sticker": PLEASE_TEXT,
        "voice": VOICE,
        "12345": NOT_UNDERSTOOD,
        "4000 characters": too_long(60),
    }[kind]
    assert reply(h, since, VOLUNTEER) == [(explanation, []), (ASK_NAME, NAV)]
    await h.send(VOLUNTEER, "Erik")
    assert h.last(VOLUNTEER).text == ASK_V_AREAS


async def test_coordinator_hears_of_each_new_volunteer_in_their_language(h):
    # The coordinator reads Swedish even when the volunteer chose English.
    await h.send(VOLUNTEER, "/start")
    await h.send(VOLUNTEER, "English")
    await h.send(VOLUNTEER, "🤝 I want to help")
    await h.send(VOLUNTEER, "Erik")
    await h.press(VOLUNTEER, "ob:area:1")
    await h.press(VOLUNTEER, "ob:done")
    await h.press(VOLUNTEER, "ob:skill:digital")
    since = mark(h)
    await h.press(VOLUNTEER, "ob:done")
    assert h.last(VOLUNTEER).text.startswith("Thank you, Erik! 💛")
    assert reply(h, since, COORDINATOR) == [(NEW_VOLUNTEER, [])]


# --- English -------------------------------------------------------------------------------


async def test_choosing_english_speaks_english_all_the_way(h):
    await h.send(RESIDENT, "/start")
    await h.send(RESIDENT, "English")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        "What would you like to do?",
        ["🙋 I want help", "🤝 I want to help", "⬅️ Back", "✖️ Cancel"],
    )
    await h.send(RESIDENT, "🙋 I want help")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        "What is your first name? Please write it.",
        ["⬅️ Back", "✖️ Cancel"],
    )
    await h.send(RESIDENT, "Anna")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        "Thank you, Anna! Where do you live? Choose your area.",
        ["Centrum", "Norr", "⬅️ Back", "✖️ Cancel"],
    )
    await h.feed(h.updates.voice(RESIDENT))
    assert h.texts(RESIDENT)[-2] == "I cannot listen right now – please write instead."
    await h.send(RESIDENT, "Centrum")
    assert h.last(RESIDENT).text == (
        "Which address should a volunteer come to?\n"
        "Write the street and number, for example Storgatan 5."
    )
    await h.send(RESIDENT, "Storgatan 5")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        "Do you want to leave a phone number? Then the volunteer can call you.\n"
        "Press the button, write the number, or skip.",
        ["📞 Share my number", "Skip", "⬅️ Back", "✖️ Cancel"],
    )
    await h.send(RESIDENT, "Skip")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        "One more thing. The volunteer who takes your request sees your name, address and "
        "phone number. The municipality's coordinators can also see them, if they need to help "
        "with your request. Kommunen is responsible for your details. You can erase them at "
        "any time with /radera.\n\nIs that all right?",
        ["✅ Yes, that is fine", "📄 Read more", "No, thank you", "⬅️ Back", "✖️ Cancel"],
    )
    await h.send(RESIDENT, "✅ Yes, that is fine")
    assert (h.last(RESIDENT).text, h.last(RESIDENT).buttons()) == (
        "All done! Welcome, Anna. 🌼\nPress «Ask for help» when you need something.",
        ["🙋 Ask for help", "☕ Find a meeting place", "📋 My requests", "❓ Help"],
    )
    anna = await person(h, RESIDENT)
    assert anna.locale == "en" and anna.first_name == "Anna" and anna.phone is None
    await h.send(RESIDENT, "/start")
    assert h.last(RESIDENT).text == "What would you like to do? Choose below."


async def test_english_cancel(h):
    await h.send(RESIDENT, "/start")
    await h.send(RESIDENT, "English")
    await h.send(RESIDENT, "✖️ Cancel")
    assert h.last(RESIDENT).text == (
        "All right, we stop here. Write /start when you want to begin again."
    )


async def test_english_back_to_language_shows_the_welcome_in_english(h):
    await h.send(RESIDENT, "/start")
    await h.send(RESIDENT, "English")
    await h.send(RESIDENT, "⬅️ Back")
    assert h.last(RESIDENT).text == (
        "Hi and welcome to Hjälpsam! 👋\nHere you can get help with everyday things, "
        "or help someone else.\n\nWhich language do you want?"
    )
    await h.send(RESIDENT, "Svenska")
    assert h.last(RESIDENT).text == ASK_ROLE


# --- Walking away in the middle ------------------------------------------------------------


async def test_walking_away_at_consent_keeps_nothing_and_says_how_to_go_on(h):
    """The conversation times out while Anna (Swedish) and Ann (English) think about consent."""
    ann = 101
    await go_to(h, "consent")
    await h.send(ann, "/start")
    for answer in ["English", "🙋 I want help", "Ann", "Centrum", "Storgatan 5", "Skip"]:
        await h.send(ann, answer)
    timeouts = [j for j in h.app.job_queue.jobs() if j.name == "_trigger_timeout"]
    assert len(timeouts) == 2, "onboarding has no timeout"
    since = mark(h)
    for job in timeouts:
        await job.run(h.app)
    # What the application writes on its own a few seconds later.
    await h.app.update_persistence()
    said, english = reply(h, since), reply(h, since, ann)
    assert len(said) == 1 and len(english) == 1
    text, buttons = said[0]
    # Anna reads Swedish, not the English text Ann gets.
    assert text != english[0][0]
    # There is no «Be om hjälp» for someone who is not signed up yet …
    assert "Be om hjälp" not in text and "🙋 Be om hjälp" not in buttons
    # … and /start starts over, so they must not be told their answers are saved.
    assert "/start" in text and "sparat" not in text
    # Without consent, the address and phone must not stay behind.
    await assert_nothing_personal(h, RESIDENT)
    await h.send(RESIDENT, "/start")
    assert h.last(RESIDENT).text == WELCOME


async def test_someone_elses_contact_card_is_not_stored(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    for text in ("/start", "Svenska", "🙋 Jag vill ha hjälp", "Anna", "Centrum", "Storgatan 5"):
        await h.send(RESIDENT, text)
    card = h.updates.contact(RESIDENT, "0701112233")
    card["message"]["contact"]["user_id"] = 555  # a friend's card from the address book
    await h.feed(card)
    texts = h.texts(RESIDENT)
    assert texts[-2] == (
        "Det där är någon annans nummer. Dela ditt eget, skriv det, eller tryck på «Hoppa över»."
    )
    assert texts[-1].startswith("Vill du lämna ett telefonnummer?")
    await h.send(RESIDENT, "Hoppa över")
    await h.send(RESIDENT, "✅ Ja, det är okej")
    anna = await person(h, RESIDENT)
    assert anna.phone is None and anna.onboarded_at is not None


async def test_typing_avbryt_cancels_in_english_too(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    for text in ("/start", "English", "🙋 I want help"):
        await h.send(RESIDENT, text)
    await h.send(RESIDENT, "avbryt")
    assert h.last(RESIDENT).text == (
        "All right, we stop here. Write /start when you want to begin again."
    )
