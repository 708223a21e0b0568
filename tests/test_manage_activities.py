"""Coordinators add, change and cancel activities in chat; everyone who was going is told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.services import signups
from storage.models import AuditEntry, HelpRequest, RequestEvent
from storage.place_models import Activity, ActivityException, Reminder, SignUp
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    coordinator_with_area,
    resident,
    volunteer,
)
from tests.test_manage_places import NOT_ALLOWED, PLEASE_TEXT, new_place

NAV = ["⬅️ Tillbaka", "✖️ Avbryt"]
NOT_UNDERSTOOD = (
    "Förlåt, det förstod jag inte. Tryck på en knapp här nedanför, eller skriv ditt svar."
)
ASK_TITLE = "Vad heter aktiviteten? Till exempel «Fika och samtal»."
ASK_KIND = "Vad är det för slags aktivitet?"
ASK_WHEN = (
    "När är det första gången? Skriv dag och klockslag, till exempel «tisdag 1 december kl 14»."
)
ASK_SEATS = "Hur många platser finns det? Skriv en siffra, till exempel 12."
ASK_COST = "Vad kostar det? Tryck på «Gratis», eller skriv priset i kronor, till exempel 40."
DEC1 = datetime(2026, 12, 1, 14, 0, tzinfo=TZ)
DEC8 = datetime(2026, 12, 8, 14, 0, tzinfo=TZ)
CARD = (
    "☕ Fika och samtal\nPlats: Träffpunkt Centrum\nSlag: Fika och samtal\n"
    "När: varje tisdag kl. 14.00–16.00\n"
    "Kommande datum: tisdag 1 december, tisdag 8 december, tisdag 15 december\n"
    "Platser: {taken} av 12 tagna nästa gång\nKostnad: 40 kr"
)
CARD_BUTTONS = [
    "✏️ Ändra",
    "🚫 Ställ in ett datum",
    "🚫 Ställ in hela aktiviteten",
    "⬅️ Tillbaka",
]


async def add_activity(h) -> None:
    await h.press(COORDINATOR, "pa:newact:1")
    for answer in (
        "Fika och samtal",
        "☕ Fika och samtal",
        "tisdag 1 december kl 14",
        "✅ Ja",
        "Varje vecka",
        "2 timmar",
        "📝 Anmälan",
        "12",
        "40 kr",
        "✅ Spara",
    ):
        await h.send(COORDINATOR, answer)


async def test_a_coordinator_adds_an_activity_step_by_step(harness):
    h = harness
    await coordinator_with_area(h)
    await new_place(h)
    await h.press(COORDINATOR, "pa:newact:1")
    assert h.last(COORDINATOR).text == ASK_TITLE
    assert h.last(COORDINATOR).buttons() == NAV
    await h.feed(h.updates.sticker(COORDINATOR))
    assert h.texts(COORDINATOR)[-2:] == [PLEASE_TEXT, ASK_TITLE]
    await h.send(COORDINATOR, "Fika och samtal")
    assert h.last(COORDINATOR).text == ASK_KIND
    assert h.last(COORDINATOR).buttons() == [
        "☕ Fika och samtal", "🤸 Motion", "🎭 Kultur", "📚 Studiecirkel", "💻 Digitalt",
        "🎵 Sång och musik", "🍲 Mat", *NAV,
    ]  # fmt: skip
    await h.send(COORDINATOR, "Bowling")
    assert h.texts(COORDINATOR)[-2:] == [NOT_UNDERSTOOD, ASK_KIND]
    await h.send(COORDINATOR, "⬅️ Tillbaka")
    assert h.last(COORDINATOR).text == ASK_TITLE
    await h.send(COORDINATOR, "Fika och samtal")
    await h.send(COORDINATOR, "fika och samtal")
    assert h.last(COORDINATOR).text == ASK_WHEN
    await h.send(COORDINATOR, "när det passar")
    assert h.texts(COORDINATOR)[-2] == (
        "Jag förstod inte riktigt. Skriv dag och klockslag, "
        "till exempel «tisdag 1 december kl 14»."
    )
    await h.send(COORDINATOR, "tisdag 1 december")
    assert h.texts(COORDINATOR)[-2] == (
        "Skriv också klockslaget, till exempel «tisdag 1 december kl 14»."
    )
    await h.send(COORDINATOR, "tisdag 1 december kl 14")
    assert h.last(COORDINATOR).text == "Jag uppfattade: tisdag 1 december kl. 14.00. Stämmer det?"
    assert h.last(COORDINATOR).buttons() == ["✅ Ja", "✏️ Nej, jag skriver igen", *NAV]
    await h.send(COORDINATOR, "✅ Ja")
    assert h.last(COORDINATOR).text == "Hur ofta blir det?"
    assert h.last(COORDINATOR).buttons() == [
        "Bara en gång", "Varje vecka", "Varannan vecka", "Varje månad", *NAV
    ]  # fmt: skip
    await h.send(COORDINATOR, "Varje vecka")
    assert h.last(COORDINATOR).text == "Hur länge håller det på?"
    assert h.last(COORDINATOR).buttons() == [
        "1 timme", "1,5 timme", "2 timmar", "3 timmar", *NAV
    ]  # fmt: skip
    await h.send(COORDINATOR, "2 timmar")
    assert h.last(COORDINATOR).text == "Kan man bara komma, eller behöver man anmäla sig?"
    assert h.last(COORDINATOR).buttons() == ["🚪 Bara komma", "📝 Anmälan", *NAV]
    await h.send(COORDINATOR, "📝 Anmälan")
    assert h.last(COORDINATOR).text == ASK_SEATS
    await h.send(COORDINATOR, "många")
    assert h.texts(COORDINATOR)[-2:] == [
        "Skriv antalet platser som en siffra från 1 till 10000, till exempel 12.",
        ASK_SEATS,
    ]
    await h.send(COORDINATOR, "12")
    assert h.last(COORDINATOR).text == ASK_COST
    assert h.last(COORDINATOR).buttons() == ["Gratis", *NAV]
    await h.send(COORDINATOR, "x" * 4000)
    assert h.texts(COORDINATOR)[-2:] == [
        "Det var en lång text. Kan du göra den kortare, högst 40 tecken?",
        ASK_COST,
    ]
    await h.send(COORDINATOR, "40 kr")
    assert h.last(COORDINATOR).text == (
        "Så här blir aktiviteten:\n\n☕ Fika och samtal\nPlats: Träffpunkt Centrum\n"
        "Slag: Fika och samtal\nNär: varje tisdag kl. 14.00–16.00\nPlatser: 12\n"
        "Kostnad: 40 kr\n\nSka jag spara den?"
    )
    assert h.last(COORDINATOR).buttons() == ["✅ Spara", *NAV]
    await h.send(COORDINATOR, "✅ Spara")
    assert h.texts(COORDINATOR)[-2:] == [
        "Klart! «Fika och samtal» är sparad.",
        CARD.format(taken=0),
    ]
    assert h.last(COORDINATOR).buttons() == CARD_BUTTONS
    async with h.uow() as uow:
        activity = (await uow.session.execute(select(Activity))).scalar_one()
    assert activity.key.startswith("chat-")
    assert (activity.rrule, activity.duration_minutes, activity.capacity, activity.cost_sek) == (
        "FREQ=WEEKLY;BYDAY=TU",
        120,
        12,
        40,
    )
    assert activity.starts_at == DEC1 and activity.signup_required is True
    await h.press(COORDINATOR, "pa:place:1")
    assert h.last(COORDINATOR).buttons() == [
        "☕ Fika och samtal", "✏️ Ändra", "➕ Ny aktivitet", "⬅️ Tillbaka"
    ]  # fmt: skip


async def test_change_one_field_of_an_activity(harness):
    h = harness
    await coordinator_with_area(h)
    await new_place(h)
    await add_activity(h)
    await h.press(COORDINATOR, "pa:editact:1")
    assert h.last(COORDINATOR).text == "Vad vill du ändra i «Fika och samtal»?"
    assert h.last(COORDINATOR).buttons() == [
        "Titel", "Beskrivning", "Kategori", "Tid", "Upprepning", "Längd", "Platser",
        "Kostnad", "⬅️ Tillbaka",
    ]  # fmt: skip
    await h.press(COORDINATOR, "pa:afield:1:7")
    await h.send(COORDINATOR, "Gratis")
    assert h.texts(COORDINATOR)[-2] == "Klart, nu är det ändrat."
    assert h.last(COORDINATOR).text.endswith("Kostnad: Gratis")
    await h.press(COORDINATOR, "pa:afield:1:4")
    await h.send(COORDINATOR, "Varannan vecka")
    assert "När: varannan tisdag kl. 14.00–16.00" in h.last(COORDINATOR).text
    await h.press(COORDINATOR, "pa:afield:1:6")
    await h.send(COORDINATOR, "🚪 Bara komma")
    assert "Ingen anmälan – man kommer när man vill" in h.last(COORDINATOR).text
    async with h.uow() as uow:
        activity = await uow.session.get(Activity, 1)
    assert (activity.cost_sek, activity.rrule, activity.signup_required, activity.capacity) == (
        None,
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        False,
        None,
    )


async def _scene(h) -> int:
    """Place, weekly activity, Anna signed up for 1 December with company Erik holds."""
    await coordinator_with_area(h)
    await volunteer(h, VOLUNTEER, "Erik", skills=("escort",))
    await resident(h)
    await new_place(h)
    await add_activity(h)
    async with h.uow() as uow:
        await signups.sign_up(uow, RESIDENT, 1, DEC1, NOW, TZ)
        await signups.sign_up(uow, RESIDENT, 1, DEC8, NOW, TZ)
        seat = (await uow.session.execute(select(SignUp).order_by(SignUp.id))).scalars().first()
        erik = await uow.people.by_telegram_id(VOLUNTEER)
        anna = await uow.people.by_telegram_id(RESIDENT)
        req = HelpRequest(
            resident_id=anna.id,
            created_by_id=anna.id,
            area_id=1,
            category="escort",
            when_at=DEC1,
            when_precision="exact",
            status="claimed",
            volunteer_id=erik.id,
            created_at=NOW,
            signup_id=seat.id,
        )
        uow.session.add(req)
        await uow.session.flush()
        return req.id


async def test_cancel_one_date_tells_everyone_going(harness):
    h = harness
    request_id = await _scene(h)
    await h.press(COORDINATOR, "pa:date:1")
    pick = h.last(COORDINATOR)
    assert pick.text == "Vilket datum vill du ställa in?"
    assert pick.buttons()[:2] == ["tisdag 1 december kl. 14.00", "tisdag 8 december kl. 14.00"]
    assert len(pick.buttons()) == 7
    await h.press(COORDINATOR, pick.callback_data()["tisdag 1 december kl. 14.00"])
    confirm = h.last(COORDINATOR)
    assert confirm.text == (
        "Ställa in «Fika och samtal» tisdag 1 december kl. 14.00?\n"
        "1 person är anmäld. Hen får ett meddelande direkt."
    )
    assert confirm.buttons() == ["Ja, ställ in", "Nej"]
    await h.press(COORDINATOR, confirm.callback_data()["Ja, ställ in"])
    assert h.texts(COORDINATOR)[-2] == (
        "Klart. «Fika och samtal» tisdag 1 december kl. 14.00 är inställd.\n"
        "Jag har berättat det för 1 person som var anmäld.\n"
        "1 förfrågan om sällskap är också avbokad."
    )
    assert "Kommande datum: tisdag 8 december, tisdag 15 december" in h.last(COORDINATOR).text
    assert h.last(RESIDENT).text == (
        "Tyvärr är «Fika och samtal» på Träffpunkt Centrum tisdag 1 december kl. 14.00 "
        "inställd. Du behöver inte gå dit.\n"
        "Jag har också tagit bort din förfrågan om sällskap."
    )
    assert h.last(VOLUNTEER).text == (
        "Mötet som Anna skulle gå till är inställt, så skjuts och följeslagare, "
        "tisdag 1 december kl. 14.00 blir inte av. Du behöver inte åka. Tack ändå!"
    )
    async with h.uow() as uow:
        seats = (await uow.session.execute(select(SignUp).order_by(SignUp.id))).scalars().all()
        req = await uow.session.get(HelpRequest, request_id)
        events = (await uow.session.execute(select(RequestEvent.kind))).scalars().all()
        exceptions = (await uow.session.execute(select(ActivityException))).scalars().all()
        unsent = (
            await uow.session.execute(
                select(Reminder).where(
                    Reminder.signup_id == seats[0].id,
                    Reminder.sent_at.is_(None),
                    Reminder.dropped_at.is_(None),
                )
            )
        ).all()
    assert [s.status for s in seats] == ["cancelled", "confirmed"]
    assert req.status == "cancelled" and "cancelled" in events
    assert [e.occurs_at for e in exceptions] == [DEC1]
    assert unsent == []
    # The date is gone: pressing its old button again is kindly refused.
    await h.press(COORDINATOR, confirm.callback_data()["Ja, ställ in"])
    assert h.alerts()[-1] == "Den knappen fungerar inte längre. Här är menyn."


async def test_cancel_the_whole_activity(harness):
    h = harness
    await _scene(h)
    await h.press(COORDINATOR, "pa:call:1")
    assert h.last(COORDINATOR).text == (
        "Ställa in hela «Fika och samtal»? Inga fler datum visas då.\n"
        "1 person är anmäld. Hen får ett meddelande direkt."
    )
    await h.press(COORDINATOR, "pa:no:1")
    assert h.texts(COORDINATOR)[-2] == "Bra, då ändrar vi ingenting."
    await h.press(COORDINATOR, "pa:yes:1")
    assert h.texts(COORDINATOR)[-2].startswith("Klart. «Fika och samtal» är inställd.")
    assert h.last(COORDINATOR).text.endswith("🚫 Den här aktiviteten är inställd.")
    assert h.last(COORDINATOR).buttons() == ["⬅️ Tillbaka"]
    assert h.last(RESIDENT).text.startswith(
        "Tyvärr är «Fika och samtal» på Träffpunkt Centrum inställd. Du var anmäld till "
        "tisdag 1 december kl. 14.00, tisdag 8 december kl. 14.00."
    )
    async with h.uow() as uow:
        activity = await uow.session.get(Activity, 1)
        statuses = (await uow.session.execute(select(SignUp.status))).scalars().all()
    assert activity.cancelled is True and set(statuses) == {"cancelled"}


async def test_residents_and_volunteers_cannot_use_the_buttons(harness):
    h = harness
    await _scene(h)
    for who in (RESIDENT, VOLUNTEER):
        for data in ("pa:act:1", "pa:newact:1", "pa:afield:1:0", "pa:call:1", "pa:yes:1"):
            await h.press(who, data)
            assert h.alerts()[-1] == NOT_ALLOWED
    async with h.uow() as uow:
        activity = await uow.session.get(Activity, 1)
        refused = (
            (await uow.session.execute(select(AuditEntry).where(AuditEntry.allowed.is_(False))))
            .scalars()
            .all()
        )
    assert activity.cancelled is False
    assert len(refused) == 10


async def test_a_forged_button_mid_step_keeps_the_question(harness):
    h = harness
    await coordinator_with_area(h)
    await new_place(h)
    await h.press(COORDINATOR, "pa:newact:1")
    await h.send(COORDINATOR, "Sittgympa")
    await h.press(COORDINATOR, "pa:act:77")
    assert h.alerts()[-1] == "Den knappen fungerar inte längre. Här är menyn."
    await h.send(COORDINATOR, "🤸 Motion")
    assert h.last(COORDINATOR).text == ASK_WHEN
    await h.send(COORDINATOR, "igår kl 10")
    assert h.texts(COORDINATOR)[-2] == "Den tiden har redan varit. Välj en tid framåt."
