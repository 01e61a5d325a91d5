"""The meeting planner in the window, driven like a coordinator: plan a series, open a
meeting, build its agenda with the keyboard, invite, take attendance, note, export."""

from __future__ import annotations

import icalendar
from PySide6.QtCore import Qt

from casecell.ui.dialogs.meeting import MeetingDialog
from casecell.ui.dialogs.proposal import ProposalDialog
from tests.ui.test_situations import filled, sign_in  # noqa: F401  (fixture)


def open_meetings(window, qtbot):
    """Sign in, then go to Réunions: the meetings are read when the page is first shown."""
    sign_in(window, qtbot)
    names = [window.workspace.nav.item(i).text() for i in range(window.workspace.nav.count())]
    with qtbot.waitSignal(window.workspace.meetings.loaded, timeout=20_000):
        window.workspace.nav.setCurrentRow(names.index("Réunions"))
    return window.workspace.meetings


def test_plan_a_series_then_run_a_meeting(filled, make_window, qtbot, monkeypatch, tmp_path):  # noqa: F811
    window = make_window()
    page = open_meetings(window, qtbot)
    assert window.workspace.pages.currentWidget() is page

    def plan(form):
        form.start.setDateTime(form.start.dateTime().addDays(0))
        form.place.setText("Mairie, salle « Conseil »")
        form.title.setText("Plénière <mensuelle>")
        form.repeat.setCurrentIndex(form.repeat.findData("monthly"))
        form.count.setValue(6)
        assert form.validate() and "de chaque mois" in form.preview.text()
        form.place.setText("")
        assert not form.validate() and "lieu" in form.problem.text()
        form.place.setText("Mairie, salle « Conseil »")
        return MeetingDialog.DialogCode.Accepted

    monkeypatch.setattr(MeetingDialog, "exec", plan)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.plan()
    assert page.notice.text().startswith("6 réunions planifiées.")
    assert page.table.rowCount() >= 1
    assert page.table.item(0, 3).text() == "Plénière <mensuelle>"  # as typed, not as markup

    with qtbot.waitSignal(window.workspace.meeting_page.loaded, timeout=20_000):
        qtbot.keyClick(
            page.table, Qt.Key.Key_Return
        ) if page.table.currentRow() >= 0 else page._open(0)
    meeting_page = window.workspace.meeting_page
    assert window.workspace.pages.currentWidget() is meeting_page
    assert meeting_page.title.text() == "Plénière <mensuelle>"
    assert "série : le" in meeting_page.subtitle.text()

    def choose(form):
        assert form.list.count() >= 2
        for n in range(form.list.count()):
            form.list.item(n).setCheckState(
                Qt.CheckState.Checked if n < 3 else Qt.CheckState.Unchecked
            )
        return ProposalDialog.DialogCode.Accepted

    monkeypatch.setattr(ProposalDialog, "exec", choose)
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):  # proposal read, agenda saved
        meeting_page.propose_agenda()
    assert meeting_page.agenda.rowCount() == 3
    first, second = (meeting_page.agenda.item(r, 1).text() for r in (0, 1))
    assert meeting_page.agenda.item(0, 0).text().startswith("14:00")

    meeting_page.agenda.setFocus()
    meeting_page.agenda.selectRow(0)
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        qtbot.keyClick(meeting_page.agenda, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [meeting_page.agenda.item(r, 1).text() for r in (0, 1)] == [second, first]
    assert meeting_page.agenda.currentRow() == 1  # the selection followed the item

    meeting_page.agenda.selectRow(0)
    usual = int(meeting_page.agenda.item(0, 4).text())
    assert meeting_page.minutes.value() == usual in (10, 15)  # the purpose's usual time
    meeting_page.minutes.setValue(25)
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        meeting_page.minutes.editingFinished.emit()
    assert meeting_page.agenda.item(0, 0).text() == "14:00–14:25"
    assert meeting_page.agenda.item(1, 0).text().startswith("14:25")  # the next one follows

    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        meeting_page.invite.click()
    assert meeting_page.people.rowCount() >= 1
    assert meeting_page.invitations.rowCount() >= 1

    meeting_page.tabs.setCurrentIndex(2)
    meeting_page.people.selectRow(0)
    meeting_page.attendance.setCurrentIndex(meeting_page.attendance.findData("represented"))
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        meeting_page.save_attendance.click()
    assert "Indiquez qui a représenté" in meeting_page.error.text()
    meeting_page.represented_by.setText("Mme Łucja Nowak <adjointe>")
    meeting_page.undertaking.setChecked(True)
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        meeting_page.save_attendance.click()
    assert meeting_page.people.item(0, 2).text() == "représenté (Mme Łucja Nowak <adjointe>)"
    assert meeting_page.people.item(0, 3).text() == "oui"

    meeting_page.observer.setText("Élève assistante sociale")
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        meeting_page.add_observer.click()
    observers = [
        meeting_page.people.item(r, 0).text() for r in range(meeting_page.people.rowCount())
    ]
    assert "Élève assistante sociale — observateur" in observers

    meeting_page.tabs.setCurrentIndex(3)
    meeting_page.agenda.selectRow(0)
    meeting_page.notes.setPlainText("Avis <b>partagé</b> : visite conjointe")
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        meeting_page.save_notes.click()
    meeting_page.agenda.selectRow(0)
    assert meeting_page.notes.toPlainText() == "Avis <b>partagé</b> : visite conjointe"

    folder = tmp_path / "envoi aux partenaires"
    folder.mkdir()
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        meeting_page.export_invitations(str(folder))
    written = sorted(p.suffix for p in folder.iterdir())
    assert written == [".ics", ".pdf"] and "aucun nom" in meeting_page.error.text()
    ics = next(folder.glob("*.ics"))
    assert icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")

    with qtbot.waitSignal(page.loaded, timeout=20_000):
        qtbot.keyClick(meeting_page, Qt.Key.Key_Escape)
    assert window.workspace.pages.currentWidget() is page


def test_the_calendar_marks_meeting_days_and_holidays(filled, make_window, qtbot):  # noqa: F811
    from PySide6.QtCore import QDate
    from PySide6.QtGui import QFont

    window = make_window()
    page = open_meetings(window, qtbot)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.calendar.setCurrentPage(2026, 3)  # the demo's meetings: 2nd and 4th Tuesdays
    tuesday = QDate(2026, 3, 10)
    text = page.calendar.dateTextFormat(tuesday)
    assert text.fontWeight() == QFont.Weight.Bold and text.fontUnderline()
    assert "14:00" in text.toolTip()
    assert page.table.rowCount() == 2
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.calendar.setCurrentPage(2026, 5)
    may_day = page.calendar.dateTextFormat(QDate(2026, 5, 1))
    assert may_day.fontItalic() and "Fête du Travail" in may_day.toolTip()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.span.setCurrentIndex(page.span.findData("week"))
    start, end = page.span_dates()
    assert (end - start).days == 6 and start.weekday() == 0


def test_an_emergency_meeting_from_a_situation_then_a_decision(
    filled,  # noqa: F811
    make_window,
    qtbot,
    monkeypatch,
):
    from casecell.ui.dialogs.action import ActionDialog
    from tests.ui.test_situations import open_first_case, refreshed

    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.situations
    refreshed(qtbot, page, lambda: page.status.setCurrentIndex(page.status.findData("monitoring")))
    open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    assert case_page.emergency.isVisible() and case_page.emergency.isEnabled()
    reference = case_page.details.case.reference

    def urgent(form):
        assert form.kind.count() == 1 and form.kind.currentText() == "réunion d’urgence"
        assert not form.repeat.isEnabled()
        form.place.setText("CCAS, bureau 2")
        form.chair.setCurrentIndex(1)
        return MeetingDialog.DialogCode.Accepted

    monkeypatch.setattr(MeetingDialog, "exec", urgent)
    with qtbot.waitSignal(window.workspace.meeting_page.loaded, timeout=20_000):
        case_page.plan_emergency()
    meeting_page = window.workspace.meeting_page
    assert window.workspace.pages.currentWidget() is meeting_page
    assert (
        meeting_page.agenda.rowCount() == 1 and meeting_page.agenda.item(0, 1).text() == reference
    )
    assert "réunion d’urgence" in meeting_page.subtitle.text()
    assert "présidence : " in meeting_page.subtitle.text()

    def decide(form):
        form.title.setText("Hébergement d’urgence « ce soir »")
        return ActionDialog.DialogCode.Accepted

    monkeypatch.setattr(ActionDialog, "exec", decide)
    meeting_page.agenda.selectRow(0)
    with qtbot.waitSignal(meeting_page.loaded, timeout=20_000):
        meeting_page.decide.click()
    meeting_page.agenda.selectRow(0)
    assert "1 action décidée ici" in meeting_page.item_label.text()
