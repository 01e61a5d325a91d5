"""The activity report as a manager makes it for the funders: PDF and CSV read back, no name
anywhere, small counts masked in the copy that leaves the cell, and a manager who can make
reports but see nothing nominative."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from casecell.domain.indicators import Figure, Unit
from casecell.domain.users import Role
from casecell.errors import PermissionDenied, ValidationError
from casecell.services import accounts, cases, demo, reports
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS

AS_OF = date(2026, 3, 31)
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def register(admin_ctx):
    demo.fill(admin_ctx, 400, 3, AS_OF)
    with admin_ctx.reading() as uow:
        rows = uow.session.execute(
            text("SELECT p.first_name, p.last_name, p.pseudonym, c.reference FROM cases c"
                 " JOIN persons p ON p.id = c.person_id")
        ).all()  # fmt: skip
    return rows


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_annual_report_pdf_and_csv_hold_figures_and_no_name(admin_ctx, register, tmp_path):
    pdf, table = tmp_path / "rapport 2025.pdf", tmp_path / "rapport 2025.csv"
    report = reports.write_report(admin_ctx, *YEAR, pdf, table)
    rows = read_csv(table)
    assert rows[0] == ["indicateur", "libellé", "ventilation", "catégorie", "valeur", "unité",
                       "période précédente"]  # fmt: skip
    by_id = {r[0]: r for r in rows[1:] if not r[2]}
    received = next(f for f in report.figures if f.id == "referrals_received" and not f.breakdown)
    assert by_id["referrals_received"][4] == str(int(received.value)) and received.value > 50
    assert by_id["referrals_received"][1] == "Saisines reçues"
    assert (
        "," in by_id["delay_referral_to_decision_median"][4]
        or by_id["delay_referral_to_decision_median"][4].isdigit()
    )
    assert by_id["attendance_rate"][5] == "%"
    months = [r for r in rows if r[0] == "referrals_received" and r[2] == "mois"]
    assert [r[3] for r in months] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert sum(int(r[4]) for r in months) == received.value

    text_pdf = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert (
        "Rapport d’activité" in text_pdf and "Du 1er janvier 2025 au 31 décembre 2025" in text_pdf
    )
    cover = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Cellule de cas complexes" in cover  # the cell's name, for elected officials
    assert "Ce que la cellule a fait sur la période" in cover
    assert str(tmp_path) not in text_pdf and "casecell.vault" not in text_pdf
    compared = " ".join(PdfReader(pdf).pages[1].extract_text().split())
    assert "même période un an plus tôt (du 1er janvier 2024 au 31 décembre 2024)" in compared
    assert "Chiffres clés" in text_pdf and "Saisines reçues" in text_pdf
    whole = text_pdf + table.read_text("utf-8-sig")
    for first, last, pseudonym, reference in register:
        assert pseudonym not in whole and reference not in whole
        for name in (first, last):
            if len(name) > 3:
                assert f" {name} " not in f" {' '.join(whole.split())} ", name


MARKS = ("< 3", "masqué")
TYPED = ("referrals_declined", "referrals_redirected")  # their breakdowns are typed words


def small_cells(pdf):
    """The table cells of a PDF that print 1 or 2 (a count, days, a %): one cell a line."""
    lines = "\n".join(p.extract_text() for p in PdfReader(pdf).pages).splitlines()
    return [line for line in lines if re.fullmatch(r"[12](,\d)?(\s?j|\s?%)?", line.strip())]


def test_the_copy_that_leaves_the_cell_masks_small_counts(admin_ctx, register, tmp_path):
    inside, outside = tmp_path / "interne.csv", tmp_path / "externe.csv"
    reports.write_report(admin_ctx, *YEAR, csv=inside)
    reports.write_report(admin_ctx, *YEAR, csv=outside, external=True)
    kept, masked = read_csv(inside), read_csv(outside)
    inner = {tuple(r[:4]): r for r in kept[1:]}
    outer = {tuple(r[:4]): r for r in masked[1:]}
    assert set(outer) < set(inner)  # nothing added; typed reasons left out
    assert not [r for r in masked if r[0] in TYPED and r[2]]
    small = [k for k, r in inner.items() if k in outer and r[4] in ("1", "2")]
    assert small and all(outer[k][4] == "< 3" for k in small)
    hidden = [k for k, r in outer.items() if r[4] == "masqué"]
    assert hidden and all(int(inner[k][4]) >= 3 for k in hidden)
    for row in masked[1:]:  # no count of 1 or 2, this period or the previous one
        for value in (row[4], row[6]):
            if row[5] == "nombre" and value not in MARKS and value:
                assert int(value) == 0 or int(value) >= 3, row
    # every printed figure is the true one
    assert all(outer[k][4] == r[4] for k, r in inner.items() if k in outer
               and outer[k][4] not in MARKS)  # fmt: skip

    pdf, internal = tmp_path / "externe.pdf", tmp_path / "interne.pdf"
    reports.write_report(admin_ctx, *YEAR, pdf, external=True)
    reports.write_report(admin_ctx, *YEAR, internal)
    assert small_cells(internal) and small_cells(pdf) == []
    text_pdf = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "< 3" in text_pdf and "masqué" in text_pdf
    assert "docs/" not in text_pdf and "Comment lire ce rapport" in text_pdf


def test_no_masked_figure_can_be_worked_out_from_the_copy_that_leaves_the_cell(admin_ctx, register):
    from casecell.domain.disclosure import cell, equations, exposed

    report = reports.build_report(admin_ctx, *YEAR)
    figures, before = reports.shared(report, external=True)
    cells = {cell(0, f): f for f in figures} | {cell(1, f): f for f in before}
    masked = {k for k, f in cells.items() if f.masked}
    assert masked and exposed(cells, masked, equations(cells)) == []
    # the totals of the breakdowns still add up where nothing is masked
    top = {f.id: f for f in figures if not f.breakdown}
    months = [f for f in figures if f.id == "referrals_received" and f.breakdown == "month"]
    if not any(f.masked for f in months):
        assert sum(f.value for f in months) == top["referrals_received"].value


def test_typed_reasons_stay_inside_the_cell(admin_ctx, register, tmp_path):
    with admin_ctx.writing() as uow:
        typed = uow.session.execute(
            text("SELECT decline_reason, redirected_to FROM cases WHERE status = 'declined'")
        ).all()
    words = {w for row in typed for w in row if w and w.strip()}
    assert words  # the demo declines with typed reasons and redirections
    pdf, table = tmp_path / "e.pdf", tmp_path / "e.csv"
    reports.write_report(admin_ctx, *YEAR, pdf, table, external=True)
    whole = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    whole = " ".join((whole + table.read_text("utf-8-sig")).split())
    assert not [w for w in words if " ".join(w.split()) in whole]
    assert "Non imprimé dans cette version" in whole
    inside = tmp_path / "i.csv"
    reports.write_report(admin_ctx, *YEAR, csv=inside)
    reasons = [r for r in read_csv(inside) if r[0] in TYPED and r[2]]
    assert reasons  # inside the cell: the reasons given at least 3 times, and the rest grouped


def test_a_commune_report_and_bad_input_change_nothing(admin_ctx, register, tmp_path):
    whole = reports.build_report(admin_ctx, *YEAR)
    communes = [f for f in whole.figures if f.breakdown == "commune" and f.category != "?"]
    one = reports.build_report(admin_ctx, *YEAR, commune=communes[0].category)

    def received(report):
        return next(f.value for f in report.figures if f.id == "referrals_received")

    assert received(one) == communes[0].value and 0 < received(one) < received(whole)
    with pytest.raises(ValidationError, match="avant"):
        reports.build_report(admin_ctx, date(2025, 2, 1), date(2025, 1, 1))
    with pytest.raises(ValidationError, match="INSEE"):
        reports.build_report(admin_ctx, *YEAR, commune="Paris")
    target = tmp_path / "x.pdf"
    with pytest.raises(ValidationError):
        reports.write_report(admin_ctx, date(2025, 2, 1), date(2025, 1, 1), target)
    assert not target.exists()


def move(ctx, commune, where):
    """Persons of some situations now live in ``commune`` (a register built for the test)."""
    with ctx.writing() as uow:
        uow.session.execute(
            text(f"UPDATE persons SET commune = :c WHERE id IN (SELECT person_id FROM cases c"  # noqa: S608
                 f" WHERE {where})"), {"c": commune}
        )  # fmt: skip
        uow.commit()


def test_a_commune_too_small_to_leave_the_cell_is_refused(admin_ctx, register, tmp_path, cli):
    move(admin_ctx, "59999", "referred_on BETWEEN '2025-03-01' AND '2025-03-05'")
    small = reports.build_report(admin_ctx, *YEAR, commune="59999")  # inside the cell: fine
    assert 0 < small.populations[0][0] < 11 and reports.key_rows(small, external=False)
    with pytest.raises(ValidationError, match="moins de 11 situations"):
        reports.key_rows(small, external=True)
    with pytest.raises(ValidationError, match="la commune 59999"):
        reports.chart_pdfs(small, external=True)
    target = tmp_path / "petit.pdf"
    with pytest.raises(ValidationError, match="moins de 11 situations"):
        reports.write_report(admin_ctx, *YEAR, target, tmp_path / "petit.csv", True, "59999")
    assert not target.exists() and not (tmp_path / "petit.csv").exists()

    # Everyone else in one commune: its report, subtracted from the whole cell's, would tell
    # about the few of 59999.
    move(admin_ctx, "59650", "c.person_id IN (SELECT id FROM persons WHERE commune <> '59999')")
    with pytest.raises(ValidationError, match="moins de 11 autres situations"):
        reports.write_report(admin_ctx, *YEAR, target, None, True, "59650")
    assert reports.write_report(admin_ctx, *YEAR, target, None, False, "59650")  # internal: fine
    big = reports.build_report(admin_ctx, *YEAR)
    assert reports.key_rows(big, external=True)  # the whole cell is never refused

    accounts.sign_out(admin_ctx)
    env = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}
    refused = cli("report", "--from", "01/01/2025", "--to", "31/12/2025", "--csv",
                  str(tmp_path / "c.csv"), "--external", "--commune", "59999", **env)  # fmt: skip
    assert refused.code == 1 and "moins de 11" in refused.err and "Traceback" not in refused.err
    assert not (tmp_path / "c.csv").exists()


def test_a_manager_makes_reports_and_sees_nothing_nominative(
    admin_ctx, register, boot, tmp_path, cli
):
    accounts.add_user(admin_ctx, "g.gestion", "Gina Gestion", Role.MANAGER, OTHER_PASS,
                      kdf=FAST_KDF)  # fmt: skip
    accounts.sign_out(admin_ctx)
    manager = boot.sign_in("g.gestion", OTHER_PASS)
    report = reports.write_report(manager, *YEAR, tmp_path / "r.pdf", tmp_path / "r.csv")
    assert report.figures
    # The indicator store holds no typed reason ('' ) and "…" for a redirection: counted, never
    # a row without words.
    rows = read_csv(tmp_path / "r.csv")
    top = {r[0]: r for r in rows if not r[2]}
    assert int(top["referrals_redirected"][4]) > 0 and int(top["referrals_declined"][4]) > 0
    assert not [r for r in rows if r[0] in TYPED and r[2]]
    manager_pdf = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "Aucun texte donné au moins 3 fois" in manager_pdf
    with pytest.raises(PermissionDenied):
        cases.get_case(manager, 1)
    accounts.sign_out(manager)
    env = {"CASECELL_USER": "g.gestion", "CASECELL_PASSPHRASE": OTHER_PASS}
    refused = cli("export", "-o", str(tmp_path / "tout.json"), **env)
    assert refused.code == 1 and "Traceback" not in refused.err and refused.err.strip()
    assert not (tmp_path / "tout.json").exists()
    ok = cli("report", "--from", "01/01/2025", "--to", "31/12/2025", "-o", str(tmp_path / "c.pdf"),
             "--csv", str(tmp_path / "c.csv"), "--external", **env)  # fmt: skip
    assert ok.code == 0, ok.err
    assert "reçue" in ok.out and (tmp_path / "c.csv").exists()
    bad = cli("report", "--from", "31/12/2025", "--to", "01/01/2025", "--csv", "x.csv",
              **{"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS})  # fmt: skip
    assert bad.code == 1 and "avant" in bad.err


def test_csv_cells_are_never_formulas_and_numbers_read_in_french():
    from casecell.documents.report_csv import report_csv

    figures = [
        Figure("actions_decided", 4.0, Unit.COUNT, "owner", '=HYPERLINK("http://x.invalid")', 4),
        Figure("actions_decided", 3.0, Unit.COUNT, "owner", "+33 6 00 00 00 00", 3),
        Figure("actions_decided", 3.0, Unit.COUNT, "owner", "-2+3", 3),
        Figure("actions_decided", 3.0, Unit.COUNT, "owner", "@SUM(A1:A2)", 3),
        Figure("attendance_rate", 66.7, Unit.PERCENT, basis=12),
    ]
    rows = list(csv.reader(io.StringIO(report_csv(figures, [], False).decode("utf-8-sig")),
                           delimiter=";"))  # fmt: skip
    categories = [r[3] for r in rows[1:5]]
    assert categories == ["'=HYPERLINK(\"http://x.invalid\")", "'+33 6 00 00 00 00", "'-2+3",
                          "'@SUM(A1:A2)"]  # fmt: skip
    assert rows[5][4] == "66,7" and rows[1][4] == "4"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
