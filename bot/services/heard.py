"""Guess the kind of help and the time from a spoken (transcribed) request.

Speech recognition mangles words: "apotek" comes back as "apo tek", å/ä/ö go missing, "handla"
turns into "handlar" or "handel", "klockan" into "klokan". So words are folded to a–z, each
word is also tried joined with the next one or two, and keywords match as word beginnings or
at a small spelling distance. The time words found are put back in their proper spelling and
read by :mod:`bot.services.when`, the same parser typed times go through. It is a suggestion:
the person confirms or corrects both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from zoneinfo import ZoneInfo

from bot.services.when import Parsed, parse

# Word beginnings that point to a kind of help, folded to a–z ("=word": that whole word only).
# Strong words count 2, weak ones 1. Ties go to the kind listed first: "följa mig till
# apoteket" is an escort, "handla på apoteket" the pharmacy.
_STRONG: dict[str, str] = {
    "escort": "folj skjuts =escort accompany",
    "pharmacy": "apotek medicin recept pharmac chemist prescription",
    "phone": "telefonvan telefonkompis phonefriend =ring =ringa =ringer =call",
    "digital": "dator telefon mobil surfplatta ipad bankid swish internet mejl epost email "
    "=app appen wifi kivra videosamtal losenord computer tablet smartphone password",
    "shopping": "handla inkop affar butik matvar matkasse mataffar shopping grocer "
    "supermarket =ica =coop =lidl =willys hemkop =shop",
    "company": "promen sallskap =fika ensam umgas =walk =company coffee lonely stroll",
    "home": "lampa glodlamp gardin skotta tradgard grasklipp stada stadning tvatt flytta mobel "
    "mobler tavla reparera sopor dammsug bulb garden snow clean curtain repair furniture",
}
_WEAK: dict[str, str] = {
    "escort": "vardcentral sjukhus lakare doktor tandlakare akuten =besok hospital doctor "
    "dentist clinic appointment =taxi =ride =lift",
    "pharmacy": "tablett pills",
    "phone": "=samtal =chat prata",
    "digital": "skrivare printer =phone",
    "shopping": "=kopa =koper =varor =buy =store",
    "company": "=ga =promenix",
    "home": "=laga =fix =sno =gras",
}
_FOLD = str.maketrans("åäöéèüáà", "aaoeeuaa")
_TOKEN = re.compile(r"\d{1,2}[:.]\d{2}|\d+|[a-z]+")
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")
_CLOCK_WORDS = ("klockan", "kl", "at")
_HOUR_WORDS = (
    "ett tva tre fyra fem sex sju atta nio tio elva tolv tretton fjorton femton sexton sjutton "
    "arton nitton tjugo tjugoett tjugotva tjugotre"
).split()
_ENGLISH_HOURS = "one two three four five six seven eight nine ten eleven twelve".split()
HOURS = {w: n for ws in (_HOUR_WORDS, _ENGLISH_HOURS) for n, w in enumerate(ws, 1)} | {"en": 1}
_ORDINAL_WORDS = (
    "forsta andra tredje fjarde femte sjatte sjunde attonde nionde tionde elfte tolfte "
    "trettonde fjortonde femtonde sextonde sjuttonde artonde nittonde tjugonde"
).split()
ORDINALS: dict[str, int] = {
    **{w: n for n, w in enumerate(_ORDINAL_WORDS, 1)},
    **{"tjugo" + w: 20 + n for n, w in enumerate(_ORDINAL_WORDS[:9], 1)},
    "trettionde": 30,
    "trettioforsta": 31,
}
_MONTHS_EN = (
    "january february march april may june july august september october november december"
)
_MONTHS_SV = (
    "januari februari mars april maj juni juli augusti september oktober november december"
)
# Heard month -> its English name, which dateparser reads whatever the person's language.
MONTHS: dict[str, str] = {
    **dict(zip(_MONTHS_SV.split(), _MONTHS_EN.split(), strict=True)),
    **{m: m for m in _MONTHS_EN.split()},
}
# Heard weekday (folded) -> the spelling when.parse knows.
WEEKDAYS: dict[str, str] = {
    "mandag": "måndag", "tisdag": "tisdag", "onsdag": "onsdag", "torsdag": "torsdag",
    "fredag": "fredag", "lordag": "lördag", "sondag": "söndag", "monday": "monday",
    "tuesday": "tuesday", "wednesday": "wednesday", "thursday": "thursday",
    "friday": "friday", "saturday": "saturday", "sunday": "sunday",
}  # fmt: skip
# Heard day words, neighbours joined ("i morgon" -> "imorgon") -> what when.parse knows.
DAY_WORDS: dict[str, str] = {
    "idag": "idag", "imorgon": "imorgon", "imorron": "imorgon", "imorrn": "imorgon",
    "overmorgon": "övermorgon", "iovermorgon": "övermorgon", "ikvall": "ikväll",
    "imorse": "imorse", "ieftermiddag": "ieftermiddag", "iformiddag": "iförmiddag",
    "today": "idag", "tomorrow": "imorgon", "tonight": "ikväll",
}  # fmt: skip
PART_WORDS: dict[str, str] = {
    "formiddag": "förmiddag", "formiddagen": "förmiddag", "formiddan": "förmiddag",
    "fm": "förmiddag", "eftermiddag": "eftermiddag", "eftermiddagen": "eftermiddag",
    "eftermiddan": "eftermiddag", "em": "eftermiddag", "kvall": "kväll", "kvallen": "kväll",
    "morgon": "morgon", "morgonen": "morgon", "bitti": "morgon", "lunch": "lunch",
    "lunchen": "lunch", "morning": "morgon", "afternoon": "eftermiddag", "evening": "kväll",
}  # fmt: skip
_TIE_ORDER = tuple(_STRONG)
_Index = dict[str, list[str]]

# A category is suggested only with this much evidence: a strong word (2), even slightly
# misheard (2 * NEAR), or two weak ones (1 each).
MIN_SCORE = 1.5
NEAR = 0.75
# How alike a heard word and a keyword must be (difflib ratio) to count as the keyword.
LIKENESS = 0.8
# Keywords at least this long may match at a small spelling distance.
FUZZY_FROM = 6


@dataclass(frozen=True)
class Heard:
    """What a spoken request seems to ask for; None where nothing was heard."""

    category: str | None
    # The day, and the clock time or part of the day if said (``when.to_when`` makes a When).
    when: Parsed | None
    # The time words as read, in their proper spelling (e.g. "torsdag förmiddag"), for logs.
    when_words: str | None = None


def words(text: str) -> list[str]:
    """The words of a sentence, lower case and folded to a–z; clock times kept whole."""
    return _TOKEN.findall(text.lower().translate(_FOLD))


def _likeness(heard: str, keyword: str) -> float:
    """How alike two words are (difflib's ratio), 0 unless they begin alike; cheap bounds
    first, as this runs for every word against every long keyword."""
    if heard[:1] != keyword[:1]:
        return 0.0
    matcher = SequenceMatcher(None, heard, keyword)
    if matcher.real_quick_ratio() < LIKENESS or matcher.quick_ratio() < LIKENESS:
        return 0.0
    return matcher.ratio()


def _alike(heard: str, keyword: str) -> bool:
    """Whether a heard word is this keyword, allowing a slip or two in a long one."""
    if heard == keyword:
        return True
    return len(keyword) >= FUZZY_FROM and _likeness(heard, keyword) >= LIKENESS


def _starts_near(heard: str, stem: str) -> bool:
    """Whether a heard word begins with nearly ``stem`` (a long one; one or two slips)."""
    return len(stem) >= FUZZY_FROM and any(
        _alike(heard[: len(stem) + d], stem) for d in (-1, 0, 1)
    )


def _by_letter(tokens: list[str], size: int) -> dict[str, list[str]]:
    """Every word, and every run of up to ``size`` neighbours written together ("apo tek" ->
    "apotek"), by first letter."""
    found: dict[str, list[str]] = {}
    for start in range(len(tokens)):
        for end in range(start + 1, min(start + size, len(tokens)) + 1):
            joined = "".join(tokens[start:end])
            if joined.isalpha():
                found.setdefault(joined[0], []).append(joined)
    return found


def _score(keywords: str, tokens: list[str], exact: _Index, near: _Index) -> float:
    """How many of ``keywords`` were heard, a near miss counting ``NEAR``."""
    score = 0.0
    for keyword in keywords.split():
        if keyword.startswith("="):
            score += keyword[1:] in tokens
        elif any(c.startswith(keyword) for c in exact.get(keyword[0], ())):
            score += 1
        elif any(_starts_near(c, keyword) for c in near.get(keyword[0], ())):
            score += NEAR
    return score


def category_of(tokens: list[str]) -> str | None:
    """The kind of help the words point to most, or None."""
    # Near misses are looked for in words and pairs only: it is the slow part.
    exact, near = _by_letter(tokens, 3), _by_letter(tokens, 2)
    scores = {
        code: 2 * _score(_STRONG[code], tokens, exact, near)
        + _score(_WEAK.get(code, ""), tokens, exact, near)
        for code in _TIE_ORDER
    }
    best = max(_TIE_ORDER, key=lambda code: scores[code])  # the first of equals
    return best if scores[best] >= MIN_SCORE else None


def _hour(word: str) -> int | None:
    if word.isdigit() and int(word) <= 24:
        return int(word)
    return HOURS.get(word)


def _number(tokens: list[str], i: int) -> tuple[int, int, int] | None:
    """An hour said at ``tokens[i]``: (hour, minute, words used), e.g. "halv elva" = 10:30."""
    word, after, beyond = (tokens[i + k] if i + k < len(tokens) else "" for k in range(3))
    if _CLOCK.fullmatch(word):
        hh, mm = (int(x) for x in re.split(r"[:.]", word))
        return (hh, mm, 1) if hh < 24 and mm < 60 else None
    if word + after in HOURS and after:  # "tjugo tre"
        return HOURS[word + after], 0, 2
    if (hour := _hour(word)) is not None:
        return hour, 0, 1
    if word == "halv" and (hour := _hour(after)) is not None:
        return (hour - 1) % 24, 30, 2
    if word == "kvart" and after in ("over", "i") and (hour := _hour(beyond)) is not None:
        return (hour, 15, 3) if after == "over" else ((hour - 1) % 24, 45, 3)
    return None


def _clock(tokens: list[str], i: int) -> tuple[int, int, int, bool] | None:
    """A clock time at ``tokens[i]`` ("klockan tio", "kl 14.30", "halv tre", "2 pm"): hour,
    minute, words used, and whether am/pm was said."""
    word = tokens[i]
    lead = int(word in _CLOCK_WORDS or _alike(word, "klockan"))
    said = _number(tokens, i + lead)
    if said is None:
        return None
    hour, minute, used = said[0], said[1], said[2] + lead
    after = tokens[i + used : i + used + 2]
    if after[:1] in (["am"], ["pm"]):
        return hour % 12 + (12 if after[0] == "pm" else 0), minute, used + 1, True
    if after == ["o", "clock"]:
        return hour, minute, used + 2, False
    if lead or word in ("halv", "kvart") or _CLOCK.fullmatch(word):
        return hour, minute, used, False
    return None  # a bare number: "2 liter"


def _date(tokens: list[str], i: int) -> str | None:
    """ "3 december", "den tredje december", "3:e maj" -> "3 december", "3 may"."""
    rest = tokens[i + 1 : i + 3]
    if rest and rest[0] in ("e", "a", "st", "nd", "rd", "th"):
        rest = rest[1:]
    if not rest or rest[0] not in MONTHS:
        return None
    day = ORDINALS.get(tokens[i]) or (int(tokens[i]) if tokens[i].isdigit() else 0)
    return f"{day} {MONTHS[rest[0]]}" if 1 <= day <= 31 else None


def _weekday(said: str) -> str | None:
    """The weekday a heard word is: "torsdag", "torsdagen", "tors"+"dag", "fredan"."""
    for folded, proper in WEEKDAYS.items():
        if said.startswith(folded):
            return proper
    ratio, folded = max((_likeness(said[: len(f)], f), f) for f in WEEKDAYS)
    return WEEKDAYS[folded] if ratio >= LIKENESS else None


def _day_word(tokens: list[str], i: int) -> tuple[str, int] | None:
    """A named day at ``tokens[i]`` and the number of words it took."""
    for size in (2, 1):
        said = "".join(tokens[i : i + size])
        if i + size <= len(tokens) and said in DAY_WORDS:
            return DAY_WORDS[said], size
    for size in (1, 2):
        if i + size <= len(tokens) and (day := _weekday("".join(tokens[i : i + size]))):
            return day, size
    return None


def time_words(tokens: list[str]) -> str | None:
    """The time said in a sentence, in the words ``when.parse`` knows, or None."""
    day = part = date = None
    clock: tuple[int, int, int, bool] | None = None
    i = 0
    while i < len(tokens):
        used = 1
        pair = "".join(tokens[i : i + 2])
        if day is None and (named := _day_word(tokens, i)):
            day, used = named
        elif part is None and (pair in PART_WORDS or tokens[i] in PART_WORDS):
            part, used = (
                (PART_WORDS[pair], 2) if pair in PART_WORDS else (PART_WORDS[tokens[i]], 1)
            )
        elif clock is None and (said := _clock(tokens, i)):
            clock, used = said, said[2]
        elif date is None and (written := _date(tokens, i)):
            date = written
        i += used
    said_clock = None
    if clock is not None:
        hour, minute, _used, am_pm = clock
        if 1 <= hour <= 6 and not am_pm and part not in ("morgon", "förmiddag"):
            hour += 12  # nobody asks for help at two at night: "klockan två" means 14.00
        said_clock = f"kl {hour:02d}:{minute:02d}"
    found = " ".join(p for p in (date or day, part, said_clock) if p)
    return found or None


def suggest(text: str, now: datetime, tz: ZoneInfo, locale: str = "sv") -> Heard:
    """The category and time a transcribed request seems to ask for.

    The time may be over already: check ``when.is_usable(when.to_when(...))`` as for a typed
    one. Hours 1–6 without "morgon"/"förmiddag" are taken as afternoon ("klockan två" = 14).
    """
    tokens = words(text)
    phrase = time_words(tokens)
    parsed = parse(phrase, now, tz, locale) if phrase else None
    return Heard(category_of(tokens), parsed, phrase if parsed else None)
