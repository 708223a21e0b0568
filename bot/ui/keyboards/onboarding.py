"""Keyboards for signing up: language, role, area, phone, consent, areas and kinds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import _
from bot.services.views import CATEGORIES, AreaView
from bot.ui import texts
from bot.ui.keyboards.common import button, pairs, reply
from bot.ui.labels import label


def languages() -> ReplyKeyboardMarkup:
    return reply([[label("lang.sv"), label("lang.en")]], nav=False)


def roles() -> ReplyKeyboardMarkup:
    return reply([[label("role.resident")], [label("role.volunteer")]])


def area_choice(areas: Iterable[AreaView]) -> ReplyKeyboardMarkup:
    return reply(pairs([a.name for a in areas]))


def phone() -> ReplyKeyboardMarkup:
    rows = [
        [KeyboardButton(label("phone.share"), request_contact=True)],
        [KeyboardButton(label("skip"))],
        [KeyboardButton(label("back")), KeyboardButton(label("cancel"))],
    ]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def consent() -> ReplyKeyboardMarkup:
    return reply([[label("consent.yes")], [label("consent.more")], [label("consent.no")]])


def multi_select(
    options: Sequence[tuple[str, str, str]], chosen: Iterable[str]
) -> InlineKeyboardMarkup:
    """Toggle buttons: options are (action, arg, label); chosen args get a tick."""
    picked = set(chosen)
    rows = [
        [button(("✅ " if arg in picked else "◻️ ") + text, "ob", action, arg)]
        for action, arg, text in options
    ]
    rows.append([button(_("✔️ Done"), "ob", "done")])
    rows.append([button(label("back"), "ob", "back"), button(label("cancel"), "ob", "cancel")])
    return InlineKeyboardMarkup(rows)


def area_options(areas: Iterable[AreaView]) -> list[tuple[str, str, str]]:
    return [("area", str(a.id), a.name) for a in areas]


def skill_options() -> list[tuple[str, str, str]]:
    return [("skill", c, texts.category(c)) for c in CATEGORIES]
