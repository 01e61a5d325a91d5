"""The persons page: find someone, see their situations, open one and come back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.test_situations import filled, sign_in  # noqa: F401  (fixture)


def test_find_a_person_and_open_their_situation(filled, make_window, qtbot):  # noqa: F811
    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.persons
    assert page.table.rowCount() == 0  # read when first shown, after the situations list
    names = [window.workspace.nav.item(i).text() for i in range(window.workspace.nav.count())]
    assert names == ["Accueil", "Situations", "Partenaires", "Personnes", "Réunions", "Rapports"]
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.workspace.nav.setCurrentRow(names.index("Personnes"))
    assert window.workspace.pages.currentWidget() is page
    assert page.table.rowCount() == 200 and "200 dernières enregistrées" in page.count.text()

    pseudonym = page.table.item(3, 1).text()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.search.setText(pseudonym.lower())
    assert page.table.rowCount() == 1 and page.count.text() == "1 personne"
    assert not page.open_button.isEnabled()
    page.table.selectRow(0)
    assert page.situations.count() >= 1 and page.open_button.isEnabled()
    reference = page.situations.item(0).text().split(" — ")[0]

    with qtbot.waitSignal(window.workspace.case_page.loaded, timeout=20_000):
        qtbot.keyClick(page.situations, Qt.Key.Key_Return)
    assert window.workspace.pages.currentWidget() is window.workspace.case_page
    assert window.workspace.case_page.details.case.reference == reference
    assert window.workspace.case_page.details.case.person.pseudonym == pseudonym

    with qtbot.waitSignal(page.loaded, timeout=20_000):
        qtbot.keyClick(window.workspace.case_page, Qt.Key.Key_Escape)
    # back where the situation was opened from
    assert window.workspace.pages.currentWidget() is page
    assert page.search.text() == pseudonym.lower()


def test_names_as_typed_are_shown_as_plain_text(filled, make_window, qtbot):  # noqa: F811
    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.persons
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.workspace.show_page(page)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.search.setText("zzzz personne")
    assert page.table.rowCount() == 0 and page.count.text() == "0 personne"


def test_right_of_access_from_the_persons_page_and_the_case_page(
    filled,  # noqa: F811
    make_window,
    qtbot,
    tmp_path,
):
    from tests.services.test_minutes import pdf_text

    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.persons
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.workspace.show_page(page)
    assert page.access_button.isVisibleTo(window) and not page.access_button.isEnabled()
    page.table.selectRow(0)
    assert page.access_button.isEnabled()
    pseudonym = page.table.item(0, 1).text()
    target = tmp_path / "acces.pdf"
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.export_access(str(target))
    assert "acces.pdf" in page.error.text() and "en clair" in page.error.text()
    assert pseudonym in pdf_text(str(target))

    with qtbot.waitSignal(window.workspace.case_page.loaded, timeout=20_000):
        page.open_selected()
    case = window.workspace.case_page
    assert case.access.isVisibleTo(window)
    second = tmp_path / "depuis-la-situation.pdf"
    with qtbot.waitSignal(case.loaded, timeout=20_000):
        case.export_access(str(second))
    assert case.details.case.reference in pdf_text(str(second))
    assert "depuis-la-situation.pdf" in case.error.text()
