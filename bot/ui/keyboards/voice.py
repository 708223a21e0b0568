"""The buttons under a transcript read back: big, one per row."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.ui import texts
from bot.ui.callbacks import encode


def heard(scope: str, nonce: int) -> InlineKeyboardMarkup:
    """Ja / Säg det igen / Skriv i stället, for a step ("vc") or the main menu ("vf")."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.heard_yes(), callback_data=encode(scope, "yes", nonce))],
            [
                InlineKeyboardButton(
                    texts.heard_again(), callback_data=encode(scope, "again", nonce)
                )
            ],
            [InlineKeyboardButton(texts.heard_type(), callback_data=encode(scope, "type", nonce))],
        ]
    )
