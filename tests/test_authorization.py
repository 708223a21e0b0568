"""The authorization matrix, from the table in ``bot/services/permissions.py``.

Every row is tried by five people in one town: the resident who made the request, a vetted
volunteer of the Red Cross, the Red Cross's coordinator, a parish's coordinator (another
organisation) and the municipality's coordinator. Whoever the row does not name must be
refused in the service, with an audit line; whoever it names must get through. The same
table is the one in ``docs/privacy.md`` (tests/test_privacy_doc.py), so the docs say what the
code does.
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
    people,
    place_admin,
    privacy,
    reports,
    requests,
    safety,
    suspension,
    vetting,
    volunteer_admin,
)
from bot.services.assignments import ProxyAnswers
from bot.services.errors import NotAllowed, NotOpen
from bot.services.permissions import ACTORS, RULES
from bot.services.views import When
from storage.models import AuditEntry
from tests.conftest import NOW, TZ
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    coordinator_with_area,
    org_coordinator,
    places_csv,
    resident,
    volunteer,
)

MUNICIPAL = COORDINATOR  # 900, named in the settings: the municipality's coordinator
OWN_ORG = 901  # the Red Cross's coordinator
OTHER_ORG = 902  # the parish's coordinator
PENDING = 202  # a Red Cross volunteer waiting for vetting
WHO = {
    "resident": RESIDENT,
    "volunteer": VOLUNTEER,
    "own_org": OWN_ORG,
    "other_org": OTHER_ORG,
    "municipal": MUNICIPAL,
}
Probe = Callable[[Any, int, dict[str, int]], Awaitable[object]]


class Hidden(NotAllowed):
    """A list that leaves the object out: refused by not showing it (nothing to audit)."""


async def _pending_listed(u: Any, tg: int, ids: dict[str, int]) -> None:
    if ids["pending"] not in [v.person_id for v in await vetting.pending(u, tg, NOW)]:
        raise Hidden("list_pending")


async def _reinstate(u: Any, tg: int, ids: dict[str, int]) -> None:
    try:  # stopped first from the command line, so there is something to let back in
        await suspension.suspend(u, None, ids["volunteer"], None, NOW)
    except NotOpen:
        pass
    await suspension.reinstate(u, tg, ids["volunteer"], NOW)


def _proxy(ids: dict[str, int]) -> ProxyAnswers:
    when = When(NOW + timedelta(days=1), "exact")
    return ProxyAnswers(
        "Astrid", "070-987 65 43", "Kvarngatan 3", ids["area"], "shopping", when, None
    )


def _broadcast(kind: str, arg: str | None = None) -> Probe:
    audience = broadcasts.Audience(kind, arg)
    return lambda u, tg, ids: broadcasts.create(u, tg, audience, "Hej alla!", None, NOW, "sv")


PROBES: dict[str, Probe] = {
    "read_open_request": lambda u, tg, ids: requests.detail(u, tg, ids["open"], NOW),
    "read_held_task": lambda u, tg, ids: requests.detail(u, tg, ids["held"], NOW),
    "read_contact": lambda u, tg, ids: escalation.call_details(u, tg, ids["open"], NOW),
    "cancel_request": lambda u, tg, ids: requests.cancel(u, tg, ids["open"], NOW),
    "claim_task": lambda u, tg, ids: requests.claim(u, tg, ids["open"], NOW),
    "erase_proxy": lambda u, tg, ids: privacy.erase_proxy(u, tg, ids["proxy"], NOW),
    "assign": lambda u, tg, ids: assignments.candidates(u, tg, ids["open"], 0, NOW),
    "proxy_request": lambda u, tg, ids: assignments.submit_for(u, tg, _proxy(ids), NOW),
    "list_pending": _pending_listed,
    "vet": lambda u, tg, ids: vetting.decide(u, tg, ids["pending"], True, NOW),
    "read_volunteer": lambda u, tg, ids: volunteer_admin.card(u, tg, ids["volunteer"], NOW),
    "suspend": lambda u, tg, ids: suspension.suspend(u, tg, ids["volunteer"], None, NOW),
    "reinstate": _reinstate,
    "add_area": lambda u, tg, ids: people.add_area(u, tg, "Söder", NOW),
    "read_place": lambda u, tg, ids: place_admin.place_card(u, tg, ids["place"], NOW),
    "add_place": lambda u, tg, ids: place_admin.add_place(
        u, tg, name="Nytt", area_id=None, address="Gatan 1", link=None, now=NOW
    ),
    "edit_place": lambda u, tg, ids: place_admin.edit_place(u, tg, ids["place"], "name", "X", NOW),
    "cancel_activity": lambda u, tg, ids: activity_admin.cancel(
        u, tg, ids["activity"], None, NOW, TZ
    ),
    "broadcast_residents": _broadcast("residents"),
    "broadcast_volunteers": _broadcast("volunteers"),
    "broadcast_activity": lambda u, tg, ids: broadcasts.create(
        u, tg, broadcasts.Audience("activity", str(ids["activity"])), "Hej!", None, NOW, "sv"
    ),
    "link_group": lambda u, tg, ids: vetting.link_group(u, tg, -100123, NOW),
    "safety_report": lambda u, tg, ids: safety.report(u, tg, ids["held"], "Det kändes fel", NOW),
    "safety_call": lambda u, tg, ids: safety.call(u, tg, ids["report"], NOW),
    "safety_handled": lambda u, tg, ids: safety.handle(u, tg, ids["report"], NOW),
    "report": lambda u, tg, ids: reports.for_coordinator(
        u, tg, reports.period("week", NOW, TZ), NOW
    ),
}


@pytest.fixture
async def town(harness):
    """The five people, two requests of Anna's (one open and escalated, one held by Erik), a
    Red Cross volunteer waiting, and a Red Cross café with a weekly fika."""
    h = harness
    await coordinator_with_area(h, "Centrum")
    await org_coordinator(h, OWN_ORG, "Karin", "Röda Korset Ekbacka")
    await org_coordinator(h, OTHER_ORG, "Per", "Ekbacka församling")
    await volunteer(h, VOLUNTEER, approve=False)
    await h.send(VOLUNTEER, "Röda Korset Ekbacka")
    await volunteer(h, PENDING, "Olle", approve=False)
    await h.send(PENDING, "Röda Korset Ekbacka")
    async with h.uow() as uow:
        erik = (await uow.people.by_telegram_id(VOLUNTEER)).id
    await h.press(OWN_ORG, f"vet:ok:{erik}")
    await resident(h)
    await ask_for_shopping(h)
    await ask_for_shopping(h, when="imorgon kl 14")
    await h.press(VOLUNTEER, "task:claim:2")
    from bot.services.place_import import import_text

    row = dict(
        place_key="cafe",
        place_name="Caféet",
        organisation="Röda Korset Ekbacka",
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
        area = (await uow.areas.by_name("Centrum")).id
        astrid = await assignments.submit_for(uow, MUNICIPAL, _proxy({"area": area}), NOW)
    async with h.uow() as uow:
        proxy = (await uow.requests.get(astrid.request.id)).resident_id
        (await uow.requests.get(1)).escalated_at = NOW  # nobody took it in time
        held = await uow.requests.get(2)
        assert held.status == "claimed"
        place = await uow.catalogue.place("cafe")
        red_cross = await uow.catalogue.organisation("Röda Korset Ekbacka")
        assert place.organisation_id == red_cross.id
        ids = {
            "pending": (await uow.people.by_telegram_id(PENDING)).id,
            "volunteer": erik,
            "place": place.id,
            "activity": (await uow.catalogue.activity("fika")).id,
            "area": (await uow.areas.by_name("Centrum")).id,
            "open": 1,
            "held": 2,
            "proxy": proxy,
        }
        ids["report"] = (
            await safety.report(uow, RESIDENT, 2, "Erik var otrevlig", NOW)
        ).alert.report_id
    return h, ids


async def _refusals(h, telegram_id: int) -> int:
    async with h.uow() as uow:
        rows = await uow.session.execute(
            select(AuditEntry).where(
                AuditEntry.actor_telegram_id == telegram_id, AuditEntry.allowed.is_(False)
            )
        )
        return len(rows.scalars().all())


async def _gets_through(h, telegram_id: int, probe: Probe, ids: dict[str, int]) -> bool:
    """True unless the service refused; a refusal must add an audit line. Another domain
    answer (already done, no longer open) means the permission check was passed."""
    before = await _refusals(h, telegram_id)
    try:
        async with h.uow() as uow:
            await probe(uow, telegram_id, ids)
    except Hidden:
        return False
    except NotAllowed:
        assert await _refusals(h, telegram_id) == before + 1, "refused without an audit line"
        return False
    except Exception as error:  # a domain answer after the check, e.g. NotOpen
        from bot.services.errors import DomainError

        if not isinstance(error, DomainError):
            raise
    return True


def test_every_rule_has_a_probe_and_every_probe_a_rule():
    assert {r.key for r in RULES} == set(PROBES)
    assert all(r.allowed <= set(ACTORS) for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
async def test_each_role_gets_exactly_what_the_table_says(town, rule):
    h, ids = town
    # Those refused first: a refusal must not depend on someone else having acted before.
    order = sorted(ACTORS, key=lambda actor: actor in rule.allowed)
    through = {
        actor for actor in order if await _gets_through(h, WHO[actor], PROBES[rule.key], ids)
    }
    assert through == rule.allowed, f"{rule.what}: the table says {sorted(rule.allowed)}"
