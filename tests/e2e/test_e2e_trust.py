"""Issue 12's black-box check, with the bot as its own process: personal data reaches only those
whose job needs it.

A coordinator of another organisation who forges buttons gets no phone and no address; a
suspended volunteer pressing an old «Jag tar det» gets nothing; a linked group chat never sees
the resident's own words or address. Everything is asserted on what the emulator recorded as
sent by the bot: every message, edit and button answer that reached the chat or the presser.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from storage.db import create_engine, create_session_factory
from storage.models import HelpRequest
from tests.e2e.conftest import (
    COORDINATOR,
    RESIDENT,
    VOLUNTEER,
    BotProcess,
    StartBot,
    _env,
    ask_for_shopping,
    coordinator_with_area,
    resident_signs_up,
    volunteer_signs_up_and_is_approved,
)
from tests.e2e.emulator import BotApiEmulator, Sent

pytestmark = pytest.mark.e2e
PARISH = 950  # a coordinator of Församlingen, an organisation: no resident is theirs
GROUP = -100_777  # a volunteers' group chat
ADDRESS, PHONE = "Storgatan 5", "070-123 45 67"  # as resident_signs_up gives them
DETAILS = "Portkod 1234, jag är diabetiker"
NOT_ALLOWED = "Tyvärr, det kan du inte göra."
STOPPED = "Du kan inte ta uppdrag just nu. En samordnare hör av sig till dig."
_query_ids = itertools.count(1)


# --- Reading what the bot sent --------------------------------------------------------


def _strings(params: dict[str, Any]) -> list[str]:
    """Every text a person could read in one call: its string values and its button labels."""
    found = [value for value in params.values() if isinstance(value, str)]
    markup = params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []) + markup.get("keyboard", []):
        found += [b["text"] if isinstance(b, dict) else str(b) for b in row]
    return found


def seen_in_chat(api: BotApiEmulator, chat_id: int) -> list[str]:
    """Everything the bot sent or edited into this chat, edits included as they went out."""
    return [
        text
        for _method, params in api.calls
        if str(params.get("chat_id")) == str(chat_id)
        for text in _strings(params)
    ]


def answers(api: BotApiEmulator, query_ids: set[str]) -> list[dict[str, Any]]:
    """The bot's answers (toasts, alerts) to these button presses."""
    return [
        params
        for method, params in api.calls
        if method == "answerCallbackQuery" and params.get("callback_query_id") in query_ids
    ]


def leaks(texts: list[str], secrets: tuple[str, ...]) -> list[str]:
    """The texts that hold any of ``secrets``, or the phone number written any which way."""
    digits = re.sub(r"\D", "", PHONE)
    return [
        text
        for text in texts
        if any(secret in text for secret in secrets) or digits in re.sub(r"\D", "", text)
    ]


# --- Doing what people (and forgers) do ------------------------------------------------


async def press(
    api: BotApiEmulator, user_id: int, message: Sent, data: str, pressed: set[str] | None = None
) -> dict[str, Any]:
    """``user_id`` presses a button with ``data`` under ``message`` (a button that need not be
    there: a forged press); returns the bot's answer. ``pressed`` collects the query ids."""
    query_id = f"trust-{next(_query_ids)}"
    if pressed is not None:
        pressed.add(query_id)
    await api.push(
        {
            "callback_query": {
                "id": query_id,
                "from": api.user(user_id),
                "chat_instance": "ci",
                "data": data,
                "message": message.as_dict(),
            }
        }
    )
    found: dict[str, Any] = await api.until(
        lambda: next(iter(answers(api, {query_id})), None), 15, f"an answer to {data!r}"
    )
    return found


async def send_in_group(api: BotApiEmulator, user_id: int, text: str) -> None:
    """``user_id`` writes a command in the group chat (the emulator's ``send`` is private)."""
    await api.push(
        {
            "message": {
                "message_id": 90_000 + next(_query_ids),
                "date": int(time.time()),
                "chat": {"id": GROUP, "type": "group", "title": "Volontärer i Centrum"},
                "from": api.user(user_id),
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
            }
        }
    )


