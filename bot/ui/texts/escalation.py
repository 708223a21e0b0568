"""Texts of escalations, proxy requests and direct assignment."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import _
from bot.services.views import Contact, RequestView
from bot.ui.texts.common import category, when


def _about(req: RequestView, tz: ZoneInfo) -> list[str]:
    """The request as anyone may see it: no name, address or phone, and not the resident's
    own words (every coordinator gets the alert, and a volunteer asked to take it gets them
    with the address once they have said yes)."""
    return [
        _("What: {category}").format(category=category(req.category)),
        _("When: {when}").format(when=when(req.when, tz)),
        _("Area: {area}").format(area=req.area),
    ]


def _short(req: RequestView, tz: ZoneInfo) -> str:
    return f"{category(req.category).lower()}, {when(req.when, tz)}"


def _call_us(phone: str) -> str:
    return (
        (" " + _("You can also call the municipality on {phone}.").format(phone=phone))
        if (phone)
        else ""
    )


# --- Escalation ----------------------------------------------------------------------------


def escalation_alert(req: RequestView, tz: ZoneInfo) -> str:
    return "\n".join(
        [
            _("⏰ No volunteer has taken this request yet."),
            "",
            *_about(req, tz),
            "",
            _("You can give it to a volunteer, or call the resident."),
        ]
    )


def resident_warned(req: RequestView, tz: ZoneInfo, phone: str) -> str:
    return _(
        "No volunteer has been able to take your request yet: {request}. "
        "A coordinator is looking at it."
    ).format(request=_short(req, tz)) + _call_us(phone)


def resident_expired(req: RequestView, tz: ZoneInfo, phone: str) -> str:
    return _(
        "We are sorry: no volunteer could take your request: {request}. It is now closed. "
        "You are very welcome to ask again."
    ).format(request=_short(req, tz)) + _call_us(phone)


def call_resident(contact: Contact) -> str:
    if contact.phone:
        return _("Call {name} on {phone}.").format(name=contact.first_name, phone=contact.phone)
    return _("{name} has not left a phone number.").format(name=contact.first_name)


# --- Direct assignment ---------------------------------------------------------------------


def pick_volunteer(req: RequestView, tz: ZoneInfo) -> str:
    return _(
        "Who should I ask? It is about {request}. Volunteers in {area} come first (📍)."
    ).format(request=_short(req, tz), area=req.area)


def no_volunteers() -> str:
    return _("There is no approved volunteer to ask right now.")


def asked_volunteer(name: str) -> str:
    return _("I have asked {name}. You will get a message here when {name} has answered.").format(
        name=name
    )


def could_not_reach(name: str) -> str:
    return _("I could not reach {name}. Please choose someone else.").format(name=name)


def ask_volunteer(req: RequestView, tz: ZoneInfo) -> str:
    return "\n".join(
        [
            _("The coordinator wonders if you can take this:"),
            "",
            *_about(req, tz),
            "",
            _("You get the address when you have said yes."),
        ]
    )


def answered_no_thanks() -> str:
    return _("All right, thank you for answering.")


def coordinator_told_declined(name: str, req: RequestView, tz: ZoneInfo) -> str:
    return _("{name} cannot take {request}. You can ask someone else.").format(
        name=name, request=_short(req, tz)
    )


def coordinator_told_accepted(name: str, req: RequestView, tz: ZoneInfo) -> str:
    return _("{name} has taken {request}. Thank you!").format(name=name, request=_short(req, tz))


# --- Asking on someone's behalf ------------------------------------------------------------


def proxy_ask_name() -> str:
    return _(
        "You are asking for help for someone who has no Telegram.\n"
        "What is their first name? Please write it."
    )


def proxy_ask_phone(name: str) -> str:
    return _("What is {name}'s phone number? The volunteer calls before coming.").format(name=name)


def proxy_phone_not_understood() -> str:
    return _("That does not look like a phone number. Write for example 070-123 45 67.")


def proxy_ask_area(name: str) -> str:
    return _("Which area does {name} live in? Choose below.").format(name=name)


def proxy_ask_category(name: str) -> str:
    return _("What does {name} need help with?").format(name=name)


def proxy_ask_when(name: str) -> str:
    return _(
        "When does {name} need the help?\nYou can also write, for example «tomorrow at 10» "
        "or «3 December»."
    ).format(name=name)


def proxy_summary(name: str, phone: str, address: str, summary: str) -> str:
    head = _("For {name}, {phone}, {address}.").format(name=name, phone=phone, address=address)
    return head + "\n\n" + summary


def proxy_sent(name: str, delivered: int) -> str:
    if delivered:
        return _(
            "Thank you! The request for {name} is sent. 🌼\n"
            "You will get the messages about it here, instead of {name}."
        ).format(name=name)
    return _(
        "Thank you! The request for {name} is saved. 🌼\nRight now no volunteer in the area "
        "gives this kind of help, so the coordinators have been told."
    ).format(name=name)
