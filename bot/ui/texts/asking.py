"""Texts of asking for help: what, when, details, the summary."""

from __future__ import annotations

from bot.i18n import _
from bot.ui.texts.common import category


def ask_category() -> str:
    return _("What do you need help with?")


def resume_draft(category_code: str | None) -> str:
    if category_code:
        return _(
            "You have started a request: {category}. Do you want to continue with it?"
        ).format(category=category(category_code))
    return _("You have started a request. Do you want to continue with it?")


def ask_when() -> str:
    return _(
        "When do you need the help?\nYou can also write, for example «tomorrow at 10» "
        "or «3 December»."
    )


def ask_day() -> str:
    return _("Which day?")


def ask_part(day_text: str) -> str:
    return _(
        "{day}. What time of day suits you?\nYou can also write a time, for example «at 14»."
    ).format(day=day_text)


def confirm_time(when_text: str) -> str:
    return _("I understood: {when}. Is that right?").format(when=when_text)


def time_not_understood() -> str:
    return _(
        "I did not quite understand the time. Press a button, or write for example "
        "«tomorrow at 10» or «3 December»."
    )


def time_in_past() -> str:
    return _("That time has already passed. Please choose a time ahead.")


def ask_details(for_someone: bool = False) -> str:
    """Ask for a few words, saying plainly who will read them (``for_someone``: a coordinator
    writes for a resident without Telegram)."""
    ask = _(
        "Do you want to tell us more? For example what to buy, or where you are going.\n"
        "Write it, or press «Skip»."
    )
    return ask + "\n\n" + details_readers(for_someone)


def details_readers(for_someone: bool = False) -> str:
    """Who reads the details: the volunteer who takes the task (with the address), and the
    municipality's coordinators (never an association's)."""
    if for_someone:
        return _(
            "🔒 The volunteer who takes the request reads what you write, together with the "
            "address. The municipality's coordinators can see it too. Write a door code or "
            "something about health only if it is needed."
        )
    return _(
        "🔒 The volunteer who takes the request reads what you write, together with your "
        "address. The municipality's coordinators can see it too. Write a door code or "
        "something about your health only if it is needed."
    )


def summary(req_category: str, when_text: str, details: str | None, area: str) -> str:
    lines = [
        _("This is your request:"),
        "",
        _("What: {category}").format(category=category(req_category)),
        _("When: {when}").format(when=when_text),
    ]
    if details:
        lines.append(_("More: {details}").format(details=details))
    lines.append(_("Area: {area}").format(area=area))
    lines += ["", emergency_note(), "", _("Shall I send it?")]
    return "\n".join(lines)


def emergency_note() -> str:
    return _(
        "Please note: this is not for emergencies. If there is danger, call 112. "
        "For advice about health care, call 1177."
    )


def request_sent(volunteers: int) -> str:
    if volunteers:
        return _(
            "Thank you! Your request is sent. 🌼\nWe are looking for a volunteer. "
            "You will get a message here when someone has taken it."
        )
    return _(
        "Thank you! Your request is saved. 🌼\nRight now no volunteer in your area gives "
        "this kind of help, so a coordinator has been told and will look for someone."
    )


def draft_cancelled() -> str:
    return _("All right, I have removed the request. You are back at the menu.")


def onboarding_paused() -> str:
    return _("I will pause here. Write /start when you want to begin again.")


def paused_to_menu() -> str:
    return _("I will pause here. You are back at the menu.")


def paused_here() -> str:
    return _(
        "I will pause here. What you have written is saved. "
        "Press «Ask for help» when you want to continue."
    )
