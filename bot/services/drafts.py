"""Drafts: a half-written request lives in the database after every step."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from enum import Enum

from bot.services.people import registered
from bot.services.views import CATEGORIES, DraftView, When
from bot.services.when import is_usable
from storage.models import Draft
from storage.uow import UnitOfWork


class _Unset(Enum):
    TOKEN = 0


_UNSET = _Unset.TOKEN


def _to_view(draft: Draft) -> DraftView:
    return DraftView(
        step=draft.step,
        category=draft.category,
        when_day=draft.when_day,
        when=When(draft.when_at, draft.when_precision or "none"),
        details=draft.details,
    )


async def get(uow: UnitOfWork, telegram_id: int) -> DraftView | None:
    """The person's draft, if they have one."""
    person = await registered(uow, telegram_id)
    draft = await uow.drafts.get(person.id)
    return _to_view(draft) if draft else None


async def save(
    uow: UnitOfWork,
    telegram_id: int,
    *,
    step: str,
    now: datetime,
    category: str | _Unset | None = _UNSET,
    when_day: str | _Unset | None = _UNSET,
    when: When | _Unset | None = _UNSET,
    details: str | _Unset | None = _UNSET,
) -> DraftView:
    """Store the step the person is at, and whatever they just gave."""
    person = await registered(uow, telegram_id)
    draft = await uow.drafts.get(person.id) or Draft(person_id=person.id, step=step)
    draft.step, draft.updated_at = step, now
    if not isinstance(category, _Unset):
        if category is not None and category not in CATEGORIES:
            raise ValueError(category)
        draft.category = category
    if not isinstance(when_day, _Unset):
        draft.when_day = when_day
    if not isinstance(when, _Unset):
        draft.when_at = when.at if when else None
        draft.when_precision = when.precision if when else None
    if not isinstance(details, _Unset):
        draft.details = details
    await uow.drafts.put(draft)
    return _to_view(draft)


# Steps that come after the time was given: resuming there needs a time that is not over.
AFTER_TIME = ("part", "confirm_time", "details", "confirm")


def time_still_good(draft: DraftView, now: datetime, tz: tzinfo) -> bool:
    """A draft saved days ago may hold a time that is over by now."""
    if draft.step not in AFTER_TIME:
        return True
    if draft.when.at is not None:
        return is_usable(draft.when, now)
    if draft.when_day is not None:
        return date.fromisoformat(draft.when_day) >= now.astimezone(tz).date()
    return True


async def discard(uow: UnitOfWork, telegram_id: int) -> None:
    """Throw the draft away (Cancel, or after it was sent)."""
    person = await registered(uow, telegram_id)
    await uow.drafts.drop(person.id)
