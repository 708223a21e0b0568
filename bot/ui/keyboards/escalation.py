"""Inline buttons of escalations and direct assignment (scope ``asg``)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _
from bot.services.assignments import CandidatePage
from bot.ui.callbacks import encode
from bot.ui.labels import label


def _b(text: str, action: str, arg: int, arg2: int | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode("asg", action, arg, arg2))


def give_button(request_id: int) -> InlineKeyboardButton:
    return _b(_("👤 Give to a volunteer"), "pick", request_id)


def alert(request_id: int) -> InlineKeyboardMarkup:
    """Under an escalation: assign it, or call the resident."""
    return InlineKeyboardMarkup(
        [[give_button(request_id)], [_b(_("📞 Call the resident"), "call", request_id)]]
    )


def pick_again(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[give_button(request_id)]])


def candidates(page: CandidatePage) -> InlineKeyboardMarkup:
    """One button per volunteer (📍: covers the request's area), and paging."""
    rid = page.request.id
    rows = [
        [_b(("📍 " if c.in_area else "") + c.first_name, "vol", rid, c.person_id)]
        for c in page.candidates
    ]
    turn = []
    if page.page > 0:
        turn.append(_b(label("back"), "page", rid, page.page - 1))
    if page.page + 1 < page.pages:
        turn.append(_b(_("More ➡️"), "page", rid, page.page + 1))
    if turn:
        rows.append(turn)
    return InlineKeyboardMarkup(rows)


def ask_volunteer(assignment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_b(_("✅ Yes, I'll take it"), "yes", assignment_id)],
            [_b(_("No thank you"), "no", assignment_id)],
        ]
    )
