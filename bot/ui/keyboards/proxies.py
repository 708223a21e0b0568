"""Inline buttons of /ombud: residents without Telegram, and erasing one."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.i18n import _
from bot.services.proxies import ProxyResident
from bot.ui.keyboards.common import button


def proxy_list(found: Sequence[ProxyResident]) -> InlineKeyboardMarkup | None:
    if not found:
        return None
    return InlineKeyboardMarkup(
        [
            [
                button(
                    _("🗑 {name} ({area})").format(name=p.first_name, area=p.area or "–"),
                    "prx",
                    "ask",
                    p.person_id,
                )
            ]
            for p in found
        ]
    )


def confirm(person_id: int, name: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    _("🗑 Yes, erase everything about {name}").format(name=name),
                    "prx",
                    "yes",
                    person_id,
                )
            ],
            [button(_("No, don't erase"), "prx", "no")],
        ]
    )
