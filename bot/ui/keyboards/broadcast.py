"""Keyboards of the broadcast conversation: inline choices (``bc:`` buttons) and the reply
keyboard with Back and Cancel under every question."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.i18n import N_, _
from bot.services.broadcasts import AUDIENCES, ActivityPage
from bot.services.views import AreaView
from bot.ui.callbacks import encode
from bot.ui.keyboards.common import pairs
from bot.ui.labels import extra_code_of, label
from bot.ui.texts.broadcast import BROADCAST_AUDIENCES

Rows = list[list[InlineKeyboardButton]]
# Reply buttons of this conversation only; read back with ``pressed`` below.
LABELS: dict[str, str] = {
    "edit": N_("✏️ Change the text"),
    "keep": N_("👍 Keep the text"),
}


def _b(text: str, action: str, arg: int | str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode("bc", action, arg))


def _own(code: str) -> str:
    return _(LABELS[code])


def pressed(text: str | None, *codes: str) -> str | None:
    """Which of this conversation's own reply buttons the text is, in the reader's language."""
    return extra_code_of(text, {code: _own(code) for code in codes})


def _reply(*rows: list[str]) -> ReplyKeyboardMarkup:
    keyboard = [[KeyboardButton(text) for text in row] for row in rows if row]
    keyboard.append([KeyboardButton(label("back")), KeyboardButton(label("cancel"))])
    return ReplyKeyboardMarkup(keyboard, resize_keyboard=True, is_persistent=True)


def nav() -> ReplyKeyboardMarkup:
    """Back and Cancel."""
    return _reply()


def text_step(keep: bool, skip: bool = False) -> ReplyKeyboardMarkup:
    """Under a text question: keep what is written, skip (English), Back, Cancel."""
    row = ([_own("keep")] if keep else []) + ([label("skip")] if skip else [])
    return _reply(row)


def preview_reply() -> ReplyKeyboardMarkup:
    return _reply([_own("edit")])


def audiences(kinds: Sequence[str] = AUDIENCES) -> InlineKeyboardMarkup:
    """The audiences this coordinator may write to (an organisation's: its own volunteers)."""
    names = dict(BROADCAST_AUDIENCES)
    if "residents" not in kinds:
        names["volunteers"] = N_("🤝 Our volunteers")
    return InlineKeyboardMarkup(
        [[_b(_(names[kind]), "aud", kind)] for kind in AUDIENCES if kind in kinds]
    )


def areas(items: Sequence[AreaView]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(pairs([_b(a.name, "area", a.id) for a in items]))


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_b(label("lang.sv"), "lang", "sv"), _b(label("lang.en"), "lang", "en")]]
    )


def activities(page: ActivityPage) -> InlineKeyboardMarkup:
    rows: Rows = [[_b(f"{a.title} ({a.going})", "act", a.id)] for a in page.items]
    turn = []
    if page.page > 0:
        turn.append(_b(_("⬅️ Earlier"), "page", page.page - 1))
    if page.more:
        turn.append(_b(_("More ➡️"), "page", page.page + 1))
    if turn:
        rows.append(turn)
    return InlineKeyboardMarkup(rows)


def send() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(label("send"), "send")]])