async def admin(database_url: str, tmp_path: Path, *args: str) -> str:
    """``python -m bot admin ARGS`` against the bot's database while it runs; its output.

    (Not subprocess.run: the emulator answers the bot from this same event loop.)
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "admin",
        *args,
        cwd=tmp_path,
        env=_env(database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()
    return output.decode()


async def request_is_sent(api: BotApiEmulator, details: str) -> str:
    """Anna asks for shopping tomorrow at ten with these details; returns the time read back."""
    when = await ask_for_shopping(api)
    await api.send(RESIDENT, details)
    summary = await api.wait_for(RESIDENT, "Så här ser din förfrågan ut:")
    assert f"Mer: {details}" in summary.text
    await api.send(RESIDENT, "✅ Skicka")
    await api.wait_for(RESIDENT, "Tack! Nu är din förfrågan skickad.")
    return when


def request_id(offer: Sent) -> int:
    """The request an offer is about, from its «Jag tar det» button."""
    found = re.fullmatch(r"task:claim:(\d+)", offer.callback_data()["🙋 Jag tar det"])
    assert found, offer.callback_data()
    return int(found.group(1))


async def _request(database_url: str, rid: int, escalate: bool = False) -> HelpRequest:
    """The request's row; ``escalate`` first marks it escalated, as the job would."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            if escalate:
                await session.execute(
                    update(HelpRequest)
                    .where(HelpRequest.id == rid)
                    .values(escalated_at=datetime.now(UTC))
                )
            row = (
                await session.execute(select(HelpRequest).where(HelpRequest.id == rid))
            ).scalar()
            assert row is not None
            return row
    finally:
        await engine.dispose()


def no_tracebacks(bot: BotProcess) -> None:
    assert "Traceback" not in bot.log(), bot.log()


# --- The checks --------------------------------------------------------------------------


async def test_another_organisations_coordinator_forging_buttons_gets_no_contact_details(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str, tmp_path: Path
) -> None:
    api = emulator
    bot = await start_bot()
    await coordinator_with_area(api)
    # Erik signs up first: once there is an organisation, a new volunteer is asked about it.
    await volunteer_signs_up_and_is_approved(api)
    # The operator adds the parish's coordinator meanwhile (a slow start: a Python process).
    adding = asyncio.create_task(
        admin(
            database_url,
            tmp_path,
            "add-coordinator",
            str(PARISH),
            "--organisation",
            "Församlingen",
        )
    )
    await resident_signs_up(api)

    # One request Erik takes, and one nobody takes, escalated to the municipality.
    await request_is_sent(api, "Mjölk och bröd")
    offer = await api.wait_for(VOLUNTEER, "Ny förfrågan i Centrum")
    claimed = request_id(offer)
    await api.press_label(VOLUNTEER, offer, "🙋 Jag tar det")
    await api.wait_for(VOLUNTEER, "Tack! Uppdraget är ditt. 💛")
    await api.wait_for(RESIDENT, "Goda nyheter! Erik hjälper dig")
    await request_is_sent(api, "Mjölk och bröd")
    escalated = request_id(await api.wait_for(VOLUNTEER, "Ny förfrågan i Centrum"))
    row = await _request(database_url, escalated, escalate=True)
    assert row.status == "open" and row.escalated_at is not None
    assert (await _request(database_url, claimed)).status == "claimed"

    assert f"{PARISH} är nu samordnare." in await adding
    await api.send(PARISH, "/start")
    await api.wait_for(PARISH, "Hej och välkommen till Hjälpsam!")
    await api.send(PARISH, "Svenska")
    await api.wait_for(PARISH, "Vad heter du i förnamn?")
    await api.send(PARISH, "Olle")
    home = await api.wait_for(PARISH, "Välkommen, Olle! Du är samordnare.")

    # The parish's coordinator forges both buttons for both requests, on a message of theirs.
    before, pressed = len(api.messages(PARISH)), set[str]()
    for rid in (escalated, claimed):
        for data in (f"req:show:{rid}", f"asg:call:{rid}"):
            answer = await press(api, PARISH, home, data, pressed)
            assert answer.get("text") == NOT_ALLOWED and answer.get("show_alert"), (data, answer)

    # For contrast, the municipality's coordinator gets the phone, and the address with «show».
    # Updates are handled one at a time: once these are answered, the forgeries are done too.
    desk = api.messages(COORDINATOR)[-1]
    await press(api, COORDINATOR, desk, f"asg:call:{escalated}")
    await api.wait_for(COORDINATOR, f"Ring Anna på {PHONE}.")
    await press(api, COORDINATOR, desk, f"req:show:{escalated}")
    shown = await api.wait_for(COORDINATOR, f"Adress: {ADDRESS}")
    assert f"Telefon: {PHONE}" in shown.text

    assert len(api.messages(PARISH)) == before  # the refusals were alerts, nothing more
    reached = seen_in_chat(api, PARISH) + [a.get("text", "") for a in answers(api, pressed)]
    assert not leaks(reached, (ADDRESS, "Storgatan", PHONE, "Mjölk och bröd")), reached
    no_tracebacks(bot)


