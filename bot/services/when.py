"""Understand a typed time like "imorgon kl 10", "torsdag förmiddag" or "den 3 december".

dateparser reads dates well but not Swedish times of day, so the clock time and the part of
the day are taken out first and the rest is handed to dateparser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.services.views import When

# Part of the day -> the hour we plan for.
PARTS: dict[str, int] = {"morning": 10, "afternoon": 14, "evening": 18}
# When each part of the day is over (a morning asked for at 12.30 is too late).
PART_ENDS: dict[int, int] = {10: 12, 14: 17, 18: 21}

_PART_WORDS: tuple[tuple[str, str], ...] = (
    (r"f[öo]rmiddag(en)?|fm", "morning"),
    (r"eftermiddag(en)?|em|after ?noon", "afternoon"),
    (r"kv[äa]ll(en)?|evening|tonight", "evening"),
    (r"morgon(en)?|morse|morning", "morning"),
    (r"lunch(en)?|lunchtid", "afternoon"),
)
_CLOCK = re.compile(
    r"(?:\b(?:kl\.?|klockan|at)\s*(?P<h1>\d{1,2})(?:[.:](?P<m1>\d{2}))?\b)"
    r"|(?:\b(?P<h2>\d{1,2})[.:](?P<m2>\d{2})\b)"
)
_RELATIVE: dict[str, int] = {
    "idag": 0,
    "i dag": 0,
    "today": 0,
    "imorgon": 1,
    "i morgon": 1,
    "tomorrow": 1,
    "i övermorgon": 2,
    "övermorgon": 2,
}
_WEEKDAYS: dict[str, int] = {
    "måndag": 0,
    "tisdag": 1,
    "onsdag": 2,
    "torsdag": 3,
    "fredag": 4,
    "lördag": 5,
    "söndag": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_FILLER = re.compile(r"\b(på|den|om|nu|i|vid|on|the|at|next|nästa|kommande)\b")
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class Parsed:
    """What was understood: a day and, if said, a time or a part of the day."""

    day: date
    clock: time | None
    part: str | None


def _take_clock(text: str) -> tuple[str, time | None]:
    match = _CLOCK.search(text)
    if not match:
        return text, None
    hour = int(match.group("h1") or match.group("h2"))
    minute = int(match.group("m1") or match.group("m2") or 0)
    if hour > 23 or minute > 59:
        return text, None
    return (text[: match.start()] + " " + text[match.end() :]), time(hour, minute)


def _take_part(text: str) -> tuple[str, str | None]:
    for pattern, part in _PART_WORDS:
        match = re.search(rf"(?<![a-zåäö])(?:{pattern})(?![a-zåäö])", text)
        if match:
            return text[: match.start()] + " " + text[match.end() :], part
    return text, None


def _word(text: str, word: str) -> re.Match[str] | None:
    return re.search(rf"(?<![a-zåäö]){word}(?![a-zåäö])", text)


def _take_named_day(text: str, today: date) -> tuple[str, date | None]:
    """Take out "idag", "i morgon", "övermorgon" or a weekday (before "morgon" is read as a
    part of the day)."""
    for word, offset in sorted(_RELATIVE.items(), key=lambda kv: -len(kv[0])):
        match = _word(text, word)
        if match:
            return text[: match.start()] + " " + text[match.end() :], today + timedelta(
                days=offset
            )
    for word, weekday in _WEEKDAYS.items():
        match = _word(text, word)
        if match:
            days = (weekday - today.weekday()) % 7
            return text[: match.start()] + " " + text[match.end() :], today + timedelta(days=days)
    return text, None


def _take_date(text: str, today: date, locale: str) -> date | None:
    rest = _FILLER.sub(" ", text).strip(" ,.")
    if not rest:
        return None
    found = dateparser.parse(
        rest,
        languages=[locale, "en"] if locale != "en" else ["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, time(12)),
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day"],
        },
    )
    return found.date() if found else None


def parse(text: str, now: datetime, tz: ZoneInfo, locale: str = "sv") -> Parsed | None:
    """Read a typed time. None when nothing usable was found."""
    cleaned = " ".join(text.lower().replace(",", " ").split())
    if not cleaned or len(cleaned) > 80:
        return None
    today = now.astimezone(tz).date()
    # One-word forms people write: "ikväll", "imorse", "ieftermiddag".
    cleaned = re.sub(r"(?<![a-zåäö])i(kväll|morse|eftermiddag|förmiddag)", r"idag \1", cleaned)
    rest, clock = _take_clock(cleaned)
    rest, day = _take_named_day(rest, today)
    rest, part = _take_part(rest)
    weekday_named = any(_word(cleaned, w) for w in _WEEKDAYS)
    if _FILLER.sub(" ", rest).strip(" ,."):
        written = _take_date(rest, today, locale)
        if written is not None:
            # "tisdag 1 december": the written date wins over the weekday beside it.
            day, weekday_named = written, False
        elif day is None:
            return None
    if day == today and weekday_named and clock and datetime.combine(day, clock, tz) <= now:
        # "söndag kl 10" said on Sunday afternoon means next Sunday.
        day = today + timedelta(days=7)
    if day is None:
        if clock is None and part is None:
            return None
        day = today
        if clock is not None and datetime.combine(today, clock, tz) <= now:
            day = today + timedelta(days=1)
    return Parsed(day=day, clock=clock, part=part)


def to_when(parsed: Parsed, tz: ZoneInfo) -> When:
    """Turn what was understood into a stored time and its precision."""
    if parsed.clock is not None:
        return When(datetime.combine(parsed.day, parsed.clock, tz), "exact")
    if parsed.part is not None:
        return When(datetime.combine(parsed.day, time(PARTS[parsed.part]), tz), "part")
    return When(datetime.combine(parsed.day, time(12), tz), "day")


def for_day(day: date, part: str | None, tz: ZoneInfo) -> When:
    """A day picked with a button, with a part of the day or none."""
    if part in PARTS:
        return When(datetime.combine(day, time(PARTS[part]), tz), "part")
    return When(datetime.combine(day, time(12), tz), "day")


def is_usable(when: When, now: datetime) -> bool:
    """A time is usable if it is not over yet and not absurdly far ahead."""
    if when.at is None:
        return True
    if when.at > now + timedelta(days=MAX_DAYS_AHEAD):
        return False
    if when.precision == "exact":
        return when.at > now
    if when.precision == "part":
        # "This morning" is still fine until the morning is over.
        local = when.at.astimezone(when.at.tzinfo)
        end = local.replace(hour=PART_ENDS.get(local.hour, local.hour + 3), minute=0)
        return end > now
    return when.at.date() >= now.astimezone(when.at.tzinfo).date()


def parse_on_day(text: str, day: date, tz: ZoneInfo) -> When | None:
    """A time of day written after the day was chosen, e.g. "kl 14" or "eftermiddag"."""
    cleaned = " ".join(text.lower().split())
    if len(cleaned) > 40:
        return None
    rest, clock = _take_clock(cleaned)
    if clock is not None:
        return When(datetime.combine(day, clock, tz), "exact")
    _rest, part = _take_part(rest)
    return for_day(day, part, tz) if part else None


def part_of(when: When, tz: ZoneInfo | None = None) -> str | None:
    """Which part of the day a stored 'part' time stands for (read in ``tz`` if given)."""
    if when.precision != "part" or when.at is None:
        return None
    hour = (when.at.astimezone(tz) if tz else when.at).hour
    return next((part for part, start in PARTS.items() if start == hour), None)
