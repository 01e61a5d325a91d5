"""One situation: who, where it stands, the next steps, its actions and its history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.cases import Action, sharing_notice
from casecell.domain.nomenclatures import ActionStatus, CaseStatus
from casecell.domain.persons import Relative, format_nir
from casecell.domain.register import Person
from casecell.domain.users import Permission
from casecell.i18n import _
from casecell.services import cases, meetings, opposition, partners, relatives, rights
from casecell.services.cases import CaseDetails
from casecell.services.context import Context
from casecell.services.meetings import now_in_paris
from casecell.ui import operations
from casecell.ui.dialogs.action import ActionDialog
from casecell.ui.dialogs.carry_over import CarryOverDialog
from casecell.ui.dialogs.meeting import MeetingDialog
from casecell.ui.dialogs.opposition import OppositionDialog
from casecell.ui.dialogs.participant import ParticipantDialog
from casecell.ui.dialogs.referral import ReferralDialog
from casecell.ui.dialogs.relative import RelativeDialog
from casecell.ui.dialogs.sharing import SharingDialog
from casecell.ui.dialogs.transition import TransitionDialog
from casecell.ui.models.cases import short_date
from casecell.ui.pages import page_header, plain_label
from casecell.ui.persons_page import access_target, access_written


def _identifiers(person: Person) -> str:
    """« Adresse : … · Téléphone : … » (what is known of how to reach the person)."""
    address = " ".join(p for p in (person.address, person.postcode) if p)
    parts = [
        (_("Address: {value}"), address),
        (_("Phone: {value}"), person.phone),
        (_("E-mail: {value}"), person.email),
        (_("NIR: {value}"), format_nir(person.nir)),
    ]
    return " · ".join(label.format(value=value) for label, value in parts if value)


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)  # QTableWidgetItem shows plain text: no markup is read
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class CasePage(QWidget):
    loaded = Signal()
    bug = Signal(str)  # a technical report for the window's bug dialog
    back_requested = Signal()
    meeting_planned = Signal(int)  # an emergency meeting: the window opens it

    def __init__(self) -> None:
        super().__init__()
        self.bus: operations.ChangeBus | None = None  # the window's, once in it
        self.ctx: Context | None = None
        self.details: CaseDetails | None = None
        self.back, self.title = page_header(self, _("← Back to the list"), self.back_requested)
        self.subtitle = plain_label()
        self.steps = QHBoxLayout()
        self.error = plain_label()

        self.edit_sharing = QPushButton(_("Sharing and &consent…"))
        self.edit_sharing.clicked.connect(lambda: self.change_sharing())
        self.emergency = QPushButton(_("Emer&gency meeting…"))
        self.emergency.setToolTip(_("A restricted meeting on this situation within a few days"))
        self.emergency.clicked.connect(lambda: self.plan_emergency())
        self.edit = QPushButton(_("&Edit the situation…"))
        self.edit.clicked.connect(lambda: self.edit_case())
        self.share = QPushButton(_("Add a &partner…"))
        self.share.setToolTip(_("Share this situation with one more organisation, saying why"))
        self.share.clicked.connect(lambda: self.add_participant())
        self.access = QPushButton(_("Right of access…"))
        self.access.setToolTip(
            _("A PDF of everything held about this person, for their access request")
        )
        self.access.clicked.connect(lambda: self.export_access())
        self.oppose = QPushButton(_("The person &objects…"))
        self.oppose.setToolTip(_("Record the person's objection to sharing, or its withdrawal"))
        self.oppose.clicked.connect(lambda: self.change_opposition())
        self.sharing_notice = plain_label()
        self.sharing_notice.setAccessibleName(_("Sharing notice"))
        self.summary = plain_label()
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary.setContentsMargins(10, 10, 10, 10)
        self.relatives = QTableWidget(0, 4)
        self.relatives.setAccessibleName(_("Relatives and household"))
        self.relatives.setHorizontalHeaderLabels(
            [_("Relation"), _("Name"), _("Born"), _("Contact")]
        )
        self.relatives.horizontalHeader().setStretchLastSection(True)
        self.relatives.verticalHeader().setVisible(False)
        self.relatives.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.relatives.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.relatives.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.relatives.setMaximumHeight(130)
        self.relatives.horizontalHeader().resizeSection(0, 170)
        self.relatives.horizontalHeader().resizeSection(1, 220)
        self.add_relative = QPushButton(_("Add a re&lative…"))
        self.add_relative.clicked.connect(lambda: self.new_relative())
        self.remove_relative = QPushButton(_("Remo&ve the relative"))
        self.remove_relative.clicked.connect(lambda: self.drop_relative())
        self.relatives.itemSelectionChanged.connect(self._relative_buttons)
        self.action_table = QTableWidget(0, 4)
        self.action_table.setAccessibleName(_("Actions"))
        self.action_table.setHorizontalHeaderLabels([_("What"), _("Owner"), _("Due"), _("Status")])
        self.action_table.horizontalHeader().setStretchLastSection(True)
        self.action_table.verticalHeader().setVisible(False)
        self.action_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.action_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.action_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.action_table.horizontalHeader().resizeSection(0, 300)
        self.action_table.horizontalHeader().resizeSection(1, 260)
        self.add_action = QPushButton(_("&New action…"))
        self.change_action = QPushButton(_("Ch&ange…"))
        self.change_action.clicked.connect(lambda: self.edit_action())
        self.mark_done = QPushButton(_("Mark &done"))
        self.carry = QPushButton(_("&Carry over…"))
        self.drop = QPushButton(_("D&rop"))
        self.add_action.clicked.connect(lambda: self.new_action())
        self.mark_done.clicked.connect(lambda: self._set_status(ActionStatus.DONE))
        self.drop.clicked.connect(lambda: self._set_status(ActionStatus.DROPPED))
        self.carry.clicked.connect(lambda: self.carry_over())
        self.action_table.itemSelectionChanged.connect(self._action_buttons)
        self.action_table.activated.connect(lambda _index: self.edit_action())
        self.history = QTableWidget(0, 3)
        self.history.setAccessibleName(_("History"))
        self.history.setHorizontalHeaderLabels([_("Date"), _("By"), _("Event")])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.verticalHeader().setVisible(False)
        self.history.setWordWrap(True)
        self.history.horizontalHeader().resizeSection(0, 130)
        self.history.horizontalHeader().resizeSection(1, 170)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName(_("New note"))
        self.note.setPlaceholderText(_("Write a note for the history…"))
        self.note.setMaximumHeight(90)
        self.add_note = QPushButton(_("Add the &note"))
        self.add_note.clicked.connect(self._add_note)
        history_tab = QWidget()
        history_layout = QVBoxLayout(history_tab)
        history_layout.addWidget(self.history, 1)
        history_layout.addWidget(self.note)
        history_layout.addWidget(self.add_note, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs = QTabWidget()
        situation_tab = QWidget()
        situation_layout = QVBoxLayout(situation_tab)
        situation_layout.setContentsMargins(0, 0, 0, 0)
        situation_layout.addWidget(self.summary, 1)
        relatives_row = QHBoxLayout()
        relatives_row.addWidget(self.relatives, 1)
        relatives_buttons = QVBoxLayout()
        relatives_buttons.addWidget(self.add_relative)
        relatives_buttons.addWidget(self.remove_relative)
        relatives_buttons.addStretch(1)
        relatives_row.addLayout(relatives_buttons)
        situation_layout.addLayout(relatives_row)
        # Two rows of three: six buttons in one row would widen the window past 1024 pixels.
        situation_buttons = QGridLayout()
        for n, button in enumerate(
            (self.edit, self.share, self.edit_sharing, self.emergency, self.oppose, self.access)
        ):
            situation_buttons.addWidget(button, n // 3, n % 3)
        situation_layout.addLayout(situation_buttons)
        self.tabs.addTab(situation_tab, _("&Situation"))
        actions_tab = QWidget()
        actions_layout = QVBoxLayout(actions_tab)
        actions_layout.addWidget(self.action_table, 1)
        action_buttons = QHBoxLayout()
        for button in (self.add_action, self.change_action, self.mark_done, self.carry, self.drop):
            action_buttons.addWidget(button)
        action_buttons.addStretch(1)
        actions_layout.addLayout(action_buttons)
        self.tabs.addTab(actions_tab, _("&Actions"))
        self.tabs.addTab(history_tab, _("&History"))

        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        layout.addLayout(self.steps)
        layout.addWidget(self.sharing_notice)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)

    def clear(self) -> None:
        """Forget the situation shown (on lock): nothing nominative stays in the widgets."""
        self.ctx = None
        self.details = None
        self.title.setText("")
        self.subtitle.setText("")
        self.sharing_notice.setText("")
        self.summary.setText("")
        self.note.clear()
        self.action_table.setRowCount(0)
        self.relatives.setRowCount(0)
        self.history.setRowCount(0)
        self._show_steps(())

    # -- loading ---------------------------------------------------------------------------
    def load(self, ctx: Context, case_id: int) -> None:
        self.ctx = ctx
        self._run(lambda: cases.case_details(ctx, case_id), self._show)

    def _run(
        self,
        work: Callable[[], object],
        done: Callable[[object], None],
        changes: operations.Change = operations.Change.NONE,
    ) -> None:
        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run(self, work, done, failed, [self], changes=changes, bus=self.bus)

    def _show(self, details: object) -> None:
        assert isinstance(details, CaseDetails)
        self.details = details
        case, names = details.case, details.organisations
        self.error.setText("")
        self.title.setText(f"{case.reference} — {case.person.display_name}")
        self.subtitle.setText(
            " · ".join(
                [
                    case.status.label,
                    case.urgency.label,
                    _("referred on {day}").format(day=short_date(case.referred_on)),
                    _("lead partner: {name}").format(name=names.get(case.lead_org_id or 0, "—")),
                    _("pseudonym {pseudonym}").format(pseudonym=case.person.pseudonym),
                ]
            )
        )
        self._show_steps(details.next_steps)
        self.sharing_notice.setText(sharing_notice(case))
        self.sharing_notice.setVisible(bool(self.sharing_notice.text()))  # no blank band
        self.oppose.setText(
            _("Withdraw the &objection…")
            if case.sharing.opposed_on is not None
            else _("The person &objects…")
        )
        plans = self.ctx is not None and self.ctx.user.can(Permission.PLAN_MEETINGS)
        self.emergency.setVisible(plans)
        self.access.setVisible(
            self.ctx is not None and self.ctx.user.can(Permission.ANSWER_ACCESS_REQUEST)
        )
        self.emergency.setEnabled(case.sharing.allowed and not case.status.finished)
        self.summary.setText(
            "\n\n".join(
                part
                for part in (
                    _("Problem areas: {areas}").format(
                        areas=", ".join(a.label for a in case.problem_areas)
                    ),
                    _("Sharing: {basis} — {consent}").format(
                        basis=case.sharing.basis.label, consent=case.sharing.consent.label
                    ),
                    _("Partners: {names}").format(
                        names=", ".join(names.get(o, "?") for o in case.participant_org_ids)
                    ),
                    _identifiers(case.person),
                    case.summary,
                    case.person_wishes
                    and _("The person's wishes: {text}").format(text=case.person_wishes),
                )
                if part
            )
        )
        self.relatives.setRowCount(len(details.relatives))
        for row, relative in enumerate(details.relatives):
            person = relative.person
            born = short_date(person.birth_date) if person.birth_date else person.birth_year
            contact = " · ".join(p for p in (person.phone, person.email) if p)
            for column, text in enumerate(
                (relative.relation.label, person.display_name, str(born or ""), contact)
            ):
                self.relatives.setItem(row, column, _cell(text))
        self._relative_buttons()
        today = self.ctx.today() if self.ctx else case.referred_on
        self.action_table.setRowCount(len(details.actions))
        for row, action in enumerate(details.actions):
            status = action.status.label + (_(" — ⚠ late") if action.late(today) else "")
            for column, text in enumerate(
                (
                    action.title,
                    names.get(action.owner_org_id, "?"),
                    short_date(action.due_on),
                    status,
                )
            ):
                self.action_table.setItem(row, column, _cell(text))
        self._action_buttons()
        self.history.setRowCount(len(details.timeline))
        for row, event in enumerate(details.timeline):
            when = event.at.astimezone().strftime("%d/%m/%Y %H:%M")
            for column, text in enumerate((when, event.author, event.describe(names))):
                self.history.setItem(row, column, _cell(text))
        self.history.resizeRowsToContents()
        self.loaded.emit()

    def _show_steps(self, steps: tuple[CaseStatus, ...]) -> None:
        while (item := self.steps.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        for target in steps:
            button = QPushButton(_("→ {status}").format(status=target.label))
            button.setAccessibleName(_("Move to {status}").format(status=target.label))
            button.clicked.connect(lambda _checked=False, t=target: self.ask_transition(t))
            self.steps.addWidget(button)
        self.steps.addStretch(1)

    def export_access(self, target: str | None = None) -> None:
        """Write the answer to this person's access request (RGPD art. 15)."""
        if self.details is None or self.ctx is None:
            return
        ctx, case = self.ctx, self.details.case
        path = access_target(self, case.person.pseudonym, target)
        if path is None:
            return

        def written(_answer: object) -> None:
            self.error.setText(access_written(path))
            self.loaded.emit()

        self._run(lambda: rights.write_access(ctx, case.reference, path), written)

    # -- changes ---------------------------------------------------------------------------
    def ask_transition(self, target: CaseStatus, dialog: TransitionDialog | None = None) -> None:
        """Confirm with the user (a dialog for what the step needs), then apply."""
        if self.details is None or self.ctx is None:
            return
        dialog = dialog or TransitionDialog(self)
        dialog.load(self.details.case.reference, target)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        transition, case_id = dialog.result_transition(), self.details.case.id
        self._then_reload(lambda ctx: cases.change_status(ctx, case_id, transition))

    # -- actions -----------------------------------------------------------------------------
    def _selected_action(self) -> Action | None:
        row = self.action_table.currentRow()
        if self.details is None or not 0 <= row < len(self.details.actions):
            return None
        return self.details.actions[row]

    def _action_buttons(self) -> None:
        details = self.details
        finished = details is None or details.case.status.finished
        action = self._selected_action()
        still_open = action is not None and action.status.open
        self.add_action.setEnabled(not finished)
        for button in (self.change_action, self.mark_done, self.carry, self.drop):
            button.setEnabled(still_open)

    def _then_reload(
        self, change: Callable[[Context], object], after: Callable[[], None] | None = None
    ) -> None:
        """Apply ``change`` off the UI thread, then show the situation again (then ``after``)."""
        if self.details is None or self.ctx is None:
            return
        ctx, case_id = self.ctx, self.details.case.id

        def work() -> CaseDetails:
            change(ctx)
            return cases.case_details(ctx, case_id)

        def done(details: object) -> None:
            if after is not None:
                after()
            self._show(details)

        self._run(work, done, operations.Change.CASES | operations.Change.MEETINGS)

    def _owners(self, *extra: int) -> dict[int, str]:
        """Who can own an action: the lead and participating partners (or any, if none yet)."""
        assert self.details is not None
        case, names = self.details.case, self.details.organisations
        chosen = (case.lead_org_id, *case.participant_org_ids, *extra)
        owners = {o: names[o] for o in chosen if o in names}
        return owners or names

    def new_action(self, dialog: ActionDialog | None = None) -> None:
        if self.details is None or self.ctx is None:
            return
        form = dialog or ActionDialog(self)
        form.load(self._owners(), self.ctx.today())
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        data, case_id = form.result_action(), self.details.case.id
        self._then_reload(lambda ctx: cases.add_action(ctx, case_id, data))

    def edit_action(self, dialog: ActionDialog | None = None) -> None:
        """Correct an action still to do (Enter or double-click on it)."""
        action = self._selected_action()
        if action is None or not action.status.open or self.ctx is None:
            return
        form = dialog or ActionDialog(self)
        form.load(self._owners(action.owner_org_id), self.ctx.today())
        form.show_action(action)
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        data = form.result_action()
        self._then_reload(lambda ctx: cases.edit_action(ctx, action.id, data))

    def _set_status(self, status: ActionStatus) -> None:
        action = self._selected_action()
        if action is not None:
            self._then_reload(lambda ctx: cases.set_action_status(ctx, action.id, status))

    def carry_over(self, dialog: CarryOverDialog | None = None) -> None:
        action = self._selected_action()
        if action is None or self.ctx is None:
            return
        form = dialog or CarryOverDialog(self)
        form.load(action.title, self.ctx.today())
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        reason, due = form.result_reason()
        self._then_reload(lambda ctx: cases.carry_over(ctx, action.id, reason, due))

    def plan_emergency(self, dialog: MeetingDialog | None = None) -> None:
        """A restricted meeting on this situation alone, within days; then open it."""
        ctx, details = self.ctx, self.details
        if ctx is None or details is None:
            return
        case_id = details.case.id

        def ask(found: object) -> None:
            assert isinstance(found, tuple)
            contacts, planning = found
            form = dialog or MeetingDialog(self)
            tomorrow = now_in_paris(ctx).replace(hour=9, minute=0) + timedelta(days=1)
            form.load(tomorrow, contacts=contacts, emergency=True, planning=planning)
            if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
                return
            data = form.result_meeting()
            failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
            operations.run(
                self,
                lambda: meetings.plan_emergency(ctx, case_id, data),
                lambda meeting: self.meeting_planned.emit(meeting.id),
                failed,
                [self],
                changes=operations.Change.MEETINGS | operations.Change.CASES,
                bus=self.bus,
            )

        self._run(lambda: (partners.contact_choices(ctx), meetings.planning_context(ctx)), ask)

    def edit_case(self, dialog: ReferralDialog | None = None) -> None:
        """Correct the person's details and what the referral recorded."""
        if self.details is None or self.ctx is None:
            return
        form = dialog or ReferralDialog(self)
        form.load_case(self.details.case, self.details.organisations, self.ctx.today())
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        person, draft, case_id = form.person(), form.draft(), self.details.case.id
        self._then_reload(lambda ctx: cases.edit_case(ctx, case_id, draft, person))

    def change_sharing(self, dialog: SharingDialog | None = None) -> None:
        """Record the legal basis and the person's information and consent."""
        if self.details is None or self.ctx is None:
            return
        form = dialog or SharingDialog(self)
        form.load(self.details.case.sharing, self.ctx.today())
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        sharing, case_id = form.result_sharing(), self.details.case.id
        self._then_reload(lambda ctx: cases.set_sharing(ctx, case_id, sharing))

    def change_opposition(self, dialog: OppositionDialog | None = None) -> None:
        """Record the person's objection to sharing, or its withdrawal, with the reason."""
        if self.details is None or self.ctx is None:
            return
        withdraw = self.details.case.sharing.opposed_on is not None
        form = dialog or OppositionDialog(self)
        form.load(withdraw)
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        reason, case_id = form.result_reason(), self.details.case.id
        if withdraw:
            self._then_reload(lambda ctx: opposition.withdraw_opposition(ctx, case_id, reason))
        else:
            self._then_reload(lambda ctx: opposition.record_opposition(ctx, case_id, reason))

    def add_participant(self, dialog: ParticipantDialog | None = None) -> None:
        """Share the situation with one more organisation, giving the reason."""
        if self.details is None or self.ctx is None:
            return
        case = self.details.case
        form = dialog or ParticipantDialog(self)
        form.load(self.details.organisations, set(case.access_list))
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        (org_id, reason), case_id = form.result_participant(), case.id
        self._then_reload(lambda ctx: cases.add_participant(ctx, case_id, org_id, reason))

    # -- relatives -----------------------------------------------------------------------------
    def _relative_buttons(self) -> None:
        writes = self.ctx is not None and self.ctx.user.can(Permission.WRITE_CASES)
        self.add_relative.setEnabled(writes and self.details is not None)
        self.remove_relative.setEnabled(writes and self._selected_relative() is not None)

    def _selected_relative(self) -> Relative | None:
        row = self.relatives.currentRow()
        if self.details is None or not 0 <= row < len(self.details.relatives):
            return None
        return self.details.relatives[row]

    def new_relative(self, dialog: RelativeDialog | None = None) -> None:
        """Link a relative or household member to the situation."""
        if self.details is None or self.ctx is None:
            return
        form = dialog or RelativeDialog(self)
        form.load(self.details.case.reference, self.ctx.today())
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        (person, relation), case_id = form.result_relative(), self.details.case.id
        self._then_reload(lambda ctx: relatives.add_relative(ctx, case_id, person, relation))

    def drop_relative(self) -> None:
        relative = self._selected_relative()
        if relative is None or self.details is None:
            return
        case_id, person_id = self.details.case.id, relative.person.id
        self._then_reload(lambda ctx: relatives.remove_relative(ctx, case_id, person_id))

    def _add_note(self) -> None:
        if self.details is None:
            return
        case_id, text = self.details.case.id, self.note.toPlainText()
        self._then_reload(lambda ctx: cases.add_note(ctx, case_id, text), self.note.clear)
