"""Texts for coordinators keeping the list of meeting places: the places, and the problems.

Names start with ``admin_`` because every text module is star-imported into one namespace.
The activities (and cancelling them) are in ``activity_admin``.
"""

from __future__ import annotations

from bot.i18n import N_, _
from bot.services.place_admin import PlaceCard
from bot.ui.texts.places import ACCESS_NAMES

ADMIN_PLACE_FIELDS: dict[str, str] = {
    "name": N_("Name"),
    "address": N_("Address"),
    "area": N_("Area"),
    "link": N_("Link"),
    "transit": N_("Getting there"),
}
ADMIN_TOGGLES: dict[str, str] = {
    "lift": N_("Lift"),
    "wheelchair": N_("Wheelchair"),
    "hearing_loop": N_("Hearing loop"),
    "step_free": N_("No steps"),
}
_PROBLEMS: dict[str, str] = {
    "where": N_("A meeting place needs an address or a link. Please write one of them."),
    "link": N_(
        "That does not look like a link. It should start with https://, "
        "for example https://www.example.se"
    ),
    "booked": N_(
        "People are signed up for coming dates, so the time cannot be moved. "
        "Cancel those dates first, or add a new activity."
    ),
    "seats": N_("Please write the number of seats as a number from 1 to 10000, for example 12."),
    "cost": N_("Please write the price in whole kronor, for example 40."),
    "past": N_("That time has already passed. Please choose a time ahead."),
}


def admin_problem(reason: str) -> str:
    """Why a value could not be used, kindly."""
    if reason in _PROBLEMS:
        return _(_PROBLEMS[reason])
    return _(
        "Sorry, I did not understand that. Please use the buttons below, or write your answer."
    )


# --- Places ----------------------------------------------------------------------------------


def admin_places_intro(empty: bool) -> str:
    if empty:
        return _("There are no meeting places yet. Add the first one with «➕ New meeting place».")
    return _("Meeting places. Choose one to see or change it, or add a new one.")


def admin_place_card(card: PlaceCard) -> str:
    lines = [f"📍 {card.name}"]
    if card.area:
        lines.append(_("Area: {area}").format(area=card.area))
    if card.address:
        lines.append(_("Address: {address}").format(address=card.address))
    else:
        lines.append(_("Online only"))
    if card.online_url:
        lines.append(_("Link: {url}").format(url=card.online_url))
    names = ", ".join(_(ACCESS_NAMES[a]) for a in card.access) or _("not given")
    lines.append(_("Access: {names}").format(names=names))
    if card.transit_hint:
        lines.append(_("Getting there: {hint}").format(hint=card.transit_hint))
    lines.append("")
    if card.activities:
        lines.append(_("Activities – press one to see it:"))
    else:
        lines.append(_("No activities yet."))
    return "\n".join(lines)


def admin_edit_place(name: str) -> str:
    return _("What do you want to change at {name}? The ticks show what the place has.").format(
        name=name
    )


def admin_ask_place_name() -> str:
    return _("What is the meeting place called? Write the name.")


def admin_ask_area(name: str) -> str:
    return _("Which area is {name} in?").format(name=name)


def admin_ask_address() -> str:
    return _(
        "What is the address? Write it, or press «🌐 Online only» if you meet on the internet."
    )


def admin_online_only() -> str:
    return _("🌐 Online only")


def admin_ask_link(required: bool) -> str:
    if required:
        return _("Write the link to the meeting on the internet. It starts with https://")
    return _(
        "Is there a link, for example to a video meeting or a web page? "
        "Write it, or press «Skip» if there is none."
    )


def admin_ask_transit() -> str:
    return _(
        "How do you get there by bus or train? For example «Bus 4 to Torget». "
        "Write it, or press «Skip»."
    )


def admin_now(question: str, value: str | None) -> str:
    """A question about a field being changed, with what it says now."""
    if not value:
        return question
    return "\n".join([question, _("Now: {value}").format(value=value)])


def admin_place_saved(name: str) -> str:
    return _("Done! {name} is saved.").format(name=name)


def admin_changed() -> str:
    return _("Done, it is changed.")
