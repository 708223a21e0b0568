"""Coordinators belong to an organisation and vet only its volunteers."""

from __future__ import annotations

from sqlalchemy import select

from bot.services import organisations, people
from storage.models import AuditEntry
from tests.conftest import NOW
from tests.helpers import COORDINATOR, coordinator_with_area

MUNICIPALITY = 901  # Maja, the municipality's own coordinator (no organisation)
RED_CROSS = "Röda Korset Ekbacka"


async def _two_coordinators(h) -> None:
    async with h.uow() as uow:
        org = await organisations.named(uow, RED_CROSS)
        await people.add_coordinator(uow, COORDINATOR, NOW, org)
        await people.add_coordinator(uow, MUNICIPALITY, NOW)
    await coordinator_with_area(h, "Centrum")
    for text in ("/start", "Svenska", "Maja"):
        await h.send(MUNICIPALITY, text)


async def _volunteer(h, user_id: int, name: str, organisation: str | None) -> None:
    for text in ("/start", "Svenska", "🤝 Jag vill hjälpa till", name):
        await h.send(user_id, text)
    await h.press(user_id, "ob:area:1")
    await h.press(user_id, "ob:done")
    await h.press(user_id, "ob:skill:shopping")
    await h.press(user_id, "ob:done")
    if organisation is not None:
        await h.send(user_id, organisation)


async def _person_id(h, telegram_id: int) -> int:
    async with h.uow() as uow:
        return (await uow.people.by_telegram_id(telegram_id)).id


async def test_a_volunteer_names_their_organisation_and_only_its_coordinator_is_told(harness):
    h = harness
    await _two_coordinators(h)
    h.request.clear()
    await _volunteer(h, 200, "Erik", None)
    question = h.last(200)
    assert question.text == (
        "Hör du till någon av de här föreningarna? Då är det deras samordnare som godkänner "
        "dig. Välj «Ingen av dem» om du inte gör det."
    )
    assert question.buttons() == [RED_CROSS, "Ingen av dem", "⬅️ Tillbaka", "✖️ Avbryt"]
    await h.send(200, "Fotbollsklubben")  # not one of them: asked again
    assert h.last(200).text == question.text
    await h.send(200, RED_CROSS.lower())
    assert h.last(200).text.startswith("Tack, Erik! 💛")
    assert any("Erik" in t for t in h.texts(COORDINATOR))
    assert not any("Erik" in t for t in h.texts(MUNICIPALITY))


async def test_each_coordinator_sees_and_vets_only_their_own(harness):
    h = harness
    await _two_coordinators(h)
    await _volunteer(h, 200, "Erik", RED_CROSS)
    await _volunteer(h, 201, "Olle", "Ingen av dem")
    erik, olle = await _person_id(h, 200), await _person_id(h, 201)

    await h.send(COORDINATOR, "🧾 Volontärer som väntar")
    karin_sees = "\n".join(h.texts(COORDINATOR)[-2:])
    assert "Erik" in karin_sees and "Olle" not in karin_sees
    await h.send(MUNICIPALITY, "🧾 Volontärer som väntar")
    maja_sees = "\n".join(h.texts(MUNICIPALITY)[-2:])
    assert "Olle" in maja_sees and "Erik" not in maja_sees

    # A forged button for the other organisation's volunteer is refused and logged.
    await h.press(COORDINATOR, f"vet:ok:{olle}")
    await h.press(MUNICIPALITY, f"vet:ok:{erik}")
    assert h.alerts()[-2:] == ["Tyvärr, det kan du inte göra."] * 2
    async with h.uow() as uow:
        refused = (
            (await uow.session.execute(select(AuditEntry).where(AuditEntry.allowed.is_(False))))
            .scalars()
            .all()
        )
        assert {(e.actor_telegram_id, e.target) for e in refused} >= {
            (COORDINATOR, f"person:{olle}"),
            (MUNICIPALITY, f"person:{erik}"),
        }
        assert (await uow.volunteers.profile(erik)).vetting == "pending"
    # Their own: allowed, and who and when are kept.
    await h.press(COORDINATOR, f"vet:ok:{erik}")
    async with h.uow() as uow:
        profile = await uow.volunteers.profile(erik)
        karin = await uow.people.by_telegram_id(COORDINATOR)
        assert (profile.vetting, profile.vetted_by_id) == ("approved", karin.id)


async def test_without_organisations_nobody_is_asked(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await _volunteer(h, 200, "Erik", None)
    assert h.last(200).text.startswith("Tack, Erik! 💛")
    assert any("Erik" in t for t in h.texts(COORDINATOR))
