"""Inline buttons for coordinators vetting volunteers."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import _
from bot.ui.keyboards.common import button


def vetting(person_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(_("✅ Checked – approve"), "vet", "ok", person_id)],
            [button(_("Turn down"), "vet", "no", person_id)],
        ]
    )
