"""Seeds every table through the real flows, for the erasure scan (tests/test_erasure_scan.py).

Gunborg (a resident), Signhild (a resident without Telegram, entered by coordinator Karin) and
Sixten (a volunteer) are erased later; Anna (a resident) and Ottilia (a volunteer) stay. Each
erased person's identifiers and the free texts by or about them are in ``Person.words``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from bot.services import assignments, broadcasts, safety, signups
from bot.services.broadcasts import Audience
from bot.services.place_import import import_text
from storage.models import HelpRequest, Person, SafetyReport
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    ask_for_shopping,
    coordinator_with_area,
    places_csv,
    resident,
    volunteer,
)

GUNBORG, SIXTEN, OTTILIA = 777_101, 777_201, 777_202
GROUP = -100_777
CAFE = dict(
    place_key="cafe",
    place_name="Träffpunkt Centrum",
    area="Centrum",
    address="Storgatan 12",
    lat="59.35318",
    lon="16.52411",
    activity_key="fika",
    title="Fika och samtal",
    category="fika",
    start="2026-11-24 14:00",
    rrule="FREQ=WEEKLY;BYDAY=TU",
    signup_required="ja",
)
TUESDAY = NOW.replace(day=24, hour=14)


@dataclass
class Erased:
    """Someone to erase: how to find them and every text that must go with them."""

    name: str
    telegram_id: int | None
    words: list[str] = field(default_factory=list)
    id: int = 0


@dataclass
class Seeded:
    gunborg: Erased
    signhild: Erased
    sixten: Erased


async def request_id(h: Any, details: str) -> int:
    async with h.uow() as uow:
        found = select(HelpRequest.id).where(HelpRequest.details == details)
        return int((await uow.session.execute(found)).scalar_one())


async def claim(h: Any, user: int, rid: int) -> None:
    await h.press(user, f"task:claim:{rid}")


async def done_with_comments(h: Any, rid: int, volunteer_tg: int, notes: dict[int, str]) -> None:
    """The volunteer marks it done; each of ``notes`` answers the follow-up with a comment."""
    await h.press(volunteer_tg, f"task:done:{rid}")
    for who, comment in notes.items():
        await h.press(who, f"fu:bad:{rid}")
        await h.send(who, comment)


async def ask_for_signhild(h: Any, details: str) -> None:
    """Karin asks for help for Signhild, who has no Telegram."""
    for step in (
        "📝 Be om hjälp åt någon",
        "Signhild",
        "070-987 65 43",
        "Kvarngatan 3",
        "Centrum",
        "🛒 Handla",
        "imorgon kl 10",
        "✅ Ja",
        details,
        "✅ Skicka",
    ):
        await h.send(COORDINATOR, step)


async def _ids(h: Any, *people: Erased) -> None:
    async with h.uow() as uow:
        for person in people:
            found = select(Person.id).where(Person.first_name == person.name)
            person.id = int((await uow.session.execute(found)).scalar_one())


async def seed(h: Any) -> Seeded:
    """Everyone, through the flows; each table gets rows."""
    await coordinator_with_area(h, "Centrum")
    await h.feed(h.updates.message(COORDINATOR, "/koppla", chat_id=GROUP))
    await volunteer(h, SIXTEN, "Sixten")
    await volunteer(h, OTTILIA, "Ottilia")
    for step in ("/start", "Svenska", "🙋 Jag vill ha hjälp", "Gunborg", "Centrum"):
        await h.send(GUNBORG, step)
    for step in ("Lönnvägen 17", "070-555 12 34", "✅ Ja, det är okej"):
        await h.send(GUNBORG, step)
    await resident(h)  # Anna
    gunborg = Erased("Gunborg", GUNBORG, ["777101", "Gunborg", "070-555 12 34", "Lönnvägen 17"])
    signhild = Erased("Signhild", None, ["Signhild", "070-987 65 43", "Kvarngatan 3"])
    sixten = Erased("Sixten", SIXTEN, ["777201", "Sixten"])
    await _gunborgs_first_request(h, gunborg, sixten)
    await _gunborgs_second_request(h, gunborg)
    await _signhilds_requests(h, signhild)
    await _annas_requests(h, sixten)
    await _ids(h, gunborg, signhild, sixten)
    await _reports(h, gunborg, signhild, sixten)
    await _meeting_place_and_broadcast(h, gunborg)
    # Last, she starts a request and leaves it half-written (a draft, and a flow under way).
    for step in ("🙋 Be om hjälp", "🛒 Handla", "imorgon kl 10", "✅ Ja", "Portkod 9876"):
        await h.send(GUNBORG, step)
    gunborg.words.append("Portkod 9876")
    await h.send(GUNBORG, "/minadata")  # an audit line with her id
    await _sixten_coordinates(h)
    return Seeded(gunborg, signhild, sixten)


async def _sixten_coordinates(h: Any) -> None:
    """Sixten becomes a coordinator too: he links a group and sends to the volunteers."""
    async with h.uow() as uow:
        await uow.people.grant((await uow.people.by_telegram_id(SIXTEN)).id, "coordinator")
    await h.feed(h.updates.message(SIXTEN, "/koppla", chat_id=GROUP - 1))
    async with h.uow() as uow:
        await broadcasts.create(
            uow, SIXTEN, Audience("volunteers"), "Hej volontärer!", None, NOW, "sv", 78
        )


async def _gunborgs_first_request(h: Any, gunborg: Erased, sixten: Erased) -> None:
    """Sixten takes it and gives it back with a reason; Ottilia does it; both comment, and
    Gunborg's chat is down when she is told it is done (the message is queued)."""
    await ask_for_shopping(h, GUNBORG, details="Ring på dörren två gånger")
    rid = await request_id(h, "Ring på dörren två gånger")
    await claim(h, SIXTEN, rid)
    await h.press(SIXTEN, f"task:back:{rid}")
    await h.send(SIXTEN, "Jag hann inte, förlåt")
    await claim(h, OTTILIA, rid)
    h.request.down.add(GUNBORG)
    await h.press(OTTILIA, f"task:done:{rid}")
    h.request.down.discard(GUNBORG)
    for who, comment in ((GUNBORG, "Hon kom i tid och var glad"), (OTTILIA, "Trappan var hal")):
        await h.press(who, f"fu:good:{rid}")
        await h.send(who, comment)
    gunborg.words += ["Ring på dörren två gånger", "Hon kom i tid och var glad", "Trappan var hal"]
    # The reason is Sixten's words, on her request: it goes with either of them.
    gunborg.words.append("Jag hann inte, förlåt")
    sixten.words.append("Jag hann inte, förlåt")


