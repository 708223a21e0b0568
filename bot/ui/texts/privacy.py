"""Texts of /minadata, /radera and the privacy notice (/integritet, and «Read more» at the
consent question): what is saved, who sees it, for how long, and who is responsible."""

from __future__ import annotations

from typing import Any

from bot.i18n import _, ngettext
from bot.services.retention import ABANDONED_AFTER


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
    if data.get("draft"):
        lines.append(_("A request you have started writing"))
    if data.get("saved_location"):
        lines.append(_("A saved place from a «Near me» search"))
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


def privacy_notice(controller: str, contact: str, retention_days: int) -> str:
    """The whole truth in plain words; ``contact`` may be empty (then that sentence goes)."""
    abandoned = min(ABANDONED_AFTER.days, retention_days)
    parts = [
        _("🔒 How Hjälpsam takes care of your details"),
        _(
            "What we save\n"
            "• Your first name, your area and your language.\n"
            "• If you ask for help: your address and phone number, and your requests: what, "
            "when and what you wrote.\n"
            "• If you help: your areas, the kinds of help you give, and your tasks.\n"
            "• The meeting places you sign up for."
        ),
        _(
            "We save this so that a volunteer can help you, and so that the municipality can "
            "see that the help works."
        ),
        _(
            "Who sees it\n"
            "• When we ask volunteers if they can help you, they see only the kind of help, "
            "the area and the time.\n"
            "• The volunteer who takes your request sees your name, address, phone number and "
            "what you wrote, for as long as the task is theirs.\n"
            "• The municipality's coordinators can see the same if nobody takes your request "
            "in time, or if they handle it.\n"
            "• Coordinators in associations and churches never see your address or phone "
            "number.\n"
            "• If you help: the coordinators of your organisation and of the municipality see "
            "your name and what you help with. The person you help sees your first name.\n"
            "• Everything you write here goes through Telegram, a company outside the EU."
        ),
        _(
            "How long we keep it\n"
            "• What you wrote in a request is removed {days} after the request has ended.\n"
            "• A request you never sent is removed after {abandoned}.\n"
            "• Where you were when you pressed «📍 Near me» is forgotten after {abandoned}.\n"
            "• Your name, address and phone number stay until you erase them."
        ).format(days=_days(retention_days), abandoned=_days(abandoned)),
        _(
            "What you can do\n"
            "• /minadata shows everything we have saved about you.\n"
            "• /radera erases it all."
        ),
        responsible(controller, contact),
    ]
    return "\n\n".join(parts)


def responsible(controller: str, contact: str) -> str:
    """Who answers for the data, and how to reach them when the setting says."""
    line = _("{controller} is responsible for your details.").format(controller=controller)
    if contact.strip():
        line += " " + _("You can reach them at {contact}.").format(contact=contact.strip())
    return line


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)
