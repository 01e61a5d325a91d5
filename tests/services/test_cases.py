"""The case register through its services, as a coordinator uses it."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest

from casecell.domain.cases import CaseDraft, Sharing, Transition
from casecell.domain.nomenclatures import (
    ActionStatus,
    CarryOverReason,
    CaseStatus,
    ConsentStatus,
    LegalBasis,
    OrganisationKind,
    Outcome,
    ProblemArea,
    Urgency,
)
from casecell.domain.users import Role
from casecell.errors import PermissionDenied, ValidationError
from casecell.services import accounts, cases, partners
from casecell.services.cases import ActionInput, PersonInput
from casecell.services.partners import ContactInput, OrganisationInput
from tests.conftest import FAST_KDF, OTHER_PASS, tricky_strings

AGREED = Sharing(LegalBasis.CONSENT, ConsentStatus.AGREED, date(2026, 1, 5), "A. Assistante")


@pytest.fixture
def orgs(admin_ctx):
    ccas = partners.add_organisation(
        admin_ctx, OrganisationInput("CCAS de Villebourg", OrganisationKind.CCAS, "75056")
    )
    cmp_ = partners.add_organisation(
        admin_ctx, OrganisationInput("CMP Les Tilleuls", OrganisationKind.CMP_HOSPITAL)
    )
    landlord = partners.add_organisation(
        admin_ctx,
        OrganisationInput("Habitat Dupont <Fils> & Cie", OrganisationKind.SOCIAL_LANDLORD),
    )
    return ccas, cmp_, landlord


def draft(orgs, **overrides) -> CaseDraft:
    ccas, cmp_, landlord = orgs
    values = {
        "referred_on": date(2026, 1, 4),
        "referrer_org_id": ccas.id,
        "problem_areas": (ProblemArea.HOUSING_HOARDING, ProblemArea.MENTAL_HEALTH),
        "urgency": Urgency.PRIORITY,
        "summary": "Logement très encombré, voisinage inquiet.",
        "lead_org_id": ccas.id,
        "participant_org_ids": (cmp_.id, landlord.id),
    }
    values.update(overrides)
    return CaseDraft(**values)


def refer(ctx, orgs, first="Hélène", last="Lefèvre", **overrides):
    return cases.register_referral(
        ctx, PersonInput(first, last, birth_year=1950), draft(orgs, **overrides), AGREED
    )


def test_references_follow_the_referral_year_and_are_never_reused(admin_ctx, orgs):
    first = refer(admin_ctx, orgs)
    second = refer(admin_ctx, orgs, last="Martin")
    older = refer(admin_ctx, orgs, last="Bernard", referred_on=date(2025, 12, 30))
    assert [first.reference, second.reference, older.reference] == [
        "2026-001",
        "2026-002",
        "2025-001",
    ]
    assert (
        first.person.pseudonym.startswith("P-")
        and first.person.pseudonym != second.person.pseudonym
    )


def test_the_full_workflow_lands_on_the_timeline(admin_ctx, orgs):
    case = refer(admin_ctx, orgs)
    for target in (CaseStatus.ELIGIBILITY, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW):
        case = cases.change_status(admin_ctx, case.id, Transition(target))
    assert case.first_review_on == admin_ctx.today()
    case = cases.change_status(admin_ctx, case.id, Transition(CaseStatus.MONITORING))
    case = cases.change_status(
        admin_ctx, case.id, Transition(CaseStatus.CLOSED, outcome=Outcome.ORDINARY_SERVICES)
    )
    assert case.status is CaseStatus.CLOSED and case.outcome is Outcome.ORDINARY_SERVICES
    events = cases.timeline(admin_ctx, case.id)
    assert [e.kind.value for e in events] == ["created"] + ["status"] * 5
    assert events[-1].describe() == "clôturée — passage de relais aux services de droit commun"
    assert {e.author for e in events} == {"Alice Administratrice"}


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        (CaseStatus.RECEIVED, CaseStatus.ACCEPTED, "ne peut pas devenir"),
        (CaseStatus.RECEIVED, CaseStatus.CLOSED, "ne peut pas devenir"),
    ],
)
def test_illegal_transitions_are_refused_clearly(admin_ctx, orgs, start, target, message):
    case = refer(admin_ctx, orgs)
    with pytest.raises(ValidationError, match=message):
        cases.change_status(admin_ctx, case.id, Transition(target, outcome=Outcome.OTHER))
    assert cases.get_case(admin_ctx, case.id).status is start


def test_declining_needs_a_reason_and_ends_the_situation(admin_ctx, orgs):
    case = refer(admin_ctx, orgs)
    cases.change_status(admin_ctx, case.id, Transition(CaseStatus.ELIGIBILITY))
    with pytest.raises(ValidationError, match="motif"):
        cases.change_status(admin_ctx, case.id, Transition(CaseStatus.DECLINED))
    case = cases.change_status(
        admin_ctx,
        case.id,
        Transition(CaseStatus.DECLINED, "Relève du droit commun", "CD — MDS secteur nord"),
    )
    assert case.redirected_to == "CD — MDS secteur nord"
    with pytest.raises(ValidationError, match="terminée"):
        cases.change_status(admin_ctx, case.id, Transition(CaseStatus.IN_REVIEW))


def test_refused_sharing_blocks_the_review_unless_a_legal_basis_allows_it(admin_ctx, orgs):
    case = refer(admin_ctx, orgs)
    refused = Sharing(LegalBasis.CONSENT, ConsentStatus.REFUSED, date(2026, 1, 6), "B. Éduc")
    cases.set_sharing(admin_ctx, case.id, refused)
    cases.change_status(admin_ctx, case.id, Transition(CaseStatus.ELIGIBILITY))
    cases.change_status(admin_ctx, case.id, Transition(CaseStatus.ACCEPTED))
    with pytest.raises(ValidationError, match="a refusé"):
        cases.change_status(admin_ctx, case.id, Transition(CaseStatus.IN_REVIEW))

    child = Sharing(LegalBasis.CASF_L226_2_2, ConsentStatus.REFUSED, date(2026, 1, 6), "B. Éduc")
    cases.set_sharing(admin_ctx, case.id, child)
    assert cases.change_status(admin_ctx, case.id, Transition(CaseStatus.IN_REVIEW)).status is (
        CaseStatus.IN_REVIEW
    )


def test_consent_not_possible_needs_a_reason(admin_ctx, orgs):
    case = refer(admin_ctx, orgs)
    with pytest.raises(ValidationError, match="pourquoi"):
        cases.set_sharing(admin_ctx, case.id, Sharing(consent=ConsentStatus.NOT_POSSIBLE))


def test_actions_late_done_and_carried_over(admin_ctx, orgs):
    ccas, cmp_, _ = orgs
    contact = partners.add_contact(
        admin_ctx, ContactInput(cmp_.id, "Dr Camille Roux", "psychiatre")
    )
    case = refer(admin_ctx, orgs)
    today = admin_ctx.today()
    visit = cases.add_action(
        admin_ctx,
        case.id,
        ActionInput("Visite à domicile", cmp_.id, contact.id, today - timedelta(days=3)),
    )
    assert visit.late(today) and not visit.late(today - timedelta(days=5))
    visit = cases.carry_over(
        admin_ctx, visit.id, CarryOverReason.PARTNER_DID_NOT_ACT, today + timedelta(days=14)
    )
    assert visit.carried_over is CarryOverReason.PARTNER_DID_NOT_ACT and not visit.late(today)
    visit = cases.set_action_status(admin_ctx, visit.id, ActionStatus.DONE)
    assert visit.done_on == today and not visit.late(today + timedelta(days=30))
    with pytest.raises(ValidationError, match="encore à faire"):
        cases.carry_over(admin_ctx, visit.id, CarryOverReason.OTHER)
    with pytest.raises(ValidationError, match="n’appartient pas"):
        cases.add_action(admin_ctx, case.id, ActionInput("Appel", ccas.id, contact.id))
    kinds = [e.kind.value for e in cases.timeline(admin_ctx, case.id)]
    assert kinds == ["created", "action_added", "action_updated", "action_updated"]


def test_an_action_still_to_do_can_be_corrected(admin_ctx, orgs):
    ccas, cmp_, landlord = orgs
    contact = partners.add_contact(admin_ctx, ContactInput(cmp_.id, "Dr Camille Roux"))
    case = refer(admin_ctx, orgs)
    today = admin_ctx.today()
    call = cases.add_action(admin_ctx, case.id, ActionInput("Apel", cmp_.id, contact.id, today))
    fixed = cases.edit_action(
        admin_ctx,
        call.id,
        ActionInput("Appel au <bailleur> & visite", landlord.id, None, today + timedelta(days=7)),
    )
    assert (fixed.title, fixed.owner_org_id, fixed.owner_contact_id, fixed.due_on) == (
        "Appel au <bailleur> & visite",
        landlord.id,
        None,
        today + timedelta(days=7),
    )
    last = cases.timeline(admin_ctx, case.id)[-1]
    assert last.describe() == (
        "action mise à jour — quoi, qui ou échéance corrigés — Appel au <bailleur> & visite"
    )
    assert case.reference in cases.search(admin_ctx, "bailleur visite")  # the index follows
    with pytest.raises(ValidationError, match="n’appartient pas"):
        cases.edit_action(admin_ctx, call.id, ActionInput("Appel", ccas.id, contact.id))
    with pytest.raises(ValidationError, match="Ce qui est à faire"):
        cases.edit_action(admin_ctx, call.id, ActionInput("  ", ccas.id))
    cases.set_action_status(admin_ctx, call.id, ActionStatus.DONE)
    with pytest.raises(ValidationError, match="encore à faire"):
        cases.edit_action(admin_ctx, call.id, ActionInput("Autre", ccas.id))
    assert cases.actions_of(admin_ctx, case.id)[0].title == "Appel au <bailleur> & visite"


def test_search_ignores_case_and_accents_and_ranks_the_reference_first(admin_ctx, orgs):
    helene = refer(admin_ctx, orgs)
    decomposed = unicodedata.normalize("NFD", "Éléonore")
    other = refer(admin_ctx, orgs, first=decomposed, last="Lefevre-Ndiaye")
    both = {helene.reference, other.reference}
    assert set(cases.search(admin_ctx, "lefevre")) == both
    assert cases.search(admin_ctx, "LEFÈVRE hél") == [helene.reference]
    assert cases.search(admin_ctx, "eleonore") == [other.reference]
    assert cases.search(admin_ctx, "Éléo") == [other.reference]
    assert cases.search(admin_ctx, other.reference)[0] == other.reference
    assert cases.search(admin_ctx, other.person.pseudonym) == [other.reference]
    assert set(cases.search(admin_ctx, "tilleuls")) == both  # a participating partner
    assert cases.search(admin_ctx, "   ") == []
    assert cases.search(admin_ctx, '" OR * NEAR(') == []


def test_search_follows_edits_in_the_same_transaction(admin_ctx, orgs):
    landlord = orgs[2]
    case = refer(admin_ctx, orgs)
    cases.add_note(admin_ctx, case.id, "Rencontre avec le bailleur : accord pour un débarras")
    assert cases.search(admin_ctx, "debarras") == [case.reference]
    partners.update_organisation(
        admin_ctx, landlord.id, OrganisationInput("Logis Soleil", OrganisationKind.SOCIAL_LANDLORD)
    )
    assert cases.search(admin_ctx, "soleil") == [case.reference]
    assert cases.search(admin_ctx, "dupont") == []
    cases.update_person(
        admin_ctx, case.id, PersonInput("Hélène", "Durand-Lefèvre", birth_year=1950)
    )
    assert cases.search(admin_ctx, "durand") == [case.reference]


@pytest.mark.parametrize("text", tricky_strings())
def test_tricky_names_and_notes_are_kept_and_found(admin_ctx, orgs, text):
    one_line = " ".join(text.split())
    if len(one_line) > 200:
        with pytest.raises(ValidationError, match="trop long"):
            cases.register_referral(admin_ctx, PersonInput(one_line, "X"), draft(orgs), AGREED)
        return
    case = cases.register_referral(admin_ctx, PersonInput(one_line, "X"), draft(orgs), AGREED)
    cases.add_note(admin_ctx, case.id, text)
    stored = cases.get_case(admin_ctx, case.id)
    assert stored.person.first_name == one_line
    assert cases.timeline(admin_ctx, case.id)[-1].text == text.strip()
    if any(ch.isalnum() for ch in one_line):
        assert case.reference in cases.search(admin_ctx, one_line)


def test_referral_rules(admin_ctx, orgs):
    with pytest.raises(ValidationError, match="futur"):
        refer(admin_ctx, orgs, referred_on=admin_ctx.today() + timedelta(days=1))
    with pytest.raises(ValidationError, match="domaine"):
        refer(admin_ctx, orgs, problem_areas=())
    with pytest.raises(ValidationError, match="prénom ou un nom"):
        cases.register_referral(admin_ctx, PersonInput(), draft(orgs), AGREED)
    with pytest.raises(ValidationError, match="INSEE"):
        cases.register_referral(
            admin_ctx, PersonInput("A", "B", commune="7505"), draft(orgs), AGREED
        )
    with pytest.raises(ValidationError, match="Organisation inconnue"):
        refer(admin_ctx, orgs, lead_org_id=9999)


def test_managers_get_nothing_nominative(admin_ctx, orgs, boot):
    case = refer(admin_ctx, orgs)
    accounts.add_user(admin_ctx, "m.gestion", "", Role.MANAGER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    manager = boot.sign_in("m.gestion", OTHER_PASS)
    try:
        for call in (
            lambda: cases.get_case(manager, case.id),
            lambda: cases.timeline(manager, case.id),
            lambda: cases.search(manager, "lefevre"),
            lambda: cases.actions_of(manager, case.id),
            lambda: partners.contacts_of(manager, orgs[0].id),
        ):
            with pytest.raises(PermissionDenied):
                call()
        assert len(partners.list_organisations(manager)) == 3
    finally:
        accounts.sign_out(manager)


def test_reads_and_searches_are_audited_without_the_query(admin_ctx, orgs):
    case = refer(admin_ctx, orgs)
    cases.get_case(admin_ctx, case.id)
    cases.search(admin_ctx, "lefevre")
    with admin_ctx.reading() as uow:
        last = list(uow.audit.entries())[-2:]
    assert [(e.action.value, e.record_type, e.record_id) for e in last] == [
        ("read", "case", str(case.id)),
        ("read", "search", "1"),
    ]
    assert all("lefevre" not in e.detail for e in last)


def test_the_list_pages_sorts_and_filters(admin_ctx, orgs):
    from casecell.storage.listing import CaseFilter

    today = admin_ctx.today()
    made = [
        refer(admin_ctx, orgs, last=f"Nom{i}", next_review_on=today + timedelta(days=10 - i))
        for i in range(5)
    ]
    cases.change_status(admin_ctx, made[0].id, Transition(CaseStatus.ELIGIBILITY))
    page = cases.list_cases(admin_ctx, limit=3)
    assert [row.reference for row in page] == [c.reference for c in made[::-1][:3]]
    assert page[0].lead == "CCAS de Villebourg"
    second = cases.list_cases(admin_ctx, offset=3, limit=3)
    assert [row.reference for row in second] == [made[1].reference, made[0].reference]
    only = cases.list_cases(admin_ctx, CaseFilter(status="eligibility"))
    assert [row.id for row in only] == [made[0].id]
    assert cases.count_cases(admin_ctx, CaseFilter(status="received")) == 4
    assert cases.count_cases(admin_ctx, CaseFilter(problem_area="child_protection")) == 0
    late = cases.add_action(
        admin_ctx, made[2].id, ActionInput("Rappeler", orgs[0].id, None, today - timedelta(days=1))
    )
    assert [r.id for r in cases.list_cases(admin_ctx, CaseFilter(late_actions_on=today))] == [
        late.case_id
    ]
    with pytest.raises(ValidationError, match="tri"):
        cases.list_cases(admin_ctx, sort="nom; DROP TABLE cases")
