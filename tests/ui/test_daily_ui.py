"""Daily use in the window: the home page says what needs doing, late dates are marked in
words (not by colour alone), and the screenshot pages show real data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from casecell.services import dashboard
from casecell.ui.application import screenshot
from tests.conftest import ADMIN, ADMIN_PASS, OTHER_PASS
from tests.ui.test_situations import filled, sign_in  # noqa: F401  (fixture)


def signed_in_home(make_window, qtbot):
    window = make_window()
    with qtbot.waitSignal(window.home.dashboard_loaded, timeout=20_000):
        sign_in(window, qtbot)
    return window


def texts(widget):
    return [widget.item(i).text() for i in range(widget.count())]


def test_the_home_page_lists_reviews_due_late_actions_and_the_next_meeting(
    filled,  # noqa: F811
    make_window,
    qtbot,
):
    window = signed_in_home(make_window, qtbot)
    home = window.home
    board = dashboard.dashboard(window.session.ctx)
    assert board.late_actions and board.reviews  # the demo is older than today
    reviews, late = texts(home.reviews), texts(home.late_actions)
    assert reviews[0].startswith("⚠ EN RETARD — examen prévu le ")
    assert board.reviews[0].reference in reviews[0] and board.reviews[0].pseudonym in reviews[0]
    assert late[0].startswith("⚠ EN RETARD — échéance ")
    assert board.late_actions[0].title in late[0]
    item = home.late_actions.item(0)
    assert item.toolTip() == item.text()  # a cut line can be read whole
    assert item.data(Qt.ItemDataRole.AccessibleTextRole) == item.text()
    if board.late_count > len(board.late_actions):
        assert late[-1] == f"… et {board.late_count - len(board.late_actions)} autres"
    assert home.late_title.text() == f"{board.late_count} actions en retard"
    assert home.next_meeting.text().startswith("Prochaine réunion : ")
    for line in (*reviews, *late):  # references and pseudonyms only on the home page
        assert not any(
            row.last_name and f" {row.last_name} " in f" {line} " for row in board.reviews
        )

    # Enter on a line opens the situation; back comes home
    home.late_actions.setCurrentRow(0)
    with qtbot.waitSignal(window.workspace.case_page.loaded, timeout=20_000):
        home.late_actions.itemActivated.emit(home.late_actions.item(0))
    assert window.workspace.pages.currentWidget() is window.workspace.case_page
    assert window.workspace.case_page.details.case.id == board.late_actions[0].case_id
    with qtbot.waitSignal(home.dashboard_loaded, timeout=20_000):
        window.workspace._back_to_list()
    assert window.workspace.pages.currentWidget() is home


def test_a_manager_has_no_list_of_situations_on_the_home_page(filled, make_window, qtbot):  # noqa: F811
    window = make_window()
    sign_in(window, qtbot, "g.gestion", OTHER_PASS)
    assert not window.home.dashboard.isVisibleTo(window.home)
    assert window.home.reviews.count() == 0


def test_a_late_review_in_the_list_is_marked_by_a_sign_and_in_words(
    filled,  # noqa: F811
    make_window,
    qtbot,
):
    window = make_window()
    sign_in(window, qtbot)
    model = window.workspace.situations.model
    column = model.COLUMNS.index("next_review_on")
    late = next(r for r in range(model.rowCount()) if model.review_late(model._row(r)))
    index = model.index(late, column)
    shown = model.data(index)
    assert shown.startswith("⚠ ")
    spoken = model.data(index, Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == f"{shown[2:]} — examen en retard"
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == spoken


def test_screenshots_of_partners_persons_meetings_and_a_meeting_show_data(
    filled,  # noqa: F811
    make_window,
    qtbot,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setenv("CASECELL_USER", ADMIN)
    monkeypatch.setenv("CASECELL_PASSPHRASE", ADMIN_PASS)
    for page, table in (
        ("partners", lambda w: w.workspace.partners.organisations),
        ("persons", lambda w: w.workspace.persons.table),
        ("meetings", lambda w: w.workspace.meetings.table),
        ("meeting", lambda w: w.workspace.meeting_page.agenda),
        ("home", lambda w: w.home.late_actions),
    ):
        window = make_window()
        window.hide()  # as ``casecell gui --screenshot`` builds it: never shown before
        target = tmp_path / f"{page}.png"
        screenshot(window, target, page)
        found = table(window)
        rows = found.rowCount() if hasattr(found, "rowCount") else found.count()
        assert rows > 0, page
        assert not QImage(str(target)).isNull()
        if page == "meeting":
            assert window.workspace.pages.currentWidget() is window.workspace.meeting_page
            assert window.workspace.meeting_page.details.meeting.items


def test_long_labels_are_whole_in_tooltips_and_on_two_lines_in_charts(qapp):
    from casecell.documents.report_pdf import axis_label
    from casecell.ui.pages import data_table, fill_table

    long = "Département — aide sociale à l’enfance (ASE) " + "x" * 200
    table = data_table(["Type"], "Types", (80,))
    fill_table(table, [[long]])
    assert table.item(0, 0).text() == long and table.item(0, 0).toolTip() == long
    assert table.textElideMode() == Qt.TextElideMode.ElideRight
    table.deleteLater()

    assert axis_label("Maison des solidarités Villebourg-sur-Lys") == (
        "Maison des solidarités Villebourg-\nsur-Lys"
    )
    assert axis_label("Handicap") == "Handicap"
    cut = axis_label(long)
    assert cut.count("\n") == 1 and cut.endswith("…")
    assert all(len(line) <= 36 for line in cut.split("\n"))
