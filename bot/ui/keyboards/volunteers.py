"""Inline buttons of the coordinators' volunteer list."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _
from bot.services.volunteer_admin import VolunteerCard, VolunteerPage
from bot.ui.callbacks import encode
from bot.ui.keyboards.common import button
from bot.ui.texts.volunteers import volunteer_line


def _to(text: str, action: str, arg: int, arg2: int | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode("vol", action, arg, arg2))


def all_volunteers() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(_("👥 All volunteers"), "vol", "list", 0)]])


def show_volunteer(person_id: int, name: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_to(_("👤 Show {name}").format(name=name), "card", person_id, 0)]]
    )


def volunteer_list(found: VolunteerPage) -> InlineKeyboardMarkup | None:
    rows = [
        [_to(volunteer_line(line.first_name, line.state), "card", line.person_id, found.page)]
        for line in found.lines
    ]
    turn = []
    if found.page > 0:
        turn.append(button(_("◀️ Earlier"), "vol", "list", found.page - 1))
    if found.page + 1 < found.pages:
        turn.append(button(_("More ▶️"), "vol", "list", found.page + 1))
    if turn:
        rows.append(turn)
    return InlineKeyboardMarkup(rows) if rows else None


def volunteer_card(card: VolunteerCard) -> InlineKeyboardMarkup:
    rows = []
    name = card.first_name
    if card.state == "suspended":
        rows.append(
            [button(_("✅ Let {name} in again").format(name=name), "vol", "in", card.person_id)]
        )
    elif card.state == "lapsed":
        rows.append([button(_("✅ Checked again – renew"), "vet", "ok", card.person_id)])
    elif card.state in ("approved", "paused"):
        rows.append([button(_("⛔ Stop {name}").format(name=name), "vol", "stop", card.person_id)])
    rows.append([button(_("⬅️ Back to the list"), "vol", "list", card.page)])
    return InlineKeyboardMarkup(rows)


def confirm_suspend(person_id: int, name: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(_("⛔ Yes, stop {name}").format(name=name), "vol", "stopyes", person_id)],
            [_to(_("No, go back"), "card", person_id, 0)],
        ]
    )
