"""Texts of the settings screen (/installningar): read aloud, reminders, language."""

from __future__ import annotations

from bot.i18n import _
from bot.ui.labels import label


def preferences_screen() -> str:
    return _("⚙️ Your settings\n\nPress a button to change it.")


def read_aloud_button(on: bool) -> str:
    return _("🔊 Read replies aloud: on") if on else _("🔊 Read replies aloud: off")


def reminders_button(on: bool) -> str:
    return _("🔔 Reminders: on") if on else _("🔔 Reminders: off")


def language_button(locale: str) -> str:
    """Both languages' word for it, so that someone lost in the other language finds it."""
    name = label("lang.en") if locale == "en" else label("lang.sv")
    return _("🌐 Language / Språk: {language}").format(language=name)


def to_menu_button() -> str:
    return _("⬅️ To the menu")


def read_aloud_turned_on() -> str:
    return _(
        "Good. From now on I also read my replies aloud, as a voice message. "
        "The text comes as well."
    )


def read_aloud_turned_off() -> str:
    return _("All right, I no longer read my replies aloud.")


def read_aloud_unavailable() -> str:
    return _("Sorry, reading aloud is not available on this service. The setting stays off.")


def language_changed() -> str:
    return _("All right, I will write in English from now on.")


def help_settings() -> str:
    return _(
        "• /installningar: have my replies read aloud, turn reminders off or on, or change "
        "the language."
    )


def settings_command() -> str:
    """The command's few words in Telegram's menu."""
    return _("Read aloud, reminders, language")
