"""A time as a person gives it, typed or spoken: "imorgon kl 10", "i morgon klockan tio"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services import heard, when


def understand(text: str, now: datetime, tz: ZoneInfo, locale: str = "sv") -> when.Parsed | None:
    """What the typed-time parser reads, completed by the forgiving reading of spoken words
    ("klockan tio", "halv tre", "tors dag") when that finds a time of day the parser missed."""
    parsed = when.parse(text, now, tz, locale)
    if parsed is not None and (parsed.clock is not None or parsed.part is not None):
        return parsed
    spoken = heard.suggest(text, now, tz, locale).when
    if spoken is not None and (parsed is None or spoken.day == parsed.day):
        return spoken
    return parsed
