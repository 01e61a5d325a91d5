"""Data-subject rights, as a coordinator answers a person's access request and an administrator
drafts the impact assessment. PDFs read back with pypdf."""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from casecell.domain.cases import Transition
from casecell.domain.meetings import ItemPurpose, MeetingStatus
from casecell.domain.minutes import Variant
from casecell.domain.nomenclatures import CaseStatus, OrganisationKind
from casecell.domain.users import Role
from casecell.errors import PermissionDenied, ValidationError
from casecell.services import accounts, cases, meetings, minutes, partners, rights
from casecell.services.cases import ActionInput, PersonInput
from casecell.services.meetings import ItemInput, MeetingInput
from casecell.services.partners import OrganisationInput
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS
from tests.services.test_cases import AGREED, draft, orgs  # noqa: F401  (fixture)
from tests.services.test_minutes import pdf_text

# Two fictitious persons whose every field is a marker no other text contains.
ALICE = ("Ombeline", "Quillardet-Ayoub", date(1971, 4, 3))
BRUNO = ("Gontran", "Vasselière", date(1969, 9, 9))
BRUNO_MARKERS = ("Gontran", "Vasselière", "09/09/1969", "Marqueur-B", "Consigne-B", "Appel-B")


@dataclass
class Register:
    alice: int  # case ids
    bruno: int
    alice_ref: str
    bruno_ref: str
    alice_pseudonym: str
    bruno_pseudonym: str
    meeting: datetime


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def register(admin_ctx, orgs, boot):  # noqa: F811
    ccas, cmp_, landlord = orgs
    partners.update_organisation(
        admin_ctx,
        ccas.id,
        OrganisationInput(
            ccas.name, OrganisationKind.CCAS, "75056", charter_signed_on=date(2026, 1, 2)
        ),
    )
    made = []
    for (first, last, born), summary, wishes in (
        (ALICE, "Logement <b>encombré</b> & voisinage inquiet.", "Rester chez elle."),
        (BRUNO, "Marqueur-B synthèse.", "Marqueur-B souhait."),
    ):
        case = cases.register_referral(
            admin_ctx,
            PersonInput(first, last, birth_date=born),
            draft(orgs, summary=summary, person_wishes=wishes),
            AGREED,
        )
        for target in (CaseStatus.ELIGIBILITY, CaseStatus.ACCEPTED):
            cases.change_status(admin_ctx, case.id, Transition(target))
        made.append(case)
    alice, bruno = made
    cases.add_note(
        admin_ctx,
        alice.id,
        f"Note-A : a rencontré {BRUNO[0]} {BRUNO[1]}, né le {BRUNO[2]:%d/%m/%Y}, chez elle.",
    )
    cases.add_note(admin_ctx, bruno.id, "Consigne-B : ne rien dire.")
    cases.add_action(admin_ctx, alice.id, ActionInput("Visite-A à domicile", cmp_.id))

    when = datetime.now() - timedelta(days=1)
    meeting = meetings.plan_meeting(
        admin_ctx, MeetingInput(when.strftime("%d/%m/%Y 14:00"), 120, "Mairie")
    )
    items = [ItemInput(c.id, ItemPurpose.NEW_REFERRAL) for c in (alice, bruno)]
    meetings.set_agenda(admin_ctx, meeting.id, items)
    meetings.set_item_notes(
        admin_ctx, meeting.id, alice.id, "Synthèse-A en réunion.", "Décision-A : visite conjointe."
    )
    meetings.set_item_notes(
        admin_ctx, meeting.id, bruno.id, "Marqueur-B réunion.", "Marqueur-B décision."
    )
    cases.add_action(
        admin_ctx, bruno.id, ActionInput("Appel-B", landlord.id, meeting_id=meeting.id)
    )
    meetings.set_status(admin_ctx, meeting.id, MeetingStatus.HELD)
    minutes.validate_minutes(admin_ctx, meeting.id)
    minutes.render_minutes(admin_ctx, meeting.id, Variant.PSEUDONYMISED)

    accounts.add_user(
        admin_ctx,
        "m.cmp",
        "Docteur Personnel-Nom",
        Role.MEMBER,
        OTHER_PASS,
        kdf=FAST_KDF,
        organisation_id=cmp_.id,
    )
    accounts.add_user(admin_ctx, "c.coord", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)
    accounts.add_user(admin_ctx, "g.manager", "", Role.MANAGER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    member = boot.sign_in("m.cmp", OTHER_PASS)
    cases.case_details(member, alice.id)
    accounts.sign_out(member)
    return Register(
        alice.id,
        bruno.id,
        alice.reference,
        bruno.reference,
        alice.person.pseudonym,
        bruno.person.pseudonym,
        when,
    )


@pytest.fixture
def signed_in(boot):
    opened = []

    def as_user(login: str, passphrase: str = OTHER_PASS):
        ctx = boot.sign_in(login, passphrase)
        opened.append(ctx)
        return ctx

    yield as_user
    for ctx in opened:
        accounts.sign_out(ctx)


def test_the_access_answer_holds_everything_about_the_person_and_nothing_of_another(
    register, signed_in, tmp_path
):
    coordinator = signed_in("c.coord")
    target = tmp_path / "acces.pdf"
    answer = rights.write_access(coordinator, f" {register.alice_ref} ", target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert (answer.pseudonym, answer.situations, answer.mentions) == (
        register.alice_pseudonym,
        1,
        1,
    )
    text = pdf_text(str(target))
    squeezed = flat(text)
    # Identity, the situation, as typed (markup prints as text).
    for expected in (
        *ALICE[:2],
        "03/04/1971",
        register.alice_pseudonym,
        register.alice_ref,
        "Logement <b>encombré</b> & voisinage inquiet.",
        "Rester chez elle.",
        "Le consentement de la personne",
        "accepté",
        "CCAS de Villebourg",
        "CMP Les Tilleuls",
        "Habitat Dupont <Fils> & Cie",
        "Logement / incurie",
    ):
        assert flat(expected) in squeezed, expected
    # The timeline, actions, and the minutes (meeting date, version, decisions).
    for expected in (
        "saisine enregistrée",
        "Note-A",
        "Visite-A à domicile",
        "Synthèse-A",
        "Décision-A : visite conjointe.",
        "version 1, validée le",
        register.meeting.strftime("%d/%m/%Y"),
    ):
        assert flat(expected) in squeezed, expected
    # Who consulted the file: organisation and role, never the login or the name.
    assert flat("CMP Les Tilleuls (membre)") in squeezed
    assert flat("a consulté la situation") in squeezed
    assert flat("a imprimé le compte rendu de la réunion du") in squeezed
    assert "m.cmp" not in text and "Personnel-Nom" not in text
    # The purposes, recipients, retention and rights.
    for expected in (
        "Pourquoi la cellule",
        "charte de confidentialité signée le 02/01/2026",
        "2 ans après le dernier contact",
        "www.cnil.fr/fr/plaintes",
        "article 15",
    ):
        assert flat(expected) in squeezed, expected
    # Nothing of the other person, even named in a note about this one.
    for marker in (*BRUNO_MARKERS, register.bruno_ref, register.bruno_pseudonym):
        assert flat(marker) not in squeezed, marker
    assert "[…]" in text and "[date masquée]" in text


def test_the_answer_is_audited_and_the_next_answer_lists_it(register, signed_in):
    admin = signed_in(ADMIN, ADMIN_PASS)
    _answer, first = rights.render_access(admin, register.alice_pseudonym.lower())
    assert "droit d’accès" not in pdf_text(first)
    with admin.reading() as uow:
        last = uow.audit.latest(1)[0]
    assert (last.action.value, last.record_type, last.detail) == ("export", "person", "access")
    _answer, second = rights.render_access(admin, register.alice_ref)
    assert flat("a répondu à une demande d’accès vous concernant") in flat(pdf_text(second))


def test_only_coordinators_and_administrators_answer_and_unknown_refs_are_refused(
    register, signed_in, tmp_path
):
    target = tmp_path / "refus.pdf"
    for login in ("m.cmp", "g.manager"):
        ctx = signed_in(login)
        with pytest.raises(PermissionDenied, match="ne permet pas"):
            rights.write_access(ctx, register.alice_ref, target)
        accounts.sign_out(ctx)
    admin = signed_in(ADMIN, ADMIN_PASS)
    for ref in ("2031-404", "P-ZZZZZZ", "   "):
        with pytest.raises(ValidationError, match="Aucune personne ni situation"):
            rights.write_access(admin, ref, target)
    assert not target.exists()


def test_the_aipd_draft_fills_the_cnil_sections_from_the_vault(register, signed_in, tmp_path):
    coordinator = signed_in("c.coord")
    with pytest.raises(PermissionDenied):
        rights.write_aipd(coordinator, tmp_path / "aipd.pdf")
    accounts.sign_out(coordinator)
    admin = signed_in(ADMIN, ADMIN_PASS)
    target = tmp_path / "aipd.pdf"
    points = rights.write_aipd(admin, target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = pdf_text(str(target))
    squeezed = flat(text)
    assert points > 5 and text.count("À compléter") >= points
    for expected in (
        "CCAS de Villebourg",
        "signée le 02/01/2026",
        "CMP Les Tilleuls",
        "non signée",
        "Habitat Dupont <Fils> & Cie",
        "Le consentement de la personne",
        "SQLCipher",
        "AES-256",
        "Argon2id (passes : 1,",
        "HMAC-SHA256",
        "0600",
        "magasin d’indicateurs",
        "nouvelle clé",
        "2 ans après le dernier contact",
        "Santé mentale : 2",
        "2 personnes et 2 situations",
        "Délégué à la protection des données",
    ):
        assert flat(expected) in squeezed, expected
    for name in (*ALICE[:2], *BRUNO[:2]):
        assert flat(name) not in squeezed, name


def test_pdfs_declare_their_language_and_title(register, signed_in):
    from pypdf import PdfReader

    admin = signed_in(ADMIN, ADMIN_PASS)
    _answer, data = rights.render_access(admin, register.alice_ref)
    reader = PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert reader.metadata.title.startswith("Vos données détenues par la cellule — ")
    assert bool(reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"])
