"""Texts for residents finding meeting places and signing up."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot.i18n import N_, _, current_locale, format_clock, format_day, ngettext
from bot.services.places import Card, Detail, Occasion, Planned
from bot.services.reminders import ReminderPolicy

ACTIVITY_NAMES: dict[str, str] = {
    "fika": N_("Coffee and a chat"),
    "exercise": N_("Exercise"),
    "culture": N_("Culture"),
    "study": N_("Study circle"),
    "digital": N_("Digital"),
    "music": N_("Singing and music"),
    "food": N_("Food"),
}
ACTIVITY_ICONS: dict[str, str] = {
    "fika": "☕",
    "exercise": "🤸",
    "culture": "🎭",
    "study": "📚",
    "digital": "💻",
    "music": "🎵",
    "food": "🍲",
}
ACCESS_NAMES: dict[str, str] = {
    "wheelchair": N_("wheelchair friendly"),
    "lift": N_("lift"),
    "step_free": N_("no steps"),
    "hearing_loop": N_("hearing loop"),
}


def activity_kind(code: str) -> str:
    return _(ACTIVITY_NAMES.get(code, ACTIVITY_NAMES["fika"]))


def moment(at: datetime, tz: ZoneInfo) -> str:
    """E.g. "tisdag 24 november kl. 14.00"."""
    local = at.astimezone(tz)
    return _("{day} {clock}").format(day=format_day(local.date()), clock=format_clock(local, tz))


def _number(value: float) -> str:
    return format_decimal(value, "#,##0.#", locale="sv_SE" if current_locale() == "sv" else "en")


def distance(km: float) -> str:
    if km < 1:
        return _("{metres} m away").format(metres=max(50, round(km * 1000 / 50) * 50))
    return _("{km} km away").format(km=_number(round(km, 1)))


def cost(sek: int | None) -> str:
    return _("Free") if not sek else _("{amount} kr").format(amount=sek)


def find_how() -> str:
    return _("What would you like to find? Choose a way below.")


def location_not_sent() -> str:
    return _(
        "I did not get a location. On a phone, the button «📍 Near me» sends where you are. "
        "You can also choose «🏘 In my area»."
    )


def not_a_location() -> str:
    return _("That was not a location. Press «📍 Near me» and your phone sends where you are.")


def bad_location() -> str:
    return _("I could not read that location. Please try again, or choose another way.")


def ask_kind() -> str:
    return _("What kind of meeting place?")


def results_intro(mode: str, total: int, detail: str | None = None) -> str:
    head = {
        "near": _("Here is what is on near you:"),
        "area": _("Here is what is on in {area}:").format(area=detail or ""),
        "today": _("Here is what is on today:"),
        "week": _("Here is what is on this week:"),
        "category": _("Here is what I found for «{kind}»:").format(kind=detail or ""),
    }[mode]
    count = ngettext("I found {n} thing.", "I found {n} things.", total).format(n=total)
    return "\n".join([head, count])


def nothing_found(mode: str) -> str:
    if mode == "near":
        return _(
            "I cannot find any meeting places near that location. "
            "Try «🏘 In my area» or «🗓 This week» instead."
        )
    if mode == "today":
        return _("Nothing more is on today. Try «🗓 This week».")
    return _("I did not find anything just now. Try another way below.")


def card(item: Card, tz: ZoneInfo) -> str:
    icon = ACTIVITY_ICONS.get(item.category, "☕")
    where = item.place
    if item.distance_km is not None:
        where = _("{place} · {distance}").format(place=where, distance=distance(item.distance_km))
    elif item.online:
        where = _("{place} · online").format(place=where)
    return "\n".join(
        [
            f"{icon} {item.title}",
            where,
            _("Next time: {when}").format(when=moment(item.next_at, tz)),
            cost(item.cost_sek),
        ]
    )


def more_prompt(shown: int, total: int) -> str:
    return _("You have seen {shown} of {total}.").format(shown=shown, total=total)


def no_more() -> str:
    return _("That was all I found.")


def search_gone() -> str:
    return _("That list is old. Press «☕ Find a meeting place» to search again.")


def detail(item: Detail) -> str:
    icon = ACTIVITY_ICONS.get(item.category, "☕")
    kind = activity_kind(item.category)
    heading = f"{icon} {item.title}"
    if kind.casefold() != item.title.casefold():
        heading = _("{title} ({kind})").format(title=heading, kind=kind)
    lines = [heading]
    if item.description:
        lines.append(item.description)
    lines.append("")
    where = ", ".join(p for p in (item.place, item.address) if p)
    if item.area:
        where = _("{place} ({area})").format(place=where, area=item.area)
    lines.append(_("📍 Where: {where}").format(where=where))
    if item.online_url and not item.address:
        lines.append(_("💻 Online – the link comes below."))
    if item.transit_hint:
        lines.append(_("🚌 Getting there: {hint}").format(hint=item.transit_hint))
    if item.access:
        names = ", ".join(_(ACCESS_NAMES[a]) for a in item.access)
        lines.append(_("♿ Access: {names}").format(names=names))
    lines.append(_("💰 Cost: {cost}").format(cost=cost(item.cost_sek)))
    lines.append(
        _("📝 Please sign up – there are limited seats.")
        if item.signup_required
        else _("📝 Just come along – no need to sign up.")
    )
    if item.organisation:
        who = item.organisation
        if item.organisation_phone:
            who = _("{name}, phone {phone}").format(name=who, phone=item.organisation_phone)
        lines.append(_("👥 Run by: {who}").format(who=who))
    lines.append("")
    lines.append(_("Press a day to go:") if item.dates else _("No dates are planned right now."))
    return "\n".join(lines)


def date_button(occasion: Occasion, tz: ZoneInfo) -> str:
    local = occasion.at.astimezone(tz)
    text = _("{day} {clock}").format(day=format_day(local.date()), clock=format_clock(local, tz))
    if occasion.mine == "confirmed":
        return _("{when} ✅ you are going").format(when=text)
    if occasion.mine == "waiting":
        return _("{when} – waiting list").format(when=text)
    if occasion.seats_left == 0:
        return _("{when} – full").format(when=text)
    return text


def date_gone() -> str:
    return _(
        "That time cannot be chosen any more: it is cancelled or has already been. "
        "Press «🔎 Read more» again to see the times ahead."
    )


def online_link(url: str) -> str:
    return _("💻 You join online with this link:\n{url}").format(url=url)


def occasion(item: Detail, at: Occasion, tz: ZoneInfo) -> str:
    lines = [f"{item.title}", moment(at.at, tz), ""]
    if at.mine == "confirmed":
        lines.append(_("You are signed up. 💛"))
    elif at.mine == "waiting":
        lines.append(_("You are on the waiting list."))
    elif at.seats_left == 0:
        lines.append(_("It is full. You can join the waiting list."))
    elif at.seats_left is not None:
        lines.append(
            ngettext("There is {n} seat left.", "There are {n} seats left.", at.seats_left).format(
                n=at.seats_left
            )
        )
    lines.append(_("What would you like to do?"))
    return "\n".join(lines)


def reminder_note(policy: ReminderPolicy, reminders_off: bool, tz: ZoneInfo) -> str:
    if reminders_off:
        return _("You have turned reminders off.")
    evening = datetime.combine(datetime.now(tz).date(), policy.evening_at, tzinfo=tz)
    return _("I will remind you the evening before {clock} and {hours} hours before.").format(
        clock=format_clock(evening, tz), hours=_number(policy.hours_before)
    )


def signed_up(title: str, when: str) -> str:
    return _("Done! You are signed up for «{title}» {when}.").format(title=title, when=when)


def waiting(title: str, when: str, position: int) -> str:
    return _(
        "«{title}» {when} is full just now. You are number {position} on the waiting list. "
        "I will tell you at once if a seat becomes free."
    ).format(title=title, when=when, position=position)


def moved_up(title: str, when: str) -> str:
    return _("Good news! A seat became free. You are now signed up for «{title}» {when}.").format(
        title=title, when=when
    )


def ask_not_going(title: str, when: str) -> str:
    return _("Do you want to cancel «{title}» {when}?").format(title=title, when=when)


def not_going_done() -> str:
    return _("You are no longer signed up. Thank you for telling me – now someone else can go.")


def company_cancelled_too() -> str:
    return _("I have also taken back your request for company.")


def still_going() -> str:
    return _("Good – you are still signed up.")


def calendar_caption() -> str:
    return _("Open the file and the time goes into your calendar.")


def company_asked(title: str, when: str, volunteers: int) -> str:
    head = _("I have asked our volunteers if someone can go with you to «{title}» {when}.").format(
        title=title, when=when
    )
    tail = (
        _("You will get a message when someone says yes.")
        if volunteers
        else _("Nobody is free right now, so I have told a coordinator. They will help you.")
    )
    return "\n".join([head, tail])


def company_twice() -> str:
    return _("You have already asked for company to this date. See «📋 My requests».")


def company_waiting() -> str:
    return _("You are on the waiting list. When you get a seat, you can ask for company.")


def company_residents_only() -> str:
    return _("Company to a meeting place is for people who asked for help when they joined.")


def planned_intro(items: list[Planned]) -> str:
    if not items:
        return _("You are not signed up for anything just now.")
    return _("You are going to these. Press one to see it or to cancel:")


def planned_button(item: Planned, tz: ZoneInfo) -> str:
    text = _("{title} – {when}").format(title=item.title, when=moment(item.occasion.at, tz))
    if item.occasion.mine == "waiting":
        return _("{when} – waiting list").format(when=text)
    return text
