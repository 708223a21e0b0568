"""Unit tests of bot/services/when.py: the typed times older residents actually write.

Today is Sunday 22 November 2026, 12:00 in Stockholm (see conftest.NOW).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services import when
from bot.services.views import When

TZ = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=TZ)  # a Sunday
MONDAY, TUESDAY, THURSDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TZ)


def read(text: str, now: datetime = NOW, locale: str = "sv") -> When | None:
    parsed = when.parse(text, now, TZ, locale)
    return when.to_when(parsed, TZ) if parsed else None


# --- parse + to_when ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("imorgon kl 10", When(at(MONDAY, 10), "exact")),
        ("i morgon kl 10", When(at(MONDAY, 10), "exact")),
        ("Imorgon kl. 10", When(at(MONDAY, 10), "exact")),
        ("imorgon klockan 10:15", When(at(MONDAY, 10, 15), "exact")),
        ("torsdag förmiddag", When(at(THURSDAY, 10), "part")),
        ("torsdag eftermiddag", When(at(THURSDAY, 14), "part")),
        ("fredag kväll", When(at(date(2026, 11, 27), 18), "part")),
        ("den 3 december", When(at(date(2026, 12, 3), 12), "day")),
        ("3 december kl 14", When(at(date(2026, 12, 3), 14), "exact")),
        ("på torsdag kl 14.30", When(at(THURSDAY, 14, 30), "exact")),
        ("kl 9", When(at(MONDAY, 9), "exact")),  # 09:00 has passed today, so tomorrow
        ("kl 15", When(at(NOW.date(), 15), "exact")),  # still ahead today
        ("övermorgon", When(at(TUESDAY, 12), "day")),
        ("i övermorgon", When(at(TUESDAY, 12), "day")),
        ("söndag", When(at(NOW.date(), 12), "day")),  # today is Sunday: today, read back to them
        ("idag eftermiddag", When(at(NOW.date(), 14), "part")),
        ("tomorrow at 10", When(at(MONDAY, 10), "exact")),
        # A written date wins over the weekday beside it (not "next Tuesday").
        ("tisdag 1 december kl 14", When(at(date(2026, 12, 1), 14), "exact")),
        ("måndag 7/12 kl 9", When(at(date(2026, 12, 7), 9), "exact")),
        ("tisdag eftermiddag tack", When(at(TUESDAY, 14), "part")),
    ],
)
def test_typed_times(text: str, expected: When) -> None:
    assert read(text, locale="en" if text.startswith("tomorrow") else "sv") == expected


def test_tomorrow_at_10_in_english() -> None:
    parsed = when.parse("tomorrow at 10", NOW, TZ, "en")
    assert parsed == when.Parsed(day=MONDAY, clock=time(10), part=None)


def test_i_morgon_written_apart_means_tomorrow() -> None:
    """Språkrådet writes «i morgon» in two words; many older people do too."""
    parsed = when.parse("i morgon", NOW, TZ)
    assert parsed is not None
    assert parsed.day == MONDAY
    assert parsed.part is None


def test_i_morgon_with_a_time_later_than_now_is_still_tomorrow() -> None:
    """14:00 is still ahead today, but «i morgon kl 14» is Monday, not this afternoon."""
    assert read("i morgon kl 14") == When(at(MONDAY, 14), "exact")


def test_part_of_day_is_not_taken_from_inside_imorgon() -> None:
    parsed = when.parse("imorgon", NOW, TZ)
    assert parsed == when.Parsed(day=MONDAY, clock=None, part=None)


@pytest.mark.parametrize(
    "text", ["blablabla", "25:00", "kl 25", "kl 10.75", "", "   ", "hej hej", "x" * 81]
)
def test_nonsense_is_not_understood(text: str) -> None:
    assert when.parse(text, NOW, TZ) is None


def test_a_named_day_is_never_in_the_past() -> None:
    for text in ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"):
        parsed = when.parse(text, NOW, TZ)
        assert parsed is not None
        assert NOW.date() <= parsed.day < NOW.date() + timedelta(days=7), text


def test_a_past_date_this_year_means_next_year() -> None:
    parsed = when.parse("10 november", NOW, TZ)
    assert parsed is not None and parsed.day == date(2027, 11, 10)


# --- Around the change to summer time (last Sunday of March 2027: 28 March) ----------------


def test_tomorrow_at_10_across_the_spring_dst_change() -> None:
    now = datetime(2027, 3, 27, 12, 0, tzinfo=TZ)  # Saturday, winter time (+01:00)
    value = read("imorgon kl 10", now)
    assert value is not None and value.precision == "exact"
    assert value.at == at(date(2027, 3, 28), 10)
    assert value.at.isoformat() == "2027-03-28T10:00:00+02:00"
    assert now.utcoffset() == timedelta(hours=1)
    assert value.at.utcoffset() == timedelta(hours=2)
    # 22 hours later on the wall clock, but only 21 real hours (one hour is skipped).
    assert value.at.astimezone(UTC) - now.astimezone(UTC) == timedelta(hours=21)
    assert when.is_usable(value, now)


def test_tomorrow_morning_across_the_autumn_dst_change() -> None:
    now = datetime(2026, 10, 24, 12, 0, tzinfo=TZ)  # Saturday, summer time (+02:00)
    value = read("imorgon förmiddag", now)
    assert value is not None
    assert value.at is not None and value.at.isoformat() == "2026-10-25T10:00:00+01:00"
    assert value.precision == "part"


# --- is_usable ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "usable"),
    [
        (When(None, "none"), True),
        (When(at(MONDAY, 10), "exact"), True),
        (When(at(NOW.date(), 11, 59), "exact"), False),
        (When(NOW, "exact"), False),
        (When(at(NOW.date(), 10), "part"), False),  # at noon this morning is over
        (When(at(NOW.date(), 10) - timedelta(hours=2), "part"), False),
        (When(at(NOW.date(), 12), "day"), True),  # today
        (When(at(NOW.date() - timedelta(days=1), 12), "day"), False),  # yesterday
        (When(NOW + timedelta(days=366), "day"), True),
        (When(NOW + timedelta(days=367), "day"), False),  # absurdly far ahead
    ],
)
def test_is_usable(value: When, usable: bool) -> None:
    assert when.is_usable(value, NOW) is usable


def test_this_morning_becomes_unusable_at_noon() -> None:
    value = When(at(NOW.date(), 10), "part")
    assert when.is_usable(value, at(NOW.date(), 11, 59))
    assert not when.is_usable(value, at(NOW.date(), 12))


def test_this_evening_is_usable_until_nine() -> None:
    value = When(at(NOW.date(), 18), "part")
    assert when.is_usable(value, at(NOW.date(), 20, 59))
    assert not when.is_usable(value, at(NOW.date(), 21))


# --- parse_on_day --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kl 14", When(at(THURSDAY, 14), "exact")),
        ("14.30", When(at(THURSDAY, 14, 30), "exact")),
        ("klockan 9", When(at(THURSDAY, 9), "exact")),
        ("förmiddag", When(at(THURSDAY, 10), "part")),
        ("på eftermiddagen", When(at(THURSDAY, 14), "part")),
        ("kväll", When(at(THURSDAY, 18), "part")),
        ("hej", None),
        ("kl 25", None),
        ("x" * 41, None),
    ],
)
def test_parse_on_day(text: str, expected: When | None) -> None:
    assert when.parse_on_day(text, THURSDAY, TZ) == expected


def test_for_day_and_part_of() -> None:
    morning = when.for_day(THURSDAY, "morning", TZ)
    assert morning == When(at(THURSDAY, 10), "part")
    assert when.part_of(morning) == "morning"
    assert when.for_day(THURSDAY, None, TZ) == When(at(THURSDAY, 12), "day")
    assert when.part_of(When(at(THURSDAY, 14), "exact")) is None
