"""Broadcasts: the coordinator's conversation, who gets what, and who may not send."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.jobs import send_broadcasts
from bot.services import broadcasts
from bot.services.broadcasts import Audience
from storage.models import (
    Area,
    Delivery,
    Person,
    Role,
    VolunteerArea,
    VolunteerProfile,
)
from storage.place_models import Activity, Place, SignUp
from tests.conftest import NOW
from tests.helpers import COORDINATOR, RESIDENT, VOLUNTEER, coordinator_with_area, resident

ASK_AUDIENCE = "Vem ska få utskicket? Välj nedan."
ASK_SWEDISH = "Skriv meddelandet på svenska. Högst 2\xa0000 tecken."
ASK_ENGLISH = (
    "Skriv samma meddelande på engelska, om du vill. "
    "Hoppar du över det får de som läser engelska den svenska texten."
)
USE_BUTTONS = "Välj med knapparna under frågan."
GONE = "Det valet finns inte längre. Välj igen, tack."
OLD_BUTTON = "Den knappen fungerar inte längre. Använd gärna knapparna under den senaste frågan."


async def add_person(
    h: Any,
    tg: int | None,
    *roles: str,
    locale: str | None = "sv",
    area_id: int | None = None,
    unreachable: bool = False,
    vetting: str = "approved",
    covers: Iterable[int] = (),
    onboarded: bool = True,
) -> int:
    """A person straight into the database; returns the id."""
    async with h.uow() as uow:
        person = Person(
            telegram_id=tg,
            first_name=f"P{tg}",
            locale=locale,
            area_id=area_id,
            unreachable=unreachable,
            onboarded_at=NOW if onboarded else None,
            created_at=NOW,
        )
        uow.session.add(person)
        await uow.session.flush()
        uow.session.add_all(Role(person_id=person.id, role=r) for r in roles)
        if "volunteer" in roles:
            uow.session.add(VolunteerProfile(person_id=person.id, vetting=vetting, created_at=NOW))
            uow.session.add_all(VolunteerArea(person_id=person.id, area_id=a) for a in covers)
        return int(person.id)


async def add_area(h: Any, name: str) -> int:
    async with h.uow() as uow:
        area = Area(name=name, created_at=NOW)
        uow.session.add(area)
        await uow.session.flush()
        return int(area.id)


async def add_activity(h: Any, title: str, going: dict[int, tuple[int, str]]) -> int:
    """An activity; ``going`` maps person id to (days from now, sign-up status)."""
    async with h.uow() as uow:
        place = Place(key=f"p-{title}", name="Biblioteket")
        uow.session.add(place)
        await uow.session.flush()
        activity = Activity(
            key=f"a-{title}", place_id=place.id, title=title, category="fika", starts_at=NOW
        )
        uow.session.add(activity)
        await uow.session.flush()
        for person_id, (days, status) in going.items():
            at = NOW + timedelta(days=days)
            uow.session.add(
                SignUp(
                    activity_id=activity.id,
                    occurs_at=at,
                    person_id=person_id,
                    status=status,
                    created_at=NOW,
                )
            )
        return int(activity.id)


async def deliveries(h: Any) -> dict[int, Delivery]:
    async with h.uow() as uow:
        rows = (await uow.session.execute(select(Delivery))).scalars().all()
        return {int(r.chat_id): r for r in rows}


async def recipients(h: Any, audience: Audience) -> set[int]:
    """The chats a broadcast to this audience is written for."""
    async with h.uow() as uow:
        await uow.session.execute(Delivery.__table__.delete())
        created = await broadcasts.create(uow, COORDINATOR, audience, "Hej", None, NOW, "sv")
    rows = await deliveries(h)
    assert created.total == len(rows)
    return set(rows)


async def test_the_conversation_in_swedish_with_bad_input_at_each_step(harness: Any) -> None:
    h = harness
    await coordinator_with_area(h, "Centrum", "Norr")
    await resident(h)
    h.request.clear()

    await h.send(COORDINATOR, "📣 Skicka utskick")
    intro, question = h.request.sent(COORDINATOR)
    assert intro.text.startswith("📣 Utskick till många.")
    assert intro.buttons() == ["⬅️ Tillbaka", "✖️ Avbryt"]
    assert question.text == ASK_AUDIENCE
    assert question.buttons() == [
        "👵 Alla boende",
        "🤝 Alla volontärer",
        "🏘 Ett område",
        "🗣 Ett språk",
        "☕ De som är anmälda till en aktivitet",
    ]
    # Typed words, a sticker, a forged kind and a button of a later step: the same question.
    await h.send(COORDINATOR, "alla")
    assert h.texts(COORDINATOR)[-2:] == [USE_BUTTONS, ASK_AUDIENCE]
    await h.feed(h.updates.sticker(COORDINATOR))
    assert h.texts(COORDINATOR)[-2:] == [USE_BUTTONS, ASK_AUDIENCE]
    await h.press(COORDINATOR, "bc:aud:everybody")
    assert h.alerts()[-1] == GONE and h.texts(COORDINATOR)[-1] == ASK_AUDIENCE
    await h.press(COORDINATOR, "bc:send")
    assert h.alerts()[-1] == OLD_BUTTON and h.texts(COORDINATOR)[-1] == ASK_AUDIENCE

    await h.press(COORDINATOR, "bc:aud:area")
    area_question = h.last(COORDINATOR)
    assert area_question.text.startswith("Vilket område?")
    assert area_question.callback_data() == {"Centrum": "bc:area:1", "Norr": "bc:area:2"}
    await h.press(COORDINATOR, "bc:area:999")
    assert h.alerts()[-1] == GONE and h.texts(COORDINATOR)[-1].startswith("Vilket område?")
    await h.send(COORDINATOR, "⬅️ Tillbaka")
    assert h.texts(COORDINATOR)[-1] == ASK_AUDIENCE
    await h.press(COORDINATOR, "bc:aud:area")
    await h.press(COORDINATOR, "bc:area:1")
    assert h.texts(COORDINATOR)[-1] == ASK_SWEDISH

    await h.feed(h.updates.sticker(COORDINATOR))
    assert h.texts(COORDINATOR)[-2:] == [
        "Jag kan bara läsa text här. Skriv gärna, eller tryck på en av knapparna.",
        ASK_SWEDISH,
    ]
    await h.send(COORDINATOR, "x" * 4000)
    assert h.texts(COORDINATOR)[-1] == ASK_SWEDISH
    assert "högst 2000 tecken" in h.texts(COORDINATOR)[-2]
    await h.send(COORDINATOR, "Hej! Fika i Centrum på fredag.")
    assert h.texts(COORDINATOR)[-1] == ASK_ENGLISH
    assert h.last(COORDINATOR).buttons() == ["Hoppa över", "⬅️ Tillbaka", "✖️ Avbryt"]

    # Back keeps what was written: the question shows it and offers to keep it.
    await h.send(COORDINATOR, "⬅️ Tillbaka")
    again = h.last(COORDINATOR)
    assert again.text == ASK_SWEDISH + "\n\nNu står det:\nHej! Fika i Centrum på fredag."
    assert again.buttons() == ["👍 Behåll texten", "⬅️ Tillbaka", "✖️ Avbryt"]
    await h.send(COORDINATOR, "👍 Behåll texten")
    await h.send(COORDINATOR, "Hi! Coffee in Centrum on Friday.")
    preview, reach = h.request.sent(COORDINATOR)[-2:]
    assert preview.text == (
        "Så här blir utskicket till alla i Centrum:\n\n"
        "På svenska:\nHej! Fika i Centrum på fredag.\n\n"
        "På engelska:\nHi! Coffee in Centrum on Friday."
    )
    assert preview.buttons() == ["✏️ Ändra texten", "⬅️ Tillbaka", "✖️ Avbryt"]
    assert reach.text == "Det går till 1 person."
    assert reach.callback_data() == {"✅ Skicka": "bc:send"}
    await h.send(COORDINATOR, "skicka nu")
    assert h.texts(COORDINATOR)[-2].startswith("Så här blir utskicket")

    h.request.clear()
    await h.press(COORDINATOR, "bc:send")
    assert h.texts(COORDINATOR) == [
        "Skickat till 0 av 1 …",
        "Utskicket är på väg. Du kan göra annat under tiden.",
    ]
    assert h.texts(RESIDENT) == []  # the outbox job sends it
    await send_broadcasts.deliver(h.app, lambda: False)
    assert h.texts(RESIDENT) == ["📣 Meddelande från Hjälpsam\n\nHej! Fika i Centrum på fredag."]
    summary = h.request.sent(COORDINATOR, "editMessageText")[-1]
    assert summary.text == "Klart! 1 fick meddelandet."
    async with h.uow() as uow:
        audit = [e for e in await uow.audit.entries() if e.action == "broadcast"]
    assert [(e.actor_telegram_id, e.allowed, e.target) for e in audit] == [
        (COORDINATOR, True, "broadcast:1 area:1")
    ]


async def test_cancel_and_a_second_send_press_send_nothing(harness: Any) -> None:
    h = harness
    await coordinator_with_area(h)
    await resident(h)
    await h.send(COORDINATOR, "/utskick")
    await h.press(COORDINATOR, "bc:aud:residents")
    await h.send(COORDINATOR, "Hej")
    await h.send(COORDINATOR, "✖️ Avbryt")
    assert h.texts(COORDINATOR)[-1] == "Okej, jag har avbrutit. Nu är du tillbaka i menyn."
    await h.press(COORDINATOR, "bc:send")
    assert h.alerts()[-1] == "Den knappen fungerar inte längre. Här är menyn."
    assert await deliveries(h) == {}


async def test_residents_and_volunteers_cannot_broadcast_and_are_audited(harness: Any) -> None:
    h = harness
    await coordinator_with_area(h)
    await resident(h)
    await add_person(h, VOLUNTEER, "volunteer", covers=[1])
    h.request.clear()
    for who in (RESIDENT, VOLUNTEER):
        await h.send(who, "/utskick")
        assert h.texts(who)[-1] == "Vad vill du göra? Välj här nedanför."
        await h.send(who, "📣 Skicka utskick")
        for data in ("bc:aud:residents", "bc:send", "bc:area:1", "bc:page:2"):
            await h.press(who, data)
            assert h.alerts()[-1] == "Tyvärr, det kan du inte göra."
    assert await deliveries(h) == {}
    async with h.uow() as uow:
        refused = [
            (e.actor_telegram_id, e.target)
            for e in await uow.audit.entries()
            if e.action == "broadcast"
        ]
    assert all(who in (RESIDENT, VOLUNTEER) for who, _ in refused)
    assert len(refused) == 2 * 6  # /utskick, the label and four buttons each
    assert sum(1 for _, target in refused if target == "button") == 8


async def test_the_exact_recipients_of_every_audience(harness: Any) -> None:
    h = harness
    await add_person(h, COORDINATOR, "coordinator")
    north, south = await add_area(h, "Norr"), await add_area(h, "Söder")
    anna = await add_person(h, 1, "resident", area_id=north)
    await add_person(h, 2, "resident", area_id=south, locale="en")
    await add_person(h, 3, "resident", area_id=north, locale=None)
    await add_person(h, 4, "resident", area_id=north, unreachable=True)  # blocked the bot
    await add_person(h, None, "resident", area_id=north)  # a proxy's resident, no Telegram
    await add_person(h, 5, "resident", area_id=north, onboarded=False)
    await add_person(h, 11, "volunteer", covers=[north, south], locale="en")
    await add_person(h, 12, "volunteer", covers=[south])
    await add_person(h, 13, "volunteer", covers=[north], vetting="pending")
    both = await add_person(h, 14, "volunteer", "resident", area_id=south, covers=[north])
    coffee = await add_activity(
        h,
        "Fika",
        {anna: (3, "confirmed"), both: (10, "confirmed")},
    )
    await add_activity(h, "Sång", {anna: (-2, "confirmed")})  # only a past date
    song = await add_activity(h, "Dans", {both: (2, "cancelled")})

    assert await recipients(h, Audience("residents")) == {1, 2, 3, 14}
    assert await recipients(h, Audience("volunteers")) == {11, 12, 14}
    assert await recipients(h, Audience("area", str(north))) == {1, 3, 11, 14}
    assert await recipients(h, Audience("area", str(south))) == {2, 11, 12, 14}
    assert await recipients(h, Audience("language", "en")) == {2, 11}
    # Everyone who reads it, whatever their role (a volunteer still waiting for vetting
    # too); no locale means the default, Swedish.
    assert await recipients(h, Audience("language", "sv")) == {1, 3, 12, 13, 14, COORDINATOR}
    assert await recipients(h, Audience("activity", str(coffee))) == {1, 14}
    assert await recipients(h, Audience("activity", str(song))) == set()
    async with h.uow() as uow:
        page = await broadcasts.activity_page(uow, COORDINATOR, 0, NOW)
    assert [(a.title, a.going) for a in page.items] == [("Fika", 2)]


async def test_each_person_gets_their_own_language(harness: Any) -> None:
    h = harness
    await add_person(h, COORDINATOR, "coordinator")
    await add_person(h, 1, "resident", locale="sv")
    await add_person(h, 2, "resident", locale="en")
    await add_person(h, 3, "resident", locale=None)
    async with h.uow() as uow:
        await broadcasts.create(
            uow, COORDINATOR, Audience("residents"), "Hej!", "Hello!", NOW, "sv"
        )
        await broadcasts.create(
            uow, COORDINATOR, Audience("residents"), "Bara svenska", None, NOW, "sv"
        )
    await send_broadcasts.deliver(h.app, lambda: False)
    assert h.texts(1) == [
        "📣 Meddelande från Hjälpsam\n\nHej!",
        "📣 Meddelande från Hjälpsam\n\nBara svenska",
    ]
    assert h.texts(2) == [
        "📣 A message from Hjälpsam\n\nHello!",
        "📣 A message from Hjälpsam\n\nBara svenska",
    ]
    assert h.texts(3) == h.texts(1)
    rows = await deliveries(h)
    assert {r.status for r in rows.values()} == {"sent"}
