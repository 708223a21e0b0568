"""Texts of broadcasts: choosing the audience, the preview, the progress."""

from __future__ import annotations

from babel.numbers import format_decimal

from bot.i18n import N_, _, current_locale, ngettext
from bot.services.broadcasts import MAX_TEXT, Progress

BROADCAST_AUDIENCES: dict[str, str] = {
    "residents": N_("👵 All residents"),
    "volunteers": N_("🤝 All volunteers"),
    "area": N_("🏘 One area"),
    "language": N_("🗣 One language"),
    "activity": N_("☕ People signed up for an activity"),
}


def number(value: int) -> str:
    """A count the way the reader writes it: "1 200" in Swedish, "1,200" in English."""
    return format_decimal(value, locale="sv_SE" if current_locale() == "sv" else "en_GB")


def broadcast_message(text: str) -> str:
    """What each recipient gets: a plain header, then the coordinator's text."""
    return _("📣 A message from Hjälpsam") + "\n\n" + text


def broadcast_ask_audience() -> str:
    return _("Who should get the message? Choose below.")


def broadcast_ask_area() -> str:
    return _("Which area? The residents who live there and the volunteers who help there get it.")


def broadcast_no_areas() -> str:
    return _("There are no areas yet. Choose someone else to send to.")


def broadcast_ask_language() -> str:
    return _("Which language? Everyone who reads the bot in that language gets it.")


def broadcast_ask_activity() -> str:
    return _("Which activity? Everyone signed up for a coming date gets it.")


def broadcast_no_activities() -> str:
    return _("Nobody is signed up for an activity right now. Choose someone else to send to.")


def broadcast_ask_swedish(current: str | None) -> str:
    ask = _("Write the message in Swedish. At most {limit} characters.").format(
        limit=number(MAX_TEXT)
    )
    if current:
        ask += "\n\n" + _("Now it says:") + "\n" + current
    return ask


def broadcast_ask_english(current: str | None) -> str:
    ask = _(
        "Write the same message in English, if you like. "
        "If you skip this, those who read English get the Swedish text."
    )
    if current:
        ask += "\n\n" + _("Now it says:") + "\n" + current
    return ask


def broadcast_audience(kind: str, detail: str | None, own: bool = False) -> str:
    """Who gets it, as a short phrase for the preview (``own``: an organisation's volunteers)."""
    if kind == "residents":
        return _("all residents")
    if kind == "volunteers":
        return _("your organisation's volunteers") if own else _("all volunteers")
    if kind == "area":
        return _("everyone in {area}").format(area=detail or "")
    if kind == "language":
        return (
            _("everyone who reads English") if detail == "en" else _("everyone who reads Swedish")
        )
    return _("everyone signed up for «{activity}»").format(activity=detail or "")


def broadcast_intro() -> str:
    return _("📣 A message to many. You can go back or cancel with the buttons below.")


def broadcast_preview(audience: str, text_sv: str, text_en: str | None) -> str:
    english = text_en or _("(No English text: those who read English get the Swedish one.)")
    return "\n\n".join(
        [
            _("This is the message to {audience}:").format(audience=audience),
            _("In Swedish:") + "\n" + text_sv,
            _("In English:") + "\n" + english,
        ]
    )


def broadcast_reach(recipients: int) -> str:
    """The line above «Send»: how many get it."""
    if recipients == 0:
        return _("Nobody can get it right now. Cancel and choose someone else.")
    return ngettext("It goes to {n} person.", "It goes to {n} people.", recipients).format(
        n=number(recipients)
    )


def broadcast_sent_so_far(done: int, total: int) -> str:
    return _("Sent to {done} of {total} …").format(done=number(done), total=number(total))


def broadcast_started() -> str:
    return _("The message is on its way. You can do other things meanwhile.")


def broadcast_progress(progress: Progress) -> str:
    return broadcast_sent_so_far(progress.handled, progress.total)


def broadcast_summary(progress: Progress) -> str:
    parts = [
        _("Done!"),
        ngettext(
            "{n} person got the message.", "{n} people got the message.", progress.sent
        ).format(n=number(progress.sent)),
    ]
    if progress.unreachable:
        parts.append(
            ngettext(
                "{n} could not be reached (they have turned the bot off).",
                "{n} could not be reached (they have turned the bot off).",
                progress.unreachable,
            ).format(n=number(progress.unreachable))
        )
    if progress.failed:
        parts.append(
            ngettext("{n} failed.", "{n} failed.", progress.failed).format(
                n=number(progress.failed)
            )
        )
    return " ".join(parts)


def broadcast_choice_gone() -> str:
    return _("That choice is no longer there. Please choose again.")


def broadcast_use_buttons() -> str:
    return _("Please choose with the buttons under the question.")


def broadcast_not_sent() -> str:
    return _("The message was not sent. Nothing has gone out.")
