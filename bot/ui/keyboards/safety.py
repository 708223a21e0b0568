"""Inline buttons of «Något kändes fel»: to start it, to choose the task, and the alert's."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.i18n import _
from bot.services.views import RequestView
from bot.ui.keyboards.common import button
from bot.ui.keyboards.tasks import follow_up as score_buttons
from bot.ui.labels import label
from bot.ui.texts.safety import report_button as report_label
from bot.ui.texts.safety import something_else, task_label


def report_button(request_id: int | None = None) -> InlineKeyboardMarkup:
    """«⚠️ Något kändes fel», about one task or (from the lists) to choose."""
    return InlineKeyboardMarkup([[button(report_label(), "sr", "new", request_id)]])


def follow_up(request_id: int) -> InlineKeyboardMarkup:
    """The follow-up question after a task: 😊 😐 ☹️, and «⚠️ Något kändes fel»."""
    rows = [list(row) for row in score_buttons(request_id).inline_keyboard]
    rows.append([button(report_label(), "sr", "new", request_id)])
    return InlineKeyboardMarkup(rows)


def choose_task(tasks: Sequence[RequestView], tz: ZoneInfo) -> InlineKeyboardMarkup:
    rows = [[button(task_label(req, tz), "sr", "about", req.id)] for req in tasks]
    rows.append([button(something_else(), "sr", "other")])
    rows.append([button(label("cancel"), "sr", "cancel")])
    return InlineKeyboardMarkup(rows)


def alert(
    report_id: int, *, may_call: bool, about_volunteer: bool, handled: bool = False
) -> InlineKeyboardMarkup | None:
    """The coordinator's answers: call, stop the volunteer (when it is about one), handled."""
    rows = []
    if may_call:
        rows.append([button(_("📞 Call"), "sr", "call", report_id)])
    if about_volunteer:
        rows.append([button(_("⛔ Stop the volunteer"), "sr", "stop", report_id)])
    if not handled:
        rows.append([button(_("✅ Done, handled"), "sr", "done", report_id)])
    return InlineKeyboardMarkup(rows) if rows else None
