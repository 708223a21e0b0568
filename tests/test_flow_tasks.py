"""Tasks after they are taken: giving back, cancelling, done and follow-up, blocked bots,
declined volunteers and the volunteers' group chat. In Swedish, as people see it."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from bot.app import build_application
from storage.models import (
    FollowUp,
    HelpRequest,
    Person,
    RequestEvent,
    TaskPost,
    VolunteerProfile,
)
from tests.conftest import NOW, Harness
from tests.fakes import RecordingRequest
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

GROUP = -100
WHEN = "måndag 23 november kl. 10.00"
GIVE_BACK, DONE = "↩️ Lämna tillbaka", "✅ Klart"
ERROR = "Något gick fel hos oss"


# --- helpers ------------------------------------------------------------------------------


async def setup_loop(h: Harness, *, second: bool = True) -> None:
    """Coordinator, Erik (and Sara), Anna; Anna asks for shopping tomorrow at 10."""
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    if second:
        await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)
    await ask_for_shopping(h)


async def the_request(h: Harness) -> HelpRequest:
    async with h.uow() as uow:
        return (
            (await uow.session.execute(select(HelpRequest).order_by(HelpRequest.id.desc())))
            .scalars()
            .first()
        )


async def person(h: Harness, telegram_id: int) -> Person:
    async with h.uow() as uow:
        found = await uow.people.by_telegram_id(telegram_id)
        assert found is not None
        return found


async def erik_claims(h: Harness) -> int:
    """Erik takes Anna's request from his task message; returns the request id."""
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    assert h.last(VOLUNTEER).text.startswith("Tack! Uppdraget är ditt.")
    return (await the_request(h)).id


def task_cards(h: Harness, chat_id: int) -> list[Any]:
    return [c for c in h.request.sent(chat_id) if c.text.startswith("Ny förfrågan i")]


def no_errors_sent(h: Harness) -> None:
    assert not [c for c in h.request.calls if ERROR in c.text], "someone was told of an error"
    assert not [a for a in h.alerts() if ERROR in a]


# --- Giving a task back ---------------------------------------------------------------------


async def test_give_back_with_a_reason_opens_the_task_for_the_others(harness: Harness) -> None:
    h = harness
    await setup_loop(h)
    request_id = await erik_claims(h)
    held = h.last(VOLUNTEER)
    assert held.buttons() == [DONE, GIVE_BACK]

    h.request.clear()
    await h.press(VOLUNTEER, held.callback_data()[GIVE_BACK])
    ask = h.last(VOLUNTEER)
    assert ask.text == (
        "Det är helt okej. Vill du säga varför? Det hjälper oss. Skriv några ord, "
        "eller tryck på «Hoppa över»."
    )
    assert "Hoppa över" in ask.buttons() and "✖️ Avbryt" in ask.buttons()
    # Nothing is given back until the reason (or «Hoppa över») comes.
    assert (await the_request(h)).status == "claimed"
    assert h.texts(RESIDENT) == []

    await h.send(VOLUNTEER, "Jag blev sjuk")
    assert h.last(VOLUNTEER).text == "Tack för att du sa till. Nu kan någon annan ta uppdraget."
    assert "📋 Mina uppdrag" in h.last(VOLUNTEER).buttons()

    req = await the_request(h)
    assert (req.status, req.volunteer_id, req.claimed_at) == ("open", None, None)
    async with h.uow() as uow:
        events = (
            (
                await uow.session.execute(
                    select(RequestEvent)
                    .where(RequestEvent.request_id == request_id)
                    .order_by(RequestEvent.id)
                )
            )
            .scalars()
            .all()
        )
        erik = await uow.people.by_telegram_id(VOLUNTEER)
    assert [e.kind for e in events] == ["created", "claimed", "given_back"]
    assert events[-1].note == "Jag blev sjuk" and events[-1].actor_id == erik.id

    told = h.texts(RESIDENT)
    assert told == [
        "Erik kunde tyvärr inte hjälpa dig med handla ändå. Ingen fara – vi letar "
        "efter någon annan åt dig."
    ]
    assert "sjuk" not in told[0]  # the reason is for the coordinators, not the resident

    cards = task_cards(h, VOLUNTEER2)
    assert len(cards) == 1 and cards[0].buttons() == ["🙋 Jag tar det"]
    # Offered again as before: the kind of help, the area and the time, nothing of Anna's.
    assert "Mjölk och bröd" not in cards[0].text and "Storgatan" not in cards[0].text
    assert task_cards(h, VOLUNTEER) == []  # not offered again to the one who gave it back

    # Sara can take it now; Anna hears about Sara.
    h.request.clear()
    await h.press(VOLUNTEER2, claim_data(cards[0]))
    assert h.last(VOLUNTEER2).text.startswith("Tack! Uppdraget är ditt.")
    assert h.last(RESIDENT).text.startswith("Goda nyheter! Sara hjälper dig med handla")
    no_errors_sent(h)


