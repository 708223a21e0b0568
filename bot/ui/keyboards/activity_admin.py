"""Keyboards for coordinators keeping a meeting place's activities (``pa:`` buttons)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.i18n import _
from bot.services.place_admin import ACTIVITY_FIELDS, ActivityCard
from bot.ui import texts
from bot.ui.callbacks import minutes
from bot.ui.keyboards.common import pairs
from bot.ui.keyboards.place_admin import Rows, button
from bot.ui.labels import label


def activity_card(card: ActivityCard) -> InlineKeyboardMarkup:
    rows: Rows = []
    if not card.cancelled and card.editable:  # another organisation's is read-only
        rows.append([button(_("✏️ Change"), "editact", card.id)])
        rows.append([button(_("🚫 Cancel one date"), "date", card.id)])
        rows.append([button(_("🚫 Cancel the whole activity"), "call", card.id)])
    rows.append([button(label("back"), "place", card.place_id)])
    return InlineKeyboardMarkup(rows)


def activity_edit(card: ActivityCard) -> InlineKeyboardMarkup:
    fields = [
        button(_(texts.ADMIN_ACTIVITY_FIELDS[f]), "afield", card.id, n)
        for n, f in enumerate(ACTIVITY_FIELDS)
    ]
    return InlineKeyboardMarkup([*pairs(fields), [button(label("back"), "act", card.id)]])


def dates(card: ActivityCard, tz: ZoneInfo) -> InlineKeyboardMarkup:
    rows: Rows = [
        [button(texts.moment(at, tz), "cdate", card.id, minutes(at))] for at in card.next_dates
    ]
    rows.append([button(label("back"), "act", card.id)])
    return InlineKeyboardMarkup(rows)


def confirm(activity_id: int, at: datetime | None) -> InlineKeyboardMarkup:
    when = None if at is None else minutes(at)
    return InlineKeyboardMarkup(
        [
            [button(texts.admin_call_off_label(), "yes", activity_id, when)],
            [button(label("no"), "no", activity_id)],
        ]
    )
