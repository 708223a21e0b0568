"""The authorization matrix: every coordinator action, tried by a resident, a volunteer and a
coordinator of another organisation. Every attempt is refused in the service and audited.

Coordinators see all requests and places in their municipality, so only the actions on
volunteers (vetting) are scoped to an organisation; the others are tried by the other
organisation's coordinator too, and must then succeed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.services import (
    activity_admin,
    assignments,
    broadcasts,
    escalation,
    organisations,
    people,
    place_admin,
    reports,
    vetting,
)
from bot.services.assignments import ProxyAnswers
from bot.services.errors import NotAllowed
from bot.services.views import When
from storage.models import AuditEntry
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    coordinator_with_area,
    places_csv,
    resident,
    volunteer,
)

OTHER_COORDINATOR = 901  # the municipality's own coordinator (no organisation)
PENDING = 202  # a Red Cross volunteer waiting for vetting
Action = Callable[[Any, int, dict[str, int]], Awaitable[object]]

# name -> (call, scoped to the organisation?)
ACTIONS: dict[str, tuple[Action, bool]] = {
    "list pending volunteers": (lambda u, tg, ids: vetting.pending(u, tg, NOW), False),
    "approve a volunteer": (
        lambda u, tg, ids: vetting.decide(u, tg, ids["pending"], True, NOW),
        True,
    ),
    "turn a volunteer down": (
        lambda u, tg, ids: vetting.decide(u, tg, ids["pending"], False, NOW),
        True,
    ),
    "link a group": (lambda u, tg, ids: vetting.link_group(u, tg, -100123, NOW), False),
    "add an area": (lambda u, tg, ids: people.add_area(u, tg, "Söder", NOW), False),
    "list places": (lambda u, tg, ids: place_admin.places_page(u, tg, 0, NOW), False),
    "read a place": (lambda u, tg, ids: place_admin.place_card(u, tg, ids["place"], NOW), False),
    "add a place": (
        lambda u, tg, ids: place_admin.add_place(
            u, tg, name="Nytt", area_id=None, address="Gatan 1", link=None, now=NOW
        ),
        False,
    ),
    "edit a place": (
        lambda u, tg, ids: place_admin.edit_place(u, tg, ids["place"], "name", "X", NOW),
        False,
    ),
    "tick access": (lambda u, tg, ids: place_admin.toggle(u, tg, ids["place"], 0, NOW), False),
    "read an activity": (
        lambda u, tg, ids: activity_admin.activity_card(u, tg, ids["activity"], NOW, TZ),
        False,
    ),
    "preview a cancellation": (
        lambda u, tg, ids: activity_admin.cancel_preview(u, tg, ids["activity"], None, NOW, TZ),
        False,
    ),
    "cancel an activity": (
        lambda u, tg, ids: activity_admin.cancel(u, tg, ids["activity"], None, NOW, TZ),
        False,
    ),
    "read a resident's phone": (
        lambda u, tg, ids: escalation.call_details(u, tg, ids["request"], NOW),
        False,
    ),
    "list volunteers to ask": (
        lambda u, tg, ids: assignments.candidates(u, tg, ids["request"], 0, NOW),
        False,
    ),
    "assign a volunteer": (
        lambda u, tg, ids: assignments.assign(u, tg, ids["request"], ids["volunteer"], NOW),
        False,
    ),
    "ask for someone without Telegram": (
        lambda u, tg, ids: assignments.submit_for(
            u,
            tg,
            ProxyAnswers(
                "Astrid",
                "070-987 65 43",
                "Kvarngatan 3",
                ids["area"],
                "shopping",
                When(NOW + timedelta(days=1), "exact"),
                None,
            ),
            NOW,
        ),
        False,
    ),
    "count a broadcast's recipients": (
        lambda u, tg, ids: broadcasts.count(u, tg, broadcasts.Audience("residents"), NOW, "sv"),
        False,
    ),
    "send a broadcast": (
        lambda u, tg, ids: broadcasts.create(
            u, tg, broadcasts.Audience("residents"), "Hej alla!", None, NOW, "sv"
        ),
        False,
    ),
    "read a report": (
        lambda u, tg, ids: reports.for_coordinator(u, tg, reports.period("week", NOW, TZ), NOW),
        False,
    ),
}


@pytest.fixture
async def town(harness):
    """Karin (Red Cross) and Maja (the municipality), a resident with a request, a vetted and
    a pending volunteer, and a place with an activity."""
    h = harness
    async with h.uow() as uow:
        red_cross = await organisations.named(uow, "Röda Korset Ekbacka")
        await people.add_coordinator(uow, COORDINATOR, NOW, red_cross)
        await people.add_coordinator(uow, OTHER_COORDINATOR, NOW)
    await coordinator_with_area(h, "Centrum")
    for text in ("/start", "Svenska", "Maja"):
        await h.send(OTHER_COORDINATOR, text)
    await volunteer(h, VOLUNTEER, approve=False)
    await h.send(VOLUNTEER, "Ingen av dem")  # so the municipality's coordinator vets Erik
    async with h.uow() as uow:
        erik = (await uow.people.by_telegram_id(VOLUNTEER)).id
    await h.press(OTHER_COORDINATOR, f"vet:ok:{erik}")
    await volunteer(h, PENDING, "Olle", approve=False)
    await h.send(PENDING, "Röda Korset Ekbacka")
    await resident(h)
    await ask_for_shopping(h)
    from bot.services.place_import import import_text

    row = dict(
        place_key="cafe",
        place_name="Caféet",
        area="Centrum",
        address="Torget 1",
        activity_key="fika",
        title="Fika",
        category="fika",
        start="2026-11-24 14:00",
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )
    await import_text(h.uow, places_csv(row), TZ, NOW)
    async with h.uow() as uow:
        ids = {
            "pending": (await uow.people.by_telegram_id(PENDING)).id,
            "volunteer": (await uow.people.by_telegram_id(VOLUNTEER)).id,
            "place": (await uow.catalogue.place("cafe")).id,
            "activity": (await uow.catalogue.activity("fika")).id,
            "area": (await uow.areas.by_name("Centrum")).id,
            "request": 1,
        }
    return h, ids


async def _refusals(h, telegram_id: int) -> int:
    async with h.uow() as uow:
        rows = await uow.session.execute(
            select(AuditEntry).where(
                AuditEntry.actor_telegram_id == telegram_id, AuditEntry.allowed.is_(False)
            )
        )
        return len(rows.scalars().all())


async def _try(h, telegram_id: int, action: Action, ids: dict[str, int]) -> bool:
    """True when the action was allowed; a refusal must add an audit line."""
    before = await _refusals(h, telegram_id)
    try:
        async with h.uow() as uow:
            await action(uow, telegram_id, ids)
    except NotAllowed:
        assert await _refusals(h, telegram_id) == before + 1, "refused without an audit line"
        return False
    return True


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_residents_volunteers_and_other_organisations_are_refused(town, name):
    h, ids = town
    action, scoped = ACTIONS[name]
    assert not await _try(h, RESIDENT, action, ids), "a resident got through"
    assert not await _try(h, VOLUNTEER, action, ids), "a volunteer got through"
    if scoped:
        assert not await _try(h, OTHER_COORDINATOR, action, ids), "another organisation got in"
    # The right coordinator may (this also proves the refusals were about who, not what).
    assert await _try(h, COORDINATOR, action, ids)
