"""Texts of reports and of the volunteer's time on a task; the report's CSV and PNG.

The report files carry only what ``bot.services.reports.Report`` holds: counts, kinds of help
and area names. Their labels are in the reader's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.i18n import N_, _, current_locale, ngettext
from bot.services.reports import Period, Report
from bot.ui.texts.common import category

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


# --- Labels shared by the CSV and the chart --------------------------------------------------

SCORE_LABELS: dict[str, str] = {"good": N_("Good"), "ok": N_("OK"), "bad": N_("Bad")}
ROLE_SECTIONS: dict[str, str] = {
    "resident": N_("Follow-up, residents"),
    "volunteer": N_("Follow-up, volunteers"),
}


def _outcomes(report: Report) -> list[tuple[str, int]]:
    return [
        (_("Got help"), report.done),
        (_("Cancelled"), report.cancelled),
        (_("Nobody took it"), report.expired),
    ]


def _minutes(value: timedelta | None) -> str:
    return "" if value is None else str(round(value.total_seconds() / 60))


def report_rows(report: Report) -> list[tuple[str, str, str]]:
    """One row per figure: (section, name, value)."""
    p = report.period
    rows = [
        (_("Period"), _("First day"), p.first.isoformat()),
        (_("Period"), _("Last day"), p.last.isoformat()),
        (_("Requests"), _("New"), str(report.requests)),
    ]
    rows += [(_("Kind of help"), category(c), str(n)) for c, n in report.by_category]
    rows += [(_("Area"), name, str(n)) for name, n in report.by_area]
    rows += [(_("Closed"), name, str(n)) for name, n in _outcomes(report)]
    share = report.fulfilled_share
    rows.append(
        (_("Closed"), _("Share that got help (%)"), "" if share is None else f"{share * 100:.1f}")
    )
    wait = _("Time until a volunteer took it")
    rows += [
        (wait, _("Count"), str(report.claimed)),
        (wait, _("Median (minutes)"), _minutes(report.claim_median)),
        (wait, _("9 in 10 within (minutes)"), _minutes(report.claim_p90)),
        (_("Volunteers"), _("Active"), str(report.active_volunteers)),
        (_("Volunteers"), _("Hours (estimated)"), f"{report.volunteer_hours:.2f}"),
    ]
    for role, section in ROLE_SECTIONS.items():
        rows += [
            (_(section), _(name), str(report.follow_up(role, score)))
            for score, name in SCORE_LABELS.items()
        ]
    rows += [
        (_("Meeting places"), _("Sign-ups"), str(report.signup_seats)),
        (_("Meeting places"), _("People"), str(report.signup_people)),
    ]
    return rows


def report_csv(report: Report) -> bytes:
    """The figures as CSV (UTF-8 with a byte-order mark, so spreadsheets read å, ä, ö)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_("section"), _("name"), _("value")])
    writer.writerows(report_rows(report))
    return out.getvalue().encode("utf-8-sig")


# --- The chart -------------------------------------------------------------------------------

# Colours that stay apart for colour-blind readers (Okabe–Ito).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


def _bars(ax: Any, items: Sequence[tuple[str, float]], title: str, fmt: Any = "%d") -> None:
    """Labelled bars (horizontal when there are many), or a note that there is nothing."""
    from matplotlib.ticker import MaxNLocator

    ax.set_title(title, fontsize=11)
    if not items:
        ax.text(0.5, 0.5, _("Nothing to show"), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    names, values = [n for n, _v in items], [v for _n, v in items]
    horizontal = len(items) > 3
    bars = (ax.barh if horizontal else ax.bar)(names, values, color=COLOURS[: len(values)])
    ax.bar_label(bars, fmt=fmt, padding=2)
    axis = ax.xaxis if horizontal else ax.yaxis
    if fmt == "%d":
        axis.set_major_locator(MaxNLocator(integer=True))
    if horizontal:
        ax.invert_yaxis()
    ax.spines[["top", "right"]].set_visible(False)


def _scores(ax: Any, report: Report) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(_("Follow-up answers"), fontsize=11)
    names = [_(label) for label in SCORE_LABELS.values()]
    width = 0.4
    for i, (role, legend) in enumerate(
        (("resident", _("Residents")), ("volunteer", _("Volunteers")))
    ):
        counts = [report.follow_up(role, score) for score in SCORE_LABELS]
        xs = [x + (i - 0.5) * width for x in range(len(names))]
        ax.bar_label(ax.bar(xs, counts, width, label=legend, color=COLOURS[i * 2]), padding=2)
    ax.set_xticks(range(len(names)), names)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)


def _decimal(value: float) -> str:
    """E.g. "1,5" in Swedish, "1.5" in English."""
    return format_decimal(value, "0.#", locale=_babel_locale())


def report_png(report: Report) -> bytes:
    """One figure with four panels, drawn with matplotlib's Agg backend (no display)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(_("Hjälpsam: {period}").format(period=period_name(report.period)))
    top_left, top_right, bottom_left, bottom_right = figure.subplots(2, 2).flat
    _bars(
        top_left,
        [(category(c), n) for c, n in report.by_category],
        _("Requests by kind of help"),
    )
    _bars(top_right, _outcomes(report) if report.closed else [], _("How closed requests ended"))
    _scores(bottom_left, report)
    times = [(_("Median"), report.claim_median), (_("9 in 10 within"), report.claim_p90)]
    waits = [(name, v.total_seconds() / 3600) for name, v in times if v is not None]
    _bars(bottom_right, waits, _("Hours until a volunteer took it"), fmt=_decimal)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
