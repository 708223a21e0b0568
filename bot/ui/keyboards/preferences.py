"""The settings screen's big inline buttons: each shows its state and flips it."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.ui import texts
from bot.ui.callbacks import encode


def _flip(on: bool) -> str:
    return "off" if on else "on"


def screen(read_aloud: bool, reminders: bool, locale: str) -> InlineKeyboardMarkup:
    """Read aloud, reminders, language (to the other one), and the way back to the menu."""
    other = "sv" if locale == "en" else "en"
    rows = [
        (texts.read_aloud_button(read_aloud), encode("set", "read", _flip(read_aloud))),
        (texts.reminders_button(reminders), encode("set", "rem", _flip(reminders))),
        (texts.language_button(locale), encode("set", "lang", other)),
        (texts.to_menu_button(), encode("set", "menu")),
    ]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in rows]
    )
