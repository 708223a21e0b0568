"""Texts about tasks: offers, claims, giving back, done, follow-up, lists."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import _, ngettext
from bot.services.views import Contact, RequestView
from bot.ui.texts.common import category, status, when


def task_card(req: RequestView, tz: ZoneInfo) -> str:
    """An offer, to a volunteer or a group: the kind of help, the area and the time only.

    The resident's own words go with the address to the one who takes it (see
    ``claimed_for_volunteer``), never to everyone who might.
    """
    return "\n".join(
        [
            _("New request in {area}").format(area=req.area),
            "",
            _("What: {category}").format(category=category(req.category)),
            _("When: {when}").format(when=when(req.when, tz)),
        ]
    )


def task_taken_by_other(req: RequestView, tz: ZoneInfo) -> str:
    return _("{category}, {when}: another volunteer has taken this. Thank you anyway!").format(
        category=category(req.category), when=when(req.when, tz)
    )


def task_closed(req: RequestView, tz: ZoneInfo) -> str:
    return _("{category}, {when}: this request is no longer open.").format(
        category=category(req.category), when=when(req.when, tz)
    )


def already_yours() -> str:
    return _("This task is already yours. 💛")


def someone_was_faster() -> str:
    return _("Someone was faster – thank you anyway!")


def claimed_for_volunteer(req: RequestView, contact: Contact, tz: ZoneInfo) -> str:
    lines = [
        _("Thank you! The task is yours. 💛"),
        "",
        _("What: {category}").format(category=category(req.category)),
        _("When: {when}").format(when=when(req.when, tz)),
        _("Name: {name}").format(name=contact.first_name),
        _("Address: {address}").format(address=contact.address or "–"),
        _("Phone: {phone}").format(phone=contact.phone or _("not given")),
    ]
    if req.details:
        lines.append(_("More: {details}").format(details=req.details))
    lines += ["", _("Press «Done» when you have helped, or «Give back» if you cannot go.")]
    return "\n".join(lines)


def claimed_in_group(req: RequestView, name: str, tz: ZoneInfo) -> str:
    return _("{category}, {when}: {name} has taken this. Thank you!").format(
        category=category(req.category), when=when(req.when, tz), name=name
    )


def resident_told_claimed(
    req: RequestView, volunteer_name: str, tz: ZoneInfo, for_name: str | None = None
) -> str:
    if for_name is not None:
        return _(
            "Good news! {name} will help {resident} with {category}, {when}.\n"
            "{name} may call {resident} before coming."
        ).format(
            name=volunteer_name,
            resident=for_name,
            category=category(req.category).lower(),
            when=when(req.when, tz),
        )
    return _(
        "Good news! {name} will help you with {category}, {when}.\n"
        "{name} may call you before coming."
    ).format(name=volunteer_name, category=category(req.category).lower(), when=when(req.when, tz))


def task_not_for_you() -> str:
    return _(
        "This task is outside your areas or the kinds of help you give, so it goes to "
        "someone else."
    )


def task_no_longer_open() -> str:
    return _("This request is no longer open. Thank you anyway!")


def open_private_chat_first() -> str:
    return _(
        "I could not send you the address. Open a chat with me first (tap my name, then "
        "Start), and press the button again."
    )


def claimed_in_group_toast() -> str:
    return _("The task is yours. I have sent the address to you in our own chat.")


def sent_privately() -> str:
    return _("I have sent it to you in our own chat.")


def open_private_chat_to_see() -> str:
    return _(
        "I could not send it to you. Open a chat with me first (tap my name, then Start), "
        "and press the button again."
    )


def private_chat_only() -> str:
    return _("Please do this in your own chat with me, not in the group.")


def need_vetting() -> str:
    return _("You can take tasks once a coordinator has approved you.")


def stopped(lapsed: bool) -> str:
    if lapsed:
        return _(
            "You can't take tasks right now: your approval needs to be renewed. "
            "A coordinator will contact you."
        )
    return _("You can't take tasks right now. A coordinator will contact you.")


def ask_give_back_reason() -> str:
    return _(
        "That is all right. Do you want to say why? It helps us. Write a few words, "
        "or press «Skip»."
    )


def given_back_volunteer() -> str:
    return _("Thank you for letting us know. The task is open again for others.")


def resident_told_given_back(
    req: RequestView, volunteer_name: str, tz: ZoneInfo, for_name: str | None = None
) -> str:
    if for_name is not None:
        return _(
            "{name} could not help {resident} with {category} after all. We are looking for "
            "someone else."
        ).format(name=volunteer_name, resident=for_name, category=category(req.category).lower())
    return _(
        "{name} could not help with {category} after all. Don't worry – we are looking "
        "for someone else for you."
    ).format(name=volunteer_name, category=category(req.category).lower())


def done_volunteer() -> str:
    return _("Thank you for your help! 💛")


def resident_told_done(req: RequestView, volunteer_name: str, for_name: str | None = None) -> str:
    if for_name is not None:
        return _("{name} has marked the help to {resident} with {category} as done.").format(
            name=volunteer_name, resident=for_name, category=category(req.category).lower()
        )
    return _("{name} has marked the help with {category} as done.").format(
        name=volunteer_name, category=category(req.category).lower()
    )


def ask_follow_up() -> str:
    return _("How did it go? Tap one.")


def ask_follow_up_comment() -> str:
    return _("Thank you! Do you want to add something? Write a short comment, or press «Skip».")


def follow_up_thanks() -> str:
    return _("Thank you for your answer! 🌼")


def ask_cancel(req: RequestView, tz: ZoneInfo) -> str:
    return _("Do you want to cancel {category}, {when}?").format(
        category=category(req.category).lower(), when=when(req.when, tz)
    )


def cancelled_resident() -> str:
    return _("The request is cancelled.")


def volunteer_told_cancelled(req: RequestView, name: str, tz: ZoneInfo) -> str:
    return _(
        "{name} has cancelled {category}, {when}. You do not need to go. Thank you anyway!"
    ).format(name=name, category=category(req.category).lower(), when=when(req.when, tz))


def volunteer_told_activity_cancelled(req: RequestView, name: str, tz: ZoneInfo) -> str:
    return _(
        "The meeting place {name} was going to is cancelled, so {category}, {when} is called "
        "off. You do not need to go. Thank you anyway!"
    ).format(name=name, category=category(req.category).lower(), when=when(req.when, tz))


def kept() -> str:
    return _("Fine, nothing is changed.")


def request_line(req: RequestView, tz: ZoneInfo) -> str:
    return _("{category}, {when} – {status}").format(
        category=category(req.category), when=when(req.when, tz), status=status(req.status)
    )


def my_requests(reqs: list[RequestView], tz: ZoneInfo) -> str:
    if not reqs:
        return _("You have no requests yet. Press «Ask for help» to make one.")
    head = ngettext("You have {n} request:", "You have {n} requests:", len(reqs)).format(
        n=len(reqs)
    )
    return "\n".join([head, ""] + [f"• {request_line(r, tz)}" for r in reqs])


def my_tasks(reqs: list[RequestView], tz: ZoneInfo) -> str:
    if not reqs:
        return _("You have no tasks right now. New ones come here as messages.")
    head = ngettext("You have {n} task:", "You have {n} tasks:", len(reqs)).format(n=len(reqs))
    return "\n".join([head, ""] + [f"• {request_line(r, tz)}" for r in reqs])


def request_detail(
    req: RequestView, volunteer_name: str | None, contact: Contact | None, tz: ZoneInfo
) -> str:
    lines = [
        _("What: {category}").format(category=category(req.category)),
        _("When: {when}").format(when=when(req.when, tz)),
        _("Status: {status}").format(status=status(req.status)),
    ]
    if req.details:
        lines.append(_("More: {details}").format(details=req.details))
    if volunteer_name and req.status == "claimed":
        lines.append(_("Volunteer: {name}").format(name=volunteer_name))
    if contact:
        lines.append(_("Name: {name}").format(name=contact.first_name))
        lines.append(_("Address: {address}").format(address=contact.address or "–"))
        lines.append(_("Phone: {phone}").format(phone=contact.phone or _("not given")))
    return "\n".join(lines)


def paused(now_paused: bool) -> str:
    if now_paused:
        return _(
            "You are paused and will get no new tasks. Tasks you hold are still yours. "
            "Write /paus again when you want tasks again."
        )
    return _("Welcome back! You will get new tasks again.")


def not_a_volunteer() -> str:
    return _("Only volunteers can pause. Write /start to see your menu.")


def address_removed(req: RequestView, tz: ZoneInfo, end: str) -> str:
    """What stays of a holder's message with the address once the task has ended: what, when
    and how it ended; never the name, the address, the phone or the resident's own words.

    ``end``: done | given_back | released (the volunteer was stopped) | cancelled | ended.
    """
    if end == "done":
        said = _("{category}, {when}: done. Thank you for your help! 💛")
    elif end == "given_back":
        said = _("{category}, {when}: you gave this task back.")
    elif end == "released":
        said = _("{category}, {when}: this task is no longer yours.")
    elif end == "cancelled":
        said = _("{category}, {when}: this task was cancelled.")
    else:
        said = _("{category}, {when}: this task has ended.")
    return said.format(category=category(req.category), when=when(req.when, tz))
