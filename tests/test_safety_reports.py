"""«⚠️ Något kändes fel» (issue 12): a resident's or a volunteer's few words, or a ☹️ and a
follow-up comment, go straight to the coordinators responsible – the municipality's and the
volunteer's organisation's, never another organisation's – who can call, stop the volunteer
or close it as handled. In Swedish, as people see it.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import AuditEntry, Person, SafetyReport, VolunteerProfile
from tests.conftest import Harness
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    coordinator_with_area,
    org_coordinator,
    resident,
)
from tests.test_voice_steps import AUDIO, heard, hears, speak

OLOF = 910  # coordinator of Erik's organisation
PELLE = 920  # coordinator of another organisation
BERIT = 101  # a resident without a phone number
RED_CROSS, CHURCH = "Röda Korset Ekbacka", "Svenska kyrkan Ekbacka"
WHEN = "måndag 23 november kl. 10.00"
REPORT, CALL, STOP = "⚠️ Något kändes fel", "📞 Ring", "⛔ Stoppa volontären"
HANDLED = "✅ Klart, hanterat"
ASK_WORDS = (
    "Berätta kort vad som kändes fel. Skriv några ord, eller skicka ett röstmeddelande.\n\n"
    "🔒 Det går bara till de samordnare som ansvarar, på kommunen och i volontärens förening."
)
NO_PHONE = (
    "Vi har inget telefonnummer till dig. Vill du att någon ringer dig? Skriv då ditt nummer "
    "också."
)
THANKS = (
    "Tack för att du säger till. 💛\n\n"
    "En samordnare från kommunen ringer dig eller skriver till dig.\n\n"
    "Om det är fara, ring 112."
)
REFUSED = "Tyvärr, det kan du inte göra."
STALE = "Den knappen fungerar inte längre. Här är menyn."
WORDS = "Han var otrevlig mot mig och tog för mycket pengar"


def alert(title: str, sender: str, words: str | None, volunteer: str | None = "Erik") -> str:
    lines = [title, "", f"Från: {sender}", f"Uppdrag: Handla, {WHEN}"]
    if volunteer:
        lines.append(f"Volontär: {volunteer}")
    lines.append(f"Med egna ord: «{words}»" if words else "Ingen kommentar än.")
    return "\n".join([*lines, "", "Det här får bara de samordnare som ansvarar."])


async def person_id(h: Harness, telegram_id: int) -> int:
    async with h.uow() as uow:
        return (await uow.people.by_telegram_id(telegram_id)).id


async def town(h: Harness) -> None:
    """Karin (the municipality), Olof (Red Cross) and Pelle (the church); Erik, a Red Cross
    volunteer approved by Olof; Anna, with a phone, asks for shopping."""
    await coordinator_with_area(h, "Centrum")
    await org_coordinator(h, OLOF, "Olof", RED_CROSS)
    await org_coordinator(h, PELLE, "Pelle", CHURCH)
    for text in ("/start", "Svenska", "🤝 Jag vill hjälpa till", "Erik"):
        await h.send(VOLUNTEER, text)
    for data in ("ob:area:1", "ob:done", "ob:skill:shopping", "ob:done"):
        await h.press(VOLUNTEER, data)
    await h.send(VOLUNTEER, RED_CROSS)
    await h.press(OLOF, f"vet:ok:{await person_id(h, VOLUNTEER)}")
    await resident(h)
    await ask_for_shopping(h)


async def annas_request(h: Harness) -> int:
    async with h.uow() as uow:
        return (await uow.requests.of_resident(await person_id(h, RESIDENT)))[0].id


async def done_task(h: Harness) -> int:
    """Erik takes Anna's request and marks it done; returns its id."""
    request_id = await annas_request(h)
    await h.press(VOLUNTEER, f"task:claim:{request_id}")
    await h.press(VOLUNTEER, f"task:done:{request_id}")
    return request_id


async def reports(h: Harness) -> list[SafetyReport]:
    async with h.uow() as uow:
        rows = await uow.session.execute(select(SafetyReport).order_by(SafetyReport.id))
        return list(rows.scalars().all())


async def audit(h: Harness) -> list[tuple[int | None, str, str | None, bool, str | None]]:
    async with h.uow() as uow:
        return [
            (e.actor_telegram_id, e.action, e.target, e.allowed, e.reason)
            for e in await uow.audit.entries()
        ]


