"""The planning dialog tells, before OK, what the CLI prints once a meeting is planned: a
date in the past, a public holiday (the cell's region's too), the place already taken."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QTime

from casecell.compat import UTC
from casecell.domain.meetings import Busy, Meeting, MeetingKind, MeetingStatus
from casecell.services import accounts, meetings, settings
from casecell.services.meetings import MeetingInput, PlanningContext
from casecell.ui.dialogs.meeting import MeetingDialog
from tests.ui.test_meetings_page import open_meetings

TAKEN = datetime(2027, 3, 26, 13, tzinfo=UTC)  # Good Friday 2027, 14:00 in Paris
CLSM = Busy(7, "Réunion du CLSM", TAKEN, TAKEN + timedelta(hours=2), "Mairie, salle A")


def at(form: MeetingDialog, day: QDate, hour: int) -> None:
    form.start.setDateTime(QDateTime(day, QTime(hour, 0)))


def test_the_dialog_warns_as_the_date_and_place_are_typed(qtbot):
    form = MeetingDialog()
    qtbot.addWidget(form)
    planning = PlanningContext([CLSM], "57", datetime(2027, 3, 1, tzinfo=UTC))
    form.load(datetime(2027, 3, 25, 14), planning=planning)
    form.place.setText("mairie salle a")
    assert form.validate() and form.warnings.text() == ""
    at(form, QDate(2027, 3, 26), 14)
    assert form.validate()  # a warning, not a refusal
    assert form.warnings.text().splitlines() == [
        "⚠ 26/03/2027 est un jour férié (Vendredi saint).",
        "⚠ Le lieu est déjà pris par « Réunion du CLSM » (26/03/2027 14:00).",
    ]
    form.place.setText("CCAS")
    assert form.warnings.text() == "⚠ 26/03/2027 est un jour férié (Vendredi saint)."
    at(form, QDate(2027, 2, 1), 14)
    assert form.warnings.text() == "⚠ 01/02/2027 14:00 est déjà passé."


def test_a_meeting_being_changed_does_not_clash_with_itself(qtbot):
    form = MeetingDialog()
    qtbot.addWidget(form)
    itself = Meeting(7, TAKEN, 120, "Mairie, salle A", MeetingKind.PLENARY, MeetingStatus.PLANNED)
    form.load(itself.local_start, itself, planning=PlanningContext([CLSM], "", TAKEN))
    assert form.validate() and form.warnings.text() == ""


def test_planning_from_the_window_shows_the_warnings_before_ok(
    admin_ctx, make_window, qtbot, monkeypatch
):
    settings.set_holiday_region(admin_ctx, "974")
    meetings.plan_meeting(admin_ctx, MeetingInput("21/12/2027 14:00", 120, "Salle du CCAS"))
    accounts.sign_out(admin_ctx)
    window = make_window()
    page = open_meetings(window, qtbot)
    seen = []

    def plan(form):
        at(form, QDate(2027, 12, 20), 14)
        form.place.setText("Salle du CCAS")
        seen.append(form.warnings.text())
        at(form, QDate(2027, 12, 21), 15)
        seen.append(form.warnings.text())
        return MeetingDialog.DialogCode.Rejected

    monkeypatch.setattr(MeetingDialog, "exec", plan)
    page.plan()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=20_000)
    assert seen[0] == "⚠ 20/12/2027 est un jour férié (Abolition de l'esclavage)."
    assert seen[1].startswith("⚠ Le lieu est déjà pris par « Réunion plénière »")
