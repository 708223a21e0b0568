"""Inline buttons under a reminder, and the switch for reminders."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.reminders import ReminderView
from bot.ui import texts
from bot.ui.callbacks import encode, minutes


def reminder(view: ReminderView) -> InlineKeyboardMarkup:
    """«I cannot come» for this date, and «No more reminders»."""
    nogo = encode("pl", "nogo", view.activity_id, minutes(view.occurs_at))
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.cannot_come_button(), callback_data=nogo)],
            [
                InlineKeyboardButton(
                    texts.reminders_off_button(), callback_data=encode("rem", "off")
                )
            ],
        ]
    )


def toggle(on: bool) -> InlineKeyboardMarkup:
    """The one button that flips the setting: off when reminders are on, and on when off."""
    if on:
        button = InlineKeyboardButton(
            texts.reminders_off_button(), callback_data=encode("rem", "off")
        )
    else:
        button = InlineKeyboardButton(
            texts.reminders_on_button(), callback_data=encode("rem", "on")
        )
    return InlineKeyboardMarkup([[button]])
