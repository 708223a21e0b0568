"""Keyboards every part shares: big reply buttons with Back and Cancel, the main menu."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from telegram import InlineKeyboardButton, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.services.views import PersonView
from bot.ui.callbacks import encode
from bot.ui.labels import label

T = TypeVar("T")


def reply(
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


def pairs(items: Sequence[T]) -> list[list[T]]:
    """Two to a row: labels of reply buttons, or inline buttons."""
    return [list(items[i : i + 2]) for i in range(0, len(items), 2)]


def button(
    text: str, scope: str, action: str, arg: int | str | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(scope, action, arg))


def remove() -> ReplyKeyboardRemove:
    return ReplyKeyboardRemove()


def nav_only() -> ReplyKeyboardMarkup:
    return reply([])


def with_skip() -> ReplyKeyboardMarkup:
    return reply([[label("skip")]])


def choose(options: Sequence[str]) -> ReplyKeyboardMarkup:
    """One option per row (names can be long), then Back and Cancel."""
    return reply([[o] for o in options])


def main_menu(person: PersonView | None) -> ReplyKeyboardMarkup:
    """Big one-idea buttons for each of the person's roles."""
    roles = person.roles if person else frozenset()
    rows: list[list[str]] = []
    if "resident" in roles:
        rows += [[label("menu.ask")], [label("menu.places")], [label("menu.mine")]]
    if "volunteer" in roles and (
        person is None or person.vetting not in ("declined", "suspended")
    ):
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
