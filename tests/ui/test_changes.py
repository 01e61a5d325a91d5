"""What one page changes, every page that shows it shows (Anki's ``OpChanges`` habit):
an operation names what it changed, the window's bus tells the pages, and each page that
shows that kind of data refreshes itself, at once if shown, when next shown otherwise."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from casecell.errors import KnownError
from casecell.ui.operations import Change, ChangeBus, run
from casecell.ui.pages import follow
from tests.ui.test_situations import filled, open_first_case, sign_in  # noqa: F401  (fixture)


def test_a_page_follows_only_what_it_shows_and_not_its_own_changes(qapp, qtbot):
    bus, shown, hidden = ChangeBus(), QWidget(), QWidget()
    qtbot.addWidget(shown)
    qtbot.addWidget(hidden)
    calls: list[str] = []
    follow(bus, Change.CASES | Change.PARTNERS, shown, lambda: calls.append("shown"))
    follow(bus, Change.MEETINGS, hidden, lambda: calls.append("hidden"))
    shown.show()

    bus.announce(Change.CASES)
    assert calls == ["shown"]  # visible: at once
    bus.announce(Change.MEETINGS)
    assert calls == ["shown"]  # hidden: not read now…
    hidden.show()
    assert calls == ["shown", "hidden"]  # …but as soon as it is shown, once
    hidden.hide()
    hidden.show()
    assert calls == ["shown", "hidden"]

    bus.announce(Change.SETTINGS)  # shown by neither
    bus.announce(Change.NONE)
    bus.announce(Change.CASES, shown)  # its own operation: it shows its result itself
    assert calls == ["shown", "hidden"]
    bus.announce(Change.EVERYTHING)
    assert calls == ["shown", "hidden", "shown", "hidden"]
    hidden.hide()
    shown.hide()


def test_an_operation_announces_its_change_after_its_own_callback(qapp, qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    bus = ChangeBus(page)
    order: list[object] = []
    bus.changed.connect(lambda change, origin: order.append((change, origin)))

    def finished(operation) -> None:
        with qtbot.waitSignal(operation.done, timeout=5_000):
            pass  # the work runs in the thread pool; done comes through the event loop
        qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)

    finished(run(page, lambda: 41 + 1, order.append, print, changes=Change.CASES, bus=bus))
    assert order == [42, (Change.CASES, page)]

    failed: list[str] = []

    def broken() -> int:
        raise KnownError("not written")

    finished(run(page, broken, order.append, lambda m, _r: failed.append(m),
                 changes=Change.CASES, bus=bus))  # fmt: skip
    assert failed == ["not written"]
    assert order == [42, (Change.CASES, page)]  # nothing written, nothing announced


def test_a_person_renamed_on_the_case_page_is_renamed_on_the_persons_page(
    filled,  # noqa: F811
    make_window,
    qtbot,
    monkeypatch,
):
    from casecell.ui.dialogs.referral import ReferralDialog

    window = make_window()
    sign_in(window, qtbot)
    persons = window.workspace.persons
    with qtbot.waitSignal(persons.loaded, timeout=20_000):
        window.workspace.show_page(persons)
    pseudonym_rows = {persons.table.item(r, 1).text() for r in range(persons.table.rowCount())}
    assert not any("Zéphyrine-Test" in text for text in _names(persons))

    window.workspace.show_page(window.workspace.situations)
    open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    form = ReferralDialog(case_page)

    def renamed():
        form.first_name.setText("Zéphyrine-Test")
        return ReferralDialog.DialogCode.Accepted

    monkeypatch.setattr(form, "exec", renamed)
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.edit_case(form)
    assert case_page.details.case.person.first_name == "Zéphyrine-Test"

    # The persons page was hidden: it reads again when shown, without anyone asking it to.
    with qtbot.waitSignal(persons.loaded, timeout=20_000):
        window.workspace.show_page(persons)
    assert any("Zéphyrine-Test" in text for text in _names(persons))
    assert pseudonym_rows
    form.deleteLater()


def _names(page) -> list[str]:
    table = page.table
    return [
        " ".join(table.item(r, c).text() for c in range(table.columnCount()) if table.item(r, c))
        for r in range(table.rowCount())
    ]
