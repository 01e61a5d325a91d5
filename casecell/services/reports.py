"""Activity reports for managers, elected officials and funders: indicators for a period
(optionally one commune or one partner), compared with the same period a year earlier,
as a PDF with charts and a CSV for French Excel. Aggregates only, open to managers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from casecell.domain.audit import AuditAction
from casecell.domain.disclosure import check_filter, outside
from casecell.domain.indicators import Figure, Period, figures_of
from casecell.domain.meetings import in_paris
from casecell.domain.register import check_insee
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.fileio import check_output, write_atomically
from casecell.i18n import _, date_in_words
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
    # with a commune or partner filter: (situations filtered, situations of the whole cell) in
    # the period and in the previous one, for the copy that leaves the cell (check_filter)
    populations: tuple[tuple[int, int], ...] = ()

    @property
    def scope(self) -> str:
        if self.commune:
            return _("Situations of persons living in commune {code}.").format(code=self.commune)
        if self.partner:
            return _("Situations {partner} takes part in.").format(partner=self.partner)
        return _("All the cell's situations.")

    @cached_property
    def outside(self) -> tuple[list[Figure], list[Figure]]:
        """The figures of the copy that leaves the cell, worked out once (see :func:`shared`)."""
        return outside(self.figures, self.before)

    @property
    def filtered(self) -> str:
        return filter_words(self.commune, self.partner)


def filter_words(commune: str, partner: str) -> str:
    """A report's filter in words ("" for the whole cell), as a refusal names it."""
    if commune:
        return _("commune {code}").format(code=commune)
    if partner:
        return _("the situations of {partner}").format(partner=partner)
    return ""


def shared(report: Report, external: bool) -> tuple[list[Figure], list[Figure]]:
    """The figures (this period, the previous one) as a copy prints them: all of them inside
    the cell; for the copy that leaves it, the filter checked (a commune or partner with too
    few situations is refused), typed text left out, and the small figures masked with those
    that would give them away (domain/disclosure.py)."""
    if not external:
        return report.figures, report.before
    if report.filtered:
        check_filter(report.filtered, report.populations)
    return report.outside


def period_text(period: Period) -> str:
    return _("from {start} to {end}").format(
        start=date_in_words(period.start), end=date_in_words(period.end)
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
    external: bool = False,
) -> Report:
    """Every indicator for the period and for the one before it (one read of the vault).
    ``external``: the copy that leaves the cell is to be made from it: a filter too small for
    it is refused before anything is read or recorded."""
    require(ctx.user, Permission.VIEW_REPORTS)
    period = Period(start, end)
    previous = period.previous()
    code = check_insee(commune.strip()) if commune.strip() else ""

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(_("Reading the register"), done, total + 2)

    # its only write is the audit entry: the indicator store is not rebuilt for it
    with ctx.auditing_read() if action is AuditAction.READ else ctx.auditing() as uow:
        partner = ""
        if partner_id is not None:
            org = uow.organisations.get(partner_id)
            if org is None:
                raise ValidationError(_("Unknown organisation."))
            partner = org.name
        populations: tuple[tuple[int, int], ...] = ()
        if code or partner_id is not None:
            populations = tuple(
                (
                    queries.situations(uow.session, p.start, p.end, code, partner_id),
                    queries.situations(uow.session, p.start, p.end, None, None),
                )
                for p in (period, previous)
            )
            if external:
                check_filter(filter_words(code, partner), populations)
        now, was = queries.report_tallies(uow.session, (period, previous), code, partner_id, step)
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
    figures, before = figures_of(now, period, other), figures_of(was, previous, other)
    return Report(cell, period, previous, figures, before, code, partner, ctx.clock(), populations)


def report_sheet(report: Report, external: bool) -> ReportSheet:
    from casecell.documents.report_pdf import ReportSheet

    made = in_paris(report.made_at)
    figures, before = shared(report, external)
    return ReportSheet(
        cell=report.cell,
        period=period_text(report.period),
        previous=period_text(report.previous),
        scope=report.scope,
        made=f"{date_in_words(made.date())} {made:%H:%M}",
        external=external,
        figures=figures,
        before=before,
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
    report = build_report(
        ctx, start, end, commune, partner_id, progress, AuditAction.EXPORT, kind, external
    )
    from casecell.documents.report_csv import report_csv
    from casecell.documents.report_pdf import report_pdf

    sheet = report_sheet(report, external)  # checked and protected before anything is written
    if csv is not None:
        write_atomically(csv, report_csv(sheet.figures, sheet.before, external))
    if pdf is not None:
        if progress is not None:
            progress(_("Laying out the PDF"), 7, 8)
        write_atomically(pdf, report_pdf(sheet))
    if progress is not None:
        progress(_("Done"), 8, 8)
    return report


def key_rows(report: Report, external: bool) -> list[tuple[str, str, str, str]]:
    """The summary, as the dashboard shows it: indicator, period, a year earlier, change."""
    from casecell.documents.report_pdf import SUMMARY, evolution, shown
    from casecell.domain.indicators import headline, label

    figures, before = shared(report, external)
    now, was = headline(figures), headline(before)
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

    figures, _before = shared(report, external)  # the same masked data as the tables
    drawings = [
        monthly_chart(
            parts(figures, "referrals_received", "month"),
            parts(figures, "closures", "month"),
            (_("Referrals received"), _("Situations closed")),
            external,
        ),
        bar_chart(parts(figures, "referrals_received", "area"), external),
        bar_chart(parts(figures, "actions_decided", "owner"), external, limit=10),
    ]
    return [drawing_pdf(d) for d in drawings if d is not None]
