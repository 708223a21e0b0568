"""Keyboards for a resident asking for help: the kind of help, when, and sending."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import ReplyKeyboardMarkup

from bot.services.views import CATEGORIES
from bot.ui.keyboards.common import pairs, reply
from bot.ui.labels import label


def categories() -> ReplyKeyboardMarkup:
    return reply(pairs([label(f"cat.{c}") for c in CATEGORIES]))


def resume() -> ReplyKeyboardMarkup:
    return reply([[label("continue")], [label("restart")]], back=False)


def when() -> ReplyKeyboardMarkup:
    return reply(
        [[label("when.today"), label("when.tomorrow")], [label("when.pick"), label("when.none")]]
    )


def days(day_labels: Sequence[str]) -> ReplyKeyboardMarkup:
    return reply(pairs(day_labels))


def parts() -> ReplyKeyboardMarkup:
    return reply(
        [
            [label("part.morning"), label("part.afternoon")],
            [label("part.evening"), label("part.any")],
        ]
    )


def yes_retype() -> ReplyKeyboardMarkup:
    return reply([[label("yes")], [label("retype")]])


def yes_choose() -> ReplyKeyboardMarkup:
    return reply([[label("yes")], [label("choose")]])


def send() -> ReplyKeyboardMarkup:
    return reply([[label("send")]])
