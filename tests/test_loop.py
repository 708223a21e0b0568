"""The whole help loop, as the people see it, in Swedish."""

from sqlalchemy import select

from storage.models import FollowUp, HelpRequest
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    VOLUNTEER2,
    claim_data,
    coordinator_with_area,
    resident,
    volunteer,
)


async def test_resident_asks_volunteer_claims_done_and_follow_up(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await volunteer(h, VOLUNTEER, "Erik")
    await volunteer(h, VOLUNTEER2, "Sara")
    await resident(h)
    assert h.last(RESIDENT).text.startswith("Klart! Välkommen, Anna.")
    assert "🙋 Be om hjälp" in h.last(RESIDENT).buttons()

    await h.send(RESIDENT, "🙋 Be om hjälp")
    assert h.last(RESIDENT).text == "Vad behöver du hjälp med?"
    assert h.last(RESIDENT).buttons() == [
        "🛒 Handla",
        "💊 Apotek",
        "🚶 Promenad och sällskap",
        "🚗 Skjuts och följeslagare",
        "📱 Digital hjälp",
        "🔧 Praktisk hjälp hemma",
        "☎️ Telefonvän",
        "💬 Annat",
        "⬅️ Tillbaka",
        "✖️ Avbryt",
    ]
    await h.send(RESIDENT, "🛒 Handla")
    assert h.last(RESIDENT).text.startswith("När behöver du hjälpen?")
    await h.send(RESIDENT, "imorgon kl 10")
    assert h.last(RESIDENT).text == "Jag uppfattade: måndag 23 november kl. 10.00. Stämmer det?"
    await h.send(RESIDENT, "✅ Ja")
    assert h.last(RESIDENT).text.startswith("Vill du berätta mer?")
    await h.send(RESIDENT, "Mjölk och bröd")
    summary = h.last(RESIDENT).text
    assert "Vad: Handla" in summary and "När: måndag 23 november kl. 10.00" in summary
    assert "Mer: Mjölk och bröd" in summary and "Område: Centrum" in summary
    assert "112" in summary and "1177" in summary
    h.request.clear()
    await h.send(RESIDENT, "✅ Skicka")
    assert h.last(RESIDENT).text.startswith("Tack! Nu är din förfrågan skickad.")

    offers = {uid: h.last(uid) for uid in (VOLUNTEER, VOLUNTEER2)}
    for offer in offers.values():
        assert offer.text.startswith("Ny förfrågan i Centrum")
        for secret in ("Storgatan", "070", "Anna", "Mjölk och bröd"):
            assert secret not in offer.text
        assert offer.buttons() == ["🙋 Jag tar det"]

    h.request.clear()
    await h.press(VOLUNTEER, claim_data(offers[VOLUNTEER]))
    confirmation = h.last(VOLUNTEER).text
    assert confirmation.startswith("Tack! Uppdraget är ditt.")
    assert "Namn: Anna" in confirmation and "Adress: Storgatan 5" in confirmation
    assert "Telefon: 070-123 45 67" in confirmation
    assert "Mer: Mjölk och bröd" in confirmation
    assert h.last(VOLUNTEER).buttons() == ["✅ Klart", "↩️ Lämna tillbaka"]
    assert h.last(RESIDENT).text.startswith(
        "Goda nyheter! Erik hjälper dig med handla, måndag 23 november kl. 10.00."
    )
    edits = h.request.sent(VOLUNTEER2, "editMessageText")
    assert edits and "en annan volontär har tagit det här" in edits[-1].text

    await h.press(VOLUNTEER2, claim_data(offers[VOLUNTEER2]))
    assert h.alerts()[-1] == "Någon hann före – tack ändå!"

    async with h.uow() as uow:
        req = (await uow.session.execute(select(HelpRequest))).scalar_one()
        assert req.status == "claimed"
        erik = await uow.people.by_telegram_id(VOLUNTEER)
        assert req.volunteer_id == erik.id
        request_id = req.id

    h.request.clear()
    await h.press(VOLUNTEER, f"task:done:{request_id}")
    assert h.last(RESIDENT).text.startswith("Erik har markerat hjälpen med handla som klar.")
    assert h.last(RESIDENT).buttons() == ["😊", "😐", "☹️", "⚠️ Något kändes fel"]
    assert h.last(VOLUNTEER).text == "Hur gick det? Tryck på en."

    await h.press(RESIDENT, f"fu:good:{request_id}")
    assert h.last(RESIDENT).text.startswith("Tack! Vill du säga något mer?")
    await h.send(RESIDENT, "Erik var jättesnäll")
    assert h.last(RESIDENT).text == "Tack för ditt svar! 🌼"
    await h.press(VOLUNTEER, f"fu:ok:{request_id}")
    await h.send(VOLUNTEER, "Hoppa över")

    async with h.uow() as uow:
        answers = (await uow.session.execute(select(FollowUp).order_by(FollowUp.id))).scalars()
        got = [(a.role, a.score, a.comment) for a in answers]
    assert got == [("resident", "good", "Erik var jättesnäll"), ("volunteer", "ok", None)]
    assert COORDINATOR  # the coordinator approved both volunteers above
