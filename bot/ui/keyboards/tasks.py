"""Inline buttons on requests and tasks: take it, done, give back, cancel, follow-up."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import _
from bot.ui.keyboards.common import button


def task_offer(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(_("🙋 I'll take it"), "task", "claim", request_id)]])


def task_held(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(_("✅ Done"), "task", "done", request_id)],
            [button(_("↩️ Give back"), "task", "back", request_id)],
        ]
    )


def follow_up(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button("😊", "fu", "good", request_id),
                button("😐", "fu", "ok", request_id),
                button("☹️", "fu", "bad", request_id),
            ]
        ]
    )


def request_actions(request_id: int, status: str) -> InlineKeyboardMarkup | None:
    rows = [[button(_("🔎 Show"), "req", "show", request_id)]]
    if status in ("open", "claimed"):
        rows[0].append(button(_("✖️ Cancel it"), "req", "cancel", request_id))
    return InlineKeyboardMarkup(rows)


def confirm_cancel(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(_("Yes, cancel it"), "req", "cancelyes", request_id)],
            [button(_("No, keep it"), "req", "cancelno", request_id)],
        ]
    )


def task_show(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(_("🔎 Show"), "task", "show", request_id)]])
