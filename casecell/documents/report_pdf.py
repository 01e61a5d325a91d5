"""The activity report PDF: a cover for elected officials, a one-page summary compared with
the same period a year earlier, then sections with tables and charts (reportlab.graphics).
Aggregates only: the figures it is given hold no name, pseudonym or reference. Same styles,
tables and footer as the minutes."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer

from casecell.documents.pdf import FONT, grid, para, register_fonts, render
from casecell.domain.indicators import (
    BREAKDOWNS,
    Figure,
    Unit,
    category_label,
    headline,
    label,
    masked_text,
    parts,
)
from casecell.i18n import _, current_language

BAR = colors.Color(0.18, 0.42, 0.62)
SECOND = colors.Color(0.75, 0.35, 0.1)
WIDTH = 174 * mm


@dataclass(frozen=True)
class ReportSheet:
    cell: str
    period: str  # "du 1er janvier 2026 au 31 décembre 2026"
    previous: str
    scope: str  # "toutes communes" or the commune / partner chosen
    made: str  # when it was made
    external: bool  # meant to leave the cell: small counts masked
    figures: Sequence[Figure]
    before: Sequence[Figure]


def shown(figure: Figure | None, external: bool) -> str:
    """A figure in French typography; its mark when masked ("< 3", "masqué"), "—" when
    there was nothing."""
    if figure is None or figure.value is None:
        return "—"
    if external and figure.masked:
        return masked_text(figure)
    value = figure.value
    text = format_decimal(value, "#,##0.#", locale=current_language())
    if figure.unit is Unit.DAYS:
        return _("{n} d").format(n=text)
    if figure.unit is Unit.PERCENT:
        return f"{text}\u202f%"
    return text


def evolution(now: Figure | None, was: Figure | None, external: bool) -> str:
    if now is None or was is None or now.value is None or was.value is None:
        return "—"
    if external and (now.masked or was.masked):
        return "—"
    difference = now.value - was.value
    sign = "+" if difference > 0 else ("−" if difference < 0 else "")
    amount = format_decimal(abs(difference), "#,##0.#", locale=current_language())
    if now.unit is Unit.PERCENT:
        return _("{sign}{n} pts").format(sign=sign, n=amount)
    if now.unit is Unit.DAYS:
        return _("{sign}{n} d").format(sign=sign, n=amount)
    if now.unit is Unit.COUNT and was.value:
        ratio = format_decimal(
            abs(100 * difference / was.value), "#,##0", locale=current_language()
        )
        return f"{sign}{amount} ({sign}{ratio}\u202f%)"
    return f"{sign}{amount}"


SUMMARY = (
    "referrals_received", "referrals_accepted", "referrals_declined",
    "delay_referral_to_decision_median", "delay_referral_to_first_review_median",
    "delay_referral_to_closure_median", "open_at_end", "closures", "actions_decided",
    "actions_done_on_time", "actions_done_late", "actions_still_late", "actions_carried_over",
    "meetings_held", "situations_per_meeting", "attendance_rate", "person_consenting_share",
)  # fmt: skip


# -- charts, also shown on the desktop dashboard -------------------------------------------
def axis_label(text: str, width: int = 36) -> str:
    """A category name on at most two lines of ``width`` characters, cut at a word and
    ending in "…" only when even two lines cannot hold it (the table beside has it whole)."""
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True)
    if len(lines) <= 2:
        return "\n".join(lines)
    second = lines[1]
    return f"{lines[0]}\n{second[: width - 1].rstrip()}…"


def bar_chart(figures: Sequence[Figure], external: bool, limit: int = 14) -> Drawing | None:
    """Horizontal bars, largest first; masked categories left out in the external version."""
    kept = [f for f in figures if f.value and not (external and f.masked)][:limit]
    if not kept:
        return None
    register_fonts()
    height = 10 * mm + 6.5 * mm * len(kept)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 4 * mm
    chart.width, chart.height = WIDTH - 78 * mm, height - 8 * mm  # room for the last value
    chart.data = [[f.value for f in reversed(kept)]]
    chart.categoryAxis.categoryNames = [axis_label(category_label(f)) for f in reversed(kept)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BAR
    chart.barLabelFormat = lambda v: format_decimal(v, "#,##0.#", locale=current_language())
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def monthly_chart(
    first: Sequence[Figure], second: Sequence[Figure], names: tuple[str, str], external: bool
) -> Drawing | None:
    """Two monthly series: solid line with dots, dashed line with squares (not colour alone)."""
    if not first:
        return None
    register_fonts()
    drawing = Drawing(WIDTH, 70 * mm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 14 * mm, 12 * mm, WIDTH - 20 * mm, 50 * mm

    def points(series: Sequence[Figure]) -> list[tuple[int, float]]:
        return [
            (n, 0.0 if (external and f.masked) or f.value is None else f.value)
            for n, f in enumerate(series)
        ]

    plot.data = [points(first), points(second)]
    plot.lines[0].strokeColor, plot.lines[1].strokeColor = BAR, SECOND
    plot.lines[0].strokeWidth = plot.lines[1].strokeWidth = 1.5
    plot.lines[1].strokeDashArray = (4, 2)
    plot.lines[0].symbol = makeMarker("FilledCircle", size=3)
    plot.lines[1].symbol = makeMarker("FilledSquare", size=3)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, len(first) - 0.5
    plot.xValueAxis.valueSteps = list(range(len(first)))
    plot.xValueAxis.labelTextFormat = lambda n: (
        f"{first[int(n)].category[5:]}/{first[int(n)].category[2:4]}"
        if 0 <= int(n) < len(first)
        else ""
    )
    plot.yValueAxis.valueMin = 0
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = 16 * mm, 68 * mm
    legend.fontName, legend.fontSize = FONT, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(BAR, names[0] + " (—●—)"), (SECOND, names[1] + " (- -■- -)")]
    drawing.add(legend)
    return drawing


def drawing_pdf(drawing: Drawing) -> bytes:
    """One chart as a one-page PDF (the dashboard turns it into an image)."""
    register_fonts()
    return bytes(renderPDF.drawToString(drawing))


# -- the document ----------------------------------------------------------------------------
def masks_note() -> str:
    return _(
        "“< 3”: 1 or 2. “masked”: hidden so that a figure below 3 cannot be worked out from "
        "the others (a total, the other categories, the previous period)."
    )


def not_drawn() -> str:
    return _("Masked categories are not drawn.")


def months_note() -> str:
    return _("Months whose figure is masked are drawn at 0.")


def _any_masked(sheet: ReportSheet, breakdown: str, indicator: str = "") -> bool:
    return any(
        f.masked
        for f in sheet.figures
        if f.breakdown == breakdown and (not indicator or f.id == indicator)
    )


def _reading(external: bool) -> list[Any]:
    """The last page, for readers who do not know the register: what the figures mean."""
    lines = [
        _("A referral is a situation a partner asked the cell to examine; it is accepted or "
          "declined when its eligibility is decided, then reviewed in meetings and closed."),
        _("Each figure counts what happened in the period (both days included); the previous "
          "period has the same length, just before."),
        _("Delays are in calendar days from the referral. The median is the middle value: half "
          "of the situations waited less. The 90th percentile is the delay nine situations out "
          "of ten did not exceed."),
        _("A rate is given in % of those it was computed from."),
    ]  # fmt: skip
    if external:
        lines += [
            masks_note(),
            _("No figure of this version tells about fewer than 3 persons: a count of 1 or 2, "
              "and a delay or rate computed from 1 or 2 situations, are masked, and so are "
              "other figures when they would allow working a masked one out by subtraction. "
              "Reasons and redirections typed by the coordinator are not printed."),
        ]  # fmt: skip
    story: list[Any] = [PageBreak(), para(_("How to read this report"), "title")]
    for line in lines:
        story += [para(line), Spacer(1, 2 * mm)]
    return story


def _table(
    sheet: ReportSheet, indicator: str, breakdown: str, with_previous: bool = True
) -> list[Any]:
    found = parts(sheet.figures, indicator, breakdown)
    if not found:
        return [para(_("Nothing in this period."), "small")]
    before = {f.category: f for f in parts(sheet.before, indicator, breakdown)}
    headers = [BREAKDOWNS[breakdown]().capitalize(), _("Period")]
    widths: list[Any] = [None, 30 * mm]
    if with_previous:
        headers.append(_("A year earlier"))
        widths.append(30 * mm)
    rows = []
    for f in found:
        row = [para(category_label(f), "cell"), para(shown(f, sheet.external), "cell")]
        if with_previous:
            row.append(para(shown(before.get(f.category), sheet.external), "cell"))
        rows.append(row)
    return [grid(tuple(headers), rows, widths)]


def _chart(drawing: Drawing | None, note: str = "") -> list[Any]:
    if drawing is None:
        return []
    story: list[Any] = [Spacer(1, 2 * mm), drawing]
    if note:
        story.append(para(note, "small"))
    return story


def _typed_table(sheet: ReportSheet, indicator: str, breakdown: str) -> list[Any]:
    """Decline reasons and "redirected to": words typed by a person, which may hold a name.
    Never in the copy that leaves the cell; inside it, those given at least 3 times."""
    if sheet.external:
        return [para(_("Not printed in this version: the words typed may name someone."),
                     "small")]  # fmt: skip
    if parts(sheet.figures, indicator, breakdown):
        return _table(sheet, indicator, breakdown)
    total = headline(list(sheet.figures)).get(indicator)
    if total is None or not total.value:
        return [para(_("Nothing in this period."), "small")]
    return [
        para(_("No text given at least 3 times (the indicator store a manager reads holds "
               "no typed text)."), "small")
    ]  # fmt: skip


def _section(title: str, *blocks: list[Any]) -> list[Any]:
    story: list[Any] = [para(title, "heading")]
    for block in blocks:
        story += block
    return story


def report_pdf(sheet: ReportSheet) -> bytes:
    now, was = headline(list(sheet.figures)), headline(list(sheet.before))
    version = (
        _("Version meant to leave the cell: no figure tells about fewer than 3 persons.")
        if sheet.external
        else _("Internal version: real counts (not to be passed on as it is).")
    )
    story: list[Any] = [
        Spacer(1, 50 * mm),
        para(_("Activity report"), "heading"),
        para(sheet.cell, "title"),
        para(sheet.period.capitalize(), "heading"),
        Spacer(1, 6 * mm),
        para(
            _(
                "What the cell did over the period for people in complex situations that no "
                "single service could help alone: the situations referred by the partners, the "
                "meetings held, the actions decided and carried out."
            )
        ),
        para(sheet.scope),
        Spacer(1, 8 * mm),
        para(version),
        para(
            _(
                "Aggregates only: this report holds no name, pseudonym or case reference. "
                "How to read the figures: last page."
            ),
            "small",
        ),
        para(_("Made on {when}.").format(when=sheet.made), "small"),
        PageBreak(),
        para(_("Key figures"), "title"),
        para(_("Compared with the same period a year earlier ({period}).").format(
            period=sheet.previous), "small"),
    ]  # fmt: skip
    rows = [
        [
            para(label(key), "cell"),
            para(shown(now.get(key), sheet.external), "cell_bold"),
            para(shown(was.get(key), sheet.external), "cell"),
            para(evolution(now.get(key), was.get(key), sheet.external), "cell"),
        ]
        for key in SUMMARY
    ]
    headers = (_("Indicator"), _("Period"), _("A year earlier"), _("Change"))
    story.append(grid(headers, rows, [None, 28 * mm, 28 * mm, 34 * mm]))
    if sheet.external:
        story.append(para(masks_note(), "small"))
    story.append(PageBreak())

    external = sheet.external
    monthly = monthly_chart(
        parts(sheet.figures, "referrals_received", "month"),
        parts(sheet.figures, "closures", "month"),
        (_("Referrals received"), _("Situations closed")),
        external,
    )
    story += _section(
        _("Referrals"),
        [para(_("By month: referrals received and situations closed"), "subheading")],
        _chart(monthly, months_note() if external and _any_masked(sheet, "month") else ""),
        [para(_("By problem area (a referral may have several)"), "subheading")],
        _chart(
            bar_chart(parts(sheet.figures, "referrals_received", "area"), external),
            not_drawn() if external and _any_masked(sheet, "area") else "",
        ),
        _table(sheet, "referrals_received", "area"),
        [para(_("By referring organisation kind"), "subheading")],
        _table(sheet, "referrals_received", "referrer_kind"),
        [para(_("By commune of the person"), "subheading")],
        _table(sheet, "referrals_received", "commune"),
        [
            para(
                _("Reasons for declining")
                if external
                else _("Declined: reasons given at least 3 times"),
                "subheading",
            )
        ],
        _typed_table(sheet, "referrals_declined", "reason"),
        [para(_("Redirected to"), "subheading")],
        _typed_table(sheet, "referrals_redirected", "redirected_to"),
    )
    delays = [
        [
            para(label(f"{key}_median").rsplit(",", 1)[0], "cell"),
            para(shown(now.get(f"{key}_median"), external), "cell"),
            para(shown(now.get(f"{key}_p90"), external), "cell"),
            para(shown(now.get(count), external), "cell"),
        ]
        for key, count in (("delay_referral_to_decision", "referrals_decided"),
                           ("delay_referral_to_first_review", "first_reviews"),
                           ("delay_referral_to_closure", "closures"))
    ]  # fmt: skip
    delay_headers = (_("Delay"), _("Median"), _("90th percentile"), _("Situations"))
    story += _section(
        _("Delays (in days)"),
        [grid(delay_headers, delays, [None, 28 * mm, 32 * mm, 26 * mm])],
        [para(_("Outcomes at closure"), "subheading")],
        _table(sheet, "closures", "outcome"),
    )
    zero = Figure("", 0.0, Unit.COUNT)
    owners = [
        [
            para(f.category, "cell"),
            *(
                para(shown(next((g for g in parts(sheet.figures, key, "owner")
                                 if g.category == f.category), zero), external), "cell")
                for key in ("actions_decided", "actions_done_on_time", "actions_done_late",
                            "actions_still_late")
            ),
        ]
        for f in parts(sheet.figures, "actions_decided", "owner")
    ]  # fmt: skip
    owner_headers = (_("Owner partner"), _("Decided"), _("On time"), _("Late"), _("Still late"))
    story += _section(
        _("Actions"),
        [para(_("Actions decided, by owner partner"), "subheading")],
        _chart(
            bar_chart(parts(sheet.figures, "actions_decided", "owner"), external),
            not_drawn() if external and _any_masked(sheet, "owner", "actions_decided") else "",
        ),
        [grid(owner_headers, owners, [None, 22 * mm, 22 * mm, 22 * mm, 24 * mm])]
        if owners
        else [para(_("Nothing in this period."), "small")],
        [para(_("Carried over, and why"), "subheading")],
        _table(sheet, "actions_carried_over", "carry_over_reason"),
    )
    story += _section(
        _("Meetings and attendance"),
        [
            para(
                _("Meetings held: {held}; situation reviews: {reviewed}.").format(
                    held=shown(now.get("meetings_held"), external),
                    reviewed=shown(now.get("situations_reviewed"), external),
                )
            )
        ],
        [para(_("Attendance rate by partner organisation"), "subheading")],
        _table(sheet, "attendance_rate", "organisation", with_previous=False),
    )
    story += _section(
        _("Information and consent of the persons"),
        [
            KeepTogether(
                [
                    para(f"{label(key)} : {shown(now.get(key), external)}")
                    for key in ("person_informed_share", "person_consenting_share")
                ]
            )
        ],
    )
    story += _reading(external)
    footer = f"{sheet.cell} — " + (
        _("activity report, version meant to leave the cell")
        if external
        else _("activity report, internal version")
    )
    title = (
        _("Activity report — {period} — version meant to leave the cell")
        if external
        else _("Activity report — {period} — internal version")
    ).format(period=sheet.period)
    return render(story, title, footer)