async def test_give_back_with_skip_stores_no_reason(harness: Harness) -> None:
    h = harness
    await setup_loop(h)
    request_id = await erik_claims(h)
    await h.press(VOLUNTEER, h.last(VOLUNTEER).callback_data()[GIVE_BACK])
    await h.send(VOLUNTEER, "Hoppa över")
    assert h.last(VOLUNTEER).text == "Tack för att du sa till. Nu kan någon annan ta uppdraget."
    assert (await the_request(h)).status == "open"
    async with h.uow() as uow:
        events = await uow.requests.events(request_id)
    assert (events[-1].kind, events[-1].note) == ("given_back", None)


async def test_cancel_while_asked_why_keeps_the_task(harness: Harness) -> None:
    h = harness
    await setup_loop(h)
    await erik_claims(h)
    await h.press(VOLUNTEER, h.last(VOLUNTEER).callback_data()[GIVE_BACK])
    h.request.clear()
    await h.send(VOLUNTEER, "✖️ Avbryt")
    assert h.last(VOLUNTEER).text == "Bra, då ändrar vi ingenting."
    req = await the_request(h)
    assert req.status == "claimed" and req.volunteer_id == (await person(h, VOLUNTEER)).id
    assert h.texts(RESIDENT) == [] and h.texts(VOLUNTEER2) == []
    # Later text is not taken as a reason.
    await h.send(VOLUNTEER, "Jag kan ändå")
    assert (await the_request(h)).status == "claimed"


async def test_give_back_survives_a_restart(harness: Harness, settings: Any) -> None:
    """The volunteer pressed «Lämna tillbaka», the bot restarted, then the reason came."""
    h = harness
    await setup_loop(h)
    request_id = await erik_claims(h)
    await h.press(VOLUNTEER, h.last(VOLUNTEER).callback_data()[GIVE_BACK])
    await h.app.stop()

    request = RecordingRequest()
    app = build_application(settings, request=request)
    app.bot_data.clock = lambda: NOW
    async with app:
        await app.start()
        restarted = Harness(app, request)
        restarted.updates = h.updates
        await restarted.send(VOLUNTEER, "Bilen gick sönder")
        assert restarted.last(VOLUNTEER).text == (
            "Tack för att du sa till. Nu kan någon annan ta uppdraget."
        )
        await app.stop()
    await app.bot_data.engine.dispose()
    await h.app.start()  # for the fixture's teardown
    async with h.uow() as uow:
        events = await uow.requests.events(request_id)
    assert events[-1].note == "Bilen gick sönder"


# --- The resident cancels -------------------------------------------------------------------


async def open_my_request(h: Harness) -> Any:
    """Anna opens «Mina förfrågningar»; returns the message with the request's buttons."""
    h.request.clear()
    await h.send(RESIDENT, "/mina")
    lines = [c for c in h.request.sent(RESIDENT) if c.callback_data()]
    # Last, under the list: «⚠️ Något kändes fel» (tests/test_safety_reports.py).
    assert lines.pop().callback_data() == {"⚠️ Något kändes fel": "sr:new"}
    assert len(lines) == 1
    assert lines[0].buttons() == ["🔎 Visa", "✖️ Avboka"]
    return lines[0]


