"""Activity reports for managers, elected officials and funders: indicators for a period
(optionally one commune or one partner), compared with the previous period of the same length,
as a PDF with charts and a CSV for French Excel. Aggregates only, open to managers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date

from casecell.domain.audit import AuditAction
from casecell.domain.indicators import Figure, Period, compute
from casecell.domain.meetings import in_paris
from casecell.domain.register import check_insee
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.fileio import check_output, write_atomically
from casecell.i18n import _, current_language
from casecell.services import settings
from casecell.services.context import Context
from casecell.storage import reports as queries

if TYPE_CHECKING:
    from casecell.documents.report_pdf import ReportSheet

REPORT = "report"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Report:
    cell: str
    period: Period
    previous: Period
    figures: list[Figure]
    before: list[Figure]
    commune: str
    partner: str
    made_at: datetime

    @property
    def scope(self) -> str:
        if self.commune:
            return _("Situations of persons living in commune {code}.").format(code=self.commune)
        if self.partner:
            return _("Situations {partner} takes part in.").format(partner=self.partner)
        return _("All the cell's situations.")


def period_text(period: Period) -> str:
    language = current_language()
    return _("from {start} to {end}").format(
        start=format_date(period.start, "long", locale=language),
        end=format_date(period.end, "long", locale=language),
    )


def build_report(
    ctx: Context,
    start: date,
    end: date,
    commune: str = "",
    partner_id: int | None = None,
    progress: Progress | None = None,
    action: AuditAction = AuditAction.READ,
    detail: str = "",
) -> Report:
    """Every indicator for the period and for the one before it (one read of the vault)."""
    require(ctx.user, Permission.VIEW_REPORTS)
    period = Period(start, end)
    previous = period.previous()
    code = check_insee(commune.strip()) if commune.strip() else ""

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(_("Reading the register"), done, total + 2)

    with ctx.auditing_read() if action is AuditAction.READ else ctx.writing() as uow:
        partner = ""
        if partner_id is not None:
            org = uow.organisations.get(partner_id)
            if org is None:
                raise ValidationError(_("Unknown organisation."))
            partner = org.name
        data = queries.report_data(uow.session, previous.start, end, code, partner_id, step)
        cell = settings.cell_name_in(uow)
        what = (
            f"{start}:{end}"
            + (f":{code}" if code else "")
            + (f":org{partner_id}" if partner else "")
        )
        uow.audit.append(ctx.clock(), ctx.user.id, action, REPORT, "", f"{what}{detail}"[:200])
        uow.commit()
    if progress is not None:
        progress(_("Computing the indicators"), 6, 7)
    other = _("other reasons (fewer than 3 each)")
    figures, before = compute(data, period, other), compute(data, previous, other)
    return Report(cell, period, previous, figures, before, code, partner, ctx.clock())


def report_sheet(report: Report, external: bool) -> ReportSheet:
    from casecell.documents.report_pdf import ReportSheet

    made = in_paris(report.made_at)
    return ReportSheet(
        cell=report.cell,
        period=period_text(report.period),
        previous=period_text(report.previous),
        scope=report.scope,
        made=f"{format_date(made.date(), 'long', locale=current_language())} {made:%H:%M}",
        external=external,
        figures=report.figures,
        before=report.before,
    )


def write_report(
    ctx: Context,
    start: date,
    end: date,
    pdf: Path | None = None,
    csv: Path | None = None,
    external: bool = False,
    commune: str = "",
    partner_id: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """``casecell report``: the PDF and/or the CSV, each written atomically (audited)."""
    if pdf is None and csv is None:
        raise ValidationError(_("Choose where to write the report (PDF or CSV)."))
    for target in (pdf, csv):
        if target is not None:
            check_output(target, ctx.vault.paths)
    kind = ":external" if external else ":internal"
    report = build_report(ctx, start, end, commune, partner_id, progress, AuditAction.EXPORT, kind)
    from casecell.documents.report_csv import report_csv
    from casecell.documents.report_pdf import report_pdf

    if csv is not None:
        write_atomically(csv, report_csv(report.figures, report.before, external))
    if pdf is not None:
        if progress is not None:
            progress(_("Laying out the PDF"), 7, 8)
        write_atomically(pdf, report_pdf(report_sheet(report, external)))
    if progress is not None:
        progress(_("Done"), 8, 8)
    return report


def key_rows(report: Report, external: bool) -> list[tuple[str, str, str, str]]:
    """The summary, as the dashboard shows it: indicator, period, previous period, change."""
    from casecell.documents.report_pdf import SUMMARY, evolution, shown
    from casecell.domain.indicators import headline, label

    now, was = headline(report.figures), headline(report.before)
    return [
        (
            label(key),
            shown(now.get(key), external),
            shown(was.get(key), external),
            evolution(now.get(key), was.get(key), external),
        )
        for key in SUMMARY
    ]


def chart_pdfs(report: Report, external: bool) -> list[bytes]:
    """The report's main charts, each as a one-page PDF (the dashboard shows them as images)."""
    from casecell.documents.report_pdf import bar_chart, drawing_pdf, monthly_chart
    from casecell.domain.indicators import parts

    drawings = [
        monthly_chart(
            parts(report.figures, "referrals_received", "month"),
            parts(report.figures, "closures", "month"),
            (_("Referrals received"), _("Situations closed")),
            external,
        ),
        bar_chart(parts(report.figures, "referrals_received", "area"), external),
        bar_chart(parts(report.figures, "actions_decided", "owner"), external, limit=10),
    ]
    return [drawing_pdf(d) for d in drawings if d is not None]
