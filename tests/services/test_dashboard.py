"""The home page's list of what needs doing: reviews due soon, late actions, the next meeting."""

from __future__ import annotations

from datetime import datetime, timedelta

from casecell.domain.audit import AuditAction
from casecell.domain.cases import Transition
from casecell.domain.nomenclatures import CaseStatus
from casecell.services import cases, dashboard, meetings
from casecell.services.cases import ActionInput
from casecell.services.meetings import MeetingInput
from casecell.storage import listing
from casecell.storage import vault as vault_module
from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.test_access import signed_in, world  # noqa: F401  (fixtures)
from tests.services.test_cases import draft, orgs, refer  # noqa: F401  (fixtures)


def test_reviews_due_late_actions_and_the_next_meeting(admin_ctx, orgs):  # noqa: F811
    today = admin_ctx.today()
    late = refer(
        admin_ctx,
        orgs,
        next_review_on=today - timedelta(days=2),
        referred_on=today - timedelta(days=30),
    )
    soon = refer(admin_ctx, orgs, last="Martin", next_review_on=today + timedelta(days=5))
    refer(admin_ctx, orgs, last="Bernard", next_review_on=today + timedelta(days=40))
    closed = refer(admin_ctx, orgs, last="Petit", next_review_on=today)
    cases.change_status(admin_ctx, closed.id, Transition(CaseStatus.ELIGIBILITY))
    cases.change_status(
        admin_ctx, closed.id, Transition(CaseStatus.DECLINED, decline_reason="Hors champ")
    )
    cmp_ = orgs[1]
    cases.add_action(
        admin_ctx, soon.id, ActionInput("Visite", cmp_.id, due_on=today - timedelta(days=1))
    )
    cases.add_action(admin_ctx, soon.id, ActionInput("Appel", cmp_.id, due_on=today))
    start = (datetime.now() + timedelta(days=3)).strftime("%d/%m/%Y 14:00")
    planned = meetings.plan_meeting(admin_ctx, MeetingInput(start, 120, "Mairie"))

    board = dashboard.dashboard(admin_ctx)

    assert [r.reference for r in board.reviews] == [late.reference, soon.reference]
    assert board.reviews_count == 2
    assert board.review_late(board.reviews[0]) and not board.review_late(board.reviews[1])
    assert [(a.reference, a.title, a.owner) for a in board.late_actions] == [
        (soon.reference, "Visite", cmp_.name)
    ]
    assert board.late_count == 1
    assert board.next_meeting is not None and board.next_meeting.id == planned.id
    assert admin_ctx.vault  # the read is audited
    trail = [e for e in _audit(admin_ctx) if e.record_type == "dashboard"]
    assert trail and trail[0].action is AuditAction.READ


def test_a_member_sees_only_their_organisations_situations(world, signed_in):  # noqa: F811
    with signed_in("c.coord") as ctx:
        yesterday = ctx.today() - timedelta(days=1)
        for case, owner in ((world.mine, world.ccas), (world.theirs, world.cmp)):
            cases.add_action(ctx, case.id, ActionInput("Relance", owner, due_on=yesterday))
        assert {a.reference for a in dashboard.dashboard(ctx).late_actions} == {
            world.mine.reference,
            world.theirs.reference,
        }
    for login, reference in (("m.ccas", world.mine.reference), ("m.cmp", world.theirs.reference)):
        with signed_in(login) as ctx:
            board = dashboard.dashboard(ctx)
        assert [a.reference for a in board.late_actions] == [reference]
        assert board.late_count == 1


def test_other_audited_reads_go_through_while_the_dashboard_reads(
    admin_ctx,
    boot,
    orgs,  # noqa: F811
    monkeypatch,
):
    """At sign-in the situations list's rows, an audited read, were fetched while the
    dashboard's queries ran (a few hundred ms on a large register) and waited for them: the
    dashboard held the vault's write lock from its first query to its audit entry."""
    case = refer(admin_ctx, orgs)
    monkeypatch.setattr(vault_module, "BUSY_TIMEOUT_S", 0.2)  # a lock held fails fast
    the_list = boot.sign_in(ADMIN, ADMIN_PASS, exclusive=False)  # as the UI thread
    seen = []
    late_actions = listing.late_actions

    def meanwhile(*args, **kwargs):
        seen.extend(row.reference for row in cases.case_rows(the_list, [case.id]))
        return late_actions(*args, **kwargs)

    monkeypatch.setattr(listing, "late_actions", meanwhile)
    try:
        board = dashboard.dashboard(admin_ctx)
    finally:
        the_list.vault.close()
    assert seen == [case.reference]
    assert board.late_count == 0
    trail = [e for e in _audit(admin_ctx) if e.record_type == "dashboard"]
    assert trail  # the read is still audited


def _audit(ctx):
    with ctx.reading() as uow:
        return uow.audit.latest(5)
