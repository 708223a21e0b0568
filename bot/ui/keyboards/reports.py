"""Inline buttons of reports (the period) and of the volunteer's time on a task."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _
from bot.services.hours import CHOICES
from bot.ui import texts
from bot.ui.callbacks import encode


def periods() -> InlineKeyboardMarkup:
    """The last 7 days, 30 days, year, or all time: one big button each."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_(name), callback_data=encode("rep", kind))]
            for kind, name in texts.PERIOD_NAMES.items()
        ]
    )


def hours(request_id: int) -> InlineKeyboardMarkup:
    """«30 min» … «3 timmar», and «Det stämmer» to keep the guess."""
    choices = [
        InlineKeyboardButton(
            texts.minutes_label(minutes), callback_data=encode("hrs", "set", request_id, minutes)
        )
        for minutes in CHOICES
    ]
    keep = InlineKeyboardButton(
        texts.hours_keep_button(), callback_data=encode("hrs", "skip", request_id)
    )
    return InlineKeyboardMarkup([choices[:3], choices[3:], [keep]])
