"""The person's participation on the meeting screen (keyboard only), and their objection
from the situation's page: both screens then say that nothing about it is shared."""

from __future__ import annotations

from PySide6.QtCore import Qt

from casecell.domain.meetings import PersonParticipation
from casecell.services import meetings, opposition
from casecell.ui.case_page import CasePage
from casecell.ui.dialogs.opposition import OppositionDialog
from casecell.ui.meeting_page import MeetingPage
from tests.services.test_cases import orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import cell  # noqa: F401  (fixture)
from tests.services.test_participation import calendar, clocked  # noqa: F401  (fixture)


def test_participation_typed_on_the_meeting_screen_then_the_objection_shows(
    calendar,  # noqa: F811
    clocked,  # noqa: F811
    qtbot,
):
    helene, _other, _held, under_way, *_rest = calendar
    page = MeetingPage()
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.load(clocked, under_way.id)
    page.agenda.selectRow(0)
    box = page.participation
    assert box.isEnabled() and not box.represented_by.isEnabled()
    box.status.setFocus()
    box.status.setCurrentIndex(box.status.findData(PersonParticipation.REPRESENTED.value))
    assert box.represented_by.isEnabled()
    box.represented_by.setText("Sa fille, Zoë Łukasiewicz-Øberg")
    box.words.setPlainText("« Je veux rester chez moi » <b>")
    assert box.words.tabChangesFocus()  # Tab leaves the words for the button
    box.save.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        qtbot.keyClick(box.save, Qt.Key.Key_Space)
    item = page.details.items[0]
    assert item.participation is PersonParticipation.REPRESENTED
    assert item.represented_by == "Sa fille, Zoë Łukasiewicz-Øberg"
    assert item.person_words == "« Je veux rester chez moi » <b>"
    assert page.sharing_notice.text() == ""

    opposition.record_opposition(clocked, helene.id, "Par courrier")
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.load(clocked, under_way.id)
    assert page.sharing_notice.text() == (
        f"⛔ {helene.reference} : la personne s’est opposée au partage de sa situation. "
        "Rien n’en est partagé : le compte rendu l’omet."
    )
    page.agenda.selectRow(0)
    assert box.represented_by.text() == "Sa fille, Zoë Łukasiewicz-Øberg"  # kept, shown again


def test_the_objection_from_the_case_page(calendar, clocked, qtbot, monkeypatch):  # noqa: F811
    helene, _other, _held, _under_way, soon, later, _cancelled = calendar
    page = CasePage()
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.load(clocked, helene.id)
    assert page.sharing_notice.text() == ""
    assert page.oppose.text() == "La personne s’&oppose…"
    dialog = OppositionDialog(page)
    monkeypatch.setattr(dialog, "exec", lambda: dialog.DialogCode.Accepted)
    original = dialog.load

    def load_then_type(withdraw):
        original(withdraw)
        assert not withdraw and not dialog.validate()  # no reason yet: OK disabled
        dialog.reason.setText("Refus écrit « ne plus en parler » <b>")
        assert dialog.validate()

    monkeypatch.setattr(dialog, "load", load_then_type)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.change_opposition(dialog)
    assert page.sharing_notice.text().startswith(
        f"⛔ {helene.reference} : la personne s’est opposée au partage de sa situation "
        "(depuis le 10/03/2027). Rien n’en est partagé"
    )
    assert page.oppose.text() == "Retirer l’&opposition…"
    assert not page.emergency.isEnabled()
    events = [page.history.item(r, 2).text() for r in range(page.history.rowCount())]
    assert "opposition au partage — notée — Refus écrit « ne plus en parler » <b>" in events
    assert sum("retirée d’un ordre du jour" in e for e in events) == 2
    for meeting in (soon, later):
        assert helene.id not in [i.case_id for i in meetings.get_meeting(clocked, meeting.id).items]
    dialog.deleteLater()
