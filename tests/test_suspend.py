"""A volunteer can be stopped at once, in chat or from the command line, and let back in.

Lena (the Red Cross's coordinator) stops Erik while he holds Anna's task: the task opens
again and is offered to Olle, Anna is told calmly, Erik is told kindly without the reason, his
old «Jag tar det» gets him nothing, and the reason is kept for coordinators only. In Swedish.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select

from bot.services import organisations, people
from storage.models import AuditEntry, VolunteerProfile
from tests.conftest import NOW
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    coordinator_with_area,
    resident,
    volunteer,
)
from tests.test_cli import _run

STOPPED = "Hej Erik. Du kan inte ta uppdrag i Hjälpsam just nu. En samordnare hör av sig till dig."
RED_CROSS = 901
PARISH = 902
OLLE = 203


def _edited(h, chat_id: int):
    """The last message edited in this chat (cards and questions change in place)."""
    return h.request.sent(chat_id, "editMessageText")[-1]


async def _town(h) -> int:
    await coordinator_with_area(h, "Centrum")
    for tg, name, org in ((RED_CROSS, "Lena", "Röda Korset"), (PARISH, "Per", "Församlingen")):
        async with h.uow() as uow:
            await people.add_coordinator(uow, tg, NOW, await organisations.named(uow, org))
        for text in ("/start", "Svenska", name):
            await h.send(tg, text)
    for tg, name in ((VOLUNTEER, "Erik"), (OLLE, "Olle")):
        await volunteer(h, tg, name, approve=False)
        await h.send(tg, "Röda Korset")
        async with h.uow() as uow:
            person_id = (await uow.people.by_telegram_id(tg)).id
        await h.press(RED_CROSS, f"vet:ok:{person_id}")
    await resident(h)
    await ask_for_shopping(h)
    await h.press(VOLUNTEER, "task:claim:1")
    async with h.uow() as uow:
        return (await uow.people.by_telegram_id(VOLUNTEER)).id


async def test_the_coordinator_stops_a_volunteer_from_the_list(harness):
    h = harness
    erik = await _town(h)
    await h.send(RED_CROSS, "/volontarer")
    listing = h.last(RED_CROSS)
    assert listing.text == "Dina volontärer (2). Tryck på ett namn för att se mer."
    assert listing.buttons() == ["✅ Erik – godkänd", "✅ Olle – godkänd"]
    await h.press(RED_CROSS, f"vol:card:{erik}:0")
    card = _edited(h, RED_CROSS)
    assert card.text.startswith("Erik\nStatus: godkänd\nOrganisation: Röda Korset\n")
    assert "Ny kontroll senast: 22 november 2027" in card.text
    assert card.buttons() == ["⛔ Stoppa Erik", "⬅️ Tillbaka till listan"]
    await h.press(RED_CROSS, f"vol:stop:{erik}")
    assert _edited(h, RED_CROSS).text.startswith("Vill du stoppa Erik nu?")
    assert _edited(h, RED_CROSS).buttons() == ["⛔ Ja, stoppa Erik", "Nej, gå tillbaka"]
    h.request.clear()

    await h.press(RED_CROSS, f"vol:stopyes:{erik}")
    said = h.texts(RED_CROSS)
    assert _edited(h, RED_CROSS).text == (
        "Erik är stoppad. 1 uppdrag gick tillbaka till andra volontärer."
    )
    assert said[-1].startswith("Vill du skriva varför? Bara samordnare ser det.")
    assert h.texts(VOLUNTEER) == [STOPPED]
    assert h.texts(RESIDENT) == [
        "Erik kunde tyvärr inte hjälpa dig med handla ändå. "
        "Ingen fara – vi letar efter någon annan åt dig."
    ]
    assert [c.callback_data() for c in h.request.sent(OLLE)] == [
        {"🙋 Jag tar det": "task:claim:1"}
    ]
    async with h.uow() as uow:
        req = await uow.requests.get(1)
        assert (req.status, req.volunteer_id) == ("open", None)

    await h.send(RED_CROSS, "Klagomål från en boende")
    assert h.last(RED_CROSS).text == "Tack, det är sparat."
    async with h.uow() as uow:
        profile = await uow.session.get(VolunteerProfile, erik)
        assert (profile.vetting, profile.suspend_reason) == (
            "suspended",
            "Klagomål från en boende",
        )
        actions = [a.action for a in await uow.audit.entries() if a.allowed]
    assert "suspend" in actions
    assert all("Klagomål" not in t for t in h.texts(VOLUNTEER))

    # His old button gets him nothing, and he gets no new offers.
    h.request.clear()
    await h.press(VOLUNTEER, "task:claim:1")
    assert h.alerts() == ["Du kan inte ta uppdrag just nu. En samordnare hör av sig till dig."]
    assert not [t for t in h.texts(VOLUNTEER) if "Storgatan" in t]
    await ask_for_shopping(h, when="imorgon kl 15")
    assert h.request.sent(VOLUNTEER) == []

    # The card says why, to coordinators; letting him in again is its own step.
    await h.press(RED_CROSS, f"vol:card:{erik}:0")
    card = _edited(h, RED_CROSS)
    assert "Varför (bara samordnare ser det): Klagomål från en boende" in card.text
    assert card.buttons() == ["✅ Släpp in Erik igen", "⬅️ Tillbaka till listan"]
    await h.press(RED_CROSS, f"vol:in:{erik}")
    assert _edited(h, RED_CROSS).text == "Erik kan ta uppdrag igen."
    assert h.last(VOLUNTEER).text == (
        "Hej Erik! Nu kan du ta uppdrag i Hjälpsam igen. Välkommen tillbaka!"
    )
    async with h.uow() as uow:
        profile = await uow.session.get(VolunteerProfile, erik)
        assert (profile.vetting, profile.suspend_reason) == ("approved", None)


async def test_another_organisation_can_neither_see_nor_stop_the_volunteer(harness):
    h = harness
    erik = await _town(h)
    await h.send(PARISH, "/volontarer")
    assert h.last(PARISH).text == "Du har inga volontärer ännu."
    for forged in (f"vol:card:{erik}:0", f"vol:stop:{erik}", f"vol:stopyes:{erik}"):
        await h.press(PARISH, forged)
    assert h.alerts()[-3:] == ["Tyvärr, det kan du inte göra."] * 3
    async with h.uow() as uow:
        assert (await uow.session.get(VolunteerProfile, erik)).vetting == "approved"
        refused = (
            (
                await uow.session.execute(
                    select(AuditEntry).where(
                        AuditEntry.actor_telegram_id == PARISH, AuditEntry.allowed.is_(False)
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(refused) == 3
    # The municipality's coordinator may.
    await h.press(COORDINATOR, f"vol:stopyes:{erik}")
    async with h.uow() as uow:
        assert (await uow.session.get(VolunteerProfile, erik)).vetting == "suspended"


async def test_stopping_twice_or_skipping_the_reason_is_calm(harness):
    h = harness
    erik = await _town(h)
    await h.press(RED_CROSS, f"vol:stopyes:{erik}")
    await h.send(RED_CROSS, "Hoppa över")
    async with h.uow() as uow:
        profile = await uow.session.get(VolunteerProfile, erik)
        assert (profile.vetting, profile.suspend_reason) == ("suspended", None)
    await h.press(RED_CROSS, f"vol:stopyes:{erik}")
    assert h.alerts()[-1] == "Den knappen fungerar inte längre. Här är menyn."


def _sqlite(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db = tmp_path / "cli.db"
    return db, {"HJALPSAM_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}


def test_the_command_line_stops_and_reinstates_through_the_outbound_queue(tmp_path):
    db, env = _sqlite(tmp_path)
    assert _run("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    missing = _run("admin", "suspend", "555", env=env, cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stdout.strip() == "Det finns ingen volontär med Telegram-id 555."
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO people (id, telegram_id, first_name, locale, unreachable, reminders_off,"
            " read_aloud, created_at, onboarded_at) VALUES (7, 555, 'Erik', 'sv', 0, 0, 0,"
            " '2026-11-22 08:00:00', '2026-11-22 08:00:00')"
        )
        conn.execute("INSERT INTO roles (person_id, role) VALUES (7, 'volunteer')")
        conn.execute(
            "INSERT INTO volunteer_profiles (person_id, vetting, vetted_at, paused, created_at)"
            " VALUES (7, 'approved', '2026-11-22 08:00:00', 0, '2026-11-22 08:00:00')"
        )
    stopped = _run("admin", "suspend", "555", "--reason", "Oro", env=env, cwd=tmp_path)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.strip() == "Volontär 555 är stoppad. 0 uppdrag gick tillbaka till andra."
    again = _run("admin", "suspend", "555", env=env, cwd=tmp_path)
    assert (again.returncode, again.stdout.strip()) == (1, "Volontär 555 är redan stoppad.")
    back = _run("admin", "reinstate", "555", env=env, cwd=tmp_path)
    assert (back.returncode, back.stdout.strip()) == (0, "Volontär 555 kan ta uppdrag igen.")
    with sqlite3.connect(db) as conn:
        queued = conn.execute("SELECT chat_id, text FROM outbound_messages ORDER BY id").fetchall()
        vetting, reason = conn.execute(
            "SELECT vetting, suspend_reason FROM volunteer_profiles WHERE person_id = 7"
        ).fetchone()
        audit = conn.execute("SELECT action FROM audit_log ORDER BY id").fetchall()
    assert queued == [
        (555, STOPPED),
        (555, "Hej Erik! Nu kan du ta uppdrag i Hjälpsam igen. Välkommen tillbaka!"),
    ]
    assert (vetting, reason) == ("approved", None)
    assert [a for (a,) in audit] == ["suspend", "reinstate"]


def test_the_command_line_removes_a_coordinator(tmp_path):
    db, env = _sqlite(tmp_path)
    assert _run("admin", "add-coordinator", "4242", env=env, cwd=tmp_path).returncode == 0
    gone = _run("admin", "remove-coordinator", "4242", env=env, cwd=tmp_path)
    assert (gone.returncode, gone.stdout.strip()) == (0, "4242 är inte längre samordnare.")
    none = _run("admin", "remove-coordinator", "4242", env=env, cwd=tmp_path)
    assert (none.returncode, none.stdout.strip()) == (1, "4242 är inte samordnare.")
    with sqlite3.connect(db) as conn:
        roles = conn.execute("SELECT role FROM roles").fetchall()
    assert roles == []
