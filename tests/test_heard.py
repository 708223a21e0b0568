"""Unit tests of bot/services/heard.py: the kind of help and the time in a spoken request.

The sentences are typed here, as speech recognition gives them back, mistakes included: words
split in two ("apo tek"), å/ä/ö lost, endings changed ("handlar", "handel", "fredan").
Today is Sunday 22 November 2026, 12:00 in Stockholm.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.services.heard import Heard, category_of, suggest, time_words, words
from bot.services.when import Parsed

TZ = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=TZ)  # a Sunday
MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
THURSDAY, FRIDAY = date(2026, 11, 26), date(2026, 11, 27)


def heard(text: str, locale: str = "sv") -> Heard:
    return suggest(text, NOW, TZ, locale)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Jag behöver hjälp att handla på torsdag förmiddag", "shopping"),
        ("jag behover hjalp att handla", "shopping"),
        ("Kan någon handlar åt mig", "shopping"),
        ("Hjälp med handel", "shopping"),
        ("Jag vill ha hjälp att hundla i affären", "shopping"),
        ("kan någon gå till ica", "shopping"),
        ("Kan någon hämta min medicin på apoteket", "pharmacy"),
        ("Kan någon gå till apo tek för mig", "pharmacy"),
        ("hämta ut mina mediciner på abotek", "pharmacy"),
        ("handla på apoteket", "pharmacy"),
        ("Kan någon följa mig till vårdcentralen", "escort"),
        ("Kan oron följa mig till morg centralen", "escort"),
        ("följa mig till apoteket", "escort"),
        ("jag behöver skjuts till sjukhuset", "escort"),
        ("Jag vill gå en promenad", "company"),
        ("Någon att fika med", "company"),
        ("Min dator krånglar", "digital"),
        ("Jag behöver hjälp med telefonen", "digital"),
        ("kan någon hjälpa mig med bank id", "digital"),
        ("hjälp med e-post", "digital"),
        ("Kan någon byta en glödlampa", "home"),
        ("Kan någon skotta snö utanför min dörr", "home"),
        ("Jag vill ha en telefonvän", "phone"),
        ("Jag vill ha en telefon vän", "phone"),
        ("Kan någon ringa mig ibland", "phone"),
        ("I need help with shopping", "shopping"),
        ("Can someone take me to the doctor, I need a ride", "escort"),
        ("help me with my computer", "digital"),
        ("Please call me tomorrow at 3", "phone"),
    ],
)
def test_category_is_heard_despite_typical_mistakes(text, category):
    assert heard(text).category == category


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hej hur mår du",
        "Jag behöver hjälp",
        "Jag vill ha hjälp att hundra på tuston för litet",
        "Tack så mycket",
        "Jag bor i Torsland",
        "Kan du komma",
    ],
)
def test_nothing_is_guessed_from_words_that_say_no_kind_of_help(text):
    assert heard(text).category is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jag behöver hjälp att handla på torsdag förmiddag", Parsed(THURSDAY, None, "morning")),
        ("jag behover hjalp att handla pa torsdag formiddag", Parsed(THURSDAY, None, "morning")),
        ("hjälp att handlar på tors dag för middag.", Parsed(THURSDAY, None, "morning")),
        ("Kan någon gå till apo tek för mig i morgon", Parsed(MONDAY, None, None)),
        ("följa mig till vårdcentralen i morgon klockan tio", Parsed(MONDAY, time(10), None)),
        ("till morg centralen i morgon klokan tio?", Parsed(MONDAY, time(10), None)),
        ("handla i affären på fredan", Parsed(FRIDAY, None, None)),
        ("handla i affären på måndån", Parsed(MONDAY, None, None)),
        ("torsdagen", Parsed(THURSDAY, None, None)),
        ("klockan halv elva på onsdag", Parsed(WEDNESDAY, time(10, 30), None)),
        ("kvart över tre i morgon", Parsed(MONDAY, time(15, 15), None)),
        ("kvart i tio på tisdag", Parsed(TUESDAY, time(9, 45), None)),
        ("på fredag klockan två", Parsed(FRIDAY, time(14), None)),
        ("i morgon bitti klockan sex", Parsed(MONDAY, time(6), "morning")),
        ("i övermorgon kväll", Parsed(TUESDAY, None, "evening")),
        ("idag kl 14.30", Parsed(NOW.date(), time(14, 30), None)),
        ("Handla mat i kväll", Parsed(NOW.date(), None, "evening")),
        ("den 3 december klockan 14", Parsed(date(2026, 12, 3), time(14), None)),
        ("den tredje december", Parsed(date(2026, 12, 3), None, None)),
        ("den 3:e december på eftermiddagen", Parsed(date(2026, 12, 3), None, "afternoon")),
    ],
)
def test_time_is_read_out_of_the_sentence(text, expected):
    assert heard(text).when == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I need help with shopping on Thursday morning", Parsed(THURSDAY, None, "morning")),
        ("Take me to the doctor tomorrow at 2 pm", Parsed(MONDAY, time(14), None)),
        ("a ride on friday at ten o'clock", Parsed(FRIDAY, time(10), None)),
        ("at 7 am on tuesday", Parsed(TUESDAY, time(7), None)),
        ("at 2 am on tuesday", Parsed(TUESDAY, time(2), None)),
        ("at three on tuesday", Parsed(TUESDAY, time(15), None)),
        ("help me tonight", Parsed(NOW.date(), None, "evening")),
    ],
)
def test_english_times(text, expected):
    assert heard(text, "en").when == expected


@pytest.mark.parametrize(
    "text",
    [
        "Jag behöver 2 liter mjölk",
        "Hej hur mår du",
        "en halv liter grädde",
        "Jag bor på Torsgatan 10",
        "Jag vill ha hjälp att hundra på tuston för litet",
    ],
)
def test_no_time_without_time_words(text):
    assert heard(text).when is None
    assert heard(text).when_words is None


def test_the_words_read_are_kept_in_their_proper_spelling():
    assert heard("jag behover hjalp pa lordag formiddag").when_words == "lördag förmiddag"
    assert time_words(words("i morgon klockan tio")) == "imorgon kl 10:00"


def test_words_fold_letters_and_keep_clock_times():
    assert words("Åka till Affären kl. 14:30, på Söndag!") == [
        "aka",
        "till",
        "affaren",
        "kl",
        "14:30",
        "pa",
        "sondag",
    ]


def test_category_of_words_alone():
    assert category_of(words("apo tek")) == "pharmacy"
    assert category_of([]) is None
