"""Texts of «Något kändes fel»: asking the reporter, thanking them, and the coordinators' alert."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import N_, _
from bot.services.safety import Alert, Filed
from bot.services.views import RequestView
from bot.ui.texts.common import category, when

_ROLES = {"resident": N_("the one who got help"), "volunteer": N_("volunteer")}
_SCORES = {"good": "😊", "ok": "😐", "bad": "☹️"}


def report_button() -> str:
    return _("⚠️ Something felt wrong")


def report_offer() -> str:
    """Under «Mina förfrågningar» / «Mina uppdrag»."""
    return _("Has something felt wrong? You can tell us here. It goes straight to a coordinator.")


def task_label(req: RequestView, tz: ZoneInfo) -> str:
    return _("{category}, {when}").format(category=category(req.category), when=when(req.when, tz))


def something_else() -> str:
    return _("Something different")


def ask_which_task() -> str:
    return _("Is it about one of these? Press it, or press «Something different».")


def ask_report_words(has_phone: bool) -> str:
    lines = [
        _("Tell me briefly what felt wrong. Write a few words, or send a voice message."),
        _(
            "🔒 It goes only to the coordinators responsible: the municipality's and the "
            "volunteer's association's."
        ),
    ]
    if not has_phone:
        lines.append(
            _(
                "We have no phone number for you. If you want someone to call you, write your "
                "number too."
            )
        )
    return "\n\n".join(lines)


def report_thanks(filed: Filed, reached: int, municipality_phone: str, limit: int) -> str:
    """Who will get in touch, said honestly: by phone only when we have a number."""
    lines = [_("Thank you for telling us. 💛")]
    if not reached:
        lines.append(_("I have saved what you wrote, but I cannot reach a coordinator right now."))
    elif filed.has_phone and filed.organisation:
        lines.append(
            _(
                "A coordinator from the municipality or from your association will call you or "
                "write to you."
            )
        )
    elif filed.has_phone:
        lines.append(_("A coordinator from the municipality will call you or write to you."))
    elif filed.organisation:
        lines.append(_("A coordinator from your association will get in touch with you."))
    else:
        lines.append(
            _(
                "The coordinators have got what you wrote. We have no phone number for you, so "
                "they can only call you if you wrote your number."
            )
        )
    if municipality_phone and (not reached or not filed.has_phone):
        lines.append(
            _("If you want to talk to someone now, call the municipality on {phone}.").format(
                phone=municipality_phone
            )
        )
    if filed.capped:
        lines.append(
            _(
                "Your text was long, so they get the first {limit} characters. Tell them the rest "
                "when you talk."
            ).format(limit=limit)
        )
    lines.append(_("If there is danger, call 112."))
    return "\n\n".join(lines)


def report_not_sent() -> str:
    return _("All right, I have sent nothing. You are back at the menu.")


def ask_follow_up_comment_read() -> str:
    """The follow-up's comment question, saying who reads the comment."""
    return _(
        "Thank you! Do you want to add something? Write a short comment, or press «Skip». "
        "The coordinators responsible read what you write."
    )


def _title(alert: Alert) -> str:
    if alert.kind != "followup":
        return report_button()
    if alert.score == "bad":
        return _("☹️ A task did not go well")
    return _("💬 A comment after a task {score}").format(score=_SCORES.get(alert.score or "", ""))


def safety_alert(alert: Alert, tz: ZoneInfo) -> str:
    """To the coordinators responsible: what kind, from whom, which task, and the words."""
    task = task_label(alert.request, tz) if alert.request else _("nothing in particular")
    lines = [
        _title(alert),
        "",
        _("From: {name}, {role}").format(
            name=alert.reporter or "–", role=_(_ROLES.get(alert.role, _ROLES["resident"]))
        ),
        _("Task: {task}").format(task=task),
    ]
    if alert.volunteer is not None:
        lines.append(_("Volunteer: {name}").format(name=alert.volunteer or "–"))
    if alert.text:
        lines.append(_("In their own words: «{text}»").format(text=alert.text))
    else:
        lines.append(_("No comment yet."))
    lines += ["", _("Only the coordinators responsible get this.")]
    return "\n".join(lines)


def handled_now() -> str:
    return _("Thank you! It is marked as handled.")


def already_handled(name: str) -> str:
    if not name:
        return _("Someone else has already handled this.")
    return _("{name} has already handled this.").format(name=name)


def comment_goes_to_coordinators() -> str:
    """«Något kändes fel» pressed while the follow-up's comment is asked for."""
    return _(
        "Write it here as your comment: it goes to the coordinators responsible. "
        "Or press «Skip» first."
    )
