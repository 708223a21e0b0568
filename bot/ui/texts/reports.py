"""Texts of reports and of the volunteer's time on a task; the report's CSV and PNG.

The report files carry only what ``bot.services.reports.Report`` holds: counts, kinds of help
and area names. Their labels are in the reader's language.
"""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date

from bot.i18n import N_, _, current_locale, ngettext
from bot.services.reports import Period, Report

# --- The volunteer's time --------------------------------------------------------------------

# The answers on the buttons, and how a stored figure reads when it is one of them.
HOUR_LABELS: dict[int, str] = {
    30: N_("30 min"),
    60: N_("1 hour"),
    90: N_("1.5 hours"),
    120: N_("2 hours"),
    180: N_("3 hours"),
}


def minutes_label(minutes: int) -> str:
    """E.g. "1,5 timme", or "45 min"."""
    if minutes in HOUR_LABELS:
        return _(HOUR_LABELS[minutes])
    return duration(timedelta(minutes=minutes))


def hours_question(minutes: int) -> str:
    return _("About how long did it take? I guessed {duration}.").format(
        duration=minutes_label(minutes)
    )


def hours_keep_button() -> str:
    return _("That is right")


def hours_saved(minutes: int) -> str:
    return _("Thank you! I have noted {duration}.").format(duration=minutes_label(minutes))


def hours_already_saved() -> str:
    return _("Thank you, I have already noted the time. 💛")


def duration(value: timedelta) -> str:
    """E.g. "45 min", "1 tim 20 min", "3 dygn 2 tim" (rounded to whole minutes)."""
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return _("{days} days {hours} h").format(days=days, hours=hours)
    if minutes == 0:
        return _("{hours} h").format(hours=hours)
    return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)


# --- Choosing a period and the caption -------------------------------------------------------

PERIOD_NAMES: dict[str, str] = {
    "week": N_("Last 7 days"),
    "month": N_("Last 30 days"),
    "year": N_("Past year"),
    "all": N_("All time"),
}


def report_choose_period() -> str:
    return _("Which period should the report cover?")


def report_making() -> str:
    return _("One moment, I am making the report …")


def _babel_locale() -> str:
    return "sv_SE" if current_locale() == "sv" else "en_GB"


def _long_date(day: date) -> str:
    return format_date(day, "d MMMM y", locale=_babel_locale())


def period_name(period: Period) -> str:
    """E.g. "Senaste 30 dagarna", or "1 november 2026 – 30 november 2026"."""
    if period.kind in PERIOD_NAMES:
        return _(PERIOD_NAMES[period.kind])
    return _("{first} – {last}").format(
        first=_long_date(period.first), last=_long_date(period.last)
    )


def _percent(share: float) -> int:
    return round(share * 100)


def report_caption(report: Report) -> str:
    """A short summary under the chart."""
    n = report.requests
    made = ngettext("{n} new request", "{n} new requests", n).format(n=n)
    parts = [_("{period}: {requests}.").format(period=period_name(report.period), requests=made)]
    if report.fulfilled_share is not None:
        parts.append(
            ngettext(
                "{done} of {closed} closed request got help ({percent}%).",
                "{done} of {closed} closed requests got help ({percent}%).",
                report.closed,
            ).format(
                done=report.done,
                closed=report.closed,
                percent=_percent(report.fulfilled_share),
            )
        )
    if report.claim_median is not None:
        parts.append(
            _("Median time until a volunteer took it: {duration}.").format(
                duration=duration(report.claim_median)
            )
        )
    hours = round(report.volunteer_hours)
    volunteers = report.active_volunteers
    parts.append(
        _("{volunteers}, {hours}.").format(
            volunteers=ngettext("{n} volunteer", "{n} volunteers", volunteers).format(
                n=volunteers
            ),
            hours=ngettext("about {n} hour", "about {n} hours", hours).format(n=hours),
        )
    )
    seats, people = report.signup_seats, report.signup_people
    parts.append(
        _("Meeting places: {signups}, {people}.").format(
            signups=ngettext("{n} sign-up", "{n} sign-ups", seats).format(n=seats),
            people=ngettext("{n} person", "{n} people", people).format(n=people),
        )
    )
    return " ".join(parts)


def cli_report_written(folder: str) -> str:
    return _("The report is saved in {folder}: report.png and report.csv.").format(folder=folder)


def cli_report_backwards() -> str:
    return _("The end date comes before the start date. Please check --from and --to.")
