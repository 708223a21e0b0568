"""Keyboards for coordinators keeping the list of meeting places (``pa:`` buttons)."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.i18n import _
from bot.services.place_admin import PLACE_FIELDS, TOGGLES, PlaceCard, PlacePage
from bot.ui import texts
from bot.ui.callbacks import encode
from bot.ui.keyboards.common import pairs
from bot.ui.labels import label
from bot.ui.texts.places import ACTIVITY_ICONS

Rows = list[list[InlineKeyboardButton]]


def button(
    text: str, action: str, arg: int | None = None, arg2: int | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode("pa", action, arg, arg2))


def place_list(page: PlacePage) -> InlineKeyboardMarkup:
    rows: Rows = [[button(line.name, "place", line.id)] for line in page.lines]
    turn = []
    if page.page > 0:
        turn.append(button(label("back"), "page", page.page - 1))
    if page.more:
        turn.append(button(_("More ➡️"), "page", page.page + 1))
    if turn:
        rows.append(turn)
    rows.append([button(_("➕ New meeting place"), "new")])
    rows.append([button(label("cancel"), "back")])
    return InlineKeyboardMarkup(rows)


def place_card(card: PlaceCard) -> InlineKeyboardMarkup:
    rows: Rows = [
        [
            button(
                f"{'🚫' if a.cancelled else ACTIVITY_ICONS.get(a.category, '☕')} {a.title}",
                "act",
                a.id,
            )
        ]
        for a in card.activities
    ]
    if card.editable:  # another organisation's place is read-only
        rows.append(
            [
                button(_("✏️ Change"), "edit", card.id),
                button(_("➕ New activity"), "newact", card.id),
            ]
        )
    rows.append([button(label("back"), "page", 0)])
    return InlineKeyboardMarkup(rows)


def place_edit(card: PlaceCard) -> InlineKeyboardMarkup:
    fields = [
        button(_(texts.ADMIN_PLACE_FIELDS[f]), "field", card.id, n)
        for n, f in enumerate(PLACE_FIELDS)
    ]
    toggles = [
        button(
            ("✅ " if t in card.access else "◻️ ") + _(texts.ADMIN_TOGGLES[t]), "toggle", card.id, n
        )
        for n, t in enumerate(TOGGLES)
    ]
    rows = [*pairs(fields), *pairs(toggles), [button(label("back"), "place", card.id)]]
    return InlineKeyboardMarkup(rows)


def reply(*options: str, back: bool = True) -> ReplyKeyboardMarkup:
    """Big buttons, two to a row, then Back and Cancel."""
    rows = [list(options[i : i + 2]) for i in range(0, len(options), 2)]
    rows.append([label("back"), label("cancel")] if back else [label("cancel")])
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t) for t in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )
