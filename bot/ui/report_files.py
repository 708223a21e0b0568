"""The report as files: a CSV of every figure and a PNG chart (matplotlib, Agg, no display).

No names, addresses or phones: the report holds counts only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from babel.numbers import format_decimal

from bot.i18n import N_, _, current_locale
from bot.services.csv_cells import neutralise
from bot.services.reports import Report
from bot.ui.texts.common import category
from bot.ui.texts.reports import period_name


def _babel_locale() -> str:
    return "sv_SE" if current_locale() == "sv" else "en"


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
    """The figures as CSV (UTF-8 with a byte-order mark, so spreadsheets read å, ä, ö).

    Names (an area is named by a coordinator) are neutralised so no spreadsheet runs them as a
    formula; the values are numbers and stay numbers, negative or not.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_("section"), _("name"), _("value")])
    writer.writerows(
        (neutralise(section), neutralise(name), value)
        for section, name, value in report_rows(report)
    )
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
