"""The minutes from the meeting screen, as a secretary uses them: preview in memory, choose the
copy and its recipient, save, print, validate, reopen."""

from __future__ import annotations

import os
from datetime import date

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from casecell.domain.meetings import MeetingStatus
from casecell.services import cases, meetings
from casecell.ui.dialogs.minutes import MinutesDialog
from tests.ui.test_situations import filled, sign_in  # noqa: F401  (fixture)


def test_preview_choose_save_print_validate_and_reopen(filled, make_window, qtbot, tmp_path):  # noqa: F811
    window = make_window()
    sign_in(window, qtbot)
    ctx = window.session.ctx
    held = next(
        m
        for m in meetings.list_meetings(ctx, date(2000, 1, 1), date(2100, 1, 1))
        if m.status is MeetingStatus.HELD and m.items
    )
    page = window.workspace.meeting_page
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.load(ctx, held.id)
    assert page.minutes_button.isEnabled()
    dialog = MinutesDialog(page)
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        page.open_minutes(dialog)
    assert dialog.pages and not dialog.pages[0].pixmap().isNull()
    assert dialog.status.text().startswith("Projet")
    assert dialog.validate_button.isEnabled() and not dialog.reopen_button.isEnabled()

    # A nominative copy for a partner without a charter is refused, in French.
    unsigned = next(
        i
        for i in range(dialog.recipient.count())
        if "charte non signée" in dialog.recipient.itemText(i)
    )
    dialog.recipient.setCurrentIndex(unsigned)
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.refresh()
    assert "charte de confidentialité" in dialog.error.text()
    dialog.variant.setCurrentIndex(dialog.variant.findData("pseudonymised"))
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.refresh()
    assert dialog.error.text() == "" and dialog.pages

    target = tmp_path / "compte rendu.pdf"
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.save(str(target))
    if dialog.review.isVisible():  # words that may be names (demo data): all masked
        assert not target.exists()
        with qtbot.waitSignal(dialog.shown, timeout=20_000):
            dialog.review.ok.click()
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    names = [cases.get_case(ctx, item.case_id).person for item in held.items]
    assert all(n.last_name not in text for n in names if len(n.last_name) > 3)
    assert "Version pseudonymisée" in text and "enregistré" in dialog.error.text().lower()

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprimé.pdf"))
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.print_minutes(printer)
    assert len(PdfReader(tmp_path / "imprimé.pdf").pages) == len(dialog.pages)
    assert os.stat(tmp_path / "imprimé.pdf").st_mode & 0o777 == 0o600  # only its owner reads
    vault = ctx.vault.paths.vault.read_bytes()
    printer.setOutputFileName(str(ctx.vault.paths.vault))
    dialog.print_minutes(printer)  # refused at once, before anything is rendered
    assert "fichier du coffre" in dialog.error.text()
    assert ctx.vault.paths.vault.read_bytes() == vault

    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.validate(confirmed=True)
    assert dialog.status.text().startswith("Validé")
    assert dialog.reopen_button.isEnabled() and not dialog.validate_button.isEnabled()
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.reopen("Correction d’une échéance")
    assert dialog.version.count() == 2 and dialog.validate_button.isEnabled()
    dialog.close()
