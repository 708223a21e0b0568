"""Voice notes: what the bot heard, and the kind words when it could not listen."""

from __future__ import annotations

from bot.i18n import _

# A read-back longer than this is cut (Telegram allows 4096 characters in a message).
SHOWN_CHARS = 3000


def heard(text: str) -> str:
    """The transcript read back, before anything is kept."""
    shown = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS].rstrip() + " …"
    return _("I heard: «{text}»\nIs that right?").format(text=shown)


def heard_yes() -> str:
    return _("✅ Yes")


def heard_again() -> str:
    return _("🔁 Say it again")


def heard_type() -> str:
    return _("⌨️ Type instead")


def listening_again() -> str:
    return _("Say it again – I am listening.")


def voice_busy() -> str:
    return _("Many people are talking to me just now – please try again in a moment, or write.")


def voice_too_long() -> str:
    return _(
        "That was a long message. Please say it a little shorter – at most two minutes – or write."
    )


def voice_unreadable() -> str:
    return _("I could not listen to that recording. Please try again, or write instead.")


def voice_nothing_heard() -> str:
    return _("I did not hear any words. Hold the phone close and try again – or write.")


def voice_forgotten() -> str:
    return _("I no longer remember what you said. Please say it again.")


def voice_at_menu() -> str:
    return _("Voice messages work when I ask you something. Please choose in the menu first.")


def guess_category(category: str) -> str:
    """The kind of help heard in a voice note, to confirm with one tap."""
    return _("I think you want help with: {category}.\nIs that right?").format(category=category)
