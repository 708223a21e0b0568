"""Recurring activities keep their local time across Stockholm's daylight-saving changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.schedule import BadRule, occurrences, validate

TZ = ZoneInfo("Europe/Stockholm")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_weekly_tuesday_stays_at_two_pm_over_the_autumn_change():
    # Summer time ends on Sunday 25 October 2026.
    first = local(2026, 10, 13, 14, 0)
    got = occurrences(first, "FREQ=WEEKLY;BYDAY=TU", TZ, local(2026, 10, 1), local(2026, 11, 1))
    assert [d.strftime("%d %H:%M") for d in got] == ["13 14:00", "20 14:00", "27 14:00"]
    assert [d.utcoffset() for d in got] == [timedelta(hours=2)] * 2 + [timedelta(hours=1)]
    assert got[-1].astimezone(UTC).hour == 13


def test_weekly_tuesday_stays_at_two_pm_over_the_spring_change():
    # Summer time starts on Sunday 28 March 2027.
    first = local(2027, 3, 16, 14, 0)
    got = occurrences(first, "FREQ=WEEKLY;BYDAY=TU", TZ, local(2027, 3, 15), local(2027, 4, 1))
    assert [(d.day, d.hour, d.utcoffset()) for d in got] == [
        (16, 14, timedelta(hours=1)),
        (23, 14, timedelta(hours=1)),
        (30, 14, timedelta(hours=2)),
    ]


def test_a_cancelled_date_is_skipped_and_the_window_is_respected():
    first = local(2026, 11, 3, 10, 0)
    cancelled = [local(2026, 11, 17, 10, 0).astimezone(UTC)]
    got = occurrences(
        first,
        "FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        TZ,
        local(2026, 11, 10),
        local(2026, 12, 1),
        skip=cancelled,
    )
    assert [d.day for d in got] == [10, 24]


def test_a_single_activity_has_one_date_if_it_is_in_the_window():
    once = local(2026, 12, 3, 18, 0)
    assert occurrences(once, None, TZ, local(2026, 12, 1), local(2026, 12, 8)) == [once]
    assert occurrences(once, None, TZ, local(2026, 12, 4), local(2026, 12, 8)) == []


def test_until_in_utc_is_read_as_local_and_bad_rules_are_refused():
    assert validate("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231T000000Z") == (
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231T000000"
    )
    for bad in ("", "varje tisdag", "FREQ=SOMETIMES", "DTSTART=20260101;FREQ=DAILY"):
        with pytest.raises(BadRule):
            validate(bad)
