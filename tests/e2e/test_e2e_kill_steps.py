"""SIGKILL at every step of every conversation, with a standby on the same PostgreSQL database.

Each test drives one conversation (or a few that follow each other) one answer at a time. After
each answer, the active process is killed the moment the next question reaches the person
(killing.py explains the moments); a standby takes over (within 10 s, timed), a fresh standby
starts in the background, and the next answer must get the question of the next step: not the
menu, not an earlier question. At the end, what the person gave before the kills is stored.

The processes and the emulator are kept for the whole module (process start-up is most of the
cost); each test begins with an empty database and a process that has read nothing yet.

The tests at the end kill at the moments that once lost a step: a tick shown, search results
shown, and every conversation's last confirmation (each was a bug, named in its docstring).

PostgreSQL only: on SQLite a second process refuses to start (test_single_instance covers it).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from storage.db import create_engine, create_session_factory
from storage.models import (
    Area,
    Delivery,
    FollowUp,
    HelpRequest,
    Person,
    RequestEvent,
    Role,
    VolunteerArea,
    VolunteerProfile,
    VolunteerSkill,
)
from storage.place_models import Activity, Place
from tests.conftest import PG_URL, _truncate
from tests.e2e.conftest import (
    COORDINATOR,
    RESIDENT,
    STOCKHOLM,
    TOKEN,
    VOLUNTEER,
    _env,
    ask_for_shopping,
    coordinator_with_area,
    resident_signs_up,
    volunteer_signs_up_and_is_approved,
)
from tests.e2e.emulator import BotApiEmulator, Sent
from tests.e2e.killing import HELP_TEXT, Cluster, KillEmulator, spread, starts

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not PG_URL, reason="a standby needs PostgreSQL (set the test database)"),
    pytest.mark.asyncio(loop_scope="module"),
]

NAV = ["⬅️ Tillbaka", "✖️ Avbryt"]
WELCOME = (
    "Hej och välkommen till Hjälpsam! 👋\n"
    "Här kan du få hjälp i vardagen, eller hjälpa någon annan.\n\n"
    "Vilket språk vill du använda?"
)
ASK_ROLE = "Vad vill du göra?"
ASK_NAME = "Vad heter du i förnamn? Skriv det här."
ASK_ADDRESS = (
    "Vilken adress ska volontären komma till?\nSkriv gatan och numret, till exempel Storgatan 5."
)
ASK_DETAILS = (
    "Vill du berätta mer? Till exempel vad som ska handlas, eller vart du ska.\n"
    "Skriv det, eller tryck på «Hoppa över».\n\n"
    "🔒 Volontären som tar uppdraget läser det du skriver, tillsammans med din adress. "
    "Kommunens samordnare kan också se det. Skriv portkod eller något om din hälsa bara om "
    "det behövs."
)
# The same, to a coordinator writing for a resident without Telegram.
ASK_DETAILS_FOR = (
    "Vill du berätta mer? Till exempel vad som ska handlas, eller vart du ska.\n"
    "Skriv det, eller tryck på «Hoppa över».\n\n"
    "🔒 Volontären som tar uppdraget läser det du skriver, tillsammans med adressen. "
    "Kommunens samordnare kan också se det. Skriv portkod eller något om hälsan bara om det "
    "behövs."
)
EMERGENCY = (
    "Tänk på: det här är inte för nödsituationer. Ring 112 om det är fara. "
    "Ring 1177 för råd om vård."
)


# --- The processes -----------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api() -> AsyncIterator[KillEmulator]:
    """One emulator for the module (the processes know its address); reset for each test."""
    emulator = KillEmulator(TOKEN)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bots(
    api: KillEmulator, pg_upgraded: bool, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Cluster]:
    """The processes, kept from test to test: a standby started for one test serves the next."""
    cwd = tmp_path_factory.mktemp("bots")
    cluster = Cluster(api, cwd, _env(PG_URL, api.base_url), PG_URL)
    await empty_database()
    try:
        await cluster.start()
        yield cluster
        print(f"\nall tests: {cluster.summary()}")
    finally:
        await cluster.close()


async def empty_database() -> None:
    """Truncate every table while the active process runs its jobs (it may lock the tables in
    another order, a deadlock PostgreSQL breaks by failing one side: then try again)."""
    for attempt in range(5):
        try:
            await _truncate(PG_URL)
            return
        except DBAPIError as error:
            if "deadlock" not in str(error) or attempt == 4:
                raise


@pytest_asyncio.fixture(loop_scope="module", autouse=True)
async def fresh(
    request: pytest.FixtureRequest, bots: Cluster, api: KillEmulator
) -> AsyncIterator[None]:
    """An empty database, and an active process that has read nothing of the last test."""
    await empty_database()
    api.reset()
    await bots.fresh()
    request.node.bot_processes = bots.recent  # their logs go in the report of a failure
    before = len(bots.takeovers)
    yield
    # Whatever the last step left unsaved is written now, before the next test empties it all.
    with contextlib.suppress(AssertionError):
        await bots.settled()
    mine = sorted(bots.takeovers[before:])
    if mine:
        print(f"\n{request.node.name}: {len(mine)} takeovers, polling after {spread(mine)}")


async def stored(query: Any) -> list[Any]:
    """Rows from the database the bots use."""
    engine = create_engine(PG_URL)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.execute(query)).all())
    finally:
        await engine.dispose()


# --- Time as the bot reads it back ---------------------------------------------------------


def _days() -> list[date]:
    """Tomorrow in Stockholm (or today, if midnight passes during the test)."""
    today = datetime.now(STOCKHOLM).date()
    return [today + timedelta(days=1), today]


def read_back(clock: str) -> Callable[[Sent], bool]:
    """«Jag uppfattade: <tomorrow> kl. <clock>. Stämmer det?» with the right buttons."""
    days = [format_date(d, "EEEE d MMMM", locale="sv") for d in _days()]

    def check(message: Sent) -> bool:
        found = re.fullmatch(r"Jag uppfattade: (.+) kl\. (.+)\. Stämmer det\?", message.text)
        return (
            found is not None
            and found.group(1) in days
            and found.group(2) == clock
            and message.buttons() == ["✅ Ja", "✏️ Nej, jag skriver igen", *NAV]
        )

    return check


def tomorrow_at(hour: int) -> list[datetime]:
    """That hour tomorrow in Stockholm (or today)."""
    return [datetime(d.year, d.month, d.day, hour, tzinfo=STOCKHOLM) for d in _days()]


def question(text: str, buttons: list[str]) -> Callable[[Sent], bool]:
    """Exactly this text with exactly these buttons."""
    return lambda m: m.text == text and m.buttons() == buttons


# --- Onboarding ------------------------------------------------------------------------------


async def test_a_coordinator_signs_up_and_adds_an_area_through_kills(
    bots: Cluster, api: KillEmulator
) -> None:
    me = COORDINATOR
    await bots.says(me, "/start", question(WELCOME, ["Svenska", "English"]))
    await bots.says(me, "Svenska", question(ASK_NAME, NAV))
    ready = await bots.says(
        me,
        "Karin",
        "Välkommen, Karin! Du är samordnare. Din meny finns här nedanför.\n\n"
        "Det finns inga områden än. Tryck på «Lägg till område» för att lägga till det första.",
    )
    assert "➕ Lägg till område" in ready.buttons()
    await bots.says(me, "➕ Lägg till område", question("Vad heter det nya området?", NAV))
    added = await bots.says(me, "Centrum", "Området Centrum är tillagt.", kill=None)
    assert "🧾 Volontärer som väntar" in added.buttons()

    people = await stored(select(Person.first_name, Person.locale, Role.role).join(Role))
    assert people == [("Karin", "sv", "coordinator")]
    assert await stored(select(Area.name)) == [("Centrum",)]


async def test_a_resident_signs_up_through_kills(bots: Cluster, api: KillEmulator) -> None:
    me = RESIDENT
    await coordinator_with_area(api)
    await bots.says(me, "/start", question(WELCOME, ["Svenska", "English"]))
    await bots.says(
        me,
        "Svenska",
        question(ASK_ROLE, ["🙋 Jag vill ha hjälp", "🤝 Jag vill hjälpa till", *NAV]),
    )
    await bots.says(me, "🙋 Jag vill ha hjälp", question(ASK_NAME, NAV))
    await bots.says(
        me, "Anna", question("Tack, Anna! Var bor du? Välj ditt område.", ["Centrum", *NAV])
    )
    await bots.says(me, "Centrum", question(ASK_ADDRESS, NAV))
    await bots.says(
        me,
        "Storgatan 5",
        question(
            "Vill du lämna ett telefonnummer? Då kan volontären ringa dig.\n"
            "Tryck på knappen, skriv numret eller hoppa över.",
            ["📞 Dela mitt nummer", "Hoppa över", *NAV],
        ),
    )
    await bots.says(
        me,
        "070-123 45 67",
        question(
            "En sak till. Den volontär som tar din förfrågan ser ditt namn, din adress och ditt "
            "telefonnummer. Kommunens samordnare kan också se dem, om de behöver hjälpa till "
            "med din förfrågan. Kommunen ansvarar för dina uppgifter. Du kan radera dem när du "
            "vill med /radera.\n\nÄr det okej?",
            ["✅ Ja, det är okej", "📄 Läs mer", "Nej tack", *NAV],
        ),
    )
    ready = await bots.says(
        me,
        "✅ Ja, det är okej",
        "Klart! Välkommen, Anna. 🌼\nTryck på «Be om hjälp» när du behöver något.",
        kill=None,
    )
    assert "🙋 Be om hjälp" in ready.buttons()

    anna = await stored(
        select(Person.first_name, Area.name, Person.address, Person.phone, Person.locale)
        .join(Area, Area.id == Person.area_id)
        .where(Person.telegram_id == RESIDENT),
    )
    assert anna == [("Anna", "Centrum", "Storgatan 5", "070-123 45 67", "sv")]
    roles = await stored(
        select(Role.role, Person.consent_at.is_not(None), Person.onboarded_at.is_not(None))
        .join(Person)
        .where(Person.telegram_id == RESIDENT),
    )
    assert roles == [("resident", True, True)]


async def test_a_volunteer_signs_up_through_kills(bots: Cluster, api: KillEmulator) -> None:
    me = VOLUNTEER
    await coordinator_with_area(api)
    await bots.says(me, "/start", question(WELCOME, ["Svenska", "English"]))
    await bots.says(me, "Svenska", starts(ASK_ROLE))
    await bots.says(me, "🤝 Jag vill hjälpa till", question(ASK_NAME, NAV))
    areas = await bots.says(
        me,
        "Erik",
        question(
            "Tack, Erik! I vilka områden kan du hjälpa till? Tryck på ett eller flera, "
            "och sedan «Klar».",
            ["◻️ Centrum", "✔️ Klar", *NAV],
        ),
    )
    # A tick edits the message; killed once it is saved (the moment it shows: see the xfail).
    await bots.presses(me, areas, "ob:area:1", kill="settled")
    assert areas.buttons()[0] == "✅ Centrum"
    skills = await bots.presses(
        me,
        areas,
        "ob:done",
        starts("Vilken sorts hjälp kan du ge? Tryck på en eller flera, och sedan «Klar»."),
    )
    assert skills is not None and "◻️ Handla" in skills.buttons()
    await bots.presses(me, skills, "ob:skill:shopping", kill="settled")
    assert "✅ Handla" in skills.buttons()
    await bots.presses(
        me,
        skills,
        "ob:done",
        "Tack, Erik! 💛\nEn samordnare går igenom dina uppgifter och godkänner dig. "
        "Sedan får du uppdrag här. Det brukar ta några dagar.",
        kill=None,
    )
    await api.wait_for(COORDINATOR, "En ny volontär väntar på att bli godkänd: Erik.")

    erik = (await stored(select(Person).where(Person.telegram_id == VOLUNTEER)))[0][0]
    assert erik.first_name == "Erik"
    assert await stored(
        select(VolunteerArea.area_id).where(VolunteerArea.person_id == erik.id)
    ) == [(1,)]
    assert await stored(
        select(VolunteerSkill.category).where(VolunteerSkill.person_id == erik.id)
    ) == [("shopping",)]
    assert await stored(
        select(VolunteerProfile.vetting).where(VolunteerProfile.person_id == erik.id),
    ) == [("pending",)]


# --- Help requests ---------------------------------------------------------------------------


def summary(when: str, details: str, name: str | None = None) -> str:
    head = f"Åt {name}, 070-987 65 43, Kvarngatan 3.\n\n" if name else ""
    return (
        f"{head}Så här ser din förfrågan ut:\n\nVad: Handla\nNär: {when}\nMer: {details}\n"
        f"Område: Centrum\n\n{EMERGENCY}\n\nSka jag skicka den?"
    )


async def test_a_resident_asks_for_help_through_kills(bots: Cluster, api: KillEmulator) -> None:
    me = RESIDENT
    await coordinator_with_area(api)
    await volunteer_signs_up_and_is_approved(api)
    await resident_signs_up(api)

    await bots.says(me, "🙋 Be om hjälp", starts("Vad behöver du hjälp med?"))
    await bots.says(
        me,
        "🛒 Handla",
        question(
            "När behöver du hjälpen?\n"
            "Du kan också skriva, till exempel «imorgon kl 10» eller «den 3 december».",
            ["Idag", "Imorgon", "📅 Välj dag", "Ingen brådska", *NAV],
        ),
    )
    told = await bots.says(me, "imorgon kl 10", read_back("10.00"))
    when = told.text.removeprefix("Jag uppfattade: ").removesuffix(". Stämmer det?")
    await bots.says(me, "✅ Ja", question(ASK_DETAILS, ["Hoppa över", *NAV]))
    await bots.says(
        me, "Mjölk och bröd", question(summary(when, "Mjölk och bröd"), ["✅ Skicka", *NAV])
    )
    await bots.says(
        me,
        "✅ Skicka",
        "Tack! Nu är din förfrågan skickad. 🌼\n"
        "Vi letar efter en volontär. Du får ett meddelande här när någon har tagit den.",
        kill=None,
    )
    offer = await api.wait_for(VOLUNTEER, "Ny förfrågan i Centrum")
    assert offer.text == f"Ny förfrågan i Centrum\n\nVad: Handla\nNär: {when}"

    rows = await stored(select(HelpRequest))
    assert len(rows) == 1
    req = rows[0][0]
    assert (req.category, req.details, req.status, req.when_precision) == (
        "shopping",
        "Mjölk och bröd",
        "open",
        "exact",
    )
    assert req.when_at in tomorrow_at(10)


async def test_a_coordinator_asks_for_someone_without_telegram_through_kills(
    bots: Cluster, api: KillEmulator
) -> None:
    me = COORDINATOR
    await coordinator_with_area(api)
    await volunteer_signs_up_and_is_approved(api)

    await bots.says(
        me,
        "📝 Be om hjälp åt någon",
        question(
            "Du ber om hjälp åt någon som inte har Telegram.\n"
            "Vad heter personen i förnamn? Skriv det.",
            NAV,
        ),
    )
    await bots.says(
        me,
        "Astrid",
        question("Vilket telefonnummer har Astrid? Volontären ringer innan hen kommer.", NAV),
    )
    await bots.says(me, "070-987 65 43", question(ASK_ADDRESS, NAV))
    await bots.says(
        me,
        "Kvarngatan 3",
        question("I vilket område bor Astrid? Välj här nedanför.", ["Centrum", *NAV]),
    )
    await bots.says(me, "Centrum", starts("Vad behöver Astrid hjälp med?"))
    await bots.says(
        me,
        "🛒 Handla",
        question(
            "När behöver Astrid hjälpen?\nDu kan också skriva, till exempel «imorgon kl 10» "
            "eller «3 december».",
            ["Idag", "Imorgon", "📅 Välj dag", "Ingen brådska", *NAV],
        ),
    )
    told = await bots.says(me, "imorgon kl 10", read_back("10.00"))
    when = told.text.removeprefix("Jag uppfattade: ").removesuffix(". Stämmer det?")
    await bots.says(me, "✅ Ja", question(ASK_DETAILS_FOR, ["Hoppa över", *NAV]))
    await bots.says(
        me,
        "Mjölk och kaffe",
        question(summary(when, "Mjölk och kaffe", "Astrid"), ["✅ Skicka", *NAV]),
    )
    await bots.says(
        me,
        "✅ Skicka",
        "Tack! Förfrågan åt Astrid är skickad. 🌼\n"
        "Du får meddelandena om den här, i stället för Astrid.",
        kill=None,
    )
    await api.wait_for(VOLUNTEER, "Ny förfrågan i Centrum")

    astrid = await stored(
        select(Person.telegram_id, Person.phone, Person.address, Area.name)
        .join(Area, Area.id == Person.area_id)
        .where(Person.first_name == "Astrid"),
    )
    assert astrid == [(None, "070-987 65 43", "Kvarngatan 3", "Centrum")]
    rows = await stored(select(HelpRequest))
    req = rows[0][0]
    assert (len(rows), req.category, req.details, req.status) == (
        1,
        "shopping",
        "Mjölk och kaffe",
        "open",
    )
    assert req.when_at in tomorrow_at(10)


async def _claim(api: BotApiEmulator, since: int) -> Sent:
    """Erik takes the newest task offered to him after message ``since``; his task message."""
    offer = await api.until(
        lambda: next(
            (m for m in api.messages(VOLUNTEER)[since:] if m.text.startswith("Ny förfrågan")),
            None,
        ),
        15,
        "a task for Erik",
    )
    count = len(api.messages(VOLUNTEER))
    await api.press_label(VOLUNTEER, offer, "🙋 Jag tar det")
    held: Sent = await api.until(
        lambda: next(
            (
                m
                for m in api.messages(VOLUNTEER)[count:]
                if m.text.startswith("Tack! Uppdraget är ditt.")
            ),
            None,
        ),
        15,
        "Erik's task",
    )
    assert held.buttons() == ["✅ Klart", "↩️ Lämna tillbaka"]
    return held


async def _request(api: BotApiEmulator, details: str) -> None:
    await ask_for_shopping(api)
    await api.send(RESIDENT, details)
    await api.wait_for(RESIDENT, "Så här ser din förfrågan ut:")
    await api.send(RESIDENT, "✅ Skicka")
    await api.wait_for(RESIDENT, "Tack! Nu är din förfrågan skickad.")


async def test_give_back_and_follow_up_through_kills(bots: Cluster, api: KillEmulator) -> None:
    await coordinator_with_area(api)
    await volunteer_signs_up_and_is_approved(api)
    await resident_signs_up(api)

    # Erik takes the first request, then gives it back with a reason.
    since = len(api.messages(VOLUNTEER))
    await _request(api, "Mjölk och bröd")
    held = await _claim(api, since)
    await bots.presses(
        VOLUNTEER,
        held,
        held.callback_data()["↩️ Lämna tillbaka"],
        question(
            "Det är helt okej. Vill du säga varför? Det hjälper oss. Skriv några ord, "
            "eller tryck på «Hoppa över».",
            ["Hoppa över", *NAV],
        ),
    )
    given = await bots.says(
        VOLUNTEER,
        "Jag blev sjuk",
        "Tack för att du sa till. Nu kan någon annan ta uppdraget.",
        kill=None,
    )
    assert "📋 Mina uppdrag" in given.buttons()
    await api.wait_for(RESIDENT, "Erik kunde tyvärr inte hjälpa dig med handla ändå.")
    first = (await stored(select(HelpRequest).order_by(HelpRequest.id)))[0][0]
    assert (first.status, first.volunteer_id) == ("open", None)
    events = await stored(
        select(RequestEvent.kind, RequestEvent.note).where(RequestEvent.request_id == first.id),
    )
    assert ("given_back", "Jag blev sjuk") in events

    # Erik takes a second request and marks it done; Anna says how it went.
    since = len(api.messages(VOLUNTEER))
    await _request(api, "Kaffe")
    held = await _claim(api, since)
    count = len(api.messages(RESIDENT))
    await api.press_label(VOLUNTEER, held, "✅ Klart")
    asked = await api.until(
        lambda: next(
            (m for m in api.messages(RESIDENT)[count:] if "Hur gick det?" in m.text), None
        ),
        15,
        "Anna to be asked how it went",
    )
    assert asked.text == (
        "Erik har markerat hjälpen med handla som klar.\n\nHur gick det? Tryck på en."
    )
    await bots.presses(
        RESIDENT,
        asked,
        asked.callback_data()["😊"],
        question(
            "Tack! Vill du säga något mer? Skriv en kort kommentar, eller tryck på «Hoppa över». "
            "Det du skriver läses av de samordnare som ansvarar.",
            ["Hoppa över", *NAV],
        ),
    )
    thanks = await bots.says(RESIDENT, "Han kom i tid", "Tack för ditt svar! 🌼", kill=None)
    assert "🙋 Be om hjälp" in thanks.buttons()
    answers = await stored(select(FollowUp.role, FollowUp.score, FollowUp.comment))
    assert answers == [("resident", "good", "Han kom i tid")]


# --- Meeting places --------------------------------------------------------------------------


async def test_a_place_an_activity_and_finding_it_through_kills(
    bots: Cluster, api: KillEmulator
) -> None:
    me = COORDINATOR
    await coordinator_with_area(api)

    listing = await bots.says(
        me,
        "🗂 Mötesplatser",
        "Det finns inga mötesplatser än. Lägg till den första med «➕ Ny mötesplats».",
        kill=None,
    )
    await bots.presses(
        me, listing, "pa:new", question("Vad heter mötesplatsen? Skriv namnet.", NAV)
    )
    await bots.says(
        me,
        "Träffpunkt Centrum",
        question("Vilket område ligger Träffpunkt Centrum i?", ["Centrum", *NAV]),
    )
    await bots.says(
        me,
        "Centrum",
        question(
            "Vilken adress har den? Skriv den, eller tryck på «🌐 Bara online» om ni ses på "
            "nätet.",
            ["🌐 Bara online", *NAV],
        ),
    )
    await bots.says(
        me,
        "Storgatan 1",
        question(
            "Finns det en länk, till exempel till ett videomöte eller en webbsida? Skriv den, "
            "eller tryck på «Hoppa över» om det inte finns någon.",
            ["Hoppa över", *NAV],
        ),
    )
    saved = await bots.step(
        me,
        lambda: api.send(me, "Hoppa över"),
        "Klart! Träffpunkt Centrum är sparad.",
        question(
            "📍 Träffpunkt Centrum\nOmråde: Centrum\nAdress: Storgatan 1\n"
            "Tillgänglighet: inte angivet\n\nInga aktiviteter än.",
            ["✏️ Ändra", "➕ Ny aktivitet", "⬅️ Tillbaka"],
        ),
    )
    card = saved[-1]

    # A new activity, from the card the killed process sent.
    await bots.presses(
        me,
        card,
        card.callback_data()["➕ Ny aktivitet"],
        question("Vad heter aktiviteten? Till exempel «Fika och samtal».", NAV),
    )
    await bots.says(me, "Fika och samtal", starts("Vad är det för slags aktivitet?"))
    await bots.says(
        me,
        "☕ Fika och samtal",
        question(
            "När är det första gången? Skriv dag och klockslag, till exempel "
            "«tisdag 1 december kl 14».",
            NAV,
        ),
    )
    await bots.says(me, "imorgon kl 14", read_back("14.00"))
    await bots.says(
        me,
        "✅ Ja",
        question(
            "Hur ofta blir det?",
            ["Bara en gång", "Varje vecka", "Varannan vecka", "Varje månad", *NAV],
        ),
    )
    await bots.says(
        me,
        "Varje vecka",
        question(
            "Hur länge håller det på?", ["1 timme", "1,5 timme", "2 timmar", "3 timmar", *NAV]
        ),
    )
    await bots.says(
        me,
        "2 timmar",
        question(
            "Kan man bara komma, eller behöver man anmäla sig?",
            ["🚪 Bara komma", "📝 Anmälan", *NAV],
        ),
    )
    await bots.says(
        me,
        "📝 Anmälan",
        question("Hur många platser finns det? Skriv en siffra, till exempel 12.", NAV),
    )
    await bots.says(
        me,
        "12",
        question(
            "Vad kostar det? Tryck på «Gratis», eller skriv priset i kronor, till exempel 40.",
            ["Gratis", *NAV],
        ),
    )
    weekday = format_date(tomorrow_at(14)[0].date(), "EEEE", locale="sv")
    await bots.says(
        me,
        "40 kr",
        lambda m: (
            m.text
            in [
                "Så här blir aktiviteten:\n\n☕ Fika och samtal\nPlats: Träffpunkt Centrum\n"
                f"Slag: Fika och samtal\nNär: varje {day} kl. 14.00–16.00\nPlatser: 12\n"
                "Kostnad: 40 kr\n\nSka jag spara den?"
                for day in (weekday, format_date(tomorrow_at(14)[1].date(), "EEEE", locale="sv"))
            ]
            and m.buttons() == ["✅ Spara", *NAV]
        ),
    )
    await bots.step(
        me,
        lambda: api.send(me, "✅ Spara"),
        "Klart! «Fika och samtal» är sparad.",
        starts("☕ Fika och samtal\nPlats: Träffpunkt Centrum\n"),
        kill=None,
    )
    activities = await stored(select(Activity, Place.name).join(Place))
    assert len(activities) == 1
    activity, place = activities[0]
    assert place == "Träffpunkt Centrum"
    assert (activity.title, activity.category, activity.duration_minutes) == (
        "Fika och samtal",
        "fika",
        120,
    )
    assert (activity.capacity, activity.cost_sek, activity.signup_required) == (12, 40, True)
    assert activity.rrule.startswith("FREQ=WEEKLY")
    assert activity.starts_at in tomorrow_at(14)

    # A resident finds it.
    await resident_signs_up(api)
    ways = [
        "📍 Nära mig",
        "🏘 I mitt område",
        "📅 Idag",
        "🗓 Den här veckan",
        "🎨 Välj sort",
        "📌 Dit jag ska",
        *NAV,
    ]
    await bots.says(
        RESIDENT,
        "☕ Hitta mötesplats",
        question("Vad vill du hitta? Välj ett sätt här nedanför.", ways),
    )
    await bots.says(RESIDENT, "🎨 Välj sort", starts("Vilken sorts mötesplats vill du hitta?"))
    card_text = starts("☕ Fika och samtal\nTräffpunkt Centrum\nNästa gång: ")
    await bots.step(
        RESIDENT,
        lambda: api.send(RESIDENT, "☕ Fika och samtal"),
        question("Det här hittade jag för «☕ Fika och samtal»:\nJag hittade 1 sak.", ways),
        card_text,
        kill="settled",  # the moment the cards show: see the xfail below
    )
    # Still searching after the kill: another way works at once.
    await bots.step(
        RESIDENT,
        lambda: api.send(RESIDENT, "🏘 I mitt område"),
        question("Det här händer i Centrum:\nJag hittade 1 sak.", ways),
        card_text,
        kill=None,
    )


# --- Broadcasts -------------------------------------------------------------------------------

FIRST = 10_000  # the seeded residents' chat ids: FIRST, FIRST + 1, ...


async def seed_residents(count: int) -> None:
    """``count`` residents of Centrum (area 1) straight into the database."""
    engine = create_engine(PG_URL)
    now = datetime.now(UTC)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            people = [
                Person(
                    telegram_id=FIRST + n,
                    first_name="R",
                    locale="sv",
                    area_id=1,
                    onboarded_at=now,
                    created_at=now,
                )
                for n in range(count)
            ]
            session.add_all(people)
            await session.flush()
            session.add_all(Role(person_id=p.id, role="resident") for p in people)
    finally:
        await engine.dispose()


async def test_a_broadcast_through_kills_reaches_everyone_exactly_once(
    bots: Cluster, api: KillEmulator
) -> None:
    me, count = COORDINATOR, 120
    await coordinator_with_area(api)
    await seed_residents(count)

    _intro, audiences = await bots.step(
        me,
        lambda: api.send(me, "📣 Skicka utskick"),
        question(
            "📣 Utskick till många. Du kan gå tillbaka eller avbryta med knapparna längst ner.",
            NAV,
        ),
        question(
            "Vem ska få utskicket? Välj nedan.",
            [
                "👵 Alla boende",
                "🤝 Alla volontärer",
                "🏘 Ett område",
                "🗣 Ett språk",
                "☕ De som är anmälda till en aktivitet",
            ],
        ),
    )
    areas = await bots.presses(
        me,
        audiences,
        "bc:aud:area",
        question(
            "Vilket område? De boende där och volontärerna som hjälper till där får utskicket.",
            ["Centrum"],
        ),
    )
    assert areas is not None
    await bots.presses(
        me,
        areas,
        "bc:area:1",
        question("Skriv meddelandet på svenska. Högst 2\xa0000 tecken.", NAV),
    )
    await bots.says(
        me,
        "Hej! Fika i Centrum på fredag.",
        question(
            "Skriv samma meddelande på engelska, om du vill. "
            "Hoppar du över det får de som läser engelska den svenska texten.",
            ["Hoppa över", *NAV],
        ),
    )
    _preview, reach = await bots.step(
        me,
        lambda: api.send(me, "Hi! Coffee in Centrum on Friday."),
        question(
            "Så här blir utskicket till alla i Centrum:\n\n"
            "På svenska:\nHej! Fika i Centrum på fredag.\n\n"
            "På engelska:\nHi! Coffee in Centrum on Friday.",
            ["✏️ Ändra texten", *NAV],
        ),
        question(f"Det går till {count} personer.", ["✅ Skicka"]),
    )

    # Hold one message on its way half-way through, and kill the process that sent it.
    held: list[int] = []

    def hold(params: dict[str, Any]) -> bool:
        chat = int(params["chat_id"])
        delivered = sum(1 for c in api.counts if c >= FIRST)
        if held or chat < FIRST or delivered < count // 2:
            return False
        held.append(chat)
        return True

    api.hold = hold
    await bots.standby_ready()  # so the kill follows the hold at once
    progress, _started = await bots.step(
        me,
        lambda: api.press(me, reach, "bc:send"),
        f"Skickat till 0 av {count} …",
        "Utskicket är på väg. Du kan göra annat under tiden.",
        kill=None,
    )
    await api.until(lambda: api.held, 60, "the broadcast to be half-way")
    await bots.kill_active()
    api.release()  # the held message was never delivered
    await api.until(
        lambda: progress.text == f"Klart! {count} fick meddelandet.", 60, "the summary"
    )
    copies = {chat: api.counts[chat] for chat in range(FIRST, FIRST + count)}
    twice = {chat: n for chat, n in copies.items() if n != 1}
    if twice:  # what the outbox recorded, to tell a resend from a row sent twice
        rows = await stored(
            select(
                Delivery.chat_id, Delivery.status, Delivery.attempts, Delivery.message_id
            ).where(Delivery.chat_id.in_(list(twice)))
        )
        sends = [(m.chat_id, m.message_id) for m in api.sent if m.chat_id in twice]
        order = [m.chat_id for m in api.sent if m.chat_id >= FIRST]
        at = [order.index(chat) for chat in twice]
        pytest.fail(f"copies {twice} (first at {at}); held {held}; rows {rows}; sent {sends}")
    assert api.counts[held[0]] == 1
    texts = {m.text for m in api.sent if m.chat_id >= FIRST}
    assert texts == {"📣 Meddelande från Hjälpsam\n\nHej! Fika i Centrum på fredag."}
    rows = await stored(select(Delivery.status))
    assert sorted(rows) == [("sent",)] * count


# --- Killed the moment an answer shows that no step saved ------------------------------------


# Was a bug, fixed: a tick (onboarding.toggled) changes user_data without a checkpoint, and
# lifecycle.save_state does not write the current update's user_data (PTB marks it only after the
# last handler): killed as the tick shows, the standby has lost it
async def test_a_tick_shown_survives_a_kill(bots: Cluster, api: KillEmulator) -> None:
    await coordinator_with_area(api)
    me = VOLUNTEER
    for words, reply in (
        ("/start", "Hej och välkommen"),
        ("Svenska", "Vad vill du göra?"),
        ("🤝 Jag vill hjälpa till", ASK_NAME),
    ):
        await api.send(me, words)
        await api.wait_for(me, reply)
    areas = await bots.says(me, "Erik", starts("Tack, Erik! I vilka områden"), kill="settled")
    await bots.presses(me, areas, "ob:area:1", kill="shown")
    assert areas.buttons()[0] == "✅ Centrum"
    # The person sees «✅ Centrum» and presses «Klar»: the next question, or an alert.
    count, calls = len(api.messages(me)), len(api.calls)
    await api.press(me, areas, "ob:done")
    await api.until(
        lambda: (
            len(api.messages(me)) > count
            or any(m == "answerCallbackQuery" and p.get("text") for m, p in api.calls[calls:])
        ),
        30,
        "an answer to «Klar»",
    )
    alerts = [
        p["text"] for m, p in api.calls[calls:] if m == "answerCallbackQuery" and p.get("text")
    ]
    assert not alerts, alerts  # «Välj minst en.»
    assert api.messages(me)[count].text.startswith("Vilken sorts hjälp kan du ge?")


# Was a bug, fixed: find_place.show_results records the step (checkpoint WAY) only after the
# cards are sent: killed while they arrive, the search is still at «Välj sort», and the next way
# pressed gets «Förlåt, det förstod jag inte» and the kinds again
async def test_search_results_shown_survive_a_kill(bots: Cluster, api: KillEmulator) -> None:
    await coordinator_with_area(api)
    await add_place_with_activity(api)
    await resident_signs_up(api)
    me = RESIDENT
    await api.send(me, "☕ Hitta mötesplats")
    await api.wait_for(me, "Vad vill du hitta?")
    await api.send(me, "🎨 Välj sort")
    await api.wait_for(me, "Vilken sorts mötesplats vill du hitta?")
    card = starts("☕ Fika och samtal\nTräffpunkt Centrum\n")
    await bots.step(
        me, lambda: api.send(me, "☕ Fika och samtal"), starts("Det här hittade jag"), card
    )
    await bots.step(
        me, lambda: api.send(me, "🏘 I mitt område"), starts("Det här händer i Centrum"), card
    )


async def talk(api: BotApiEmulator, user: int, *turns: tuple[str, str]) -> Sent:
    """Quick turns without kills: (what the person writes, a fragment of the answer)."""
    answer: Sent | None = None
    for words, reply in turns:
        await api.send(user, words)
        answer = await api.wait_for(user, reply)
    assert answer is not None
    return answer


async def add_place_with_activity(api: BotApiEmulator, save: bool = True) -> None:
    """The coordinator adds Träffpunkt Centrum with a weekly fika from tomorrow at 14 (and
    leaves it unsaved, at the summary, unless ``save``)."""
    listing = await talk(api, COORDINATOR, ("🗂 Mötesplatser", "Det finns inga mötesplatser"))
    await api.press(COORDINATOR, listing, "pa:new")
    await api.wait_for(COORDINATOR, "Vad heter mötesplatsen?")
    await talk(
        api,
        COORDINATOR,
        ("Träffpunkt Centrum", "Vilket område"),
        ("Centrum", "Vilken adress"),
        ("Storgatan 1", "Finns det en länk"),
        ("Hoppa över", "Klart! Träffpunkt Centrum är sparad."),
    )
    card = await api.wait_for(COORDINATOR, "📍 Träffpunkt Centrum")
    await api.press_label(COORDINATOR, card, "➕ Ny aktivitet")
    await api.wait_for(COORDINATOR, "Vad heter aktiviteten?")
    await talk(api, COORDINATOR, *(ACTIVITY_TURNS if save else ACTIVITY_TURNS[:-1]))


ACTIVITY_TURNS = (
    ("Fika och samtal", "Vad är det för slags aktivitet?"),
    ("☕ Fika och samtal", "När är det första gången?"),
    ("imorgon kl 14", "Jag uppfattade:"),
    ("✅ Ja", "Hur ofta blir det?"),
    ("Varje vecka", "Hur länge håller det på?"),
    ("2 timmar", "Kan man bara komma"),
    ("📝 Anmälan", "Hur många platser"),
    ("12", "Vad kostar det?"),
    ("40 kr", "Så här blir aktiviteten:"),
    ("✅ Spara", "Klart! «Fika och samtal» är sparad."),
)


# --- Killed the moment the last answer is confirmed ------------------------------------------
# Each case talks its way (without kills) to the last question and returns who answers it,
# how, and the messages that confirm it. The process is killed the moment the confirmation
# shows; the conversation must be over then: «❓ Hjälp» gets the help text, nothing else.

Last = tuple[int, Callable[[], Any], tuple[Any, ...]]


async def last_of_coordinator_sign_up(api: BotApiEmulator) -> Last:
    await talk(api, COORDINATOR, ("/start", "Hej och välkommen"), ("Svenska", ASK_NAME))
    return COORDINATOR, lambda: api.send(COORDINATOR, "Karin"), (starts("Välkommen, Karin!"),)


async def last_of_add_area(api: BotApiEmulator) -> Last:
    await coordinator_with_area(api)
    await talk(api, COORDINATOR, ("➕ Lägg till område", "Vad heter det nya området?"))
    return COORDINATOR, lambda: api.send(COORDINATOR, "Norr"), ("Området Norr är tillagt.",)


async def last_of_resident_sign_up(api: BotApiEmulator) -> Last:
    await coordinator_with_area(api)
    await talk(
        api,
        RESIDENT,
        ("/start", "Hej och välkommen"),
        ("Svenska", ASK_ROLE),
        ("🙋 Jag vill ha hjälp", ASK_NAME),
        ("Anna", "Var bor du?"),
        ("Centrum", "Vilken adress"),
        ("Storgatan 5", "Vill du lämna ett telefonnummer?"),
        ("Hoppa över", "Är det okej?"),
    )
    act = lambda: api.send(RESIDENT, "✅ Ja, det är okej")  # noqa: E731
    return RESIDENT, act, (starts("Klart! Välkommen, Anna."),)


async def last_of_volunteer_sign_up(api: BotApiEmulator) -> Last:
    await coordinator_with_area(api)
    areas = await talk(
        api,
        VOLUNTEER,
        ("/start", "Hej och välkommen"),
        ("Svenska", ASK_ROLE),
        ("🤝 Jag vill hjälpa till", ASK_NAME),
        ("Erik", "I vilka områden"),
    )
    await api.press(VOLUNTEER, areas, "ob:area:1")
    await api.until(lambda: "✅ Centrum" in areas.buttons(), 15, "the area to be ticked")
    await api.press(VOLUNTEER, areas, "ob:done")
    skills = await api.wait_for(VOLUNTEER, "Vilken sorts hjälp kan du ge?")
    await api.press(VOLUNTEER, skills, "ob:skill:shopping")
    await api.until(lambda: "✅ Handla" in skills.buttons(), 15, "the skill to be ticked")
    act = lambda: api.press(VOLUNTEER, skills, "ob:done")  # noqa: E731
    return VOLUNTEER, act, (starts("Tack, Erik! 💛"),)


async def last_of_request(api: BotApiEmulator) -> Last:
    await coordinator_with_area(api)
    await resident_signs_up(api)
    await ask_for_shopping(api)
    await talk(api, RESIDENT, ("Mjölk och bröd", "Så här ser din förfrågan ut:"))
    return RESIDENT, lambda: api.send(RESIDENT, "✅ Skicka"), (starts("Tack! "),)


async def last_of_proxy_request(api: BotApiEmulator) -> Last:
    await coordinator_with_area(api)
    await talk(
        api,
        COORDINATOR,
        ("📝 Be om hjälp åt någon", "Vad heter personen"),
        ("Astrid", "Vilket telefonnummer"),
        ("070-987 65 43", "Vilken adress"),
        ("Kvarngatan 3", "I vilket område"),
        ("Centrum", "Vad behöver Astrid hjälp med?"),
        ("🛒 Handla", "När behöver Astrid"),
        ("Ingen brådska", "Vill du berätta mer?"),
        ("Hoppa över", "Så här ser din förfrågan ut:"),
    )
    act = lambda: api.send(COORDINATOR, "✅ Skicka")  # noqa: E731
    return COORDINATOR, act, (starts("Tack! Förfrågan åt Astrid"),)


async def _claimed(api: BotApiEmulator) -> Sent:
    await coordinator_with_area(api)
    await volunteer_signs_up_and_is_approved(api)
    await resident_signs_up(api)
    since = len(api.messages(VOLUNTEER))
    await _request(api, "Mjölk och bröd")
    return await _claim(api, since)


async def last_of_give_back(api: BotApiEmulator) -> Last:
    held = await _claimed(api)
    await api.press_label(VOLUNTEER, held, "↩️ Lämna tillbaka")
    await api.wait_for(VOLUNTEER, "Vill du säga varför?")
    act = lambda: api.send(VOLUNTEER, "Jag blev sjuk")  # noqa: E731
    return VOLUNTEER, act, ("Tack för att du sa till. Nu kan någon annan ta uppdraget.",)


async def last_of_follow_up(api: BotApiEmulator) -> Last:
    held = await _claimed(api)
    await api.press_label(VOLUNTEER, held, "✅ Klart")
    asked = await api.wait_for(RESIDENT, "Hur gick det?")
    await api.press_label(RESIDENT, asked, "😊")
    await api.wait_for(RESIDENT, "Vill du säga något mer?")
    act = lambda: api.send(RESIDENT, "Han kom i tid")  # noqa: E731
    return RESIDENT, act, ("Tack för ditt svar! 🌼",)


async def last_of_new_place(api: BotApiEmulator) -> Last:
    await coordinator_with_area(api)
    listing = await talk(api, COORDINATOR, ("🗂 Mötesplatser", "Det finns inga mötesplatser"))
    await api.press(COORDINATOR, listing, "pa:new")
    await api.wait_for(COORDINATOR, "Vad heter mötesplatsen?")
    await talk(
        api,
        COORDINATOR,
        ("Träffpunkt Centrum", "Vilket område"),
        ("Centrum", "Vilken adress"),
        ("Storgatan 1", "Finns det en länk"),
    )
    act = lambda: api.send(COORDINATOR, "Hoppa över")  # noqa: E731
    return COORDINATOR, act, ("Klart! Träffpunkt Centrum är sparad.", starts("📍 Träffpunkt"))


async def last_of_new_activity(api: BotApiEmulator) -> Last:
    await coordinator_with_area(api)
    await add_place_with_activity(api, save=False)
    act = lambda: api.send(COORDINATOR, "✅ Spara")  # noqa: E731
    return COORDINATOR, act, ("Klart! «Fika och samtal» är sparad.", starts("☕ Fika och"))


async def last_of_broadcast(api: BotApiEmulator) -> Last:
    await coordinator_with_area(api)
    await seed_residents(3)
    await api.send(COORDINATOR, "📣 Skicka utskick")
    audiences = await api.wait_for(COORDINATOR, "Vem ska få utskicket?")
    await api.press(COORDINATOR, audiences, "bc:aud:residents")
    await api.wait_for(COORDINATOR, "Skriv meddelandet på svenska.")
    await talk(
        api,
        COORDINATOR,
        ("Hej! Fika på fredag.", "Skriv samma meddelande på engelska"),
        ("Hoppa över", "Så här blir utskicket"),
    )
    reach = await api.wait_for(COORDINATOR, "Det går till 3 personer.")
    act = lambda: api.press(COORDINATOR, reach, "bc:send")  # noqa: E731
    return COORDINATOR, act, ("Skickat till 0 av 3 …", starts("Utskicket är på väg."))


LASTS: dict[str, Callable[[BotApiEmulator], Any]] = {
    "coordinator sign-up": last_of_coordinator_sign_up,
    "add area": last_of_add_area,
    "resident sign-up": last_of_resident_sign_up,
    "volunteer sign-up": last_of_volunteer_sign_up,
    "request": last_of_request,
    "proxy request": last_of_proxy_request,
    "give back": last_of_give_back,
    "follow-up": last_of_follow_up,
    "new place": last_of_new_place,
    "new activity": last_of_new_activity,
    "broadcast": last_of_broadcast,
}
# What «❓ Hjälp» got instead of the help text before the fix (seen on PostgreSQL).
STILL_ASKING = {
    "coordinator sign-up": "it is taken as the first name: «Välkommen, ❓ Hjälp! Du är "
    "samordnare.»",
    "add area": "it is taken as a name: «Området ❓ Hjälp är tillagt.»",
    "resident sign-up": "«Förlåt, det förstod jag inte» and the consent question again",
    "volunteer sign-up": "«Förlåt, det förstod jag inte» and the kinds of help again (and "
    "the coordinators, told after the confirmation, never hear of the new volunteer)",
    "request": "«Förlåt, det förstod jag inte» and the summary of a new, empty draft "
    "(«Vad: Annat», «När: ingen brådska») with «✅ Skicka»",
    "proxy request": "«Förlåt, det förstod jag inte» and Astrid's summary with «✅ Skicka» again",
    "give back": "it is taken as the reason: «Den knappen fungerar inte längre. Här är menyn.» "
    "(and the resident, told after the confirmation, never hears the task was given back)",
    "follow-up": "it is taken as the comment, in place of the one given: «Tack för ditt svar! 🌼»",
    "new place": "it is taken as the link: «Det ser inte ut som en länk» and the question again",
    "new activity": "«Förlåt, det förstod jag inte» and the summary with «✅ Spara» again",
    "broadcast": "«Förlåt, det förstod jag inte» and the preview with «✅ Skicka» again, for a "
    "broadcast already on its way",
}


def _still_asking(conversation: str) -> Any:
    """Was a bug, fixed (common.finish): the end of a conversation was recorded only after its
    last handler returned, and the confirmation went out before; killed as it showed, the
    standby still had the conversation at its last question, and «❓ Hjälp» then did what
    STILL_ASKING says."""
    return pytest.param(conversation, id=conversation.replace(" ", "-"))


@pytest.mark.parametrize("conversation", [_still_asking(name) for name in LASTS])
async def test_killed_as_the_last_answer_is_confirmed_the_conversation_is_over(
    bots: Cluster, api: KillEmulator, conversation: str
) -> None:
    user, act, confirmed = await LASTS[conversation](api)
    await bots.step(user, act, *confirmed, kill="shown")
    await bots.says(user, "❓ Hjälp", starts(HELP_TEXT), kill=None)