@pytest.fixture
async def h(harness: Harness) -> Harness:
    await town(harness)
    harness.request.clear()
    return harness


# --- A resident reports after a task --------------------------------------------------------


async def test_a_resident_reports_and_only_the_coordinators_responsible_hear(
    h: Harness, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    request_id = await done_task(h)
    await h.press(RESIDENT, f"fu:good:{request_id}")
    await h.send(RESIDENT, "Hoppa över")
    # The score buttons gave way to «Något kändes fel», under the question after the task.
    edited = h.request.sent(RESIDENT, "editMessageReplyMarkup")[-1]
    assert edited.callback_data() == {REPORT: f"sr:new:{request_id}"}
    h.request.clear()

    await h.press(RESIDENT, f"sr:new:{request_id}")
    asked = h.last(RESIDENT)
    assert asked.text == ASK_WORDS
    assert asked.buttons() == ["⬅️ Tillbaka", "✖️ Avbryt"]
    await h.send(RESIDENT, WORDS)
    assert h.last(RESIDENT).text == THANKS
    assert "🙋 Be om hjälp" in h.last(RESIDENT).buttons()

    expected = alert("⚠️ Något kändes fel", "Anna, den som fick hjälp", WORDS)
    assert h.texts(COORDINATOR) == [expected]
    assert h.texts(OLOF) == [expected]
    assert h.texts(PELLE) == [] and h.texts(VOLUNTEER) == []
    # The organisation's coordinator gets no «Ring» for a resident.
    assert h.last(COORDINATOR).buttons() == [CALL, STOP, HANDLED]
    assert h.last(OLOF).buttons() == [STOP, HANDLED]

    (row,) = await reports(h)
    erik, anna = await person_id(h, VOLUNTEER), await person_id(h, RESIDENT)
    assert (row.kind, row.reporter_id, row.volunteer_id, row.request_id, row.text) == (
        "report",
        anna,
        erik,
        request_id,
        WORDS,
    )
    assert row.handled_at is None
    assert (RESIDENT, "safety_report", f"report:{row.id}", True, None) in await audit(h)
    assert not [e for e in await audit(h) if "otrevlig" in str(e)]
    assert not [r for r in caplog.records if "otrevlig" in r.getMessage()]


async def test_the_coordinators_call_stop_and_close_it_once(h: Harness) -> None:
    request_id = await done_task(h)
    await h.press(RESIDENT, f"sr:new:{request_id}")
    await h.send(RESIDENT, WORDS)
    (row,) = await reports(h)
    target = f"report:{row.id}"
    erik = await person_id(h, VOLUNTEER)
    h.request.clear()

    # Olof (Erik's organisation) may not have Anna's phone, forged button or not; Pelle
    # (another organisation) may do nothing at all. Each refusal is audited.
    await h.press(OLOF, f"sr:call:{row.id}")
    await h.press(PELLE, f"sr:call:{row.id}")
    await h.press(PELLE, f"sr:stop:{row.id}")
    await h.press(PELLE, f"sr:done:{row.id}")
    await h.press(RESIDENT, f"sr:call:{row.id}")
    assert h.alerts() == [REFUSED] * 5
    assert h.texts(OLOF) == [] and h.texts(PELLE) == []
    refused = [(a, act) for a, act, t, ok, _r in await audit(h) if t == target and not ok]
    assert refused == [
        (OLOF, "safety_call"),
        (PELLE, "safety_call"),
        (PELLE, "safety_stop"),
        (PELLE, "safety_handled"),
        (RESIDENT, "safety_call"),
    ]

    # Karin (the municipality) gets the phone; the read is audited with its reason.
    await h.press(COORDINATOR, f"sr:call:{row.id}")
    assert h.last(COORDINATOR).text == "Ring Anna på 070-123 45 67."
    assert (COORDINATOR, "read_contact", target, True, "safety_report") in await audit(h)

    # Olof stops Erik through the usual confirmation.
    await h.press(OLOF, f"sr:stop:{row.id}")
    confirm = h.last(OLOF)
    assert confirm.text.startswith("Vill du stoppa Erik nu?")
    assert confirm.callback_data()["⛔ Ja, stoppa Erik"] == f"vol:stopyes:{erik}"
    await h.press(OLOF, f"vol:stopyes:{erik}")
    async with h.uow() as uow:
        assert (await uow.session.get(VolunteerProfile, erik)).vetting == "suspended"
    h.request.clear()
    await h.press(COORDINATOR, f"sr:stop:{row.id}")
    assert h.alerts() == ["Erik är redan stoppad."]

    # «Klart» by Karin, then by Olof: he is told who was first.
    h.request.clear()
    await h.press(COORDINATOR, f"sr:done:{row.id}")
    assert h.alerts() == ["Tack! Det är markerat som hanterat."]
    markup = h.request.sent(COORDINATOR, "editMessageReplyMarkup")[-1]
    assert markup.buttons() == [CALL, STOP]
    await h.press(OLOF, f"sr:done:{row.id}")
    assert h.alerts()[-1] == "Karin har redan hanterat det här."
    assert h.request.sent(OLOF, "editMessageReplyMarkup")[-1].buttons() == [STOP]
    (row,) = await reports(h)
    assert row.handled_by_id == await person_id(h, COORDINATOR)
    handled = [a for a, act, t, ok, _r in await audit(h) if act == "safety_handled" and ok]
    assert handled == [COORDINATOR]


# --- A ☹️ and the comments after a task ------------------------------------------------------


async def test_a_sad_face_and_a_comment_reach_the_coordinators_at_once(h: Harness) -> None:
    request_id = await done_task(h)
    h.request.clear()
    await h.press(RESIDENT, f"fu:bad:{request_id}")
    assert h.last(RESIDENT).text == (
        "Tack! Vill du säga något mer? Skriv en kort kommentar, eller tryck på «Hoppa över». "
        "Det du skriver läses av de samordnare som ansvarar."
    )
    sad = alert("☹️ Ett uppdrag gick inte bra", "Anna, den som fick hjälp", None)
    assert h.texts(COORDINATOR) == [sad] and h.texts(OLOF) == [sad]
    # The faces gave way to «Något kändes fel»; while the comment is asked for, the comment is
    # the way (the question stays).
    shown = h.request.sent(RESIDENT, "editMessageReplyMarkup")
    assert [c.callback_data() for c in shown] == [{REPORT: f"sr:new:{request_id}"}]
    await h.press(RESIDENT, f"sr:new:{request_id}")
    assert h.alerts()[-1] == (
        "Skriv det här som din kommentar, så går det till de samordnare som ansvarar. "
        "Eller tryck på «Hoppa över» först."
    )

    await h.send(RESIDENT, "Han kom inte alls i tid")
    assert h.last(RESIDENT).text == "Tack för ditt svar! 🌼"
    told = alert(
        "☹️ Ett uppdrag gick inte bra", "Anna, den som fick hjälp", "Han kom inte alls i tid"
    )
    assert h.texts(COORDINATOR) == [sad, told] and h.texts(OLOF) == [sad, told]
    assert h.texts(PELLE) == []
    # A second tap on the same face tells nobody again.
    await h.press(RESIDENT, f"fu:bad:{request_id}")
    await h.send(RESIDENT, "Hoppa över")
    assert len(h.texts(COORDINATOR)) == 2

    # Erik's comment after a 😊: his own organisation's coordinator may call him.
    await h.press(VOLUNTEER, f"fu:good:{request_id}")
    assert len(h.texts(COORDINATOR)) == 2  # a 😊 alone is nothing to report
    await h.send(VOLUNTEER, "Anna verkade ensam")
    erik_said = alert(
        "💬 En kommentar efter ett uppdrag 😊", "Erik, volontär", "Anna verkade ensam", None
    )
    assert h.texts(COORDINATOR)[-1] == erik_said and h.texts(OLOF)[-1] == erik_said
    assert h.last(COORDINATOR).buttons() == [CALL, HANDLED]
    assert h.last(OLOF).buttons() == [CALL, HANDLED]
    rows = await reports(h)
    assert [(r.kind, r.text) for r in rows] == [
        ("followup", "Han kom inte alls i tid"),
        ("followup", "Anna verkade ensam"),
    ]
    await h.press(OLOF, f"sr:call:{rows[1].id}")
    assert h.last(OLOF).text == "Erik har inte lämnat något telefonnummer."


# --- From «Mina förfrågningar» / «Mina uppdrag» ---------------------------------------------


async def test_from_the_list_choose_the_task_then_bad_input_gets_kind_answers(
    h: Harness,
) -> None:
    request_id = await done_task(h)
    h.request.clear()
    await h.send(RESIDENT, "📋 Mina förfrågningar")
    offer = h.last(RESIDENT)
    assert offer.text == (
        "Har något känts fel? Då kan du säga till här. Det går direkt till en samordnare."
    )
    assert offer.callback_data() == {REPORT: "sr:new"}

    await h.press(RESIDENT, "sr:new")
    choose = h.last(RESIDENT)
    assert choose.text == "Gäller det något av de här? Tryck på det, eller på «Något annat»."
    assert choose.callback_data() == {
        f"Handla, {WHEN}": f"sr:about:{request_id}",
        "Något annat": "sr:other",
        "✖️ Avbryt": "sr:cancel",
    }
    await h.press(RESIDENT, f"sr:about:{request_id}")
    assert h.last(RESIDENT).text == ASK_WORDS
    # Back goes to the choice; a sticker and blank words are asked for again, kindly.
    await h.send(RESIDENT, "⬅️ Tillbaka")
    assert h.last(RESIDENT).text == choose.text
    await h.press(RESIDENT, f"sr:about:{request_id}")
    h.request.clear()
    await h.feed(h.updates.sticker(RESIDENT))
    await h.send(RESIDENT, "   ")
    assert (
        h.texts(RESIDENT)
        == [
            "Jag kan bara läsa text här. Skriv gärna, eller tryck på en av knapparna.",
            ASK_WORDS,
        ]
        * 2
    )
    assert await reports(h) == []

    # 4 000 characters: the first 1 000 go, and Anna is told so.
    await h.send(RESIDENT, "å" * 4000)
    assert h.last(RESIDENT).text == (
        "Tack för att du säger till. 💛\n\n"
        "En samordnare från kommunen ringer dig eller skriver till dig.\n\n"
        "Din text var lång, så de får de första 1000 tecknen. Berätta resten när ni pratar.\n\n"
        "Om det är fara, ring 112."
    )
    (row,) = await reports(h)
    assert (row.request_id, row.volunteer_id, len(row.text)) == (
        request_id,
        await person_id(h, VOLUNTEER),
        1000,
    )
    assert len(h.last(COORDINATOR).text) < 4096


async def test_something_else_cancel_and_forged_buttons(h: Harness) -> None:
    request_id = await done_task(h)
    await h.press(RESIDENT, "sr:new")
    await h.press(RESIDENT, "sr:other")
    assert h.last(RESIDENT).text == ASK_WORDS
    await h.send(RESIDENT, "✖️ Avbryt")
    assert h.last(RESIDENT).text == "Okej, jag har inte skickat något. Du är tillbaka i menyn."
    await h.press(RESIDENT, "sr:new")
    await h.press(RESIDENT, "sr:cancel")
    assert h.last(RESIDENT).text == "Okej, jag har inte skickat något. Du är tillbaka i menyn."
    assert await reports(h) == []

    # Not about any task: only the municipality hears, and nobody can be stopped from it.
    await h.press(RESIDENT, "sr:new")
    await h.press(RESIDENT, "sr:other")
    h.request.clear()
    await h.send(RESIDENT, "Någon ringde och sa att hen var från Hjälpsam")
    assert h.texts(OLOF) == [] and h.texts(PELLE) == []
    assert h.last(COORDINATOR).text.startswith("⚠️ Något kändes fel\n\nFrån: Anna")
    assert "Uppdrag: inget särskilt" in h.last(COORDINATOR).text
    assert h.last(COORDINATOR).buttons() == [CALL, HANDLED]
    (row,) = await reports(h)
    assert (row.request_id, row.volunteer_id) == (None, None)

    # Someone else's task, an unknown report and an old choice: kind answers, nothing stored.
    await resident(h, BERIT, "Berit", phone=None)
    h.request.clear()
    await h.press(BERIT, f"sr:new:{request_id}")
    await h.press(COORDINATOR, "sr:call:9999")
    await h.press(RESIDENT, f"sr:about:{request_id}")  # no conversation is waiting for it
    await h.press(RESIDENT, "sr:new", chat_id=-100)  # in a group, where others read along
    assert h.alerts() == [
        REFUSED,
        STALE,
        STALE,
        "Gör det här i din egen chatt med mig, inte i gruppen.",
    ]
    assert h.request.sent(-100) == []
    assert (BERIT, "safety_report", f"request:{request_id}", False, None) in await audit(h)
    assert len(await reports(h)) == 1


async def test_a_volunteer_reports_from_my_tasks(h: Harness) -> None:
    await h.press(VOLUNTEER, f"task:claim:{await annas_request(h)}")
    h.request.clear()
    await h.send(VOLUNTEER, "📋 Mina uppdrag")
    assert h.last(VOLUNTEER).callback_data() == {REPORT: "sr:new"}
    await h.press(VOLUNTEER, "sr:new")
    await h.press(VOLUNTEER, h.last(VOLUNTEER).callback_data()[f"Handla, {WHEN}"])
    assert h.last(VOLUNTEER).text == f"{ASK_WORDS}\n\n{NO_PHONE}"
    h.request.blocked.add(COORDINATOR)  # Karin blocked the bot: Olof still hears
    await h.send(VOLUNTEER, "Det luktade gas i trapphuset")
    assert h.last(VOLUNTEER).text == (
        "Tack för att du säger till. 💛\n\n"
        "En samordnare från din förening hör av sig till dig.\n\n"
        "Om det är fara, ring 112."
    )
    said = alert("⚠️ Något kändes fel", "Erik, volontär", "Det luktade gas i trapphuset", None)
    assert h.texts(OLOF) == [said] and h.last(OLOF).buttons() == [CALL, HANDLED]
    assert h.texts(PELLE) == []
    async with h.uow() as uow:
        assert (await uow.people.by_telegram_id(COORDINATOR)).unreachable is True


# --- Blocked bots and voice -------------------------------------------------------------------


async def test_a_reporter_without_phone_who_blocks_the_bot(h: Harness, caplog: Any) -> None:
    await resident(h, BERIT, "Berit", phone=None)
    await h.press(BERIT, "sr:new")  # no tasks: straight to the words
    assert h.last(BERIT).text == f"{ASK_WORDS}\n\n{NO_PHONE}"
    await h.send(BERIT, "Jag är rädd för en man i trappan")
    assert h.last(BERIT).text == (
        "Tack för att du säger till. 💛\n\n"
        "Samordnarna har fått det du skrev. Vi har inget telefonnummer till dig, så de kan bara "
        "ringa dig om du skrev ditt nummer.\n\n"
        "Om det är fara, ring 112."
    )
    await h.press(COORDINATOR, "sr:call:1")
    assert h.last(COORDINATOR).text == "Berit har inte lämnat något telefonnummer."

    # She writes again, and has blocked the bot before the thanks: the report still goes.
    await h.press(BERIT, "sr:new")
    h.request.blocked.add(BERIT)
    await h.send(BERIT, "Han står där igen")
    assert [r.text for r in await reports(h)][-1] == "Han står där igen"
    assert "Han står där igen" in h.last(COORDINATOR).text
    async with h.uow() as uow:
        assert (await uow.people.by_telegram_id(BERIT)).unreachable is True
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_voice_note_is_read_back_then_sent(h: Harness) -> None:
    h.request.files["v1"] = AUDIO
    request_id = await done_task(h)
    await h.press(RESIDENT, f"sr:new:{request_id}")
    hears(h, "Han var arg på mig")
    await speak(h)
    assert h.last(RESIDENT).text == heard("Han var arg på mig")
    assert await reports(h) == []
    await h.press(RESIDENT, h.last(RESIDENT).callback_data()["✅ Ja"])
    assert h.last(RESIDENT).text == THANKS
    assert [r.text for r in await reports(h)] == ["Han var arg på mig"]


async def test_only_a_reporter_with_a_side_in_the_task_may_report(h: Harness) -> None:
    """Another volunteer, a coordinator and a stranger are refused; nothing is stored."""
    request_id = await done_task(h)
    h.request.clear()
    for who in (PELLE, 555):
        await h.press(who, f"sr:new:{request_id}")
    assert h.alerts() == [REFUSED, REFUSED]
    assert await reports(h) == []
    async with h.uow() as uow:
        pelle = await uow.session.execute(select(Person).where(Person.telegram_id == PELLE))
        assert pelle.scalar_one().id
        refusals = await uow.session.execute(
            select(AuditEntry).where(AuditEntry.action == "safety_report")
        )
        assert [e.actor_telegram_id for e in refusals.scalars()] == [PELLE]
