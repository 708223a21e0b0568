"""Keep personal details only as long as needed.

- What people wrote on requests goes 90 days (``HJALPSAM_RETENTION_DAYS``) after the request
  closed, and so do the request's links to its resident (and to whoever entered it): the row
  then names a stand-in. The rows stay, so the reports keep their counts; the volunteer stays
  on the row for the count of active volunteers, until they are erased.
- A draft (a half-written request) untouched for 30 days is thrown away.
- A saved "near me" location (the last find-a-place search, kept for «Fler») goes 30 days
  after the search was made.
If the retention period is set shorter than 30 days, drafts and locations go after it instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.services.places import SAVED_SEARCH_KEY
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

ABANDONED_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class Forgotten:
    """What a run of :func:`forget_abandoned` removed."""

    drafts: int = 0
    # Telegram ids whose saved location went: the running bot drops its copy too.
    locations: list[int] = field(default_factory=list)


async def purge(uow: UnitOfWork, now: datetime, days: int) -> int:
    """Blank what people wrote on requests closed more than ``days`` ago; how many requests.

    The request rows themselves stay (category, area, times, status), so reports keep their
    counts, but no longer name the resident. Names, addresses and phones live on the person and
    go with /radera.
    """
    cutoff = now - timedelta(days=days)
    count = await uow.privacy.blank_closed_before(cutoff)
    unlinked = await uow.retention.unlink_closed_before(cutoff, now)
    if count or unlinked:
        log.info("retention: blanked %s closed requests, unlinked %s", count, unlinked)
    return count


def abandoned_before(now: datetime, days: int) -> datetime:
    """Drafts and saved locations older than this are dropped."""
    return now - min(ABANDONED_AFTER, timedelta(days=days))


def drop_old_location(user_data: dict[str, Any], cutoff: datetime) -> bool:
    """Remove a saved location made before ``cutoff`` from user data; whether one was removed.

    A saved search without a readable time (kept before times were recorded) counts as old.
    """
    saved = user_data.get(SAVED_SEARCH_KEY)
    if not isinstance(saved, dict) or (saved.get("lat") is None and saved.get("lon") is None):
        return False
    try:
        made = datetime.fromisoformat(str(saved["at"]))
        if made >= cutoff:
            return False
    except (KeyError, TypeError, ValueError):
        pass
    # The whole search goes: a "near" search means nothing without its location.
    del user_data[SAVED_SEARCH_KEY]
    return True


async def forget_abandoned(uow: UnitOfWork, now: datetime, days: int) -> Forgotten:
    """Drop abandoned drafts and old saved locations (see the module docstring)."""
    cutoff = abandoned_before(now, days)
    drafts = await uow.privacy.drop_drafts_before(cutoff)
    locations = []
    for telegram_id, data in (await uow.privacy.all_user_data()).items():
        if drop_old_location(data, cutoff):
            await uow.privacy.put_user_data(telegram_id, data)
            locations.append(telegram_id)
    if drafts or locations:
        log.info(
            "retention: dropped %s abandoned drafts and %s saved locations",
            drafts,
            len(locations),
        )
    return Forgotten(drafts, locations)