async def test_a_suspended_volunteer_pressing_an_old_offer_gets_nothing(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str, tmp_path: Path
) -> None:
    api = emulator
    bot = await start_bot()
    await coordinator_with_area(api)
    await volunteer_signs_up_and_is_approved(api)
    await resident_signs_up(api)
    await request_is_sent(api, "Mjölk och bröd")
    offer = await api.wait_for(VOLUNTEER, "Ny förfrågan i Centrum")
    rid = request_id(offer)

    said = await admin(database_url, tmp_path, "suspend", str(VOLUNTEER))
    assert f"Volontär {VOLUNTEER} är stoppad" in said, said
    before = len(api.messages(VOLUNTEER))
    answer = await press(api, VOLUNTEER, offer, f"task:claim:{rid}")
    assert answer.get("text") == STOPPED and answer.get("show_alert"), answer
    # Nor may he look at it (and once this is answered, the claim is all handled).
    answer = await press(api, VOLUNTEER, offer, f"task:show:{rid}")
    assert answer.get("text") == NOT_ALLOWED, answer

    row = await _request(database_url, rid)
    assert row.status == "open" and row.volunteer_id is None and row.claimed_at is None
    new = [m.text for m in api.messages(VOLUNTEER)[before:]]
    assert not any("Tack! Uppdraget är ditt" in text for text in new), new
    reached = seen_in_chat(api, VOLUNTEER)
    assert not leaks(reached, (ADDRESS, "Storgatan", PHONE, "Mjölk och bröd")), reached
    assert not any("Goda nyheter" in m.text for m in api.messages(RESIDENT))
    no_tracebacks(bot)


async def test_a_linked_group_never_sees_the_residents_words_or_address(
    emulator: BotApiEmulator, start_bot: StartBot
) -> None:
    api = emulator
    bot = await start_bot()
    await coordinator_with_area(api)
    await send_in_group(api, COORDINATOR, "/koppla")
    await api.wait_for(GROUP, "Nu är gruppen kopplad.")
    await volunteer_signs_up_and_is_approved(api)
    await resident_signs_up(api)
    when = await request_is_sent(api, DETAILS)

    # The offer holds the kind of help, the area and the time: nothing of hers.
    post = await api.wait_for(GROUP, "Ny förfrågan i Centrum")
    assert "Vad: Handla" in post.text and f"När: {when}" in post.text, post.text
    assert post.buttons() == ["🙋 Jag tar det"]
    offer = await api.wait_for(VOLUNTEER, "Ny förfrågan i Centrum")
    assert offer.text == post.text  # the same card in private: no free text there either
    rid = request_id(post)

    # Erik takes it in the group: the details come to him alone, the group sees a thank-you.
    in_group: set[str] = set()
    await press(api, VOLUNTEER, post, post.callback_data()["🙋 Jag tar det"], in_group)
    mine = await api.wait_for(VOLUNTEER, "Tack! Uppdraget är ditt. 💛")
    assert f"Adress: {ADDRESS}" in mine.text and f"Mer: {DETAILS}" in mine.text
    await api.until(lambda: "Erik har tagit det här" in post.text, 15, "the group post to change")
    # The holder's «show», forged onto the group post, is answered in his own chat too.
    await press(api, VOLUNTEER, post, f"task:show:{rid}", in_group)
    again = await api.wait_for(VOLUNTEER, f"Adress: {ADDRESS}")
    assert f"Mer: {DETAILS}" in again.text

    reached = seen_in_chat(api, GROUP) + [a.get("text", "") for a in answers(api, in_group)]
    assert not leaks(reached, ("Portkod", "diabetiker", "1234", ADDRESS, "Storgatan")), reached
    no_tracebacks(bot)