async def test_resident_cancels_a_taken_request_and_the_volunteer_is_told(
    harness: Harness,
) -> None:
    h = harness
    await setup_loop(h)
    request_id = await erik_claims(h)
    line = await open_my_request(h)

    await h.press(RESIDENT, line.callback_data()["✖️ Avboka"])
    confirm = h.last(RESIDENT)
    assert confirm.text == f"Vill du avboka handla, {WHEN}?"
    assert confirm.buttons() == ["Ja, avboka", "Nej, behåll den"]

    h.request.clear()
    await h.press(RESIDENT, confirm.callback_data()["Ja, avboka"])
    edits = h.request.sent(RESIDENT, "editMessageText")
    assert [e.text for e in edits] == ["Förfrågan är avbokad."]
    assert h.texts(VOLUNTEER) == [
        f"Anna har avbokat handla, {WHEN}. Du behöver inte gå. Tack ändå!"
    ]
    assert h.texts(VOLUNTEER2) == []
    req = await the_request(h)
    assert (req.id, req.status) == (request_id, "cancelled")

    # Erik's old buttons no longer do anything.
    h.request.clear()
    await h.press(VOLUNTEER, f"task:done:{request_id}")
    assert len(h.alerts()) == 1
    assert h.alerts()[0].startswith("Den knappen fungerar inte längre")
    assert h.texts(RESIDENT) == []
    # Pressing «Ja, avboka» again changes nothing.
    await h.press(RESIDENT, confirm.callback_data()["Ja, avboka"])
    assert h.texts(VOLUNTEER) == []
    no_errors_sent(h)


async def test_resident_cancels_an_open_request_and_the_task_messages_are_updated(
    harness: Harness,
) -> None:
    h = harness
    await setup_loop(h)
    offers = {uid: h.last(uid) for uid in (VOLUNTEER, VOLUNTEER2)}
    line = await open_my_request(h)
    await h.press(RESIDENT, line.callback_data()["✖️ Avboka"])
    yes = h.last(RESIDENT).callback_data()["Ja, avboka"]
    h.request.clear()
    await h.press(RESIDENT, yes)
    assert (await the_request(h)).status == "cancelled"
    for uid in (VOLUNTEER, VOLUNTEER2):
        edits = h.request.sent(uid, "editMessageText")
        assert len(edits) == 1
        assert edits[0].text == f"Handla, {WHEN}: den här förfrågan är inte längre öppen."
        assert not edits[0].callback_data()  # no «Jag tar det» left
        assert h.texts(uid) == []  # updated, not a new message

    # An old «Jag tar det» on a cancelled request: kindly refused, nothing sent.
    h.request.clear()
    await h.press(VOLUNTEER, claim_data(offers[VOLUNTEER]))
    assert len(h.alerts()) == 1 and h.alerts()[0] in swedish(), h.alerts()
    assert ERROR not in h.alerts()[0]
    assert h.texts(VOLUNTEER) == [] and h.texts(RESIDENT) == []
    assert (await the_request(h)).status == "cancelled"


async def test_resident_keeps_the_request(harness: Harness) -> None:
    h = harness
    await setup_loop(h)
    await erik_claims(h)
    line = await open_my_request(h)
    await h.press(RESIDENT, line.callback_data()["✖️ Avboka"])
    no = h.last(RESIDENT).callback_data()["Nej, behåll den"]
    h.request.clear()
    await h.press(RESIDENT, no)
    assert [e.text for e in h.request.sent(RESIDENT, "editMessageText")] == [
        "Bra, då ändrar vi ingenting."
    ]
    assert (await the_request(h)).status == "claimed"
    assert h.texts(VOLUNTEER) == []


# --- Done and the follow-up ------------------------------------------------------------------


