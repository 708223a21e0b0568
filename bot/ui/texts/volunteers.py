"""Texts of the coordinators' volunteer list: states, cards, stopping and letting back in."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, format_date_long, ngettext
from bot.services.volunteer_admin import VolunteerCard, VolunteerPage
from bot.ui.texts.common import category

_STATES = {
    "approved": N_("approved"),
    "pending": N_("waiting for approval"),
    "declined": N_("turned down"),
    "suspended": N_("stopped"),
    "lapsed": N_("needs a new check"),
    "paused": N_("paused"),
}
_MARKS = {
    "approved": "✅",
    "pending": "⏳",
    "declined": "✖️",
    "suspended": "⛔",
    "lapsed": "🔁",
    "paused": "⏸",
}


def volunteer_state(state: str) -> str:
    return _(_STATES.get(state, _STATES["pending"]))


def volunteer_line(name: str, state: str) -> str:
    """A button in the list: a mark, the name and the state."""
    return _("{mark} {name} – {state}").format(
        mark=_MARKS.get(state, "⏳"), name=name, state=volunteer_state(state)
    )


def volunteers_title(found: VolunteerPage) -> str:
    if not found.total:
        return _("You have no volunteers yet.")
    return ngettext(
        "Your volunteers ({count}). Press a name to see more.",
        "Your volunteers ({count}). Press a name to see more.",
        found.total,
    ).format(count=found.total)


def volunteer_card(card: VolunteerCard, due: date | None, tz: ZoneInfo) -> str:
    lines = [
        card.first_name,
        _("Status: {state}").format(state=volunteer_state(card.state)),
    ]
    if card.organisation:
        lines.append(_("Organisation: {name}").format(name=card.organisation))
    lines.append(_("Areas: {areas}").format(areas=", ".join(card.areas) or "–"))
    lines.append(
        _("Can help with: {skills}").format(skills=", ".join(category(s) for s in card.skills))
    )
    if card.vetted_at is not None:
        lines.append(
            _("Checked: {day}").format(day=format_date_long(card.vetted_at.astimezone(tz).date()))
        )
    if due is not None and card.state in ("approved", "paused", "lapsed"):
        lines.append(_("New check due: {day}").format(day=format_date_long(due)))
    if card.suspended_at is not None:
        lines.append(
            _("Stopped: {day}").format(
                day=format_date_long(card.suspended_at.astimezone(tz).date())
            )
        )
        if card.suspend_reason:
            lines.append(
                _("Why (only coordinators see this): {why}").format(why=card.suspend_reason)
            )
    return "\n".join(lines)


def revet_reminder(name: str, due: date) -> str:
    return _(
        "🔁 {name} needs a new check by {day} (for example a new extract from the police "
        "records). When it is done, press «✅ Checked again – renew» on {name}'s card."
    ).format(name=name, day=format_date_long(due))


def vetting_lapsed_coordinator(name: str, due: date) -> str:
    return _(
        "🔁 The approval of {name} ran out on {day}, so {name} gets no tasks for now. "
        "When you have done a new check, press «✅ Checked again – renew» on the card."
    ).format(name=name, day=format_date_long(due))


def vetting_lapsed_volunteer(name: str) -> str:
    return _(
        "Hello {name}! Your approval as a volunteer needs to be renewed, so you get no tasks "
        "for now. A coordinator will contact you."
    ).format(name=name)


def confirm_suspend(name: str) -> str:
    return _(
        "Do you want to stop {name} now?\n"
        "{name} gets no more tasks. Tasks {name} has now go to other volunteers. "
        "{name} is not told why."
    ).format(name=name)


def suspended_coordinator(name: str, released: int) -> str:
    if not released:
        return _("{name} is stopped.").format(name=name)
    return ngettext(
        "{name} is stopped. {count} task went back to other volunteers.",
        "{name} is stopped. {count} tasks went back to other volunteers.",
        released,
    ).format(name=name, count=released)


def ask_suspend_reason() -> str:
    return _(
        "Do you want to write why? Only coordinators see it. Write a few words, or press «Skip»."
    )


def suspend_reason_saved() -> str:
    return _("Thank you, it is saved.")


def already_suspended(name: str) -> str:
    return _("{name} is already stopped.").format(name=name)


def suspended_volunteer(name: str) -> str:
    return _(
        "Hello {name}. You can't take tasks in Hjälpsam right now. A coordinator will contact you."
    ).format(name=name)


def reinstated_coordinator(name: str) -> str:
    return _("{name} can take tasks again.").format(name=name)


def reinstated_volunteer(name: str) -> str:
    return _("Hello {name}! You can take tasks in Hjälpsam again. Welcome back!").format(name=name)


def cli_suspended(telegram_id: int, released: int) -> str:
    return ngettext(
        "Volunteer {id} is stopped; {count} task went back to others.",
        "Volunteer {id} is stopped; {count} tasks went back to others.",
        released,
    ).format(id=telegram_id, count=released)


def cli_reinstated(telegram_id: int) -> str:
    return _("Volunteer {id} can take tasks again.").format(id=telegram_id)


def cli_no_such_volunteer(telegram_id: int) -> str:
    return _("There is no volunteer with Telegram id {id}.").format(id=telegram_id)


def cli_not_suspended(telegram_id: int) -> str:
    return _("Volunteer {id} is not stopped.").format(id=telegram_id)


def cli_already_suspended(telegram_id: int) -> str:
    return _("Volunteer {id} is already stopped.").format(id=telegram_id)


def cli_coordinator_removed(telegram_id: int) -> str:
    return _("{id} is no longer a coordinator.").format(id=telegram_id)


def cli_no_such_coordinator(telegram_id: int) -> str:
    return _("{id} is not a coordinator.").format(id=telegram_id)
