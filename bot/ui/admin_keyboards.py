"""Keyboards for coordinators keeping the list of meeting places (``pa:`` buttons)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.i18n import _
from bot.services.place_admin import (
    ACTIVITY_FIELDS,
    PLACE_FIELDS,
    TOGGLES,
    ActivityCard,
    PlaceCard,
    PlacePage,
)
from bot.ui import texts
from bot.ui.callbacks import encode, minutes
from bot.ui.labels import label
from bot.ui.texts.places import ACTIVITY_ICONS

Rows = list[list[InlineKeyboardButton]]


def _b(
    text: str, action: str, arg: int | None = None, arg2: int | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode("pa", action, arg, arg2))


def _pairs(buttons: Sequence[InlineKeyboardButton]) -> Rows:
    return [list(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]


def place_list(page: PlacePage) -> InlineKeyboardMarkup:
    rows: Rows = [[_b(line.name, "place", line.id)] for line in page.lines]
    turn = []
    if page.page > 0:
        turn.append(_b(label("back"), "page", page.page - 1))
    if page.more:
        turn.append(_b(_("More ➡️"), "page", page.page + 1))
    if turn:
        rows.append(turn)
    rows.append([_b(_("➕ New meeting place"), "new")])
    rows.append([_b(label("cancel"), "back")])
    return InlineKeyboardMarkup(rows)


def place_card(card: PlaceCard) -> InlineKeyboardMarkup:
    rows: Rows = [
        [
            _b(
                f"{'🚫' if a.cancelled else ACTIVITY_ICONS.get(a.category, '☕')} {a.title}",
                "act",
                a.id,
            )
        ]
        for a in card.activities
    ]
    rows.append([_b(_("✏️ Change"), "edit", card.id), _b(_("➕ New activity"), "newact", card.id)])
    rows.append([_b(label("back"), "page", 0)])
    return InlineKeyboardMarkup(rows)


def place_edit(card: PlaceCard) -> InlineKeyboardMarkup:
    fields = [
        _b(_(texts.ADMIN_PLACE_FIELDS[f]), "field", card.id, n) for n, f in enumerate(PLACE_FIELDS)
    ]
    toggles = [
        _b(("✅ " if t in card.access else "◻️ ") + _(texts.ADMIN_TOGGLES[t]), "toggle", card.id, n)
        for n, t in enumerate(TOGGLES)
    ]
    rows = [*_pairs(fields), *_pairs(toggles), [_b(label("back"), "place", card.id)]]
    return InlineKeyboardMarkup(rows)


def activity_card(card: ActivityCard) -> InlineKeyboardMarkup:
    rows: Rows = []
    if not card.cancelled:
        rows.append([_b(_("✏️ Change"), "editact", card.id)])
        rows.append([_b(_("🚫 Cancel one date"), "date", card.id)])
        rows.append([_b(_("🚫 Cancel the whole activity"), "call", card.id)])
    rows.append([_b(label("back"), "place", card.place_id)])
    return InlineKeyboardMarkup(rows)


def activity_edit(card: ActivityCard) -> InlineKeyboardMarkup:
    fields = [
        _b(_(texts.ADMIN_ACTIVITY_FIELDS[f]), "afield", card.id, n)
        for n, f in enumerate(ACTIVITY_FIELDS)
    ]
    return InlineKeyboardMarkup([*_pairs(fields), [_b(label("back"), "act", card.id)]])


def dates(card: ActivityCard, tz: ZoneInfo) -> InlineKeyboardMarkup:
    rows: Rows = [
        [_b(texts.moment(at, tz), "cdate", card.id, minutes(at))] for at in card.next_dates
    ]
    rows.append([_b(label("back"), "act", card.id)])
    return InlineKeyboardMarkup(rows)


def confirm(activity_id: int, at: datetime | None) -> InlineKeyboardMarkup:
    when = None if at is None else minutes(at)
    return InlineKeyboardMarkup(
        [
            [_b(texts.admin_call_off_label(), "yes", activity_id, when)],
            [_b(label("no"), "no", activity_id)],
        ]
    )


# --- Reply keyboards for the steps -----------------------------------------------------------


def reply(*options: str, back: bool = True) -> ReplyKeyboardMarkup:
    """Big buttons, two to a row, then Back and Cancel."""
    rows = [list(options[i : i + 2]) for i in range(0, len(options), 2)]
    rows.append([label("back"), label("cancel")] if back else [label("cancel")])
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t) for t in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )
