"""Message templates. Every text a person reads is built here, through gettext."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, format_clock, format_day, ngettext
from bot.services.views import Contact, PendingVolunteer, RequestView, When

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
    if value.precision == "part":
        for part, hour in (("morning", 10), ("afternoon", 14), ("evening", 18)):
            if local.hour == hour:
                return _("{day}, {part}").format(
                    day=format_day(local.date()), part=_(PART_NAMES[part])
                )
    return format_day(local.date())


def status(code: str) -> str:
    return _(STATUS_NAMES.get(code, code))


# --- Onboarding ---------------------------------------------------------------------------


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


def ask_consent() -> str:
    return _(
        "One more thing. Your address and phone number are shown only to the volunteer "
        "who takes your request. We keep nothing else about you.\n\nIs that all right?"
    )


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


# --- Menus and help -----------------------------------------------------------------------


def menu() -> str:
    return _("What would you like to do? Choose below.")


def help_text() -> str:
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


# --- Asking for help ----------------------------------------------------------------------


def ask_category() -> str:
    return _("What do you need help with?")


def resume_draft(category_code: str | None) -> str:
    if category_code:
        return _(
            "You have started a request: {category}. Do you want to continue with it?"
        ).format(category=category(category_code))
    return _("You have started a request. Do you want to continue with it?")


def ask_when() -> str:
    return _(
        "When do you need the help?\nYou can also write, for example «tomorrow at 10» "
        "or «3 December»."
    )


def ask_day() -> str:
    return _("Which day?")


def ask_part(day_text: str) -> str:
    return _(
        "{day}. What time of day suits you?\nYou can also write a time, for example «at 14»."
    ).format(day=day_text)


def confirm_time(when_text: str) -> str:
    return _("I understood: {when}. Is that right?").format(when=when_text)


def time_not_understood() -> str:
    return _(
        "I did not quite understand the time. Press a button, or write for example "
        "«tomorrow at 10» or «3 December»."
    )


def time_in_past() -> str:
    return _("That time has already passed. Please choose a time ahead.")


def ask_details() -> str:
    return _(
        "Do you want to tell us more? For example what to buy, or where you are going.\n"
        "Write it, or press «Skip»."
    )


def summary(req_category: str, when_text: str, details: str | None, area: str) -> str:
    lines = [
        _("This is your request:"),
        "",
        _("What: {category}").format(category=category(req_category)),
        _("When: {when}").format(when=when_text),
    ]
    if details:
        lines.append(_("More: {details}").format(details=details))
    lines.append(_("Area: {area}").format(area=area))
    lines += ["", emergency_note(), "", _("Shall I send it?")]
    return "\n".join(lines)


def emergency_note() -> str:
    return _(
        "Please note: this is not for emergencies. If there is danger, call 112. "
        "For advice about health care, call 1177."
    )


def request_sent(volunteers: int) -> str:
    if volunteers:
        return _(
            "Thank you! Your request is sent. 🌼\nWe are looking for a volunteer. "
            "You will get a message here when someone has taken it."
        )
    return _(
        "Thank you! Your request is saved. 🌼\nRight now no volunteer in your area gives "
        "this kind of help, so a coordinator has been told and will look for someone."
    )


def draft_cancelled() -> str:
    return _("All right, I have removed the request. You are back at the menu.")


def onboarding_paused() -> str:
    return _("I will pause here. Write /start when you want to begin again.")


def paused_to_menu() -> str:
    return _("I will pause here. You are back at the menu.")


def paused_here() -> str:
    return _(
        "I will pause here. What you have written is saved. "
        "Press «Ask for help» when you want to continue."
    )


# --- Volunteers and tasks -----------------------------------------------------------------


def task_card(req: RequestView, tz: ZoneInfo) -> str:
    lines = [
        _("New request in {area}").format(area=req.area),
        "",
        _("What: {category}").format(category=category(req.category)),
        _("When: {when}").format(when=when(req.when, tz)),
    ]
    if req.details:
        lines.append(_("More: {details}").format(details=req.details))
    return "\n".join(lines)


def task_taken_by_other(req: RequestView, tz: ZoneInfo) -> str:
    return _("{category}, {when}: another volunteer has taken this. Thank you anyway!").format(
        category=category(req.category), when=when(req.when, tz)
    )


def task_closed(req: RequestView, tz: ZoneInfo) -> str:
    return _("{category}, {when}: this request is no longer open.").format(
        category=category(req.category), when=when(req.when, tz)
    )


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


def resident_told_claimed(req: RequestView, volunteer_name: str, tz: ZoneInfo) -> str:
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


def need_vetting() -> str:
    return _("You can take tasks once a coordinator has approved you.")


def ask_give_back_reason() -> str:
    return _(
        "That is all right. Do you want to say why? It helps us. Write a few words, "
        "or press «Skip»."
    )


def given_back_volunteer() -> str:
    return _("Thank you for letting us know. The task is open again for others.")


def resident_told_given_back(req: RequestView, volunteer_name: str, tz: ZoneInfo) -> str:
    return _(
        "{name} could not help with {category} after all. Don't worry – we are looking "
        "for someone else for you."
    ).format(name=volunteer_name, category=category(req.category).lower())


def done_volunteer() -> str:
    return _("Thank you for your help! 💛")


def resident_told_done(req: RequestView, volunteer_name: str) -> str:
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


# --- Coordinators -------------------------------------------------------------------------


def new_volunteer_waiting(name: str) -> str:
    return _(
        "A new volunteer is waiting for approval: {name}. Press «Volunteers waiting»."
    ).format(name=name)


def pending_none() -> str:
    return _("No volunteers are waiting for approval.")


def pending_card(vol: PendingVolunteer, tz: ZoneInfo) -> str:
    return _("{name}\nAreas: {areas}\nCan help with: {skills}\nSigned up: {day}").format(
        name=vol.first_name,
        areas=", ".join(vol.areas),
        skills=", ".join(category(s) for s in vol.skills),
        day=format_day(vol.since.astimezone(tz).date()),
    )


def vetting_note() -> str:
    return _(
        "Approve only when you have done the check (for example the extract from the "
        "police records). We store only that the check was done, by whom and when – "
        "never what the extract says."
    )


def approved_coordinator(name: str) -> str:
    return _("{name} is approved. Thank you!").format(name=name)


def declined_coordinator(name: str) -> str:
    return _("{name} is turned down. They have been told kindly.").format(name=name)


def approved_volunteer(name: str) -> str:
    return _(
        "Welcome as a volunteer, {name}! 🎉 You are approved. New tasks in your areas "
        "will come here."
    ).format(name=name)


def declined_volunteer(name: str) -> str:
    return _(
        "Thank you for wanting to help, {name}. Right now we cannot take you on as a "
        "volunteer. You are welcome to contact the coordinator if you have questions."
    ).format(name=name)


def already_decided() -> str:
    return _("This volunteer has already been handled.")


def ask_area_name() -> str:
    return _("What is the new area called?")


def area_added(name: str) -> str:
    return _("The area {name} is added.").format(name=name)


def area_exists(name: str) -> str:
    return _("There is already an area called {name}. Write another name.").format(name=name)


def unclaimed_alert(req: RequestView, tz: ZoneInfo) -> str:
    return _(
        "No volunteer gives this help in {area} yet: {category}, {when}. Please look for someone."
    ).format(area=req.area, category=category(req.category).lower(), when=when(req.when, tz))


def group_linked() -> str:
    return _("This group is now linked. New tasks will be posted here.")


def group_unlinked() -> str:
    return _("This group is no longer linked.")


def group_only() -> str:
    return _("Write this command in the volunteers' group chat.")


def cli_bad_token(problem: str) -> str:
    """Shown on the command line; English and Swedish are both in the catalogue."""
    if problem == "missing":
        return _(
            "No bot token. Get one from @BotFather in Telegram (send /newbot), then set "
            "HJALPSAM_TELEGRAM_TOKEN=... in the environment or in a .env file."
        )
    return _(
        "The bot token does not look right. Copy it again from @BotFather "
        "(it looks like 123456789:ABC...), and set HJALPSAM_TELEGRAM_TOKEN."
    )
