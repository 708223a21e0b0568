"""Texts of /minadata and /radera."""

from __future__ import annotations

from typing import Any

from bot.i18n import _, ngettext


def my_data_caption() -> str:
    return _("Here is everything I have saved about you, as a file.")


def my_data_summary(data: dict[str, Any]) -> str:
    person = data["person"]
    lines = [_("In short, I have saved:")]
    for label, value in (
        (_("Name"), person.get("first_name")),
        (_("Area"), person.get("area")),
        (_("Address"), person.get("address")),
        (_("Phone"), person.get("phone")),
    ):
        if value:
            lines.append(_("{what}: {value}").format(what=label, value=value))
    count = len(data["requests"])
    lines.append(ngettext("{n} request for help", "{n} requests for help", count).format(n=count))
    count = len(data["meeting_places"])
    lines.append(
        ngettext("{n} meeting-place sign-up", "{n} meeting-place sign-ups", count).format(n=count)
    )
    lines += ["", _("Write /radera if you want me to erase it all.")]
    return "\n".join(lines)


def ask_erase() -> str:
    return _(
        "Do you want me to erase everything I know about you? Your open requests are "
        "cancelled and your sign-ups are given to others. This cannot be undone."
    )


def erased() -> str:
    return _("Done. Everything about you is erased. Thank you for this time! 💛")


def erased_restart() -> str:
    return _("If you want to start again, write /start.")