async def test_done_then_follow_up_score_changes_and_long_comment_is_refused(
    harness: Harness,
) -> None:
    h = harness
    await setup_loop(h)
    request_id = await erik_claims(h)
    done = h.last(VOLUNTEER).callback_data()[DONE]
    async with h.uow() as uow:  # «Klart» is on the message with Anna's address
        (address,) = (
            await uow.session.execute(
                select(TaskPost.message_id).where(TaskPost.kind == "address")
            )
        ).scalars()
    h.request.clear()
    await h.press(VOLUNTEER, done, message_id=address)
    assert [e.text for e in h.request.sent(VOLUNTEER, "editMessageText")] == [
        "Tack för din hjälp! 💛"
    ]
    assert h.last(VOLUNTEER).text == "Hur gick det? Tryck på en."
    told = h.last(RESIDENT)
    assert told.text == (
        "Erik har markerat hjälpen med handla som klar.\n\nHur gick det? Tryck på en."
    )
    assert told.buttons() == ["😊", "😐", "☹️", "⚠️ Något kändes fel"]
    assert told.callback_data() == {
        "😊": f"fu:good:{request_id}",
        "😐": f"fu:ok:{request_id}",
        "☹️": f"fu:bad:{request_id}",
        "⚠️ Något kändes fel": f"sr:new:{request_id}",
    }
    assert (await the_request(h)).status == "done"

    h.request.clear()
    await h.press(RESIDENT, told.callback_data()["😊"])
    assert h.alerts() == ["Tack för ditt svar! 🌼"]
    assert h.last(RESIDENT).text.startswith("Tack! Vill du säga något mer?")
    # Pressing again (an old message) changes the answer, it does not add one.
    await h.press(RESIDENT, told.callback_data()["☹️"])

    h.request.clear()
    await h.send(RESIDENT, "x" * 4000)
    refusal = h.texts(RESIDENT)
    assert refusal[0] == "Det var en lång text. Kan du göra den kortare, högst 1000 tecken?"
    assert h.last(RESIDENT).text.startswith("Tack! Vill du säga något mer?")  # asked again
    assert ERROR not in " ".join(refusal)

    await h.send(RESIDENT, "Han kom lite sent")
    assert h.last(RESIDENT).text == "Tack för ditt svar! 🌼"
    assert "🙋 Be om hjälp" in h.last(RESIDENT).buttons()

    async with h.uow() as uow:
        rows = (await uow.session.execute(select(FollowUp))).scalars().all()
    assert [(r.role, r.score, r.comment) for r in rows] == [
        ("resident", "bad", "Han kom lite sent")
    ]

    # The volunteer answers too; two answers in all.
    await h.press(VOLUNTEER, f"fu:good:{request_id}")
    await h.send(VOLUNTEER, "Hoppa över")
    async with h.uow() as uow:
        rows = (await uow.session.execute(select(FollowUp).order_by(FollowUp.id))).scalars().all()
    assert [(r.role, r.score) for r in rows] == [("resident", "bad"), ("volunteer", "good")]


async def test_done_twice_is_harmless(harness: Harness) -> None:
    h = harness
    await setup_loop(h)
    request_id = await erik_claims(h)
    await h.press(VOLUNTEER, f"task:done:{request_id}")
    h.request.clear()
    await h.press(VOLUNTEER, f"task:done:{request_id}")
    assert len(h.alerts()) == 1
    assert h.alerts()[0].startswith("Den knappen fungerar inte längre")
    assert h.texts(RESIDENT) == []


# --- A volunteer who blocked the bot -------------------------------------------------------


async def test_volunteer_who_blocked_the_bot_is_marked_unreachable_and_skipped(
    harness: Harness, caplog: Any
) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)
    h.request.blocked.add(VOLUNTEER2)
    caplog.set_level(logging.INFO)

    h.request.clear()
    await ask_for_shopping(h)
    assert h.last(RESIDENT).text.startswith("Tack! Nu är din förfrågan skickad.")
    assert len(task_cards(h, VOLUNTEER)) == 1
    assert (await person(h, VOLUNTEER2)).unreachable is True
    assert (await person(h, VOLUNTEER)).unreachable is False
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    # The next request is not even tried on Sara.
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    h.request.clear()
    await ask_for_shopping(h, details="Kaffe")
    assert h.request.sent(VOLUNTEER2) == []
    cards = task_cards(h, VOLUNTEER)
    assert len(cards) == 1 and "Kaffe" not in cards[0].text
    no_errors_sent(h)


