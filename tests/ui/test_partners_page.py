"""The partners page: organisations with their charter, contacts, and the directory import."""

from __future__ import annotations

from casecell.domain.nomenclatures import OrganisationKind
from casecell.services import accounts, partners
from casecell.services.partners import ContactInput, OrganisationInput
from tests.ui.test_situations import sign_in


def test_partners_contacts_and_a_directory_import(admin_ctx, make_window, qtbot, tmp_path):
    org = partners.add_organisation(
        admin_ctx, OrganisationInput("Habitat <Nord> & Cie", OrganisationKind.SOCIAL_LANDLORD)
    )
    partners.add_contact(admin_ctx, ContactInput(org.id, "Zoë Łukasiewicz", "gestion locative"))
    accounts.sign_out(admin_ctx)
    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.partners
    with qtbot.waitSignal(page.loaded, timeout=20_000):  # read when first shown
        window.workspace.show_page(page)
    assert page.organisations.item(0, 0).text() == "Habitat <Nord> & Cie"
    assert page.organisations.item(0, 3).text() == "non signée"
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.organisations.selectRow(0)
    assert page.contacts.item(0, 0).text() == "Zoë Łukasiewicz"

    source = tmp_path / "annuaire.csv"
    source.write_text("Structure;Type;Charte signée le\nCAF du Nord;CAF;02/01/2025\n", "utf-8")
    shown: list[str] = []
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.import_directory(str(source), confirm=lambda text: shown.append(text) or False)
    assert "organisations créées : 1" in shown[0] and "CAF du Nord" in shown[0]
    assert page.organisations.rowCount() == 1  # declined: nothing imported

    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.import_directory(str(source), confirm=lambda text: True)
    qtbot.waitUntil(lambda: page.organisations.rowCount() == 2, timeout=20_000)
    names = {page.organisations.item(r, 0).text() for r in range(2)}
    assert names == {"Habitat <Nord> & Cie", "CAF du Nord"}


def test_creating_and_editing_partners_from_the_window(admin_ctx, make_window, qtbot, monkeypatch):
    from casecell.ui.dialogs.partner import ContactDialog, OrganisationDialog

    accounts.sign_out(admin_ctx)
    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.partners
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.workspace.show_page(page)
    form = OrganisationDialog(page)

    def new_org():
        form.name.setText("Maison des solidarités <Nord>")
        form.kind.setCurrentIndex(form.kind.findData("cd_mds"))
        form.commune.setText("7505")
        assert not form.validate() and "INSEE" in form.problem.text()
        form.commune.setText("59650")
        form.email.setText("pas-un-courriel")
        assert not form.validate() and "électronique" in form.problem.text()
        form.email.setText("mds@exemple.invalid")
        form.charter.setChecked(True)
        return OrganisationDialog.DialogCode.Accepted

    monkeypatch.setattr(form, "exec", new_org)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.edit_organisation(new=True, dialog=form)
    qtbot.waitUntil(lambda: page.organisations.rowCount() == 1, timeout=20_000)
    assert page.organisations.item(0, 0).text() == "Maison des solidarités <Nord>"
    assert page.organisations.item(0, 3).text() != "non signée"

    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.organisations.selectRow(0)
    contact_form = ContactDialog(page)

    def new_contact():
        contact_form.name.setText("Inès Benali")
        contact_form.function.setText("assistante sociale")
        contact_form.secrecy.setChecked(False)
        return ContactDialog.DialogCode.Accepted

    monkeypatch.setattr(contact_form, "exec", new_contact)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.edit_contact(new=True, dialog=contact_form)
    assert page.contacts.item(0, 0).text() == "Inès Benali"
    assert page.contacts.item(0, 4).text() == "non"

    rename = OrganisationDialog(page)

    def renamed():
        assert rename.name.text() == "Maison des solidarités <Nord>"  # loaded for editing
        rename.name.setText("MDS Nord")
        return OrganisationDialog.DialogCode.Accepted

    monkeypatch.setattr(rename, "exec", renamed)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.edit_organisation(dialog=rename)
    qtbot.waitUntil(lambda: page.organisations.item(0, 0).text() == "MDS Nord", timeout=20_000)
    for dialog in (form, contact_form, rename):
        dialog.deleteLater()
