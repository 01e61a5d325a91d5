"""The dashboard as a manager uses it: choose a period, read the key figures and the charts,
switch to the copy that leaves the cell, save the PDF and the CSV."""

from __future__ import annotations

import csv
from datetime import date

from casecell.ui.reports_page import presets
from tests.conftest import OTHER_PASS
from tests.ui.test_situations import filled, sign_in  # noqa: F401  (fixture)


def test_a_manager_reads_the_dashboard_and_saves_the_report(filled, make_window, qtbot, tmp_path):  # noqa: F811
    window = make_window()
    sign_in(window, qtbot, "g.gestion", OTHER_PASS)
    names = [window.workspace.nav.item(i).text() for i in range(window.workspace.nav.count())]
    assert names == ["Accueil", "Partenaires", "Rapports"]  # nothing nominative
    page = window.workspace.reports
    page.start.setDate(page.start.date().fromString("01/02/2025", "dd/MM/yyyy"))
    page.end.setDate(page.end.date().fromString("31/01/2026", "dd/MM/yyyy"))
    assert page.preset.currentData() == "custom"
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        window.workspace.show_page(page)
    assert page.error.text() == ""
    rows = {page.table.item(r, 0).text(): page.table.item(r, 1).text()
            for r in range(page.table.rowCount())}  # fmt: skip
    assert int(rows["Saisines reçues"]) > 10 and rows["Taux de présence des partenaires"].endswith(
        "%"
    )
    assert len(page.chart_labels) == 3 and not page.chart_labels[0].pixmap().isNull()
    assert "1er février 2025" in page.summary.text()
    assert "même période un an plus tôt (du 1er février 2024 au 31 janvier 2025)" in (
        page.summary.text()
    )

    page.external.setChecked(True)  # shown again from what was computed, masked
    masked = {page.table.item(r, 0).text(): page.table.item(r, 1).text()
              for r in range(page.table.rowCount())}  # fmt: skip
    assert masked.keys() == rows.keys()
    for name, value in rows.items():
        assert masked[name] == ("< 3" if value in ("1", "2") else value), name

    with qtbot.waitSignal(page.loaded, timeout=30_000):
        page.save("csv", str(tmp_path / "rapport.csv"))
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        page.save("pdf", str(tmp_path / "rapport.pdf"))
    assert (tmp_path / "rapport.pdf").stat().st_size > 10_000
    with (tmp_path / "rapport.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert table[0][0] == "indicateur" and any(r[4] == "< 3" for r in table[1:])

    page.commune.setText("123")  # not an INSEE code
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        page.compute.click()
    assert "INSEE" in page.error.text()


def test_the_preset_periods():
    found = presets(date(2026, 3, 15))
    assert found["last_year"] == (date(2025, 1, 1), date(2025, 12, 31))
    assert found["this_year"] == (date(2026, 1, 1), date(2026, 3, 15))
    assert found["last_12_months"] == (date(2025, 3, 1), date(2026, 2, 28))
    assert found["last_month"] == (date(2026, 2, 1), date(2026, 2, 28))
