"""Inline buttons for erasing one's own data."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import _
from bot.ui.keyboards.common import button


def confirm_erase() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(_("Yes, erase everything"), "me", "erase")],
            [button(_("No, keep everything"), "me", "keep")],
        ]
    )