async def test_volunteer_who_blocked_the_bot_after_taking_a_task(
    harness: Harness, caplog: Any
) -> None:
    """Erik took the task, then blocked the bot; Anna cancels. Nothing crashes."""
    h = harness
    await setup_loop(h)
    await erik_claims(h)
    h.request.blocked.add(VOLUNTEER)
    line = await open_my_request(h)
    await h.press(RESIDENT, line.callback_data()["✖️ Avboka"])
    await h.press(RESIDENT, h.last(RESIDENT).callback_data()["Ja, avboka"])
    assert [e.text for e in h.request.sent(RESIDENT, "editMessageText")][-1] == (
        "Förfrågan är avbokad."
    )
    assert (await person(h, VOLUNTEER)).unreachable is True
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    no_errors_sent(h)


async def test_only_volunteer_blocked_the_bot_so_a_coordinator_is_told(harness: Harness) -> None:
    """Nobody received the task: the coordinator must hear of it, or Anna waits forever."""
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    h.request.blocked.add(VOLUNTEER)
    h.request.clear()
    await ask_for_shopping(h)
    assert (await person(h, VOLUNTEER)).unreachable is True
    alerts = [
        t for t in h.texts(COORDINATOR) if t.startswith("Ingen volontär ger den här hjälpen")
    ]
    assert alerts, "the coordinator was not told that nobody got the task"
    assert not h.last(RESIDENT).text.startswith("Tack! Nu är din förfrågan skickad.")


async def test_volunteer_who_unblocks_and_writes_start_gets_tasks_again(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)
    h.request.blocked.add(VOLUNTEER2)
    await ask_for_shopping(h)
    assert (await person(h, VOLUNTEER2)).unreachable is True

    # Sara unblocks the bot; Telegram sends /start when she presses «Restart».
    h.request.blocked.discard(VOLUNTEER2)
    await h.send(VOLUNTEER2, "/start")
    h.request.clear()
    await ask_for_shopping(h, details="Kaffe")
    assert len(task_cards(h, VOLUNTEER2)) == 1, "Sara is back but gets no tasks"


# --- A coordinator turns a volunteer down ----------------------------------------------------


