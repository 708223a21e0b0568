"""Who may take a task now. The rule is one query (``storage.repositories.may_take_tasks``),
which the claim's conditional UPDATE holds too; here a refusal is audited and told by its
reason, so that the volunteer hears why."""

from __future__ import annotations

from datetime import datetime

from bot.services.errors import NotVetted, Paused, Stopped
from bot.services.people import refuse
from storage.models import Person
from storage.uow import UnitOfWork


async def ensure_may_take(uow: UnitOfWork, volunteer: Person, target: str, now: datetime) -> None:
    """Refuse, audited, a volunteer who may not take tasks now: not approved (or stopped, or
    lapsed), or paused."""
    if await uow.volunteers.may_take_tasks(volunteer.id):
        return
    await refuse(uow, volunteer.telegram_id, "claim", target, now)
    profile = await uow.volunteers.profile(volunteer.id)
    if profile is not None and profile.vetting in ("suspended", "lapsed"):
        raise Stopped(profile.vetting)
    if profile is None or profile.vetting != "approved":
        raise NotVetted("claim")
    raise Paused("claim")