async def _gunborgs_second_request(h: Any, gunborg: Erased) -> None:
    """Karin asks Sixten to take it; Ottilia takes it while her chat is down: the message with
    Gunborg's address waits in the queue (and Ottilia holds the task when Gunborg is erased)."""
    await ask_for_shopping(h, GUNBORG, details="Köp kattmat, portkod 4321")
    rid = await request_id(h, "Köp kattmat, portkod 4321")
    async with h.uow() as uow:
        sixten_id = (await uow.people.by_telegram_id(SIXTEN)).id
        await assignments.assign(uow, COORDINATOR, rid, sixten_id, NOW)
    h.request.down.add(OTTILIA)
    await claim(h, OTTILIA, rid)
    h.request.down.discard(OTTILIA)
    gunborg.words.append("Köp kattmat, portkod 4321")


async def _signhilds_requests(h: Any, signhild: Erased) -> None:
    """One done by Ottilia, commented by both (Karin in Signhild's place); one still open."""
    await ask_for_signhild(h, "Mjölk och kaffe, nyckeln under mattan")
    rid = await request_id(h, "Mjölk och kaffe, nyckeln under mattan")
    await claim(h, OTTILIA, rid)
    await done_with_comments(
        h, rid, OTTILIA, {COORDINATOR: "Signhild var nöjd", OTTILIA: "Katten rymde nästan"}
    )
    await ask_for_signhild(h, "Hämta medicin på apoteket")
    signhild.words += [
        "Mjölk och kaffe, nyckeln under mattan",
        "Signhild var nöjd",
        "Katten rymde nästan",
        "Hämta medicin på apoteket",
    ]


