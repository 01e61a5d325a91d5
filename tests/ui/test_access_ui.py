"""Need-to-know in the window: a member's list holds their organisation's situations only,
and a situation is shared with one more partner from its page, with a reason."""

from __future__ import annotations

from casecell.ui.dialogs.participant import ParticipantDialog
from tests.conftest import OTHER_PASS
from tests.services.test_access import world  # noqa: F401  (fixture)
from tests.ui.test_situations import open_first_case, sign_in


def _references(page) -> set[str]:
    return {page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())}


def test_a_members_list_has_only_their_organisations_rows(world, make_window, qtbot):  # noqa: F811
    window = make_window()
    sign_in(window, qtbot, "m.ccas", OTHER_PASS)
    page = window.workspace.situations
    assert _references(page) == {world.mine.reference, world.shared.reference}
    assert page.count.text() == "2 situations"


def test_adding_a_partner_with_a_reason_from_the_case_page(
    world,  # noqa: F811
    make_window,
    qtbot,
    monkeypatch,
):
    window = make_window()
    sign_in(window, qtbot, "m.cmp", OTHER_PASS)
    assert _references(window.workspace.situations) == {world.theirs.reference}
    open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    dialog = ParticipantDialog(case_page)
    monkeypatch.setattr(dialog, "exec", lambda: dialog.DialogCode.Accepted)
    original_load = dialog.load

    def load_then_fill(organisations, taking_part):
        original_load(organisations, taking_part)
        assert world.cmp not in {
            dialog.organisation.itemData(i) for i in range(dialog.organisation.count())
        }
        assert not dialog.validate()  # no reason yet: OK stays disabled
        dialog.organisation.setCurrentIndex(dialog.organisation.findData(world.ccas))
        dialog.reason.setText("Suivi commun « RSA » <b>")
        assert dialog.validate()

    monkeypatch.setattr(dialog, "load", load_then_fill)
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.add_participant(dialog)
    last = case_page.history.item(case_page.history.rowCount() - 1, 2).text()
    assert (
        last
        == "organisation ajoutée à la situation — CCAS de Villebourg — Suivi commun « RSA » <b>"
    )
    assert world.ccas in case_page.details.case.participant_org_ids
    dialog.deleteLater()
