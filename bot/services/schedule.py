"""When activities happen: RRULE expansion in local wall-clock time, across DST changes.

A weekly "tisdag 14.00" stays at 14.00 in Stockholm all year, so the rule is expanded on naive
local times and each result is given the zone afterwards (its UTC offset then follows DST).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

MAX_OCCURRENCES = 500


class BadRule(ValueError):
    """The recurrence rule cannot be read."""


def validate(rule: str) -> str:
    """Check an RRULE body (e.g. ``FREQ=WEEKLY;BYDAY=TU``); return it normalised."""
    body = rule.strip().removeprefix("RRULE:").upper()
    if not body or "DTSTART" in body:
        raise BadRule(rule)
    # UNTIL in UTC ("…Z") cannot be mixed with a local start; read it as local time.
    body = ";".join(
        part[:-1] if part.startswith("UNTIL=") and part.endswith("Z") else part
        for part in body.split(";")
    )
    try:
        rrulestr(body, dtstart=datetime(2026, 1, 1, 12))
    except (ValueError, TypeError) as error:
        raise BadRule(rule) from error
    return body


def occurrences(
    starts_at: datetime,
    rule: str | None,
    tz: ZoneInfo,
    window_start: datetime,
    window_end: datetime,
    skip: Iterable[datetime] = (),
) -> list[datetime]:
    """The starts of an activity within [window_start, window_end), in ``tz``, minus ``skip``."""
    first = starts_at.astimezone(tz).replace(tzinfo=None)
    if rule:
        recurrence = rrulestr(validate(rule), dtstart=first)
        low = window_start.astimezone(tz).replace(tzinfo=None) - timedelta(hours=3)
        high = window_end.astimezone(tz).replace(tzinfo=None) + timedelta(hours=3)
        local = recurrence.between(low, high, inc=True)[:MAX_OCCURRENCES]
    else:
        local = [first]
    skipped = {s.astimezone(UTC) for s in skip}
    result = []
    for naive in local:
        moment = naive.replace(tzinfo=tz)
        if window_start <= moment < window_end and moment.astimezone(UTC) not in skipped:
            result.append(moment)
    return result
