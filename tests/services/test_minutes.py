"""Minutes, as a secretary goes from a held meeting to validated nominative and pseudonymised
PDFs. Read back with pypdf: names as typed in one, no name or birth date in the other."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from casecell.domain.meetings import Attendance, ItemPurpose, MeetingStatus
from casecell.domain.minutes import MinutesStatus, Variant
from casecell.domain.nomenclatures import CarryOverReason, OrganisationKind
from casecell.domain.users import Role
from casecell.errors import PermissionDenied, ValidationError
from casecell.services import accounts, cases, meetings, minutes, partners
from casecell.services.cases import ActionInput, PersonInput
from casecell.services.meetings import AttendanceInput, ItemInput, MeetingInput, ParticipantInput
from casecell.services.partners import OrganisationInput
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS
from tests.services.test_cases import AGREED, draft, orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import cell  # noqa: F401  (fixture)

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}
# Persons concerned, from ../shared/tricky-strings.txt: (first name, last name, birth date).
PEOPLE = [
    ("Siobhán", "O'Connor-Ndiaye", date(1980, 3, 12)),
    ("Zoë", "Łukasiewicz-Øberg", date(1975, 11, 2)),
    ("Дмитрий", "Иванов", date(1990, 1, 31)),
    ("مريم", "بن علي", date(1988, 7, 14)),
    ("Nguyễn Thị", "Minh Khai", date(2001, 2, 28)),
    ("Eugène", "R&D <b>gras</b> &amp; &lt;", date(1962, 5, 9)),
]
# Someone else in the vault, named in a summary although not on the agenda.
BYSTANDER = ("Gaspard", "Vermillon", date(1944, 8, 25))


def pdf_text(data: bytes | str) -> str:
    from io import BytesIO

    source = BytesIO(data) if isinstance(data, bytes) else data
    return "\n".join(page.extract_text() for page in PdfReader(source).pages)


def shown(name: str) -> str:
    """How a name reads in extracted text: spaces dropped (lines wrap), RTL laid out reversed."""
    squeezed = "".join(name.split())
    return squeezed[::-1] if any("\u0590" <= ch <= "\u08ff" for ch in squeezed) else squeezed


def person_case(ctx, orgs, first, last, born):  # noqa: F811
    from casecell.domain.cases import Transition
    from casecell.domain.nomenclatures import CaseStatus

    case = cases.register_referral(
        ctx, PersonInput(first, last, birth_date=born), draft(orgs), AGREED
    )
    cases.change_status(ctx, case.id, Transition(CaseStatus.ELIGIBILITY))
    return cases.change_status(ctx, case.id, Transition(CaseStatus.ACCEPTED))


@pytest.fixture
def held(admin_ctx, cell):  # noqa: F811
    """A previous meeting with an action left undone, then yesterday's meeting, held, with
    notes naming the persons (and a bystander) and their birth dates."""
    ccas, cmp_, landlord = cell
    partners.update_organisation(
        admin_ctx,
        ccas.id,
        OrganisationInput(ccas.name, OrganisationKind.CCAS, "75056", permanent_member=True,
                          charter_signed_on=date(2026, 1, 2)),
    )  # fmt: skip
    concerned = [person_case(admin_ctx, cell, *p) for p in PEOPLE]
    person_case(admin_ctx, cell, *BYSTANDER)
    before = (datetime.now() - timedelta(days=15)).strftime("%d/%m/%Y 14:00")
    previous = meetings.plan_meeting(admin_ctx, MeetingInput(before, 120, "Mairie"))
    meetings.set_agenda(
        admin_ctx, previous.id, [ItemInput(concerned[0].id, ItemPurpose.NEW_REFERRAL)]
    )
    late = cases.add_action(
        admin_ctx,
        concerned[0].id,
        ActionInput("Visite à domicile <urgente>", cmp_.id, due_on=date.today(),
                    meeting_id=previous.id),
    )  # fmt: skip
    cases.carry_over(admin_ctx, late.id, CarryOverReason.PARTNER_DID_NOT_ACT)
    meetings.set_status(admin_ctx, previous.id, MeetingStatus.HELD)

    yesterday = (datetime.now() - timedelta(days=1)).strftime("%d/%m/%Y 14:00")
    meeting = meetings.plan_meeting(
        admin_ctx,
        MeetingInput(yesterday, 120, "Salle « Conseil » <b>", title="Plénière de Villebourg",
                     chair_contact_id=1, secretary_contact_id=2),
    )  # fmt: skip
    meetings.set_agenda(
        admin_ctx, meeting.id, [ItemInput(c.id, ItemPurpose.NEW_REFERRAL) for c in concerned]
    )
    for case, (first, last, born) in zip(concerned, PEOPLE, strict=True):
        meetings.set_item_notes(
            admin_ctx,
            meeting.id,
            case.id,
            f"{first} {last.upper()} (née le {born:%d/%m/%Y}) a rencontré {BYSTANDER[0]} "
            f"{BYSTANDER[1]}, né le {BYSTANDER[2]:%d/%m/%Y}. Voisinage inquiet.",
            f"Visite conjointe avec {last}.",
        )
        cases.add_action(
            admin_ctx,
            case.id,
            ActionInput(f"Appeler {first}", landlord.id, due_on=date(2027, 1, 15),
                        meeting_id=meeting.id),
        )  # fmt: skip
    meetings.invite(admin_ctx, meeting.id)
    people = meetings.get_meeting(admin_ctx, meeting.id).participants
    meetings.record_attendance(admin_ctx, people[0].id, AttendanceInput(Attendance.PRESENT))
    meetings.record_attendance(
        admin_ctx, people[1].id, AttendanceInput(Attendance.EXCUSED, information_sent=True)
    )
    observer = meetings.add_participant(
        admin_ctx, meeting.id, ParticipantInput(name="Élève <stagiaire>", observer=True)
    )
    meetings.record_attendance(
        admin_ctx, observer.id, AttendanceInput(Attendance.PRESENT, undertaking_signed=True)
    )
    meetings.set_status(admin_ctx, meeting.id, MeetingStatus.HELD)
    return meeting, concerned, cell


def test_the_nominative_minutes_hold_everything_as_typed(admin_ctx, held):
    meeting, concerned, _orgs = held
    view, data = minutes.render_minutes(admin_ctx, meeting.id)
    import os

    if os.environ.get("DUMP_PDF"):
        Path(os.environ["DUMP_PDF"]).write_bytes(data)
        Path(os.environ["DUMP_PDF"] + ".p.pdf").write_bytes(
            minutes.render_minutes(admin_ctx, meeting.id, Variant.PSEUDONYMISED)[1]
        )
    assert view.status is MinutesStatus.DRAFT and view.version == 1
    text = pdf_text(data)
    flat = "".join(text.split())
    for case, (first, last, born) in zip(concerned, PEOPLE, strict=True):
        assert case.reference in text
        assert shown(first) in flat and shown(last) in flat, last
        assert born.strftime("%d/%m/%Y") in text
    assert "Relevé de décisions" in text and "Plénière de Villebourg" in text
    assert re.search(r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+ \w+ 20\d\d", text)
    assert "Salle « Conseil » <b>" in text  # markup typed by a user prints as typed
    assert "Confidentiel — secret professionnel partagé" in text
    pages = len(PdfReader(__import__("io").BytesIO(data)).pages)
    assert f"page 1 / {pages}" in text and "PROJET" in text
    # Attendance, undertakings, the previous meeting's undone action and why.
    for expected in (
        "excusé, informations transmises", "présent", "Élève <stagiaire> (observateur)",
        "signé", "Visite à domicile <urgente>", "le partenaire n’a pas agi", "Appeler Zoë",
        "15/01/2027", "Référent CCAS de Villebourg",
    ):  # fmt: skip
        assert shown(expected) in flat, expected


def test_the_pseudonymised_minutes_name_nobody(admin_ctx, held):
    meeting, concerned, _orgs = held
    _view, data = minutes.render_minutes(admin_ctx, meeting.id, Variant.PSEUDONYMISED)
    text = pdf_text(data)
    flat = "".join(text.split()).casefold()
    for case in concerned:
        full = cases.get_case(admin_ctx, case.id)
        assert full.reference in text and full.person.pseudonym in text
    for first, last, born in [*PEOPLE, BYSTANDER]:
        for name in (first, last, *first.split(), *last.split("-")):
            if len(name) > 3:
                assert shown(name).casefold() not in flat, name
        for form in (f"{born:%d/%m/%Y}", born.isoformat()):
            assert form not in text
    assert "Voisinage inquiet." in text and "[date masquée]" in text
    assert "Version pseudonymisée" in text


def test_validation_freezes_and_a_new_version_says_who_changed_what_and_why(admin_ctx, held):
    meeting, concerned, _orgs = held
    first = minutes.validate_minutes(admin_ctx, meeting.id)
    assert first.version == 1 and first.status is MinutesStatus.VALIDATED
    timeline = cases.timeline(admin_ctx, concerned[0].id)
    assert timeline[-1].kind.value == "minutes_validated"
    assert "version 1" in timeline[-1].describe()
    with pytest.raises(ValidationError, match="validé"):
        meetings.set_item_notes(admin_ctx, meeting.id, concerned[0].id, "Autre chose")
    with pytest.raises(ValidationError, match="validé"):
        again = ActionInput("Encore", concerned[0].lead_org_id, meeting_id=meeting.id)
        cases.add_action(admin_ctx, concerned[0].id, again)
    with pytest.raises(ValidationError, match="déjà validée"):
        minutes.validate_minutes(admin_ctx, meeting.id)
    with pytest.raises(ValidationError, match="pourquoi"):
        minutes.new_version(admin_ctx, meeting.id, "  ")

    opened = minutes.new_version(admin_ctx, meeting.id, "Erreur sur la date de la visite")
    assert opened.version == 2 and opened.status is MinutesStatus.DRAFT
    meetings.set_item_notes(admin_ctx, meeting.id, concerned[0].id, "Synthèse corrigée.")
    second = minutes.validate_minutes(admin_ctx, meeting.id)
    reference = cases.get_case(admin_ctx, concerned[0].id).reference
    assert second.changes == (f"situation {reference} : synthèse",)

    old = pdf_text(minutes.render_minutes(admin_ctx, meeting.id, version=1)[1])
    new = pdf_text(minutes.render_minutes(admin_ctx, meeting.id)[1])
    assert "Voisinage inquiet" in old and "Synthèse corrigée." not in old
    assert "Synthèse corrigée." in new and "Erreur sur la date de la visite" in new
    assert "Version 2, validée le" in new and "PROJET" not in new
    with pytest.raises(ValidationError, match="pas de version 3"):
        minutes.render_minutes(admin_ctx, meeting.id, version=3)


def test_a_partner_without_a_charter_gets_only_the_pseudonymised_copy(admin_ctx, held):
    meeting, _concerned, (ccas, cmp_, _landlord) = held
    with pytest.raises(ValidationError, match=r"CMP Les Tilleuls.*pseudonymisé"):
        minutes.render_minutes(admin_ctx, meeting.id, Variant.NOMINATIVE, recipient_org_id=cmp_.id)
    _view, data = minutes.render_minutes(
        admin_ctx, meeting.id, Variant.PSEUDONYMISED, recipient_org_id=cmp_.id
    )
    assert "Exemplaire destiné à : CMP Les Tilleuls" in pdf_text(data)
    _view, data = minutes.render_minutes(
        admin_ctx, meeting.id, Variant.NOMINATIVE, recipient_org_id=ccas.id
    )
    assert PEOPLE[0][0] in pdf_text(data)


def test_only_the_chair_or_a_coordinator_validates_and_managers_see_no_minutes(
    admin_ctx, held, boot
):
    meeting, _concerned, _orgs = held
    accounts.add_user(admin_ctx, "m.membre", "Marc Membre", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    accounts.add_user(admin_ctx, "c.chair", "Contact 1", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    accounts.add_user(admin_ctx, "g.gest", "Gina Gestion", Role.MANAGER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    member = boot.sign_in("m.membre", OTHER_PASS)
    with pytest.raises(PermissionDenied, match="présidence de la réunion ou un coordinateur"):
        minutes.validate_minutes(member, meeting.id)
    accounts.sign_out(member)
    manager = boot.sign_in("g.gest", OTHER_PASS)
    with pytest.raises(PermissionDenied):
        minutes.render_minutes(manager, meeting.id, Variant.PSEUDONYMISED)
    accounts.sign_out(manager)
    chair = boot.sign_in("c.chair", OTHER_PASS)  # named as the chair's contact
    assert minutes.validate_minutes(chair, meeting.id).validated_by == "Contact 1"


def test_a_meeting_not_held_cannot_be_validated(admin_ctx, cell):  # noqa: F811
    soon = (datetime.now() + timedelta(days=3)).strftime("%d/%m/%Y 14:00")
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput(soon, 60, "Mairie"))
    with pytest.raises(ValidationError, match="tenue"):
        minutes.validate_minutes(admin_ctx, meeting.id)
    text = pdf_text(minutes.render_minutes(admin_ctx, meeting.id)[1])
    assert "Aucune situation n’était à l’ordre du jour." in text


def test_forty_items_make_a_well_formed_multi_page_pdf_with_fonts_embedded(
    admin_ctx,
    cell,  # noqa: F811
    tmp_path,
):
    concerned = [
        person_case(admin_ctx, cell, f"Prénom{n}", f"Nomdefamille{n}", date(1970, 1, 1 + n % 28))
        for n in range(40)
    ]
    yesterday = (datetime.now() - timedelta(days=1)).strftime("%d/%m/%Y 09:00")
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput(yesterday, 480, "Mairie"))
    meetings.set_agenda(
        admin_ctx, meeting.id, [ItemInput(c.id, ItemPurpose.REVIEW, 10) for c in concerned]
    )
    long = " ".join(["Échanges nourris entre partenaires, 1 234,56 € d’impayés."] * 120)
    meetings.set_item_notes(admin_ctx, meeting.id, concerned[0].id, long)
    target = tmp_path / "compte rendu.pdf"
    minutes.write_minutes(admin_ctx, meeting.id, target, Variant.PSEUDONYMISED)
    reader = PdfReader(target)
    assert len(reader.pages) >= 8
    text = pdf_text(str(target))
    for case in concerned:
        assert case.reference in text
    assert "Nomdefamille" not in text and "1 234,56 €" in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert descriptor is not None and "/FontFile2" in descriptor.get_object(), font
            fonts.add(str(font["/BaseFont"]))
    assert fonts and all("DejaVuSans" in f for f in fonts)


def test_cli_minutes_both_versions_and_errors(cli, admin_ctx, held, tmp_path):
    meeting, _concerned, (_ccas, cmp_, _landlord) = held
    accounts.sign_out(admin_ctx)
    ok = cli("minutes", str(meeting.id), "-o", str(tmp_path / "cr.pdf"), **AUTH)
    assert ok.code == 0, ok.err
    assert "version 1" in ok.out and PEOPLE[0][0] in pdf_text(str(tmp_path / "cr.pdf"))
    pseudo = tmp_path / "cr-pseudo.pdf"
    ok = cli("minutes", str(meeting.id), "-o", str(pseudo), "--pseudonymised",
             "--for", str(cmp_.id), **AUTH)  # fmt: skip
    assert ok.code == 0, ok.err
    assert PEOPLE[0][0] not in pdf_text(str(pseudo))
    refused = cli("minutes", str(meeting.id), "-o", str(tmp_path / "x.pdf"),
                  "--for", "CMP Les Tilleuls", **AUTH)  # fmt: skip
    assert refused.code == 1 and "charte" in refused.err and "Traceback" not in refused.err
    assert not (tmp_path / "x.pdf").exists()
    ok = cli("minutes", str(meeting.id), "--validate", **AUTH)
    assert ok.code == 0 and "validé" in ok.out, ok.err
    missing = cli("minutes", "999", "-o", str(tmp_path / "y.pdf"), **AUTH)
    assert missing.code == 1 and "Réunion 999 inconnue" in missing.err
