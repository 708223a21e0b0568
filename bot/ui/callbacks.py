"""The one codec for inline-button data: ``scope:action[:id]``, short and checked on the way in.

The data is only a reference. Every action re-checks in its service that this person may do it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

ACTIONS: dict[str, frozenset[str]] = {
    # Task messages to volunteers.
    "task": frozenset({"claim", "done", "back", "show"}),
    # A resident's own request.
    "req": frozenset({"show", "cancel", "cancelyes", "cancelno"}),
    # Coordinators vetting volunteers.
    "vet": frozenset({"ok", "no"}),
    # Coordinators' list of volunteers: a page, a card, stop (and confirm), let back in.
    "vol": frozenset({"list", "card", "stop", "stopyes", "in"}),
    # Municipal coordinators erasing a resident without Telegram (after one question).
    "prx": frozenset({"ask", "yes", "no"}),
    # The follow-up after a task is done.
    "fu": frozenset({"good", "ok", "bad"}),
    # «Något kändes fel»: start (about a task, or choose one), the task chosen, something else,
    # cancel; the coordinators' alert: call the reporter, stop the volunteer, handled.
    "sr": frozenset({"new", "about", "other", "cancel", "call", "stop", "done"}),
    # Multi-select steps of onboarding.
    "ob": frozenset({"area", "skill", "done", "back", "cancel"}),
    # Residents finding meeting places: an activity, or one date of it (``id:epoch-minutes``).
    "pl": frozenset(
        {"more", "show", "dates", "go", "ics", "nogo", "nogoyes", "company", "venue", "list"}
    ),
    # Coordinators keeping the list of meeting places.
    "pa": frozenset(
        {
            "place",
            "act",
            "new",
            "newact",
            "edit",
            "editact",
            "field",
            "afield",
            "toggle",
            "page",
            "date",
            "cdate",
            "call",
            "yes",
            "no",
            "back",
        }
    ),
    # Reminders: turn them off (or on again) from the reminder itself.
    "rem": frozenset({"off", "on"}),
    # Coordinators' broadcasts (the conversation's inline choices and the send button).
    "bc": frozenset({"aud", "area", "lang", "act", "send", "stop", "page"}),
    # Unclaimed requests: assign to a volunteer, call the resident; the volunteer's answer.
    "asg": frozenset({"pick", "vol", "page", "call", "yes", "no"}),
    # The volunteer's time, asked when a task is marked done: minutes.
    "hrs": frozenset({"set", "skip"}),
    # A person's own data: erase it (after one confirmation) or keep it.
    "me": frozenset({"erase", "keep"}),
    # Reports: the period to report on.
    "rep": frozenset({"week", "month", "year", "all"}),
    # A person's own settings (/installningar): read aloud and reminders on or off
    # (``set:read:on``), the language (``set:lang:en``), back to the menu.
    "set": frozenset({"read", "rem", "lang", "menu"}),
    # A voice note in a step, read back: use it, say it again, or type instead (with a number
    # that names this one transcript, so an older read-back cannot confirm a newer one).
    "vc": frozenset({"yes", "again", "type"}),
    # The same for a voice note at the main menu, which starts a request for help.
    "vf": frozenset({"yes", "again", "type"}),
}
_DATA = re.compile(
    r"^([a-z]{1,8}):([a-z]{1,12})(?::([0-9]{1,12}|[a-z]{1,16})(?::([0-9]{1,12}))?)?$"
)


@dataclass(frozen=True)
class Callback:
    scope: str
    action: str
    arg: str | None = None
    # A second number, e.g. the date of an activity as minutes since the epoch.
    arg2: str | None = None

    @property
    def id(self) -> int:
        """The numeric argument; ValueError when there is none."""
        if self.arg is None or not self.arg.isdigit():
            raise ValueError("no id")
        return int(self.arg)

    @property
    def id2(self) -> int:
        """The second numeric argument; ValueError when there is none."""
        if self.arg2 is None:
            raise ValueError("no second id")
        return int(self.arg2)

    @property
    def moment(self) -> datetime:
        """The second argument read as a date (see ``minutes``); ValueError when there is none."""
        return from_minutes(self.id2)


def minutes(moment: datetime) -> int:
    """A date as whole minutes since 1970 (UTC): short enough for button data."""
    return int(moment.timestamp()) // 60


def from_minutes(value: int) -> datetime:
    return datetime.fromtimestamp(value * 60, UTC)


def encode(scope: str, action: str, arg: int | str | None = None, arg2: int | None = None) -> str:
    """Build callback data; refuses anything the decoder would not accept."""
    data = f"{scope}:{action}" if arg is None else f"{scope}:{action}:{arg}"
    if arg2 is not None:
        data = f"{data}:{arg2}"
    if decode(data) is None:
        raise ValueError(f"bad callback data {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback data; None for anything malformed, unknown or too long."""
    if not data or len(data) > 64:
        return None
    match = _DATA.match(data)
    if not match:
        return None
    scope, action, arg, arg2 = match.groups()
    if action not in ACTIONS.get(scope, frozenset()):
        return None
    return Callback(scope, action, arg, arg2)


# Scopes whose buttons always refer to a numbered object.
_NUMBERED = frozenset({"task", "req", "vet", "fu"})


def pattern(scope: str, *actions: str, ids: int | None = None) -> str:
    """A regex for CallbackQueryHandler: the scope, one of the actions and a valid argument.

    ``ids`` asks for exactly that many numbers (e.g. 2 for an activity and its date). Anything
    else (a missing or non-numeric id, say) falls through to the stale-button answer.
    """
    names = "|".join(sorted(actions or ACTIONS[scope]))
    if ids is not None:
        arg = ":[0-9]{1,12}" * ids
    elif scope in _NUMBERED:
        arg = ":[0-9]{1,12}"
    else:
        arg = "(?::[0-9a-z]{1,16}(?::[0-9]{1,12})?)?"
    return rf"^{scope}:(?:{names}){arg}$"
