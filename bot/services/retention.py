"""Keep personal details only as long as needed (default 90 days after a request closed)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def purge(uow: UnitOfWork, now: datetime, days: int) -> int:
    """Blank what people wrote on requests closed more than ``days`` ago; how many requests.

    The request rows themselves stay (category, area, times, status), so reports keep their
    counts. Names, addresses and phones live on the person and go with /radera.
    """
    count = await uow.privacy.blank_closed_before(now - timedelta(days=days))
    if count:
        log.info("retention: blanked the details of %s closed requests", count)
    return count