async def _annas_requests(h: Any, sixten: Erased) -> None:
    """Anna's first is done by Sixten, and she comments; her second is open, and Karin asks
    Sixten to take it; Sixten holds her third when he is erased."""
    await ask_for_shopping(h, RESIDENT, details="Bröd och smör")
    rid = await request_id(h, "Bröd och smör")
    await claim(h, SIXTEN, rid)
    await done_with_comments(h, rid, SIXTEN, {RESIDENT: "Han verkade stressad"})
    await ask_for_shopping(h, RESIDENT, details="Ost och kex")
    open_id = await request_id(h, "Ost och kex")
    async with h.uow() as uow:
        sixten_id = (await uow.people.by_telegram_id(SIXTEN)).id
        await assignments.assign(uow, COORDINATOR, open_id, sixten_id, NOW)
    await ask_for_shopping(h, RESIDENT, details="Tidningen")
    await claim(h, SIXTEN, await request_id(h, "Tidningen"))
    sixten.words.append("Han verkade stressad")


async def _reports(h: Any, gunborg: Erased, signhild: Erased, sixten: Erased) -> None:
    """«Något kändes fel»: by Gunborg; by Anna, about Sixten's task; by Sixten, about nothing
    in particular; by Ottilia, about Signhild's task. (The follow-up comments made some too.)"""
    reports = (
        (GUNBORG, "Ring på dörren två gånger", "Gunborg såg något konstigt"),
        (RESIDENT, "Bröd och smör", "Sixten var otrevlig mot mig"),
        (SIXTEN, None, "Sixten oroar sig för en granne"),
        (OTTILIA, "Mjölk och kaffe, nyckeln under mattan", "Signhild verkade förvirrad"),
    )
    for who, details, text in reports:
        rid = await request_id(h, details) if details else None
        async with h.uow() as uow:
            await safety.report(uow, who, rid, text, NOW)
    # Words about a task of his that do not name him as its volunteer (a coordinator's note;
    # no flow writes one yet).
    rid = await request_id(h, "Bröd och smör")
    async with h.uow() as uow:
        karin = await uow.people.by_telegram_id(COORDINATOR)
        uow.session.add(
            SafetyReport(
                kind="report",
                reporter_id=karin.id,
                request_id=rid,
                text="Kvittot fattades",
                created_at=NOW,
                handled_at=NOW,
                handled_by_id=karin.id,
            )
        )
    gunborg.words.append("Gunborg såg något konstigt")
    sixten.words += ["Sixten var otrevlig", "Kvittot fattades", "Sixten oroar sig för en granne"]
    signhild.words.append("Signhild verkade förvirrad")


async def _meeting_place_and_broadcast(h: Any, gunborg: Erased) -> None:
    """Gunborg takes a seat (with reminders) and searches «Nära mig»; Karin sends to all
    residents."""
    report = await import_text(h.uow, places_csv(CAFE), TZ, NOW)
    assert not report.errors
    async with h.uow() as uow:
        await signups.sign_up(uow, GUNBORG, 1, TUESDAY, NOW, TZ)
    await h.send(GUNBORG, "☕ Hitta mötesplats")
    await h.feed(h.updates.location(GUNBORG, 59.3611, 16.5411))
    await h.send(GUNBORG, "✖️ Avbryt")
    gunborg.words += ["59.361", "16.541"]
    async with h.uow() as uow:
        await broadcasts.create(
            uow, COORDINATOR, Audience("residents"), "Hej alla!", None, NOW, "sv", 77
        )
