"""The report counted in SQL gives the very figures of the reference: read models for every
fact, then the pure indicators of domain/indicators.py — on a random register (fixed seed),
for periods that start or end on the days Paris changes its clocks, with moments placed on
either side of those days' midnights."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import text

from casecell.domain.indicators import Period, compute, figures_of
from casecell.services import demo
from casecell.storage import reports as queries

AS_OF = date(2026, 3, 31)
# Paris midnights around the clock changes of 2025 (30 March: +1 → +2; 26 October: +2 → +1),
# and a second either side, as the vault stores moments (UTC, with or without microseconds).
EDGES = (
    "2025-03-29T22:59:59+00:00", "2025-03-29T23:00:00+00:00",  # 30 March starts
    "2025-03-30T21:59:59.999999+00:00", "2025-03-30T22:00:00+00:00",  # 31 March starts
    "2025-10-25T21:59:59+00:00", "2025-10-25T22:00:00+00:00",  # 26 October starts
    "2025-10-26T22:59:59.500000+00:00", "2025-10-26T23:00:00+00:00",  # 27 October starts
    "2024-12-31T22:59:59+00:00", "2024-12-31T23:00:00+00:00",  # 1 January 2025 starts
    "2025-12-31T22:59:59+00:00", "2025-12-31T23:00:00+00:00",  # 1 January 2026 starts
)  # fmt: skip
PERIODS = (
    Period(date(2025, 1, 1), date(2025, 12, 31)),
    Period(date(2025, 3, 30), date(2025, 10, 26)),
    Period(date(2025, 3, 31), date(2025, 10, 25)),
    Period(date(2025, 3, 30), date(2025, 3, 30)),
    Period(date(2025, 10, 27), date(2025, 11, 5)),
    Period(date(2024, 2, 1), date(2024, 2, 29)),
)


@pytest.fixture
def register(admin_ctx):
    demo.fill(admin_ctx, 300, 11, AS_OF)
    chance = random.Random(16)
    with admin_ctx.writing() as uow:
        run = uow.session.execute
        actions = [r[0] for r in run(text("SELECT id FROM actions ORDER BY id")).all()]
        for action_id in chance.sample(actions, 3 * len(EDGES)):
            run(
                text("UPDATE actions SET created_at = :at WHERE id = :id"),
                {"at": chance.choice(EDGES), "id": action_id},
            )
        events = run(
            text("SELECT id FROM case_events WHERE code LIKE 'carried_over:%' ORDER BY id")
        ).all()
        for (event_id,), at in zip(events, EDGES * 3, strict=False):
            run(text("UPDATE case_events SET at = :at WHERE id = :id"), {"at": at, "id": event_id})
        meetings = run(text("SELECT id FROM meetings ORDER BY id")).all()
        for (meeting_id,), at in zip(meetings, EDGES, strict=False):
            run(
                text("UPDATE meetings SET starts_at = :at, status = 'held' WHERE id = :id"),
                {"at": at, "id": meeting_id},
            )
        uow.commit()
    with admin_ctx.reading() as uow:
        commune = uow.session.execute(
            text("SELECT commune FROM persons WHERE commune != '' GROUP BY commune"
                 " ORDER BY count(*) DESC LIMIT 1")
        ).scalar_one()  # fmt: skip
        partner = uow.session.execute(
            text("SELECT lead_org_id FROM cases WHERE lead_org_id IS NOT NULL"
                 " GROUP BY lead_org_id ORDER BY count(*) DESC LIMIT 1")
        ).scalar_one()  # fmt: skip
    return commune, partner


def test_the_counts_in_sql_give_the_figures_of_the_reference(admin_ctx, register):
    commune, partner = register
    compared = 0
    with admin_ctx.reading() as uow:
        for period in PERIODS:
            previous = period.previous()
            for code, partner_id in ((None, None), (commune, None), (None, partner)):
                facts = queries.report_data(
                    uow.session, previous.start, period.end, code, partner_id
                )
                now, was = queries.report_tallies(uow.session, (period, previous), code, partner_id)
                assert figures_of(now, period, "x") == compute(facts, period, "x")
                assert figures_of(was, previous, "x") == compute(facts, previous, "x")
                compared += 1
        edge_day = queries.report_tallies(uow.session, (PERIODS[3],))[0]
    assert compared == 3 * len(PERIODS)
    # the edges fall on both sides: 30 March (23 hours) holds two of the meetings moved
    assert sum(edge_day.actions["actions_decided"].values()) > 0
    assert edge_day.meetings_held == 2
