"""Importing the partner directory (annuaire) from what French spreadsheets write."""

from __future__ import annotations

import pytest

from casecell.documents.interchange import ImportErrors
from casecell.domain.nomenclatures import OrganisationKind
from casecell.errors import ValidationError
from casecell.services import partners
from tests.conftest import tricky_strings

HEADER = ";".join(
    [
        "Structure", "Type", "Code INSEE", "Adresse", "Nom du contact", "Fonction", "Courriel",
        "Téléphone", "Secret professionnel", "Charte signée le",
    ]
)  # fmt: skip
ROWS = [
    ";".join(["CCAS de Villebourg", "CCAS", "59650", "1 place de la Mairie", "Léa Fontaine",
              "assistante sociale", "lea@exemple.invalid", "03 20 00 00 00", "oui", "12/03/2024"]),
    ";".join(["CCAS de Villebourg", "CCAS", "59650", "1 place de la Mairie", "Noé Martin",
              "directeur", "", "", "oui", "12/03/2024"]),
    ";".join(["Habitat du Nord", "Bailleur social", "59651", "", "Zoë Łukasiewicz",
              "chargée de gestion locative", "zoe@exemple.invalid", "", "non", ""]),
    "Gendarmerie de Hautmont;Gendarmerie;59653;;;;;;;",
]  # fmt: skip


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "annuaire.csv"):
    target = tmp_path / name
    target.write_bytes(text.encode(encoding))
    return target


def test_dry_run_reports_and_changes_nothing(admin_ctx, tmp_path):
    source = write(tmp_path, "\n".join([HEADER, *ROWS]), "utf-8-sig")
    report = partners.import_directory(admin_ctx, source, apply=False)
    assert not report.applied
    assert report.organisations_created == [
        "CCAS de Villebourg",
        "Habitat du Nord",
        "Gendarmerie de Hautmont",
    ]
    assert len(report.contacts_created) == 3
    assert partners.list_organisations(admin_ctx) == []


def test_apply_then_apply_again_changes_nothing_the_second_time(admin_ctx, tmp_path):
    source = write(tmp_path, "\n".join([HEADER, *ROWS]))
    first = partners.import_directory(admin_ctx, source, apply=True)
    assert first.applied and len(first.organisations_created) == 3
    orgs = {o.name: o for o in partners.list_organisations(admin_ctx)}
    ccas = orgs["CCAS de Villebourg"]
    assert ccas.kind is OrganisationKind.CCAS and ccas.charter_signed_on.isoformat() == "2024-03-12"
    assert orgs["Habitat du Nord"].kind is OrganisationKind.SOCIAL_LANDLORD
    assert orgs["Gendarmerie de Hautmont"].kind is OrganisationKind.POLICE
    contacts = partners.contacts_of(admin_ctx, orgs["Habitat du Nord"].id)
    assert [(c.name, c.bound_by_secrecy) for c in contacts] == [("Zoë Łukasiewicz", False)]
    again = partners.import_directory(admin_ctx, source, apply=True)
    assert again.organisations_created == again.organisations_updated == []
    assert again.contacts_created == again.contacts_updated == [] and again.unchanged == 3


def test_updates_are_detected_by_name_ignoring_case_and_accents(admin_ctx, tmp_path):
    partners.import_directory(admin_ctx, write(tmp_path, "\n".join([HEADER, *ROWS])), apply=True)
    changed = ROWS[0].replace("assistante sociale", "cheffe de service").replace("Léa", "LEA")
    report = partners.import_directory(
        admin_ctx, write(tmp_path, "\n".join([HEADER, changed]), name="b.csv"), apply=False
    )
    assert report.contacts_updated == ["LEA Fontaine (CCAS de Villebourg)"]
    assert report.contacts_created == []


def test_windows_1252_and_commas(admin_ctx, tmp_path):
    text = "Organisation,Type,Contact\r\nCentre médico-psychologique,CMP,Hélène Garçon\r\n"
    report = partners.import_directory(admin_ctx, write(tmp_path, text, "cp1252"), apply=True)
    assert report.organisations_created == ["Centre médico-psychologique"]
    assert report.contacts_created == ["Hélène Garçon (Centre médico-psychologique)"]


def test_bad_lines_are_named_and_nothing_is_written(admin_ctx, tmp_path):
    bad = [
        ROWS[0],
        "Sans type;;59650;;;;;;;",
        "Mauvais INSEE;CCAS;7505;;;;;;;",
        "Mauvaise date;CAF;;;;;;;;31/02/2024",
        "Mauvais courriel;CAF;;;X Y;;pas-un-courriel;;;",
        "Mauvais secret;CAF;;;X Y;;;;peut-être;",
    ]
    with pytest.raises(ImportErrors) as caught:
        partners.import_directory(admin_ctx, write(tmp_path, "\n".join([HEADER, *bad])), apply=True)
    message = caught.value.message
    for fragment in (
        "ligne 3",
        "ligne 4",
        "INSEE",
        "ligne 5",
        "31/02/2024",
        "ligne 6",
        "courriel",
        "ligne 7",
        "oui",
    ):
        assert fragment in message
    assert "rien n’a été modifié" in message
    assert partners.list_organisations(admin_ctx) == []


def test_a_file_without_the_needed_columns(admin_ctx, tmp_path):
    with pytest.raises(ValidationError, match="Colonne manquante : Type"):
        partners.import_directory(
            admin_ctx, write(tmp_path, "Organisation;Commune\nX;Y\n"), apply=False
        )
    with pytest.raises(ValidationError, match="vide"):
        partners.import_directory(admin_ctx, write(tmp_path, "", name="vide.csv"), apply=False)


def test_tricky_names_survive_csv_quoting(admin_ctx, tmp_path):
    import csv
    import io

    names = [" ".join(t.split()) for t in tricky_strings() if len(" ".join(t.split())) <= 200]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Organisation", "Type", "Contact"])
    for i, name in enumerate(names):
        writer.writerow([f"Structure {i}", "Association", name])
    partners.import_directory(admin_ctx, write(tmp_path, buffer.getvalue()), apply=True)
    stored = {
        c.name
        for org in partners.list_organisations(admin_ctx)
        for c in partners.contacts_of(admin_ctx, org.id)
    }
    assert stored == set(names)