async def test_declined_volunteer_is_told_kindly_and_gets_no_tasks(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Olle", approve=False)
    olle = await person(h, VOLUNTEER)

    h.request.clear()
    await h.send(COORDINATOR, "/vantande")
    card = h.last(COORDINATOR)
    assert card.text.startswith("Olle\nOmråden: Centrum\nKan hjälpa till med: Handla")
    assert card.buttons() == ["✅ Kontrollerad – godkänn", "Tacka nej"]
    assert card.callback_data()["Tacka nej"] == f"vet:no:{olle.id}"

    h.request.clear()
    await h.press(COORDINATOR, f"vet:no:{olle.id}")
    assert [e.text for e in h.request.sent(COORDINATOR, "editMessageText")] == [
        "Olle har fått nej. Hen har fått ett vänligt besked."
    ]
    assert h.texts(VOLUNTEER) == [
        "Tack för att du vill hjälpa till, Olle. Just nu kan vi tyvärr inte ta emot dig som "
        "volontär. Hör gärna av dig till samordnaren om du har frågor."
    ]
    async with h.uow() as uow:
        profile = await uow.session.get(VolunteerProfile, olle.id)
        coordinator = await uow.people.by_telegram_id(COORDINATOR)
    assert (profile.vetting, profile.vetted_by_id) == ("declined", coordinator.id)

    # A second press (another coordinator, an old message) does not turn it into a yes.
    h.request.clear()
    await h.press(COORDINATOR, f"vet:ok:{olle.id}")
    assert h.alerts() == ["Den här volontären är redan hanterad."]
    assert h.texts(VOLUNTEER) == []

    await resident(h)
    h.request.clear()
    await ask_for_shopping(h)
    assert h.request.sent(VOLUNTEER) == []
    assert h.last(RESIDENT).text.startswith("Tack! Din förfrågan är sparad.")
    await h.send(COORDINATOR, "/vantande")
    assert h.last(COORDINATOR).text == "Inga volontärer väntar på att bli godkända."


# --- The volunteers' group chat --------------------------------------------------------------


async def test_tasks_in_the_group_chat_and_the_address_only_in_private(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Olle", approve=False)
    await resident(h)

    # Someone else cannot link the group; the coordinator can.
    await h.feed(h.updates.message(VOLUNTEER, "/koppla", chat_id=GROUP))
    assert h.last(GROUP).text == "Tyvärr, det kan du inte göra."
    await h.feed(h.updates.message(COORDINATOR, "/koppla", chat_id=GROUP))
    assert h.last(GROUP).text == "Nu är gruppen kopplad. Nya uppdrag kommer att visas här."
    await h.send(COORDINATOR, "/koppla")
    assert h.last(COORDINATOR).text == "Skriv det här kommandot i volontärernas gruppchatt."

    h.request.clear()
    await ask_for_shopping(h)
    posts = task_cards(h, GROUP)
    assert len(posts) == 1
    post = posts[0]
    assert post.text == f"Ny förfrågan i Centrum\n\nVad: Handla\nNär: {WHEN}"
    assert post.buttons() == ["🙋 Jag tar det"]
    async with h.uow() as uow:
        (message_id,) = (
            (
                await uow.session.execute(
                    select(TaskPost.message_id).where(TaskPost.chat_id == GROUP)
                )
            )
            .scalars()
            .all()
        )

    # Olle (not approved yet) presses in the group: refused kindly, nothing personal shown.
    await h.press(VOLUNTEER2, claim_data(post), chat_id=GROUP, message_id=message_id)
    assert h.alerts()[-1] == "Du kan ta uppdrag när en samordnare har godkänt dig."
    assert (await the_request(h)).status == "open"

    # Erik takes it from the group.
    await h.press(VOLUNTEER, claim_data(post), chat_id=GROUP, message_id=message_id)
    private = h.last(VOLUNTEER)
    assert private.text.startswith("Tack! Uppdraget är ditt.")
    assert "Adress: Storgatan 5" in private.text and "Telefon: 070-123 45 67" in private.text
    assert "Mer: Mjölk och bröd" in private.text  # Anna's own words, with the address
    # The group sees a toast that only Erik reads, and says nothing of Anna.
    assert h.alerts()[-1] == (
        "Uppdraget är ditt. Jag har skickat adressen till dig i vår egen chatt."
    )
    assert h.last(RESIDENT).text.startswith("Goda nyheter! Erik hjälper dig med handla")
    group_edits = h.request.sent(GROUP, "editMessageText")
    assert [e.text for e in group_edits] == [f"Handla, {WHEN}: Erik har tagit det här. Tack!"]
    assert int(group_edits[0].params["message_id"]) == message_id
    assert not group_edits[0].callback_data()  # the button is gone from the group

    # Nothing that went to the group carries Anna's name, address or phone.
    to_group = [c for c in h.request.calls if c.chat_id == GROUP]
    assert to_group
    for call in to_group:
        for secret in ("Storgatan", "070-123", "070", "Anna", "Mjölk"):
            assert secret not in call.text, (call.method, call.text)
    for alert in h.alerts():
        assert "Storgatan" not in alert and "070" not in alert and "Mjölk" not in alert
    # And only Erik ever got the address.
    for call in h.request.calls:
        if "Storgatan" in call.text or "070-123" in call.text:
            assert call.chat_id == VOLUNTEER, call
    no_errors_sent(h)


async def test_unlinked_group_gets_no_more_tasks(harness: Harness) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    await h.feed(h.updates.message(COORDINATOR, "/koppla", chat_id=GROUP))
    await h.feed(h.updates.message(COORDINATOR, "/avkoppla", chat_id=GROUP))
    assert h.last(GROUP).text == "Gruppen är inte längre kopplad."
    h.request.clear()
    await ask_for_shopping(h)
    assert h.request.sent(GROUP) == []
    assert len(task_cards(h, VOLUNTEER)) == 1


async def test_a_double_tap_on_take_it_is_not_someone_else_being_faster(harness):
    from tests.helpers import (
        ask_for_shopping,
        claim_data,
        coordinator_with_area,
        resident,
        volunteer,
    )

    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, 200, "Erik")
    await resident(h)
    await ask_for_shopping(h)
    offer = h.last(200)
    await h.press(200, claim_data(offer))
    await h.press(200, claim_data(offer))
    assert h.alerts()[-1] == "Det här uppdraget är redan ditt. 💛"
    assert "Någon hann före" not in " ".join(h.alerts())
