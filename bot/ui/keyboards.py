"""Keyboards: big reply buttons for residents' questions, inline buttons for task actions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.i18n import _
from bot.services.views import CATEGORIES, AreaView, PersonView
from bot.ui import texts
from bot.ui.callbacks import encode
from bot.ui.labels import label


def _reply(
    rows: Sequence[Sequence[str]], *, nav: bool = True, back: bool = True
) -> ReplyKeyboardMarkup:
    keyboard = [[KeyboardButton(text) for text in row] for row in rows]
    if nav:
        keyboard.append(
            [KeyboardButton(label("back")), KeyboardButton(label("cancel"))]
            if back
            else [KeyboardButton(label("cancel"))]
        )
    return ReplyKeyboardMarkup(keyboard, resize_keyboard=True, is_persistent=True)


def _pairs(items: Sequence[str]) -> list[list[str]]:
    return [list(items[i : i + 2]) for i in range(0, len(items), 2)]


def remove() -> ReplyKeyboardRemove:
    return ReplyKeyboardRemove()


def languages() -> ReplyKeyboardMarkup:
    return _reply([[label("lang.sv"), label("lang.en")]], nav=False)


def roles() -> ReplyKeyboardMarkup:
    return _reply([[label("role.resident")], [label("role.volunteer")]])


def nav_only() -> ReplyKeyboardMarkup:
    return _reply([])


def with_skip() -> ReplyKeyboardMarkup:
    return _reply([[label("skip")]])


def area_choice(areas: Iterable[AreaView]) -> ReplyKeyboardMarkup:
    return _reply(_pairs([a.name for a in areas]))


def choose(options: Sequence[str]) -> ReplyKeyboardMarkup:
    """One option per row (names can be long), then Back and Cancel."""
    return _reply([[o] for o in options])


def phone() -> ReplyKeyboardMarkup:
    rows = [
        [KeyboardButton(label("phone.share"), request_contact=True)],
        [KeyboardButton(label("skip"))],
        [KeyboardButton(label("back")), KeyboardButton(label("cancel"))],
    ]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def consent() -> ReplyKeyboardMarkup:
    return _reply([[label("consent.yes")], [label("consent.no")]])


def main_menu(person: PersonView | None) -> ReplyKeyboardMarkup:
    """Big one-idea buttons for each of the person's roles."""
    roles = person.roles if person else frozenset()
    rows: list[list[str]] = []
    if "resident" in roles:
        rows += [[label("menu.ask")], [label("menu.places")], [label("menu.mine")]]
    if "volunteer" in roles and (person is None or person.vetting != "declined"):
        rows.append([label("menu.tasks")])
        if person and person.vetting == "approved":
            rows.append([label("menu.resume") if person.paused else label("menu.pause")])
    if "coordinator" in roles:
        rows += [
            [label("menu.pending"), label("menu.places_admin")],
            [label("menu.broadcast"), label("menu.proxy")],
            [label("menu.report"), label("menu.area")],
        ]
    rows.append([label("menu.help")])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def categories() -> ReplyKeyboardMarkup:
    return _reply(_pairs([label(f"cat.{c}") for c in CATEGORIES]))


def resume() -> ReplyKeyboardMarkup:
    return _reply([[label("continue")], [label("restart")]], back=False)


def when() -> ReplyKeyboardMarkup:
    return _reply(
        [[label("when.today"), label("when.tomorrow")], [label("when.pick"), label("when.none")]]
    )


def days(day_labels: Sequence[str]) -> ReplyKeyboardMarkup:
    return _reply(_pairs(day_labels))


def parts() -> ReplyKeyboardMarkup:
    return _reply(
        [
            [label("part.morning"), label("part.afternoon")],
            [label("part.evening"), label("part.any")],
        ]
    )


def yes_retype() -> ReplyKeyboardMarkup:
    return _reply([[label("yes")], [label("retype")]])


def yes_choose() -> ReplyKeyboardMarkup:
    return _reply([[label("yes")], [label("choose")]])


def send() -> ReplyKeyboardMarkup:
    return _reply([[label("send")]])


# --- Inline --------------------------------------------------------------------------------


def _button(
    text: str, scope: str, action: str, arg: int | str | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(scope, action, arg))


def multi_select(
    options: Sequence[tuple[str, str, str]], chosen: Iterable[str]
) -> InlineKeyboardMarkup:
    """Toggle buttons: options are (action, arg, label); chosen args get a tick."""
    picked = set(chosen)
    rows = [
        [_button(("✅ " if arg in picked else "◻️ ") + text, "ob", action, arg)]
        for action, arg, text in options
    ]
    rows.append([_button(_("✔️ Done"), "ob", "done")])
    rows.append([_button(label("back"), "ob", "back"), _button(label("cancel"), "ob", "cancel")])
    return InlineKeyboardMarkup(rows)


def area_options(areas: Iterable[AreaView]) -> list[tuple[str, str, str]]:
    return [("area", str(a.id), a.name) for a in areas]


def skill_options() -> list[tuple[str, str, str]]:
    return [("skill", c, texts.category(c)) for c in CATEGORIES]


def task_offer(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(_("🙋 I'll take it"), "task", "claim", request_id)]])


def task_held(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("✅ Done"), "task", "done", request_id)],
            [_button(_("↩️ Give back"), "task", "back", request_id)],
        ]
    )


def follow_up(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button("😊", "fu", "good", request_id),
                _button("😐", "fu", "ok", request_id),
                _button("☹️", "fu", "bad", request_id),
            ]
        ]
    )


def request_actions(request_id: int, status: str) -> InlineKeyboardMarkup | None:
    rows = [[_button(_("🔎 Show"), "req", "show", request_id)]]
    if status in ("open", "claimed"):
        rows[0].append(_button(_("✖️ Cancel it"), "req", "cancel", request_id))
    return InlineKeyboardMarkup(rows)


def confirm_cancel(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("Yes, cancel it"), "req", "cancelyes", request_id)],
            [_button(_("No, keep it"), "req", "cancelno", request_id)],
        ]
    )


def vetting(person_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("✅ Checked – approve"), "vet", "ok", person_id)],
            [_button(_("Turn down"), "vet", "no", person_id)],
        ]
    )


def task_show(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(_("🔎 Show"), "task", "show", request_id)]])


def confirm_erase() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("Yes, erase everything"), "me", "erase")],
            [_button(_("No, keep everything"), "me", "keep")],
        ]
    )
