"""Texts of /start: language, role, name, area, address, phone, consent."""

from __future__ import annotations

from bot.i18n import _


def welcome() -> str:
    return _(
        "Hi and welcome to Hjälpsam! 👋\nHere you can get help with everyday things, "
        "or help someone else.\n\nWhich language do you want?"
    )


def ask_role() -> str:
    return _("What would you like to do?")


def ask_name() -> str:
    return _("What is your first name? Please write it.")


def ask_area(name: str) -> str:
    return _("Thank you, {name}! Where do you live? Choose your area.").format(name=name)


def ask_address() -> str:
    return _(
        "Which address should a volunteer come to?\nWrite the street and number, "
        "for example Storgatan 5."
    )


def ask_phone() -> str:
    return _(
        "Do you want to leave a phone number? Then the volunteer can call you.\n"
        "Press the button, write the number, or skip."
    )


def phone_not_understood() -> str:
    return _(
        "That does not look like a phone number. Write for example 070-123 45 67, or press «Skip»."
    )


def own_number_please() -> str:
    return _("That is someone else's number. Share your own, write it, or press «Skip».")


def onboarding_cancelled() -> str:
    return _("All right, we stop here. Write /start when you want to begin again.")


def ask_consent(controller: str) -> str:
    """Short on purpose: «Read more» (``privacy_notice``) tells the rest."""
    return _(
        "One more thing. The volunteer who takes your request sees your name, address and "
        "phone number. The municipality's coordinators can also see them, if they need to "
        "help with your request. {controller} is responsible for your details. You can erase "
        "them at any time with /radera.\n\nIs that all right?"
    ).format(controller=controller)


def no_consent() -> str:
    return _(
        "That is quite all right. Without an address we cannot send a volunteer, "
        "so I have not saved anything.\nWrite /start if you change your mind."
    )


def resident_ready(name: str) -> str:
    return _(
        "All done! Welcome, {name}. 🌼\nPress «Ask for help» when you need something."
    ).format(name=name)


def ask_volunteer_areas(name: str) -> str:
    return _(
        "Thank you, {name}! Which areas can you help in? Tap one or more, then «Done»."
    ).format(name=name)


def ask_volunteer_skills() -> str:
    return _("What kind of help can you give? Tap one or more, then «Done».")


def ask_organisation() -> str:
    return _(
        "Do you belong to one of these organisations? Then it is their coordinator who "
        "approves you. Choose «None of them» if you do not."
    )


def choose_at_least_one() -> str:
    return _("Please choose at least one.")


def volunteer_waiting(name: str) -> str:
    return _(
        "Thank you, {name}! 💛\nA coordinator will check your details and approve you. "
        "After that you will get tasks here. It usually takes a few days."
    ).format(name=name)


def coordinator_ready(name: str) -> str:
    return _("Welcome, {name}! You are a coordinator. Your menu is below.").format(name=name)


def no_areas_yet() -> str:
    return _(
        "Hjälpsam is not quite ready yet: no areas have been added. "
        "Please try again a little later."
    )


def coordinator_no_areas() -> str:
    return _("There are no areas yet. Press «Add area» to add the first one.")
