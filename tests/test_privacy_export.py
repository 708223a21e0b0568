"""/minadata holds everything stored about the person: what they did to requests (a give-back
reason too), their follow-up comments and the safety reports they made; the short summary
names a half-written request and a saved «Nära mig» place."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from bot.services import privacy, safety
from storage.models import HelpRequest
from tests.conftest import NOW
from tests.helpers import (
    RESIDENT,
    VOLUNTEER,
    VOLUNTEER2,
    ask_for_shopping,
    coordinator_with_area,
    resident,
    volunteer,
)
from tests.test_privacy_drafts import _half_written, _near_me

SUMMARY = (
    "Kort sagt har jag sparat:\nNamn: Anna\nOmråde: Centrum\nAdress: Storgatan 5\n"
    "Telefon: 070-123 45 67\n0 förfrågningar om hjälp\n0 anmälningar till mötesplatser\n"
    "{more}\nSkriv /radera om du vill att jag raderar allt."
)


async def test_the_summary_names_a_draft_and_a_saved_place(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await resident(h)
    await h.send(RESIDENT, "/minadata")
    assert h.last(RESIDENT).text == SUMMARY.format(more="")
    await _near_me(h)
    await h.send(RESIDENT, "/minadata")
    more = "En sparad plats från en sökning «Nära mig»\n"
    assert h.last(RESIDENT).text == SUMMARY.format(more=more)
    await _half_written(h)
    await h.send(RESIDENT, "/minadata")
    more = "En påbörjad förfrågan\nEn sparad plats från en sökning «Nära mig»\n"
    assert h.last(RESIDENT).text == SUMMARY.format(more=more)


async def test_the_export_holds_events_comments_and_reports(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)
    await ask_for_shopping(h)
    async with h.uow() as uow:
        rid = (await uow.session.execute(select(HelpRequest.id))).scalar_one()
    await h.press(VOLUNTEER, f"task:claim:{rid}")
    await h.press(VOLUNTEER, f"task:back:{rid}")
    await h.send(VOLUNTEER, "Jag blev sjuk")
    await h.press(VOLUNTEER2, f"task:claim:{rid}")
    await h.press(VOLUNTEER2, f"task:done:{rid}")
    await h.press(RESIDENT, f"fu:good:{rid}")
    await h.send(RESIDENT, "Sara var snäll")
    async with h.uow() as uow:
        await safety.report(uow, RESIDENT, None, "Något kändes fel", NOW)
    async with h.uow() as uow:
        erik = await privacy.export(uow, VOLUNTEER, NOW)
        mine = await privacy.export(uow, RESIDENT, NOW)
    events = [(e["request"], e["what"], e["note"]) for e in erik["events"]]
    assert events == [(rid, "claimed", None), (rid, "given_back", "Jag blev sjuk")]
    assert erik["safety_reports"] == []
    assert [(e["what"], e["note"]) for e in mine["events"]] == [("created", None)]
    assert [(f["score"], f["comment"]) for f in mine["follow_ups"]] == [("good", "Sara var snäll")]
    at = NOW.astimezone(UTC).isoformat()
    # Her comment reached the coordinators as a report too.
    assert mine["safety_reports"] == [
        {
            "kind": "followup",
            "request": rid,
            "text": "Sara var snäll",
            "at": at,
            "handled_at": None,
        },
        {
            "kind": "report",
            "request": None,
            "text": "Något kändes fel",
            "at": at,
            "handled_at": None,
        },
    ]
