"""Tasks claimed in the volunteers' group chat."""

from sqlalchemy import select

from storage.models import HelpRequest
from tests.helpers import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    ask_for_shopping,
    claim_data,
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


# --- Nothing personal in the group, nor in an offer ----------------------------------------

# Words a resident might write without thinking who reads them.
DETAILS = "Portkod 1234, jag är diabetiker"
SECRETS = ("Storgatan", "070", "Anna", "Portkod", "diabetiker")
OFFER = "Ny förfrågan i Centrum\n\nVad: Handla\nNär: måndag 23 november kl. 10.00"
SENT_PRIVATELY = "Jag har skickat det till dig i vår egen chatt."
PRIVATE_ONLY = "Gör det här i din egen chatt med mig, inte i gruppen."


async def linked_group_and_request(h) -> int:
    """A linked group, Erik, and Anna's request with words of her own; returns its id."""
    await coordinator_with_area(h, "Centrum")
    await h.feed(h.updates.message(COORDINATOR, "/koppla", chat_id=GROUP))
    await volunteer(h, VOLUNTEER, "Erik")
    await resident(h)
    await ask_for_shopping(h, details=DETAILS)
    async with h.uow() as uow:
        return (await uow.session.execute(select(HelpRequest.id))).scalar_one()


def to_group(h) -> list:
    return [c for c in h.request.calls if c.chat_id == GROUP]


async def test_offers_and_group_posts_hold_no_free_text_the_claim_does(harness):
    h = harness
    await linked_group_and_request(h)
    offer, post = h.last(VOLUNTEER), h.request.sent(GROUP)[-1]
    assert offer.text == OFFER and post.text == OFFER
    assert offer.buttons() == post.buttons() == ["🙋 Jag tar det"]

    await h.press(VOLUNTEER, claim_data(offer))
    taken = h.last(VOLUNTEER)
    assert taken.text.startswith("Tack! Uppdraget är ditt.")
    assert "Adress: Storgatan 5" in taken.text and f"Mer: {DETAILS}" in taken.text
    # The group post only says who took it.
    assert [c.text for c in h.request.sent(GROUP, "editMessageText")] == [
        "Handla, måndag 23 november kl. 10.00: Erik har tagit det här. Tack!"
    ]
    for call in to_group(h):
        assert not [s for s in SECRETS if s in call.text], call.text
    # Anna's words went to Anna (her summary) and, with the address, to Erik alone.
    for call in h.request.calls:
        if "Portkod" in call.text:
            assert call.chat_id == RESIDENT or call is taken, call


async def test_a_holders_button_pressed_in_the_group_is_answered_in_private(harness):
    h = harness
    request_id = await linked_group_and_request(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    h.request.clear()
    # «Visa» of Erik's task, pressed (forged) on the group's post.
    await h.press(VOLUNTEER, f"task:show:{request_id}", chat_id=GROUP)
    assert to_group(h) == []
    shown = h.last(VOLUNTEER)
    assert "Adress: Storgatan 5" in shown.text and f"Mer: {DETAILS}" in shown.text
    assert shown.buttons() == ["✅ Klart", "↩️ Lämna tillbaka"]
    assert h.alerts() == [SENT_PRIVATELY]


async def test_a_holder_without_a_private_chat_is_told_to_open_one(harness):
    h = harness
    request_id = await linked_group_and_request(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    h.request.blocked.add(VOLUNTEER)
    h.request.clear()
    await h.press(VOLUNTEER, f"task:show:{request_id}", chat_id=GROUP)
    assert to_group(h) == []
    assert h.alerts() == [
        "Jag kunde inte skicka det till dig. Öppna en chatt med mig först (tryck på mitt "
        "namn och sedan Starta), och tryck på knappen igen."
    ]


async def test_other_buttons_are_refused_in_the_group(harness):
    h = harness
    request_id = await linked_group_and_request(h)
    await h.press(VOLUNTEER, claim_data(h.last(VOLUNTEER)))
    h.request.clear()
    # The coordinator's «Visa» would show Anna's address; Erik's «Klart» would edit the post.
    for who, data in (
        (COORDINATOR, f"req:show:{request_id}"),
        (RESIDENT, f"req:show:{request_id}"),
        (VOLUNTEER, f"task:done:{request_id}"),
        (VOLUNTEER, f"task:back:{request_id}"),
    ):
        await h.press(who, data, chat_id=GROUP)
        assert h.alerts()[-1] == PRIVATE_ONLY, data
    assert to_group(h) == []
    assert [c for c in h.request.calls if c.method != "answerCallbackQuery"] == []
    async with h.uow() as uow:
        req = (await uow.session.execute(select(HelpRequest))).scalar_one()
        assert req.status == "claimed"
