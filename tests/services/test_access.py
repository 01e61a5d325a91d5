"""Need-to-know: two partner organisations, a member in each and a coordinator. Each member
sees, searches and prints only the situations their organisation takes part in; everything
else is absent, and asking for it is refused (and audited) without saying whether it exists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from casecell.domain.audit import AuditAction
from casecell.domain.cases import CaseDraft, EventKind
from casecell.domain.meetings import ItemPurpose, MeetingStatus
from casecell.domain.minutes import Variant
from casecell.domain.nomenclatures import OrganisationKind, ProblemArea, Urgency
from casecell.domain.users import Role
from casecell.errors import NotShared, ValidationError
from casecell.services import accounts, cases, meetings, minutes, partners, persons
from casecell.services.cases import ActionInput, PersonInput
from casecell.services.context import Context
from casecell.services.meetings import ItemInput, MeetingInput
from casecell.services.partners import OrganisationInput
from tests.conftest import FAST_KDF, OTHER_PASS
from tests.services.test_cases import AGREED
from tests.services.test_minutes import pdf_text

NOT_SHARED = "Cette situation n’est pas partagée avec votre organisation."
SIGNED = date(2026, 1, 2)


@dataclass
class World:
    ccas: int
    cmp: int
    landlord: int
    mine: object  # the CCAS's situation (referrer and lead)
    theirs: object  # the CMP's situation
    shared: object  # the landlord's, with the CCAS taking part
    previous: int  # a held meeting with an undone action on each of the first two
    meeting: int  # yesterday's, held, with both on the agenda


def _refer(ctx, first, last, referrer, lead, participants=()):
    draft = CaseDraft(
        referred_on=date(2026, 1, 4),
        referrer_org_id=referrer,
        problem_areas=(ProblemArea.MENTAL_HEALTH,),
        urgency=Urgency.PRIORITY,
        summary="Voisinage inquiet.",
        lead_org_id=lead,
        participant_org_ids=tuple(participants),
    )
    return cases.register_referral(ctx, PersonInput(first, last, birth_year=1950), draft, AGREED)


@pytest.fixture
def world(admin_ctx) -> World:
    def org(name, kind):
        made = OrganisationInput(name, kind, charter_signed_on=SIGNED)
        return partners.add_organisation(admin_ctx, made).id

    ccas = org("CCAS de Villebourg", OrganisationKind.CCAS)
    cmp_ = org("CMP Les Tilleuls", OrganisationKind.CMP_HOSPITAL)
    landlord = org("Habitat Dupont <Fils> & Cie", OrganisationKind.SOCIAL_LANDLORD)
    mine = _refer(admin_ctx, "Hélène", "Lefèvre", ccas, ccas)
    theirs = _refer(admin_ctx, "Zoë", "Martin", cmp_, cmp_)
    shared = _refer(admin_ctx, "Paul", "Martin", landlord, landlord, [ccas])

    before = (datetime.now() - timedelta(days=15)).strftime("%d/%m/%Y 14:00")
    previous = meetings.plan_meeting(admin_ctx, MeetingInput(before, 120, "Mairie"))
    yesterday = (datetime.now() - timedelta(days=1)).strftime("%d/%m/%Y 14:00")
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput(yesterday, 120, "Mairie"))
    for planned in (previous, meeting):
        items = [ItemInput(c.id, ItemPurpose.NEW_REFERRAL) for c in (mine, theirs)]
        meetings.set_agenda(admin_ctx, planned.id, items)
    for case, owner, title in ((mine, ccas, "Visite du CCAS"), (theirs, cmp_, "Rendez-vous CMP")):
        action = ActionInput(title, owner, due_on=date.today(), meeting_id=previous.id)
        cases.add_action(admin_ctx, case.id, action)
        meetings.set_item_notes(admin_ctx, meeting.id, case.id, f"Résumé {case.reference}")
    for planned in (previous, meeting):
        meetings.set_status(admin_ctx, planned.id, MeetingStatus.HELD)

    for login, role, org_id in (
        ("m.ccas", Role.MEMBER, ccas),
        ("m.cmp", Role.MEMBER, cmp_),
        ("m.nowhere", Role.MEMBER, None),
        ("c.coord", Role.COORDINATOR, None),
    ):
        accounts.add_user(
            admin_ctx, login, "", role, OTHER_PASS, kdf=FAST_KDF, organisation_id=org_id
        )
    accounts.sign_out(admin_ctx)
    return World(ccas, cmp_, landlord, mine, theirs, shared, previous.id, meeting.id)


@pytest.fixture
def signed_in(boot) -> Iterator:
    @contextmanager
    def as_user(login: str) -> Iterator[Context]:
        ctx = boot.sign_in(login, OTHER_PASS)
        try:
            yield ctx
        finally:
            accounts.sign_out(ctx)

    return as_user


def _refs(rows) -> set[str]:
    return {r.reference for r in rows}


def test_each_member_lists_searches_and_finds_only_their_situations(world, signed_in):
    with signed_in("m.ccas") as ctx:
        assert _refs(cases.list_cases(ctx)) == {world.mine.reference, world.shared.reference}
        assert cases.count_cases(ctx) == 2
        assert set(cases.case_ids(ctx)) == {world.mine.id, world.shared.id}
        assert cases.case_ids(ctx, query="martin") == [world.shared.id]
        assert cases.search(ctx, "martin") == [world.shared.reference]
        assert _refs(cases.case_rows(ctx, [world.theirs.id, world.mine.id])) == {
            world.mine.reference
        }
        rows, total = persons.find_persons(ctx, "")
        assert total == 2 and {r.last_name for r in rows} == {"Lefèvre", "Martin"}
        rows, total = persons.find_persons(ctx, "martin")
        assert (total, [r.first_name for r in rows]) == (1, ["Paul"])
    with signed_in("m.cmp") as ctx:
        assert _refs(cases.list_cases(ctx)) == {world.theirs.reference}
        assert cases.search(ctx, "martin") == [world.theirs.reference]
        assert cases.search(ctx, "lefevre") == []
        rows, _total = persons.find_persons(ctx, "")
        assert [(r.first_name, [c[1] for c in r.cases]) for r in rows] == [
            ("Zoë", [world.theirs.reference])
        ]
    with signed_in("m.nowhere") as ctx:
        assert cases.list_cases(ctx) == [] and cases.search(ctx, "martin") == []
        assert persons.find_persons(ctx, "") == ([], 0)
    with signed_in("c.coord") as ctx:
        assert cases.count_cases(ctx) == 3 and len(cases.search(ctx, "martin")) == 2


def test_a_situation_of_another_organisation_is_refused_the_same_as_an_unknown_one(
    world, signed_in
):
    theirs = world.theirs
    with signed_in("m.ccas") as ctx:
        for attempt in (
            lambda: cases.get_case(ctx, theirs.id),
            lambda: cases.case_details(ctx, theirs.id),
            lambda: cases.timeline(ctx, theirs.id),
            lambda: cases.actions_of(ctx, theirs.id),
            lambda: cases.add_note(ctx, theirs.id, "Note"),
            lambda: cases.case_id_of(ctx, theirs.reference),
            lambda: cases.case_id_of(ctx, "2026-999"),
            lambda: cases.get_case(ctx, 99_999),
            lambda: cases.add_participant(ctx, theirs.id, world.ccas, "Pour voir"),
            lambda: meetings.set_item_notes(ctx, world.meeting, theirs.id, "Lu"),
        ):
            with pytest.raises(NotShared) as refused:
                attempt()
            assert str(refused.value) == NOT_SHARED
        assert cases.get_case(ctx, world.mine.id).reference == world.mine.reference
    with signed_in("c.coord") as ctx:
        with pytest.raises(ValidationError, match="inconnue"):
            cases.get_case(ctx, 99_999)
        assert "Lu" not in {e.text for e in cases.timeline(ctx, theirs.id)}
    with signed_in("m.cmp") as ctx, ctx.reading() as uow:
        denied = [e for e in uow.audit.latest(200) if e.detail == "denied"]
        member = uow.users.by_login("m.ccas")
    assert member is not None and len(denied) == 10
    assert {(e.actor_id, e.action, e.record_type) for e in denied} == {
        (member.id, AuditAction.READ, "case")
    }
    assert {e.record_id for e in denied} == {str(theirs.id), "", "99999"}


def test_sharing_with_an_organisation_is_an_audited_act_with_a_reason(world, signed_in):
    reason = "Le CCAS suit déjà la famille <depuis 2025> & l’école"
    with signed_in("m.cmp") as ctx:
        with pytest.raises(ValidationError, match="motif"):
            cases.add_participant(ctx, world.theirs.id, world.ccas, "  ")
        case = cases.add_participant(ctx, world.theirs.id, world.ccas, reason)
        assert world.ccas in case.participant_org_ids
        with pytest.raises(ValidationError, match="participe déjà"):
            cases.add_participant(ctx, world.theirs.id, world.ccas, reason)
        details = cases.case_details(ctx, world.theirs.id)
        event = details.timeline[-1]
        assert (event.kind, event.code, event.text) == (EventKind.SHARED, str(world.ccas), reason)
        assert "CCAS de Villebourg" in event.describe(details.organisations)
    with signed_in("m.ccas") as ctx:
        assert world.theirs.reference in _refs(cases.list_cases(ctx))
        with ctx.reading() as uow:
            written = [e for e in uow.audit.latest(50) if e.action is AuditAction.WRITE]
        assert f"participant+{world.ccas}" in {e.detail for e in written}
        assert not any("CCAS" in e.detail or "famille" in e.detail for e in written)

    with signed_in("m.cmp") as ctx:
        cases.remove_participant(ctx, world.theirs.id, world.ccas, "Plus concerné")
        assert cases.timeline(ctx, world.theirs.id)[-1].kind is EventKind.UNSHARED
    with signed_in("m.ccas") as ctx:
        assert world.theirs.reference not in _refs(cases.list_cases(ctx))
        with pytest.raises(ValidationError, match="ne la verriez plus"):
            cases.remove_participant(ctx, world.shared.id, world.ccas, "Erreur")
        assert world.shared.reference in _refs(cases.list_cases(ctx))


def test_meeting_screens_minutes_and_agendas_hold_only_the_organisations_situations(
    world, signed_in, tmp_path
):
    mine, theirs = world.mine.reference, world.theirs.reference
    with signed_in("m.ccas") as ctx:
        details = meetings.get_meeting(ctx, world.meeting)
        assert [i.reference for i in details.items] == [mine]
        assert [i.case_id for i in details.meeting.items] == [world.mine.id]
        listed = meetings.list_meetings(ctx, date.today() - timedelta(days=20), date.today())
        assert {i.case_id for m in listed for i in m.items} == {world.mine.id}
        text = pdf_text(minutes.render_minutes(ctx, world.meeting)[1])
        assert mine in text and theirs not in text
        assert "Visite du CCAS" in text and "Rendez-vous CMP" not in text  # previous actions
        assert [
            s.reference for s in minutes.get_minutes(ctx, world.meeting).content.situations
        ] == [mine]
        with pytest.raises(NotShared, match="votre organisation"):
            minutes.write_minutes(
                ctx, world.meeting, tmp_path / "x.pdf", recipient_org_id=world.cmp
            )
        with pytest.raises(NotShared):
            meetings.write_agenda_pdf(ctx, world.meeting, tmp_path / "x.pdf", world.cmp)
        assert not (tmp_path / "x.pdf").exists()
        meetings.write_agenda_pdf(ctx, world.meeting, tmp_path / "agenda.pdf")
        text = pdf_text(str(tmp_path / "agenda.pdf"))
        assert mine in text and theirs not in text

    with signed_in("c.coord") as ctx:
        assert len(meetings.get_meeting(ctx, world.meeting).items) == 2
        minutes.validate_minutes(ctx, world.meeting)
        both = pdf_text(minutes.render_minutes(ctx, world.meeting)[1])
        assert mine in both and theirs in both
        for org, shown, hidden, action in (
            (world.cmp, theirs, mine, "Rendez-vous CMP"),
            (world.ccas, mine, theirs, "Visite du CCAS"),
        ):
            path = tmp_path / f"minutes-{org}.pdf"
            minutes.write_minutes(ctx, world.meeting, path, Variant.NOMINATIVE, None, org)
            text = pdf_text(str(path))
            assert shown in text and hidden not in text and action in text
            meetings.write_agenda_pdf(ctx, world.meeting, tmp_path / "a.pdf", org)
            text = pdf_text(str(tmp_path / "a.pdf"))
            assert shown in text and hidden not in text

    with signed_in("m.cmp") as ctx, ctx.reading() as uow:
        denied = [e for e in uow.audit.latest(100) if e.detail == "denied"]
    assert {(e.record_type, e.record_id) for e in denied} == {
        ("minutes", str(world.meeting)),
        ("meeting", str(world.meeting)),
    }


def test_an_account_belongs_to_a_known_organisation(admin_ctx):
    with pytest.raises(ValidationError, match="Organisation inconnue"):
        accounts.add_user(
            admin_ctx, "m.x", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF, organisation_id=42
        )
    org = partners.add_organisation(admin_ctx, OrganisationInput("CAF", OrganisationKind.CAF))
    user = accounts.add_user(
        admin_ctx, "m.y", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF, organisation_id=org.id
    )
    assert user.organisation_id == org.id
    assert [u.organisation_id for u in accounts.list_users(admin_ctx) if u.login == "m.y"] == [
        org.id
    ]


@pytest.fixture(scope="module")
def big_register(tmp_path_factory):
    """600 demo situations (fictitious people; common names recur many times)."""
    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths
    from casecell.services import demo
    from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF

    folder = tmp_path_factory.mktemp("register")
    ctx = Bootstrap(VaultPaths(folder / "casecell.vault"), FAST_KDF).init(ADMIN, "", ADMIN_PASS)
    demo.fill(ctx, 600, 3, date(2026, 11, 2))
    yield ctx
    ctx.vault.close()


@pytest.mark.parametrize("limit", [1, 3, 7, 50])
def test_a_members_search_is_the_full_search_filtered_in_the_same_order(big_register, limit):
    """The member's search checks the best matches in growing windows: it must give exactly
    what checking every match would, ties (same score, by reference) included."""
    from casecell.domain.access import EVERYTHING, of_organisation
    from casecell.storage.access import visible_among

    ctx = big_register
    with ctx.reading() as uow:
        organisations = [o.id for o in uow.organisations.list()]
        compared = 0
        for query in ("martin", "bernard", "logement", "2025", "a"):
            everything = uow.search.search(query, 100_000, EVERYTHING)
            for org in organisations[:6]:
                scope = of_organisation(org)
                seen = visible_among(uow.session, scope, [i for i, _ref in everything])
                expected = [hit for hit in everything if hit[0] in seen][:limit]
                assert uow.search.search(query, limit, scope) == expected, (query, org)
                compared += len(expected)
    assert compared >= 20  # the comparisons were not all empty


def test_a_members_search_list_is_the_full_one_filtered_in_the_same_order(big_register):
    """The situations list's search (FTS5 narrowed by the organisation's token, then the
    tables' own rule) gives exactly the ids of everyone's search that the member sees."""
    from casecell.domain.access import EVERYTHING, of_organisation
    from casecell.domain.text import fts_query
    from casecell.storage import listing
    from casecell.storage.access import visible_among
    from casecell.storage.listing import CaseFilter

    compared = 0
    with big_register.reading() as uow:
        organisations = [o.id for o in uow.organisations.list()]
        for query in ("martin", "bernard", "logement", "2025", "a"):
            match = fts_query(query)
            assert match is not None
            everything = listing.search_ids(uow.session, match, CaseFilter(), 100_000, EVERYTHING)
            for org in organisations[:8]:
                scope = of_organisation(org)
                seen = visible_among(uow.session, scope, everything)
                expected = [i for i in everything if i in seen][:40]
                assert listing.search_ids(uow.session, match, CaseFilter(), 40, scope) == expected
                compared += len(expected)
    assert compared >= 40  # the comparisons were not all empty


def test_nobody_searches_the_access_tokens(big_register):
    """The index carries each situation's organisations as tokens (o12) for members'
    searches; typed words never reach them."""
    from casecell.domain.access import EVERYTHING, of_organisation

    with big_register.reading() as uow:
        org = uow.organisations.list()[0].id
        assert uow.search.search(f"o{org}", 50, EVERYTHING) == []
        assert uow.search.search(f"o{org}", 50, of_organisation(org)) == []
