"""Tasks claimed in the volunteers' group chat."""

from sqlalchemy import select

from storage.models import HelpRequest
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    coordinator_with_area,
    resident,
    volunteer,
)

GROUP = -100


async def test_claim_in_group_without_private_chat_is_undone_and_explained(harness):
    h = harness
    await coordinator_with_area(h, "Centrum")
    await h.feed(h.updates.message(COORDINATOR, "/koppla", chat_id=GROUP))
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    await ask_for_shopping(h)
    offer = h.request.sent(GROUP)[-1]
    assert offer.text.startswith("Ny förfrågan i Centrum")
    h.request.blocked.add(VOLUNTEER)  # Erik has blocked the bot's private chat
    h.request.clear()
    await h.press(
        VOLUNTEER,
        offer.callback_data()["🙋 Jag tar det"],
        message_id=offer.params.get("message_id", 1),
        chat_id=GROUP,
    )
    assert h.alerts()[-1].startswith("Jag kunde inte skicka adressen till dig.")
    assert h.request.sent(RESIDENT) == []  # Anna is not told that someone is coming
    async with h.uow() as uow:
        req = (await uow.session.execute(select(HelpRequest))).scalar_one()
        assert (req.status, req.volunteer_id) == ("open", None)
    # The address was only ever tried in Erik's own private chat (which refused it).
    for call in h.request.calls:
        if "Storgatan" in str(call.params):
            assert call.chat_id == VOLUNTEER
