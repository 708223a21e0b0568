"""A person's own settings: replies read aloud, meeting-place reminders, language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import reminders
from bot.services.errors import DomainError, NotFound
from bot.services.people import registered
from storage.models import Person
from storage.uow import UnitOfWork

LANGUAGES: tuple[str, ...] = ("sv", "en")


class NoVoice(DomainError):
    """Reading aloud was asked for, but this service has no speech engine."""


@dataclass(frozen=True)
class Preferences:
    """What the settings screen shows. ``locale`` is None until the person chose one."""

    read_aloud: bool
    reminders: bool
    locale: str | None


def _view(person: Person) -> Preferences:
    return Preferences(
        read_aloud=person.read_aloud, reminders=not person.reminders_off, locale=person.locale
    )


async def preferences(uow: UnitOfWork, telegram_id: int) -> Preferences:
    """The settings of a registered person."""
    return _view(await registered(uow, telegram_id))


async def set_read_aloud(
    uow: UnitOfWork, telegram_id: int, on: bool, *, can_speak: bool
) -> Preferences:
    """Turn reading aloud on or off; on only when an engine can speak (else NoVoice)."""
    person = await registered(uow, telegram_id)
    if on and not can_speak:
        raise NoVoice()
    person.read_aloud = on
    return _view(person)


async def set_reminders(uow: UnitOfWork, telegram_id: int, on: bool) -> Preferences:
    """Turn meeting-place reminders on or off (the same rule as /paminnelser)."""
    await reminders.set_reminders(uow, telegram_id, on)
    return await preferences(uow, telegram_id)


async def set_language(uow: UnitOfWork, telegram_id: int, locale: str) -> Preferences:
    """Switch a registered person's language to one the service speaks."""
    if locale not in LANGUAGES:
        raise NotFound("language")
    person = await registered(uow, telegram_id)
    person.locale = locale
    return _view(person)
