"""One meeting: the agenda (reordered with the keyboard), the invitations, attendance taken
live, and per-situation notes and decisions. Situations appear by reference and pseudonym."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.meetings import Attendance, ItemPurpose, MeetingStatus, describe_rule
from casecell.domain.users import Permission
from casecell.i18n import _, ngettext
from casecell.services import cases, meetings, partners
from casecell.services.context import Context
from casecell.services.meetings import (
    AttendanceInput,
    ItemInput,
    MeetingDetails,
    ParticipantInput,
)
from casecell.ui import operations
from casecell.ui.dialogs.action import ActionDialog
from casecell.ui.dialogs.meeting import MeetingDialog
from casecell.ui.dialogs.minutes import MinutesDialog
from casecell.ui.dialogs.proposal import ProposalDialog
from casecell.ui.pages import data_table, fill_table, page_header, plain_label
from casecell.ui.participation import ParticipationBox


class MeetingPage(QWidget):
    loaded = Signal()
    bug = Signal(str)
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.bus: operations.ChangeBus | None = None  # the window's, once in it
        self.ctx: Context | None = None
        self.details: MeetingDetails | None = None
        self.back, self.title = page_header(self, _("← Meetings"), self.back_requested)
        self.subtitle = plain_label()
        self.warnings = plain_label()
        self.warnings.setAccessibleName(_("Warnings"))
        self.error = plain_label()
        self.sharing_notice = plain_label()
        self.sharing_notice.setAccessibleName(_("Situations nothing may be shared about"))

        self.change = QPushButton(_("&Change…"))
        self.change.clicked.connect(lambda: self.edit_meeting())
        self.held = QPushButton(_("Mark &held"))
        self.held.clicked.connect(lambda: self._status(MeetingStatus.HELD))
        self.cancel = QPushButton(_("Ca&ncel the meeting"))
        self.cancel.clicked.connect(lambda: self._status(MeetingStatus.CANCELLED))
        self.export = QPushButton(_("E&xport the invitations…"))
        self.export.clicked.connect(lambda: self.export_invitations())
        self.minutes_button = QPushButton(_("Minu&tes…"))
        self.minutes_button.setToolTip(_("Preview, print and validate the minutes (Ctrl+P)"))
        self.minutes_button.clicked.connect(lambda: self.open_minutes())

        # Agenda
        self.agenda = data_table(
            [_("Time"), _("Situation"), _("Pseudonym"), _("Purpose"), _("Minutes")],
            _("Agenda"),
            (110, 90, 100, 140),
        )
        self.agenda.itemSelectionChanged.connect(self._item_chosen)
        self.propose = QPushButton(_("&Propose from what is due…"))
        self.propose.clicked.connect(lambda: self.propose_agenda())
        self.add_reference = QLineEdit()
        self.add_reference.setAccessibleName(_("Reference of a situation to add"))
        self.add_reference.setPlaceholderText(_("Reference, e.g. 2026-042"))
        self.add_reference.returnPressed.connect(lambda: self.add_situation())
        self.add_button = QPushButton(_("&Add"))
        self.add_button.clicked.connect(lambda: self.add_situation())
        self.up = QPushButton(_("Move &up"))
        self.up.setToolTip("Ctrl+↑")
        self.up.clicked.connect(lambda: self.move_item(-1))
        self.down = QPushButton(_("Move do&wn"))
        self.down.setToolTip("Ctrl+↓")
        self.down.clicked.connect(lambda: self.move_item(1))
        self.minutes = QSpinBox()
        self.minutes.setAccessibleName(_("Minutes for the chosen situation"))
        self.minutes.setToolTip(_("Minutes for the chosen situation (Enter to apply)"))
        self.minutes.setRange(1, 240)
        self.minutes.setSuffix(" min")
        self.minutes.editingFinished.connect(lambda: self.set_minutes())
        self.remove = QPushButton(_("&Remove"))
        self.remove.clicked.connect(lambda: self.remove_item())
        QShortcut(QKeySequence("Ctrl+Up"), self.agenda, lambda: self.move_item(-1))
        QShortcut(QKeySequence("Ctrl+Down"), self.agenda, lambda: self.move_item(1))
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.agenda, lambda: self.remove_item())
        agenda_tab = QWidget()
        agenda_layout = QVBoxLayout(agenda_tab)
        agenda_layout.addWidget(self.agenda, 1)
        row = QHBoxLayout()
        for widget in (self.up, self.down, self.minutes, self.remove):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.add_reference)
        row.addWidget(self.add_button)
        row.addWidget(self.propose)
        agenda_layout.addLayout(row)

        # Invitations
        self.invitations = data_table(
            [_("Organisation"), _("Invited for"), _("Situations")], _("Invitations"), (300, 200)
        )
        self.invite = QPushButton(_("&Invite these partners"))
        self.invite.clicked.connect(lambda: self.invite_partners())
        invitations_tab = QWidget()
        invitations_layout = QVBoxLayout(invitations_tab)
        invitations_layout.addWidget(self.invitations, 1)
        invitations_layout.addWidget(
            plain_label(
                _(
                    "Derived from the agenda: the partners of each situation for its time slot, "
                    "the permanent members for the whole of a plenary meeting."
                )
            )
        )
        invitations_layout.addWidget(self.invite, 0, Qt.AlignmentFlag.AlignRight)

        # Attendance
        self.people = data_table(
            [_("Participant"), _("Organisation"), _("Attendance"), _("Undertaking signed")],
            _("Participants"),
            (220, 260, 160),
        )
        self.people.itemSelectionChanged.connect(self._participant_chosen)
        self.attendance = QComboBox()
        self.attendance.setAccessibleName(_("Attendance"))
        self.attendance.addItem(_("not recorded"), None)
        for status in Attendance:
            self.attendance.addItem(status.label, status.value)
        self.information_sent = QCheckBox(_("Information sent beforehand"))
        self.represented_by = QLineEdit()
        self.represented_by.setAccessibleName(_("Represented by"))
        self.undertaking = QCheckBox(_("Confidentiality undertaking signed"))
        self.save_attendance = QPushButton(_("&Save the attendance"))
        self.save_attendance.clicked.connect(lambda: self.record_attendance())
        self.observer = QLineEdit()
        self.observer.setAccessibleName(_("Observer's name"))
        self.observer.setPlaceholderText(_("Observer's name and role"))
        self.add_observer = QPushButton(_("Add an &observer"))
        self.add_observer.clicked.connect(lambda: self.add_observer_named())
        attendance_form = QFormLayout()
        attendance_form.addRow(_("&Attendance:"), self.attendance)
        attendance_form.addRow("", self.information_sent)
        attendance_form.addRow(_("Represented &by:"), self.represented_by)
        attendance_form.addRow("", self.undertaking)
        attendance_form.addRow("", self.save_attendance)
        attendance_tab = QWidget()
        attendance_layout = QVBoxLayout(attendance_tab)
        attendance_layout.addWidget(self.people, 1)
        attendance_layout.addLayout(attendance_form)
        observer_row = QHBoxLayout()
        observer_row.addWidget(self.observer, 1)
        observer_row.addWidget(self.add_observer)
        attendance_layout.addLayout(observer_row)

        # Notes and decisions
        self.item_label = plain_label()
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(_("Summary of the discussion"))
        self.notes.setPlaceholderText(_("What was said (the summary in the minutes)"))
        self.decisions = QPlainTextEdit()
        self.decisions.setAccessibleName(_("Decisions"))
        self.decisions.setPlaceholderText(_("What the cell decided"))
        self.save_notes = QPushButton(_("Save the &notes"))
        self.save_notes.clicked.connect(lambda: self.store_notes())
        self.decide = QPushButton(_("New &action decided…"))
        self.decide.clicked.connect(lambda: self.decide_action())
        notes_tab = QWidget()
        notes_layout = QVBoxLayout(notes_tab)
        notes_layout.addWidget(self.item_label)
        notes_layout.addWidget(plain_label(_("Summary of the discussion")))
        notes_layout.addWidget(self.notes, 2)
        notes_layout.addWidget(plain_label(_("Decisions")))
        notes_layout.addWidget(self.decisions, 1)
        notes_row = QHBoxLayout()
        notes_row.addStretch(1)
        notes_row.addWidget(self.decide)
        notes_row.addWidget(self.save_notes)
        notes_layout.addLayout(notes_row)
        self.participation = ParticipationBox()
        self.participation.save.clicked.connect(lambda: self.store_participation())
        notes_layout.addWidget(self.participation)

        self.tabs = QTabWidget()
        self.tabs.addTab(agenda_tab, _("A&genda"))
        self.tabs.addTab(invitations_tab, _("&Invitations"))
        self.tabs.addTab(attendance_tab, _("Atten&dance"))
        self.tabs.addTab(notes_tab, _("Notes and &decisions"))

        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.title, 1)
        actions = QHBoxLayout()
        for button in (self.change, self.held, self.cancel, self.export, self.minutes_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.warnings)
        layout.addWidget(self.sharing_notice)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)

    # -- loading -----------------------------------------------------------------------------
    def load(self, ctx: Context, meeting_id: int) -> None:
        self.ctx = ctx
        self._run(lambda: meetings.get_meeting(ctx, meeting_id), self._show)

    def clear(self) -> None:
        self.ctx = None
        self.details = None
        for table in (self.agenda, self.invitations, self.people):
            table.setRowCount(0)
        for label in (self.title, self.subtitle, self.warnings, self.item_label):
            label.setText("")
        self.sharing_notice.setText("")
        self.participation.clear()
        self.notes.clear()
        self.decisions.clear()
        self.observer.clear()
        self.represented_by.clear()

    def _run(
        self,
        work: Callable[[], object],
        done: Callable[[object], None],
        changes: operations.Change = operations.Change.NONE,
    ) -> None:
        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run(self, work, done, failed, [self], changes=changes, bus=self.bus)

    def _then_reload(self, change: Callable[[Context], object]) -> None:
        if self.details is None or self.ctx is None:
            return
        ctx, meeting_id = self.ctx, self.details.meeting.id

        def work() -> MeetingDetails:
            change(ctx)
            return meetings.get_meeting(ctx, meeting_id)

        self._run(work, self._show, operations.Change.MEETINGS | operations.Change.CASES)

    def _show(self, details: object) -> None:
        assert isinstance(details, MeetingDetails)
        chosen_item, chosen_person = self.agenda.currentRow(), self.people.currentRow()
        self.details = details
        meeting, names = details.meeting, details.organisations
        self.error.setText("")
        self.title.setText(meeting.heading)
        facts = [
            f"{details.local_start:%d/%m/%Y %H:%M}–{details.local_end:%H:%M}",
            meeting.kind.label,
            meeting.status.label,
            meeting.place or meeting.video_link,
        ]
        chair = details.contacts.get(meeting.chair_contact_id or 0)
        if chair is not None:
            facts.append(_("chair: {name}").format(name=chair.name))
        if details.series_rule:
            facts.append(_("series: {rule}").format(rule=describe_rule(details.series_rule)))
        self.subtitle.setText(" · ".join(f for f in facts if f))
        self.warnings.setText("\n".join(f"⚠ {w}" for w in details.warnings))
        notice = _(
            "⛔ {reference}: {reason}. Nothing about it is shared: the minutes leave it out."
        )
        self.sharing_notice.setText(
            "\n".join(
                notice.format(reference=i.reference, reason=i.block.label)
                for i in details.items
                if i.block is not None
            )
        )
        fill_table(
            self.agenda,
            [
                [
                    f"{i.starts:%H:%M}–{i.ends:%H:%M}",
                    i.reference,
                    i.pseudonym,
                    i.purpose.label,
                    str(i.slot_minutes),
                ]
                for i in details.items
            ],
        )
        references = {i.case_id: i.reference for i in details.items}
        fill_table(
            self.invitations,
            [
                [
                    names[i.organisation_id].name,
                    _("the whole meeting")
                    if i.whole_meeting
                    else ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in i.windows),
                    ", ".join(references.get(c, "") for c in i.case_ids),
                ]
                for i in details.invitations
            ],
        )
        rows = []
        for p in details.participants:
            contact = details.contacts.get(p.contact_id or 0)
            who = contact.name if contact else p.name or _("(the organisation)")
            if p.observer:
                who += " — " + _("observer")
            org = names[p.organisation_id].name if p.organisation_id in names else ""
            status = p.attendance.label if p.attendance else _("not recorded")
            if p.attendance is Attendance.REPRESENTED:
                status += f" ({p.represented_by})"
            if p.attendance is Attendance.EXCUSED and p.information_sent:
                status += " — " + _("information sent")
            rows.append([who, org, status, _("yes") if p.undertaking_signed else _("no")])
        fill_table(self.people, rows)
        self._enable()
        if 0 <= chosen_item < self.agenda.rowCount():
            self.agenda.selectRow(chosen_item)
        self._item_chosen()  # the same row may stay selected: show its fresh notes anyway
        if 0 <= chosen_person < self.people.rowCount():
            self.people.selectRow(chosen_person)
            self._participant_chosen()
        self.loaded.emit()

    def _enable(self) -> None:
        details, ctx = self.details, self.ctx
        plans = ctx is not None and ctx.user.can(Permission.PLAN_MEETINGS)
        writes = ctx is not None and ctx.user.can(Permission.WRITE_CASES)
        status = details.meeting.status if details else None
        planned = status is MeetingStatus.PLANNED
        open_ = status is not MeetingStatus.CANCELLED
        for widget in (self.change, self.held, self.cancel):
            widget.setVisible(plans)
            widget.setEnabled(planned)
        editors: tuple[QWidget, ...] = (
            self.propose, self.add_button, self.add_reference, self.up, self.down,
            self.remove, self.invite, self.add_observer, self.observer, self.minutes,
        )  # fmt: skip
        for editor in editors:
            editor.setEnabled(plans and open_)
        writers: tuple[QWidget, ...] = (
            self.save_attendance, self.save_notes, self.decide, self.participation,
        )  # fmt: skip
        for writer in writers:
            writer.setEnabled(writes and open_)
        self.minutes_button.setEnabled(details is not None and open_)

    # -- agenda ------------------------------------------------------------------------------
    def _items(self) -> list[ItemInput]:
        assert self.details is not None
        return [
            ItemInput(i.case_id, i.purpose, i.slot_minutes, i.notes, i.decisions)
            for i in self.details.items
        ]

    def move_item(self, step: int) -> None:
        row = self.agenda.currentRow()
        if self.details is None or not 0 <= row < len(self.details.items):
            return
        target = row + step
        if not 0 <= target < len(self.details.items):
            return
        items = self._items()
        items[row], items[target] = items[target], items[row]
        meeting_id = self.details.meeting.id
        self.agenda.selectRow(target)  # the selection follows the item
        self._then_reload(lambda ctx: meetings.set_agenda(ctx, meeting_id, items))

    def set_minutes(self) -> None:
        """The chosen item's time slot; the following slots move with it."""
        row = self.agenda.currentRow()
        if self.details is None or not 0 <= row < len(self.details.items):
            return
        if self.details.items[row].slot_minutes == self.minutes.value():
            return
        items = self._items()
        items[row] = replace(items[row], slot_minutes=self.minutes.value())
        meeting_id = self.details.meeting.id
        self._then_reload(lambda ctx: meetings.set_agenda(ctx, meeting_id, items))

    def remove_item(self) -> None:
        row = self.agenda.currentRow()
        if self.details is None or not 0 <= row < len(self.details.items):
            return
        items = self._items()
        del items[row]
        meeting_id = self.details.meeting.id
        self._then_reload(lambda ctx: meetings.set_agenda(ctx, meeting_id, items))

    def add_situation(self) -> None:
        """Add the situation whose reference was typed (its purpose: a review)."""
        if self.details is None:
            return
        reference = self.add_reference.text().strip()
        if not reference:
            return
        items, meeting_id = self._items(), self.details.meeting.id

        def change(ctx: Context) -> None:
            case_id = cases.case_id_of(ctx, reference)
            meetings.set_agenda(ctx, meeting_id, [*items, ItemInput(case_id, ItemPurpose.REVIEW)])

        self.add_reference.clear()
        self._then_reload(change)

    def propose_agenda(self, dialog: ProposalDialog | None = None) -> None:
        ctx, details = self.ctx, self.details
        if ctx is None or details is None:
            return
        meeting_id = details.meeting.id

        def ask(proposal: object) -> None:
            form = dialog or ProposalDialog(self)
            form.load(proposal)  # type: ignore[arg-type]
            if form.exec() != QDialog.DialogCode.Accepted:
                return
            chosen = form.chosen()
            self._then_reload(lambda c: meetings.add_proposal(c, meeting_id, chosen))

        self._run(lambda: meetings.propose_agenda(ctx, meeting_id), ask)

    # -- meeting -----------------------------------------------------------------------------
    def edit_meeting(self, dialog: MeetingDialog | None = None) -> None:
        if self.details is None or self.ctx is None:
            return
        ctx, details = self.ctx, self.details

        def ask(found: object) -> None:
            assert isinstance(found, tuple)
            contacts, planning = found
            form = dialog or MeetingDialog(self)
            form.load(details.local_start, details.meeting, contacts, planning=planning)
            if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
                return
            data, meeting_id = form.result_meeting(), details.meeting.id
            self._then_reload(lambda c: meetings.update_meeting(c, meeting_id, data))

        self._run(lambda: (partners.contact_choices(ctx), meetings.planning_context(ctx)), ask)

    def _status(self, status: MeetingStatus) -> None:
        if self.details is not None:
            meeting_id = self.details.meeting.id
            self._then_reload(lambda ctx: meetings.set_status(ctx, meeting_id, status))

    def export_invitations(self, folder: str | None = None) -> None:
        ctx, details = self.ctx, self.details
        if ctx is None or details is None:
            return
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self, _("Export the invitations to"), str(Path.home())
            )
            if not folder:
                return
        meeting_id, target = details.meeting.id, Path(folder)

        def written(paths: object) -> None:
            assert isinstance(paths, tuple)
            ics, pdf = paths
            self.error.setText(
                _("Written: {ics} and {pdf}. They hold no name, only references.").format(
                    ics=ics.name, pdf=pdf.name
                )
            )
            self.loaded.emit()

        self._run(lambda: meetings.export_invitations(ctx, meeting_id, target), written)

    def open_minutes(self, dialog: MinutesDialog | None = None) -> MinutesDialog | None:
        """The minutes, previewed in memory; the meeting is reloaded when the dialog closes
        (validating locks it)."""
        ctx, details = self.ctx, self.details
        if ctx is None or details is None:
            return None
        form = dialog or MinutesDialog(self)
        form.bug.connect(self.bug.emit)
        form.load(ctx, details.meeting.id, list(details.organisations.values()))
        if dialog is None:
            form.exec()
            form.deleteLater()
            self._then_reload(lambda _ctx: None)
        return form

    def invite_partners(self) -> None:
        if self.details is not None:
            meeting_id = self.details.meeting.id
            self._then_reload(lambda ctx: meetings.invite(ctx, meeting_id))

    # -- attendance --------------------------------------------------------------------------
    def _participant_chosen(self) -> None:
        row = self.people.currentRow()
        if self.details is None or not 0 <= row < len(self.details.participants):
            return
        p = self.details.participants[row]
        self.attendance.setCurrentIndex(
            max(0, self.attendance.findData(p.attendance.value if p.attendance else None))
        )
        self.information_sent.setChecked(p.information_sent)
        self.represented_by.setText(p.represented_by)
        self.undertaking.setChecked(p.undertaking_signed)

    def record_attendance(self) -> None:
        row = self.people.currentRow()
        if self.details is None or not 0 <= row < len(self.details.participants):
            self.error.setText(_("⚠ Choose a participant in the list."))
            return
        participant_id = self.details.participants[row].id
        code = self.attendance.currentData()
        data = AttendanceInput(
            Attendance(code) if code else None,
            self.information_sent.isChecked(),
            self.represented_by.text(),
            self.undertaking.isChecked(),
        )
        self._then_reload(lambda ctx: meetings.record_attendance(ctx, participant_id, data))

    def add_observer_named(self) -> None:
        name = self.observer.text()
        if self.details is None or not name.strip():
            return
        meeting_id = self.details.meeting.id
        self.observer.clear()
        self._then_reload(
            lambda ctx: meetings.add_participant(
                ctx, meeting_id, ParticipantInput(name=name, observer=True)
            )
        )

    # -- notes and decisions -----------------------------------------------------------------
    def _item_chosen(self) -> None:
        row = self.agenda.currentRow()
        if self.details is None or not 0 <= row < len(self.details.items):
            self.item_label.setText(_("Choose a situation on the agenda."))
            self.participation.clear()
            return
        item = self.details.items[row]
        self.participation.load(item)
        self.minutes.blockSignals(True)
        self.minutes.setValue(item.slot_minutes)
        self.minutes.blockSignals(False)
        decided = self.details.decided.get(item.case_id, 0)
        self.item_label.setText(
            f"{item.reference} ({item.pseudonym}) — {item.purpose.label}"
            + (
                " — "
                + ngettext("{n} action decided here", "{n} actions decided here", decided).format(
                    n=decided
                )
                if item.case_id in self.details.decided
                else ""
            )
        )
        self.notes.setPlainText(item.notes)
        self.decisions.setPlainText(item.decisions)

    def _current_item(self) -> int | None:
        row = self.agenda.currentRow()
        if self.details is None or not 0 <= row < len(self.details.items):
            self.error.setText(_("⚠ Choose a situation on the agenda."))
            return None
        return self.details.items[row].case_id

    def store_notes(self) -> None:
        case_id = self._current_item()
        if case_id is None or self.details is None:
            return
        meeting_id, text = self.details.meeting.id, self.notes.toPlainText()
        decided = self.decisions.toPlainText()
        self._then_reload(
            lambda ctx: meetings.set_item_notes(ctx, meeting_id, case_id, text, decided)
        )

    def store_participation(self) -> None:
        case_id = self._current_item()
        if case_id is None or self.details is None:
            return
        meeting_id, data = self.details.meeting.id, self.participation.result()
        self._then_reload(lambda ctx: meetings.set_participation(ctx, meeting_id, case_id, data))

    def decide_action(self, dialog: ActionDialog | None = None) -> None:
        case_id = self._current_item()
        if case_id is None or self.details is None or self.ctx is None:
            return
        item = next(i for i in self.details.items if i.case_id == case_id)
        names = self.details.organisations
        owners = {o: names[o].name for o in sorted(item.organisation_ids) if o in names}
        form = dialog or ActionDialog(self)
        form.load(owners or {o.id: o.name for o in names.values()}, self.ctx.today())
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        data = form.result_action()
        meeting_id = self.details.meeting.id
        decided = replace(data, meeting_id=meeting_id)
        self._then_reload(lambda ctx: cases.add_action(ctx, case_id, decided))
