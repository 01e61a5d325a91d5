"""Every field a user can reach has a name a screen reader can say, and Tab reaches them in
reading order (issue: accessibility). Walks the real pages and dialogs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from casecell.ui.dialogs.action import ActionDialog
from casecell.ui.dialogs.carry_over import CarryOverDialog
from casecell.ui.dialogs.meeting import MeetingDialog
from casecell.ui.dialogs.minutes import MinutesDialog
from casecell.ui.dialogs.partner import ContactDialog, OrganisationDialog
from casecell.ui.dialogs.proposal import ProposalDialog
from casecell.ui.dialogs.referral import ReferralDialog
from casecell.ui.dialogs.relative import RelativeDialog
from casecell.ui.dialogs.sharing import SharingDialog
from casecell.ui.dialogs.transition import TransitionDialog
from tests.ui.test_situations import filled, open_first_case, sign_in  # noqa: F401

FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView)


def unnamed_fields(root: QWidget) -> list[str]:
    """Input widgets under ``root`` without an accessible name (Qt's inner parts excepted)."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, FIELDS) or isinstance(widget, QHeaderView):
            continue
        parent = widget.parentWidget()
        if isinstance(parent, (QComboBox, QAbstractSpinBox)) or (
            parent is not None and isinstance(parent.parentWidget(), QComboBox)
        ):
            continue  # the line edit inside a date edit, the popup list of a combo box
        if widget.objectName().startswith("qt_"):
            continue
        if not widget.accessibleName().strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


@pytest.mark.parametrize(
    "dialog_type",
    [
        ReferralDialog,
        RelativeDialog,
        ActionDialog,
        CarryOverDialog,
        SharingDialog,
        TransitionDialog,
        OrganisationDialog,
        ContactDialog,
        MeetingDialog,
        ProposalDialog,
        MinutesDialog,
    ],
)
def test_every_dialog_field_has_an_accessible_name(qapp, dialog_type):
    dialog: QDialog = dialog_type()
    try:
        assert unnamed_fields(dialog) == []
    finally:
        dialog.deleteLater()


def test_every_page_field_has_an_accessible_name(filled, make_window, qtbot):  # noqa: F811
    window = make_window()
    assert unnamed_fields(window.welcome) == []
    assert unnamed_fields(window.login) == []
    sign_in(window, qtbot)
    open_first_case(window, qtbot)
    assert unnamed_fields(window) == []  # every page is built, shown or not


def tab_chain(start: QWidget, steps: int) -> list[QWidget]:
    """The next ``steps`` widgets Tab lands on after ``start`` (shown or not yet shown)."""
    chain, widget, top = [], start, start.window()
    for _ in range(steps * 50):
        widget = widget.nextInFocusChain()
        if widget is start or len(chain) == steps:
            break
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(top):
            chain.append(widget)
    return chain


def test_tab_goes_through_the_forms_in_reading_order(make_window, qtbot):
    window = make_window()
    page = window.welcome
    expected = [page.name, page.passphrase, page.confirmation]
    chain = tab_chain(page.login, 6)
    assert [w for w in chain if w in expected] == expected

    dialog = ReferralDialog()
    try:
        order = [
            dialog.first_name,
            dialog.last_name,
            dialog.birth,
            dialog.commune,
            dialog.person_form.address,
            dialog.person_form.postcode,
            dialog.person_form.phone,
            dialog.person_form.email,
            dialog.nir,
            dialog.known,
            dialog.search_known,
            dialog.referred_on,
            dialog.referrer,
        ]
        assert [w for w in tab_chain(order[0], 24) if w in order] == order[1:]
    finally:
        dialog.deleteLater()


def test_the_home_buttons_each_have_their_own_access_key(filled, make_window, qtbot):  # noqa: F811
    """Alt+letter reaches one button only (two buttons on one letter: the first one wins)."""
    import re

    from PySide6.QtWidgets import QPushButton

    window = make_window()
    sign_in(window, qtbot)
    buttons = [b for b in window.home.findChildren(QPushButton) if b.isVisibleTo(window.home)]
    keys = [m.group(1).casefold() for b in buttons if (m := re.search(r"&(\w)", b.text()))]
    assert len(keys) >= 6
    assert len(keys) == len(set(keys)), sorted(keys)
