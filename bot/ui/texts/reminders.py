"""Texts of meeting-place reminders and the switch to turn them off."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import _, format_clock, format_day
from bot.services.reminders import ReminderView


def reminder(view: ReminderView, tz: ZoneInfo) -> str:
    """The evening before ("tomorrow, …") or a while before the start ("soon")."""
    local = view.occurs_at.astimezone(tz)
    clock = format_clock(local, tz)
    if view.kind == "evening":
        day = format_day(local.date())
        if view.online_url:
            return _(
                "Reminder: tomorrow, {day} {clock}, it is «{title}» online. "
                "Here is the link: {link}"
            ).format(day=day, clock=clock, title=view.title, link=view.online_url)
        return _("Reminder: tomorrow, {day} {clock}, it is «{title}» at {place}.").format(
            day=day, clock=clock, title=view.title, place=_where(view)
        )
    if view.online_url:
        return _("Soon: «{title}» starts {clock}. Here is the link: {link}").format(
            title=view.title, clock=clock, link=view.online_url
        )
    return _("Soon: «{title}» starts {clock} at {place}.").format(
        title=view.title, clock=clock, place=_where(view)
    )


def _where(view: ReminderView) -> str:
    return f"{view.place}, {view.address}" if view.address else view.place


def cannot_come_button() -> str:
    return _("I cannot come")


def reminders_off_button() -> str:
    return _("🔕 No more reminders")


def reminders_on_button() -> str:
    return _("🔔 Turn reminders on again")


def reminders_turned_off() -> str:
    return _(
        "All right, you will get no more reminders about meeting places. "
        "You can turn them on again whenever you like."
    )


def reminders_turned_on() -> str:
    return _(
        "Good, you will get reminders again: the evening before, and a while before it starts."
    )


def reminders_status(on: bool) -> str:
    if on:
        return _(
            "Reminders are on. You get a message the evening before, and a while before "
            "something you signed up for starts."
        )
    return _("Reminders are off. You get no reminders about meeting places.")
