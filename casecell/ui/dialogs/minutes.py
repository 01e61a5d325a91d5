"""The minutes of a meeting: previewed in memory (no file in clear), in either version, for a
chosen recipient; saved, printed, validated, or reopened for a correction. A pseudonymised copy
leaves only once every word that may still be a name is confirmed or masked (``review.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.audit import AuditAction
from casecell.domain.minutes import MinutesStatus, Variant
from casecell.domain.register import Organisation
from casecell.domain.text import fold
from casecell.errors import KnownError
from casecell.fileio import check_output
from casecell.i18n import _, ngettext
from casecell.services import minutes
from casecell.services.context import Context
from casecell.services.minutes import MinutesView
from casecell.ui import operations
from casecell.ui.dialogs.review import ReviewDialog
from casecell.ui.pages import plain_label
from casecell.ui.pdf_pages import page_images, print_images

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

PREVIEW_DPI = 80
PRINT_DPI = 300


class MinutesDialog(QDialog):
    shown = Signal()  # a preview, a save, a print or a failure is on screen
    bug = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Minutes"))
        self.resize(900, 760)
        self.ctx: Context | None = None
        self.meeting_id = 0
        self.view: MinutesView | None = None
        self.pages: list[QLabel] = []
        # The review step of a pseudonymised copy: words masked, words confirmed (folded).
        self.masked: tuple[str, ...] = ()
        self.confirmed: set[str] = set()
        self.review = ReviewDialog(self)
        self.review.accepted.connect(self._reviewed)
        self.finished.connect(lambda _result: self.review.reject())  # closes with the window
        self._after_review: Callable[[tuple[str, ...]], None] | None = None

        self.version = QComboBox()
        self.version.setAccessibleName(_("Version of the minutes"))
        self.variant = QComboBox()
        self.variant.setAccessibleName(_("Copy"))
        for variant in Variant:
            self.variant.addItem(variant.label.capitalize(), variant.value)
        self.recipient = QComboBox()
        self.recipient.setAccessibleName(_("Recipient"))
        for box in (self.version, self.variant, self.recipient):
            box.activated.connect(lambda _index: self.refresh())
        self.status = plain_label()
        self.status.setAccessibleName(_("State of the minutes"))
        self.error = plain_label()
        self.error.setAccessibleName(_("What went wrong"))

        self.sheets = QWidget()
        self.sheets_layout = QVBoxLayout(self.sheets)
        self.sheets_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.preview = QScrollArea()
        self.preview.setWidget(self.sheets)
        self.preview.setWidgetResizable(True)
        self.preview.setAccessibleName(_("Preview of the minutes"))

        self.validate_button = QPushButton(_("&Validate the minutes"))
        self.validate_button.clicked.connect(lambda: self.validate())
        self.reopen_button = QPushButton(_("&New version…"))
        self.reopen_button.clicked.connect(lambda: self.reopen())
        self.save_button = QPushButton(_("&Save as PDF…"))
        self.save_button.clicked.connect(lambda: self.save())
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.clicked.connect(lambda: self.print_minutes())
        close = QPushButton(_("&Close"))
        close.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("V&ersion:"), self.version)
        form.addRow(_("C&opy:"), self.variant)
        form.addRow(_("&For:"), self.recipient)
        buttons = QHBoxLayout()
        for button in (self.validate_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.save_button, self.print_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    # -- what is shown ---------------------------------------------------------------------
    def load(self, ctx: Context, meeting_id: int, organisations: list[Organisation]) -> None:
        self.ctx, self.meeting_id = ctx, meeting_id
        self.masked, self.confirmed = (), set()
        self.recipient.clear()
        self.recipient.addItem(_("the cell (internal use)"), None)
        for org in sorted(organisations, key=lambda o: o.name.casefold()):
            note = "" if org.charter_signed_on else " — " + _("charter not signed")
            self.recipient.addItem(org.name + note, org.id)
        self.refresh()

    def _choice(self) -> tuple[Variant, int | None, int | None]:
        variant = Variant(self.variant.currentData())
        version = self.version.currentData()
        return variant, version, self.recipient.currentData()

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        failed = operations.shown_on(self.error, self.bug, self.shown.emit)
        operations.run(self, work, done, failed, [self])

    def refresh(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        variant, version, recipient = self._choice()
        meeting_id, dpi = self.meeting_id, PREVIEW_DPI * self.devicePixelRatioF()
        masked = self.masked

        def work() -> tuple[MinutesView, list[Any]]:
            view, data = minutes.render_minutes(
                ctx, meeting_id, variant, version, recipient, AuditAction.READ, masked
            )
            return view, page_images(data, dpi)

        self._run(work, self._show)

    def _show(self, result: object) -> None:
        assert isinstance(result, tuple)
        view, images = result
        self.view = view
        self.error.setText("")
        for label in self.pages:
            label.deleteLater()
        self.pages = []
        for number, image in enumerate(images, start=1):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self.devicePixelRatioF())
            label = QLabel()
            label.setPixmap(pixmap)
            label.setAccessibleName(_("Page {n}").format(n=number))
            self.sheets_layout.addWidget(label)
            self.pages.append(label)
        self._versions(view)
        self.status.setText(self._state(view))
        self._enable()
        self.shown.emit()

    def _versions(self, view: MinutesView) -> None:
        self.version.clear()
        numbers = [v.version for v in view.history] or [1]
        for number in numbers:
            entry = next((v for v in view.history if v.version == number), None)
            state = entry.status if entry else MinutesStatus.DRAFT
            self.version.addItem(
                _("Version {version} ({status})").format(version=number, status=state.label),
                number,
            )
        self.version.setCurrentIndex(numbers.index(view.version))

    @staticmethod
    def _state(view: MinutesView) -> str:
        if view.status is MinutesStatus.VALIDATED:
            done = view.validated
            who = done.validated_by if done else ""
            return _("Validated by {who}: this version is frozen.").format(who=who)
        if not view.held:
            return _("Draft: the meeting is not marked held yet.")
        return _("Draft: check it, then validate it to freeze it.")

    def _enable(self) -> None:
        view = self.view
        latest = view is not None and view.version == view.latest
        draft = view is not None and view.status is MinutesStatus.DRAFT
        self.validate_button.setEnabled(bool(view and latest and draft and view.held))
        self.reopen_button.setEnabled(bool(view and latest and not draft))

    # -- what the user does ------------------------------------------------------------------
    def _file_name(self) -> str:
        view = self.view
        day = view.content.starts.strftime("%Y-%m-%d") if view else "reunion"
        variant, version, _recipient = self._choice()
        kind = "pseudonymise" if variant is Variant.PSEUDONYMISED else "nominatif"
        return f"compte-rendu-{day}-v{version or 1}-{kind}.pdf"

    def save(self, target: str | None = None) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self, _("Save the minutes"), str(Path.home() / self._file_name()), "PDF (*.pdf)"
            )
            if not target:
                return
        variant, version, recipient = self._choice()
        meeting_id, path = self.meeting_id, Path(target)

        def saved(_view: object) -> None:
            self.error.setText(_("Saved to {path}.").format(path=path.name))
            self.shown.emit()

        def write(masked: tuple[str, ...]) -> None:
            self._run(
                lambda: minutes.write_minutes(
                    ctx, meeting_id, path, variant, version, recipient, masked
                ),
                saved,
            )

        self._when_reviewed(write)

    def print_minutes(self, printer: QPrinter | None = None) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        if printer is None:
            from PySide6.QtPrintSupport import QPrintDialog, QPrinter

            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
                return
        if printer.outputFileName():  # "print to a file": never over the vault
            try:
                check_output(Path(printer.outputFileName()), ctx.vault.paths)
            except KnownError as exc:
                self.error.setText(f"⚠ {exc.message}")
                return
        variant, version, recipient = self._choice()
        meeting_id, chosen = self.meeting_id, printer

        def printed(images: object) -> None:
            assert isinstance(images, list)
            try:
                print_images(chosen, images)
            except KnownError as exc:
                self.error.setText(f"⚠ {exc.message}")
                return
            self.error.setText(
                ngettext(
                    "Sent to the printer ({n} page).",
                    "Sent to the printer ({n} pages).",
                    len(images),
                ).format(n=len(images))
            )
            self.shown.emit()

        def render(masked: tuple[str, ...]) -> None:
            def work() -> list[Any]:
                _view, data = minutes.render_minutes(
                    ctx, meeting_id, variant, version, recipient, AuditAction.PRINT, masked
                )
                return page_images(data, PRINT_DPI)

            self._run(work, printed)

        self._when_reviewed(render)

    # -- the review step -----------------------------------------------------------------------
    def _when_reviewed(self, then: Callable[[tuple[str, ...]], None]) -> None:
        """Run ``then(masked words)`` at once for a nominative copy; for a pseudonymised one,
        once every word that may still be a name is confirmed or masked (the review window
        opens when some are left)."""
        ctx = self.ctx
        variant, version, recipient = self._choice()
        if ctx is None or variant is not Variant.PSEUDONYMISED:
            then(())
            return
        meeting_id, masked = self.meeting_id, self.masked

        def work() -> MinutesView:
            view, _data = minutes.render_minutes(
                ctx, meeting_id, variant, version, recipient, AuditAction.READ, masked
            )
            return view

        def check(result: object) -> None:
            assert isinstance(result, MinutesView)
            pending = [w for w in result.to_confirm if fold(w) not in self.confirmed]
            if not pending:
                then(self.masked)
                return
            self._after_review = then
            self.review.load(result.review_texts, pending)
            self.review.open()
            self.shown.emit()

        self._run(work, check)

    def _reviewed(self) -> None:
        self.masked = tuple(dict.fromkeys([*self.masked, *self.review.masked()]))
        self.confirmed |= {fold(w) for w in self.review.kept()}
        then, self._after_review = self._after_review, None
        if then is not None:
            then(self.masked)

    def validate(self, confirmed: bool = False) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        if not confirmed:
            answer = QMessageBox.question(
                self,
                _("Validate the minutes"),
                _(
                    "Once validated, these minutes are frozen: a later change will need a new "
                    "version, with its reason. Validate them?"
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        meeting_id = self.meeting_id
        self._run(lambda: minutes.validate_minutes(ctx, meeting_id), lambda _v: self._latest())

    def reopen(self, reason: str | None = None) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        if reason is None:
            reason, accepted = QInputDialog.getMultiLineText(
                self, _("New version"), _("Why must the validated minutes change?")
            )
            if not accepted:
                return
        meeting_id, why = self.meeting_id, reason
        self._run(lambda: minutes.new_version(ctx, meeting_id, why), lambda _v: self._latest())

    def _latest(self) -> None:
        self.version.clear()  # no choice: the latest version is shown
        self.refresh()
