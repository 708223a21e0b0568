"""Texts for coordinators keeping activities: the card, the questions, and cancelling.

Names start with ``admin_`` because every text module is star-imported into one namespace.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from bot.i18n import N_, _, current_locale, format_clock, format_day, ngettext
from bot.services.activity_admin import Seat
from bot.services.place_admin import ActivityCard, ActivityDraft
from bot.ui.texts.places import ACTIVITY_ICONS, activity_kind, cost, moment

ADMIN_ACTIVITY_FIELDS: dict[str, str] = {
    "title": N_("Title"),
    "description": N_("Description"),
    "category": N_("Kind"),
    "time": N_("Time"),
    "repeat": N_("Repeat"),
    "length": N_("Length"),
    "seats": N_("Seats"),
    "cost": N_("Cost"),
}
ADMIN_REPEATS: dict[str, str] = {
    "once": N_("Only once"),
    "weekly": N_("Every week"),
    "biweekly": N_("Every other week"),
    "monthly": N_("Every month"),
}
ADMIN_LENGTHS: dict[int, str] = {
    60: N_("1 hour"),
    90: N_("1.5 hours"),
    120: N_("2 hours"),
    180: N_("3 hours"),
}
ADMIN_SIGNUP: dict[str, str] = {"dropin": N_("🚪 Just come"), "signup": N_("📝 Sign up")}
_NTH = {1: N_("first"), 2: N_("second"), 3: N_("third"), 4: N_("fourth"), 5: N_("last")}


def admin_kind_label(code: str) -> str:
    return "{icon} {name}".format(icon=ACTIVITY_ICONS.get(code, "☕"), name=activity_kind(code))


# --- Activities ------------------------------------------------------------------------------


def _until(start: datetime, minutes: int, tz: ZoneInfo) -> str:
    locale = "sv_SE" if current_locale() == "sv" else "en_GB"
    end = format_datetime(start + timedelta(minutes=minutes), _("HH:mm"), tzinfo=tz, locale=locale)
    return _("{start}–{end}").format(start=format_clock(start, tz), end=end)


def admin_when(draft: ActivityDraft, tz: ZoneInfo) -> str:
    """E.g. "varje tisdag kl. 14.00–16.00" or "tisdag 1 december kl. 14.00–16.00"."""
    first = draft.starts_at.astimezone(tz)
    hours = _until(first, draft.duration_minutes, tz)
    locale = "sv_SE" if current_locale() == "sv" else "en_GB"
    weekday = format_date(first.date(), "EEEE", locale=locale)
    if draft.repeat == "once":
        return _("{day} {hours}").format(day=format_day(first.date()), hours=hours)
    if draft.repeat == "weekly":
        return _("every {weekday} {hours}").format(weekday=weekday, hours=hours)
    if draft.repeat == "biweekly":
        return _("every other {weekday} {hours}").format(weekday=weekday, hours=hours)
    if draft.repeat == "monthly":
        nth = _(_NTH[min((first.day - 1) // 7 + 1, 5)])
        return _("the {nth} {weekday} of every month {hours}").format(
            nth=nth, weekday=weekday, hours=hours
        )
    return _("repeating, {hours}").format(hours=hours)


def _seats(draft: ActivityDraft, taken: int | None) -> str:
    if not draft.signup_required:
        return _("No sign-up – people just come")
    if draft.capacity is None:
        return _("Sign-up: {taken} signed up next time").format(taken=taken or 0)
    if taken is None:
        return _("Seats: {capacity}").format(capacity=draft.capacity)
    return _("Seats: {taken} of {capacity} taken next time").format(
        taken=taken, capacity=draft.capacity
    )


def _activity_lines(draft: ActivityDraft, place: str, tz: ZoneInfo) -> list[str]:
    lines = [f"{ACTIVITY_ICONS.get(draft.category, '☕')} {draft.title}"]
    if draft.description:
        lines.append(draft.description)
    lines.append(_("Place: {place}").format(place=place))
    lines.append(_("Kind: {kind}").format(kind=activity_kind(draft.category)))
    lines.append(_("When: {when}").format(when=admin_when(draft, tz)))
    return lines


def admin_activity_card(card: ActivityCard, tz: ZoneInfo) -> str:
    lines = _activity_lines(card.draft, card.place, tz)
    if card.cancelled:
        return "\n".join([*lines, "", _("🚫 This activity is cancelled.")])
    days = ", ".join(format_day(d.astimezone(tz).date()) for d in card.next_dates[:3])
    lines.append(_("Next dates: {days}").format(days=days) if days else _("No dates ahead."))
    lines.append(_seats(card.draft, card.taken))
    lines.append(_("Cost: {cost}").format(cost=cost(card.draft.cost_sek)))
    return "\n".join(lines)


def admin_summary(draft: ActivityDraft, place: str, tz: ZoneInfo) -> str:
    lines = [_("This is the activity:"), "", *_activity_lines(draft, place, tz)]
    lines.append(_seats(draft, None))
    lines.append(_("Cost: {cost}").format(cost=cost(draft.cost_sek)))
    return "\n".join([*lines, "", _("Shall I save it?")])


def admin_save_label() -> str:
    return _("✅ Save")


def admin_edit_activity(title: str) -> str:
    return _("What do you want to change in «{title}»?").format(title=title)


def admin_ask_title() -> str:
    return _("What is the activity called? For example «Fika and a chat».")


def admin_ask_kind() -> str:
    return _("What kind of activity is it?")


def admin_ask_when() -> str:
    return _(
        "When is it the first time? Write the day and the time, "
        "for example «Tuesday 1 December at 14»."
    )


def admin_when_not_understood(day_only: bool) -> str:
    if day_only:
        return _("Please write the time too, for example «Tuesday 1 December at 14».")
    return _(
        "I did not quite understand. Write the day and the time, "
        "for example «Tuesday 1 December at 14»."
    )


def admin_ask_repeat() -> str:
    return _("How often is it?")


def admin_ask_length() -> str:
    return _("How long does it last?")


def admin_ask_signup() -> str:
    return _("Can people just come, or do they need to sign up?")


def admin_ask_seats() -> str:
    return _("How many seats are there? Write a number, for example 12.")


def admin_ask_cost() -> str:
    return _("What does it cost? Press «Free», or write the price in kronor, for example 40.")


def admin_ask_description() -> str:
    return _("Write a few words about the activity, or press «Skip» to have none.")


def admin_activity_saved(title: str) -> str:
    return _("Done! «{title}» is saved.").format(title=title)


# --- Cancelling ------------------------------------------------------------------------------


def admin_pick_date(any_left: bool) -> str:
    if any_left:
        return _("Which date do you want to cancel?")
    return _("There are no dates ahead to cancel.")


def admin_confirm_cancel(title: str, at: datetime | None, people: int, tz: ZoneInfo) -> str:
    if at is None:
        head = _("Cancel all of «{title}»? No more dates will be shown.").format(title=title)
    else:
        head = _("Cancel «{title}» {when}?").format(title=title, when=moment(at, tz))
    if people == 0:
        return "\n".join([head, _("Nobody is signed up.")])
    told = ngettext(
        "{n} person is signed up. They get a message at once.",
        "{n} people are signed up. They get a message at once.",
        people,
    ).format(n=people)
    return "\n".join([head, told])


def admin_call_off_label() -> str:
    return _("Yes, call it off")


def admin_cancelled(title: str, at: datetime | None, told: int, escorts: int, tz: ZoneInfo) -> str:
    if at is None:
        lines = [_("Done. «{title}» is cancelled.").format(title=title)]
    else:
        lines = [
            _("Done. «{title}» {when} is cancelled.").format(title=title, when=moment(at, tz))
        ]
    if told:
        lines.append(
            ngettext(
                "I have told {n} person who was signed up.",
                "I have told {n} people who were signed up.",
                told,
            ).format(n=told)
        )
    if escorts:
        lines.append(
            ngettext(
                "{n} request for company is cancelled too.",
                "{n} requests for company are cancelled too.",
                escorts,
            ).format(n=escorts)
        )
    return "\n".join(lines)


def admin_told_resident(
    title: str, place: str, at: datetime | None, seat: Seat, tz: ZoneInfo
) -> str:
    """What a person who was going reads, in their own language."""
    when = ", ".join(moment(d, tz) for d in seat.dates)
    if at is None:
        text = _(
            "Sorry, «{title}» at {place} is cancelled. You were signed up for {when}. "
            "You do not need to go."
        ).format(title=title, place=place, when=when)
    else:
        text = _("Sorry, «{title}» at {place} {when} is cancelled. You do not need to go.").format(
            title=title, place=place, when=when
        )
    if seat.escort:
        text = "\n".join([text, _("I have also taken back your request for company.")])
    return text
