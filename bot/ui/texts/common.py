"""Names of categories, times and states, and the texts every part shares."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, format_clock, format_day
from bot.services.views import When
from bot.services.when import part_of
from bot.ui.texts.preferences import help_settings, settings_command

CATEGORY_NAMES: dict[str, str] = {
    "shopping": N_("Shopping"),
    "pharmacy": N_("Pharmacy"),
    "company": N_("Walk and company"),
    "escort": N_("Ride and escort"),
    "digital": N_("Digital help"),
    "home": N_("Practical help at home"),
    "phone": N_("Phone friend"),
    "other": N_("Something else"),
}
PART_NAMES: dict[str, str] = {
    "morning": N_("morning"),
    "afternoon": N_("afternoon"),
    "evening": N_("evening"),
}
STATUS_NAMES: dict[str, str] = {
    "open": N_("waiting for a volunteer"),
    "claimed": N_("a volunteer is coming"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
    "expired": N_("nobody could take it"),
}


def category(code: str) -> str:
    """The name of a kind of help."""
    return _(CATEGORY_NAMES.get(code, CATEGORY_NAMES["other"]))


def day(value: date) -> str:
    """E.g. "tisdag 24 november"."""
    return format_day(value)


def when(value: When, tz: ZoneInfo) -> str:
    """When help is wanted, as a person would say it."""
    if value.at is None or value.precision == "none":
        return _("no rush")
    local = value.at.astimezone(tz)
    if value.precision == "exact":
        return _("{day} {clock}").format(
            day=format_day(local.date()), clock=format_clock(local, tz)
        )
    part = part_of(value, tz)
    if part is not None:
        return _("{day}, {part}").format(day=format_day(local.date()), part=_(PART_NAMES[part]))
    return format_day(local.date())


def status(code: str) -> str:
    return _(STATUS_NAMES.get(code, code))


def menu() -> str:
    return _("What would you like to do? Choose below.")


def help_text() -> str:
    return "\n\n".join([_help_asking(), help_places(), help_settings(), _help_privacy()])


def _help_privacy() -> str:
    return _(
        "• /integritet tells what we save about you, who sees it and for how long. "
        "/minadata shows it all, and /radera erases it."
    )


def help_places() -> str:
    return _(
        "• «☕ Find a meeting place» shows cafés, exercise groups, study circles and talks near "
        "you. You can sign up, and I remind you the day before. /paminnelser turns reminders "
        "off or on."
    )


def _help_asking() -> str:
    return _(
        "Hjälpsam puts you in touch with volunteers who help with everyday things: "
        "shopping, the pharmacy, a walk, a ride, the phone or the computer.\n\n"
        "• Press «Ask for help» and answer a few short questions.\n"
        "• A volunteer who is checked by the municipality or an association takes it.\n"
        "• You get a message here saying who is coming, and when.\n\n"
        "/mina shows your requests. /start shows the menu. Write /avbryt to stop what you "
        "are doing.\n\n"
        "This is not for emergencies. If there is danger, call 112. For advice about health "
        "care, call 1177."
    )


def start_first() -> str:
    return _("Hi! Write /start to begin.")


def not_understood() -> str:
    return _("Sorry, I did not understand that. Please choose in the menu below.")


def not_understood_step() -> str:
    return _(
        "Sorry, I did not understand that. Please use the buttons below, or write your answer."
    )


def voice_not_available() -> str:
    return _("I cannot listen right now – please write instead.")


def please_text() -> str:
    return _("I can only read text here. Please write, or press one of the buttons.")


def too_long(limit: int) -> str:
    return _("That was a long text. Can you make it shorter, at most {limit} characters?").format(
        limit=limit
    )


def cancelled_to_menu() -> str:
    return _("All right, I have stopped. You are back at the menu.")


def stale_button() -> str:
    return _("That button no longer works. Here is the menu.")


def old_button() -> str:
    return _("That button no longer works. Please use the buttons of the last question.")


def not_allowed() -> str:
    return _("Sorry, you cannot do that.")


def error_on_our_side() -> str:
    return _(
        "Something went wrong on our side. What you have written is saved. "
        "Please try again in a little while."
    )


def slow_down() -> str:
    return _(
        "That was a lot of messages at once. I will take a short pause and then listen "
        "again in a minute. 😊"
    )


def command_list() -> list[tuple[str, str]]:
    """The commands shown in Telegram's menu, with a few words each."""
    return [
        ("start", _("Show the menu")),
        ("mina", _("My requests or tasks")),
        ("motesplats", _("Find a meeting place")),
        ("paminnelser", _("Reminders on or off")),
        ("installningar", settings_command()),
        ("hjalp", _("What the bot does")),
        ("integritet", _("Who sees my details")),
        ("minadata", _("The data saved about me")),
        ("radera", _("Erase my data")),
        ("avbryt", _("Stop what I am doing")),
    ]


def bot_description() -> str:
    return _(
        "Hjälpsam puts older people in touch with volunteers who help with everyday things: "
        "shopping, a walk, a ride, the phone. Here you also find meeting places near you. "
        "Press Start to begin. Not for emergencies: call 112."
    )


def bot_short_description() -> str:
    return _("Everyday help from volunteers, and meeting places near you.")
