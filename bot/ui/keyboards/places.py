"""Keyboards for finding meeting places: big reply buttons to search, inline buttons on cards."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.i18n import _
from bot.services.places import Detail, Occasion, Planned
from bot.ui import texts
from bot.ui.callbacks import encode, minutes
from bot.ui.labels import label
from storage.place_models import ACTIVITY_CATEGORIES


def _b(
    text: str, action: str, arg: int | None = None, at: Occasion | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text, callback_data=encode("pl", action, arg, minutes(at.at) if at else None)
    )


def ways() -> ReplyKeyboardMarkup:
    """The ways to search; «Near me» asks the phone for its location."""
    rows = [
        [KeyboardButton(label("find.near"), request_location=True)],
        [KeyboardButton(label("find.area"))],
        [KeyboardButton(label("find.today")), KeyboardButton(label("find.week"))],
        [KeyboardButton(label("find.kind")), KeyboardButton(label("find.mine"))],
        [KeyboardButton(label("back")), KeyboardButton(label("cancel"))],
    ]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def kinds() -> ReplyKeyboardMarkup:
    names = [label(f"act.{code}") for code in ACTIVITY_CATEGORIES]
    rows = [[KeyboardButton(n) for n in names[i : i + 2]] for i in range(0, len(names), 2)]
    rows.append([KeyboardButton(label("back")), KeyboardButton(label("cancel"))])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def card(activity_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(_("🔎 Read more"), "show", activity_id)]])


def more() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(_("➡️ Show more"), "more")]])


def dates(item: Detail, tz: ZoneInfo) -> InlineKeyboardMarkup:
    rows = [[_b(texts.date_button(at, tz), "dates", item.activity_id, at)] for at in item.dates]
    rows.append([_b(_("⬅️ Back to the list"), "list")])
    return InlineKeyboardMarkup(rows)


def occasion(activity_id: int, at: Occasion) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if at.mine is None:
        go = _("✅ I want to go") if at.seats_left != 0 else _("📝 Put me on the waiting list")
        rows.append([_b(go, "go", activity_id, at)])
    if at.mine == "confirmed":
        rows.append([_b(_("📅 Add to my calendar"), "ics", activity_id, at)])
    if at.mine == "confirmed" or (at.mine is None and at.seats_left != 0):
        rows.append([_b(_("🤝 I would like company there"), "company", activity_id, at)])
    if at.mine is not None:
        rows.append([_b(_("I cannot come"), "nogo", activity_id, at)])
    rows.append([_b(_("⬅️ Back"), "show", activity_id)])
    return InlineKeyboardMarkup(rows)


def with_company(activity_id: int, at: Occasion) -> InlineKeyboardMarkup:
    """After asking for company: the seat is taken, so the calendar and a way out."""
    return InlineKeyboardMarkup(
        [
            [_b(_("📅 Add to my calendar"), "ics", activity_id, at)],
            [_b(_("I cannot come"), "nogo", activity_id, at)],
        ]
    )


def confirm_not_going(activity_id: int, at: Occasion) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_b(_("Yes, cancel"), "nogoyes", activity_id, at)],
            [_b(_("No, I am coming"), "dates", activity_id, at)],
        ]
    )


def planned(items: list[Planned], tz: ZoneInfo) -> InlineKeyboardMarkup | None:
    if not items:
        return None
    return InlineKeyboardMarkup(
        [[_b(texts.planned_button(p, tz), "dates", p.activity_id, p.occasion)] for p in items]
    )
