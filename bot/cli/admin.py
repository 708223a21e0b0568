"""``hjalpsam admin``: add-coordinator ID [--municipal | --organisation NAME],
remove-coordinator ID, suspend ID [--reason TEXT], reinstate ID, add-area NAME.

Stopping a volunteer here does what the chat does. The messages it means (the volunteer told,
each resident told, the task offered anew) go into the outbound queue, which the running bot
sends within seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.cli.db import units
from bot.i18n import Catalogs
from bot.services import organisations, outbound, people, requests, suspension
from bot.services.errors import Duplicate, NotFound, NotOpen
from bot.services.views import GiveBackResult, Recipient
from bot.settings import Settings
from bot.ui import keyboards, texts
from storage.uow import UnitOfWork


def add_coordinator(settings: Settings, telegram_id: int, organisation: str | None) -> int:
    """Make a Telegram user a coordinator: of an organisation when one is named, otherwise of
    the municipality."""
    print(asyncio.run(_add_coordinator(settings, telegram_id, organisation)))
    return 0


def remove_coordinator(settings: Settings, telegram_id: int) -> int:
    """Take the coordinator role away; 1 when they had none."""
    removed = asyncio.run(_remove_coordinator(settings, telegram_id))
    say = texts.cli_coordinator_removed if removed else texts.cli_no_such_coordinator
    print(say(telegram_id))
    return 0 if removed else 1


def suspend(settings: Settings, telegram_id: int, reason: str | None) -> int:
    """Stop a volunteer at once (see the module docstring); 1 if there is no such volunteer."""
    said, code = asyncio.run(_suspend(settings, telegram_id, reason))
    print(said)
    return code


def reinstate(settings: Settings, telegram_id: int) -> int:
    """Let a stopped volunteer take tasks again; they are told through the queue."""
    said, code = asyncio.run(_reinstate(settings, telegram_id))
    print(said)
    return code


def add_area(settings: Settings, name: str) -> int:
    """Add an area; one that exists already (in any case) is said, not added twice."""
    print(asyncio.run(_add_area(settings, name)))
    return 0


async def _add_coordinator(settings: Settings, telegram_id: int, organisation: str | None) -> str:
    # A fresh SQLite file is set up here: README's first run does this before `run`.
    async with units(settings, create=True) as uow, uow() as work:
        organisation_id = await organisations.named(work, organisation) if organisation else None
        await people.add_coordinator(work, telegram_id, datetime.now(UTC), organisation_id)
    return texts.cli_coordinator_added(telegram_id)


async def _remove_coordinator(settings: Settings, telegram_id: int) -> bool:
    async with units(settings) as uow, uow() as work:
        return await people.remove_coordinator(work, telegram_id, datetime.now(UTC))


async def _suspend(settings: Settings, telegram_id: int, reason: str | None) -> tuple[str, int]:
    now = datetime.now(UTC)
    catalogs = Catalogs(settings.default_locale)
    async with units(settings) as uow, uow() as work:
        try:
            person_id = await suspension.person_id_of(work, telegram_id)
            done = await suspension.suspend(work, None, person_id, reason, now)
        except NotFound:
            return texts.cli_no_such_volunteer(telegram_id), 1
        except NotOpen:
            return texts.cli_already_suspended(telegram_id), 1
        name = done.volunteer.first_name
        await _queue(work, catalogs, done.volunteer, lambda: texts.suspended_volunteer(name), now)
        for released in done.released:
            await _tell_released(work, catalogs, released, settings, now)
    return texts.cli_suspended(telegram_id, len(done.released)), 0


async def _tell_released(
    work: UnitOfWork,
    catalogs: Catalogs,
    released: GiveBackResult,
    settings: Settings,
    now: datetime,
) -> None:
    """As the chat does: the address taken out of the volunteer's messages (queued edits: the
    command line cannot reach Telegram), the resident told calmly, the task offered to the
    others again."""
    req, tz = released.request, ZoneInfo(settings.timezone)
    name, who = released.volunteer.first_name, released.resident.on_behalf_of
    for post in released.address_posts:
        with catalogs.use(post.locale or settings.default_locale):
            text = texts.address_removed(req, tz, released.why)
        await outbound.enqueue(
            work, post.chat_id, text, None, now, "command line", 0, edit_message_id=post.message_id
        )
    await _queue(
        work,
        catalogs,
        released.resident,
        lambda: texts.resident_told_given_back(req, name, tz, who),
        now,
    )
    offer = requests.as_offer(req)
    groups = [Recipient(0, c, settings.default_locale, "") for c in released.group_chat_ids]
    for to in [*released.volunteers, *groups]:
        await _queue(work, catalogs, to, lambda: texts.task_card(offer, tz), now, req.id)


async def _queue(
    work: UnitOfWork,
    catalogs: Catalogs,
    to: Recipient,
    render: Callable[[], str],
    now: datetime,
    offer: int | None = None,
) -> None:
    """Put one message in the outbound queue, in the recipient's language."""
    if to.telegram_id is None:
        return
    with catalogs.use(to.locale):
        text = render()
        markup = keyboards.tasks.task_offer(offer).to_json() if offer is not None else None
    await outbound.enqueue(work, to.telegram_id, text, markup, now, "command line", 0)


async def _reinstate(settings: Settings, telegram_id: int) -> tuple[str, int]:
    now = datetime.now(UTC)
    catalogs = Catalogs(settings.default_locale)
    async with units(settings) as uow, uow() as work:
        try:
            person_id = await suspension.person_id_of(work, telegram_id)
            volunteer = await suspension.reinstate(work, None, person_id, now)
        except NotFound:
            return texts.cli_no_such_volunteer(telegram_id), 1
        except NotOpen:
            return texts.cli_not_suspended(telegram_id), 1
        name = volunteer.first_name
        await _queue(work, catalogs, volunteer, lambda: texts.reinstated_volunteer(name), now)
    return texts.cli_reinstated(telegram_id), 0


async def _add_area(settings: Settings, name: str) -> str:
    async with units(settings, create=True) as uow, uow() as work:
        try:
            area = await people.add_area(work, None, name, datetime.now(UTC))
        except Duplicate:
            return texts.cli_area_exists(" ".join(name.split()))
    return texts.area_added(area.name)
