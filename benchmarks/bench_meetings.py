"""Meeting planner timings on a copy of the 100,000-situation vault of bench_register.py.

    .venv/bin/python benchmarks/bench_meetings.py [--cases N] [--rounds R]

Works on a throw-away copy (``common.copy_of_large``: the shared vault is never changed) and
prints one JSON line per figure (benchmarks/common.py):
* ``propose_ms`` — the agenda proposal for the next planned meeting (every due situation read,
  merged, ordered and fitted), through the service, beside baseline ``raw_candidates_ms``,
  the same candidate queries alone;
* ``agenda_pdf_40_ms`` — the agenda PDF of a meeting with 40 items (details read + PDF
  written), and ``agenda_items`` (how many it had);
* ``ics_ms`` — the .ics of that meeting (VTIMEZONE, one event, the attendees).
Targets (docs/benchmarks.md): proposal <= 200 ms; agenda PDF for 40 items <= 1,000 ms.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import CHEAP, LOGIN, PASSPHRASE  # noqa: E402
from common import arguments, copy_of_large, emit, ms, timed  # noqa: E402

from casecell import i18n  # noqa: E402
from casecell.bootstrap import Bootstrap  # noqa: E402
from casecell.domain.meetings import Meeting, MeetingStatus  # noqa: E402
from casecell.paths import VaultPaths  # noqa: E402
from casecell.services import accounts, meetings  # noqa: E402
from casecell.services.context import Context  # noqa: E402
from casecell.services.meetings import ItemInput, MeetingInput  # noqa: E402
from casecell.storage import meetings as queries  # noqa: E402


def next_planned(ctx: Context) -> Meeting:
    """The next planned meeting of the bench vault (the demo plans six weeks ahead)."""
    today = ctx.today()
    return next(
        m
        for m in meetings.list_meetings(ctx, today, today + timedelta(days=60))
        if m.status is MeetingStatus.PLANNED
    )


def main() -> int:
    args = arguments(__doc__, rounds=10).parse_args()
    i18n.install("fr")
    with copy_of_large(args.cases) as vault:
        if vault is None:
            return 1
        ctx = Bootstrap(VaultPaths(vault), CHEAP).sign_in(LOGIN, PASSPHRASE)
        try:
            measure(ctx, args.rounds)
        finally:
            accounts.sign_out(ctx)
    return 0


def measure(ctx: Context, rounds: int) -> None:
    today = ctx.today()
    target = next_planned(ctx)
    proposal = meetings.propose_agenda(ctx, target.id)

    def raw() -> object:
        with ctx.reading() as uow:
            previous = uow.meetings.previous(target)
            return queries.agenda_candidates(
                uow.session, target.local_start.date(), previous.id if previous else None
            )

    baseline = ms(timed(raw, rounds))
    emit("raw_candidates_ms", baseline, note="the candidate queries alone")
    emit(
        "propose_ms",
        ms(timed(lambda: meetings.propose_agenda(ctx, target.id), rounds)),
        baseline,
        "<= 200",
        note=f"{len(proposal.items)} items, {len(proposal.left_out)} left out, "
        f"{len(proposal.refused)} refused",
    )

    # A long meeting with 40 items: the proposal's candidates, whatever fits or not.
    big = meetings.plan_meeting(
        ctx,
        MeetingInput(
            (today + timedelta(days=400)).strftime("%d/%m/%Y 09:00"), 480, "Salle du conseil"
        ),
    )
    chosen = [*proposal.items, *proposal.left_out][:40]
    meetings.set_agenda(ctx, big.id, [ItemInput(c.case_id, c.purpose, 12) for c in chosen])
    meetings.invite(ctx, big.id)
    emit("agenda_items", len(meetings.get_meeting(ctx, big.id).items), unit="items")
    with tempfile.TemporaryDirectory() as tmp:
        pdf, ics = Path(tmp) / "agenda.pdf", Path(tmp) / "invitations.ics"
        figure = ms(timed(lambda: meetings.write_agenda_pdf(ctx, big.id, pdf), rounds))
        size = round(pdf.stat().st_size / 1024)
        emit("agenda_pdf_40_ms", figure, target="<= 1000", note=f"read + PDF written, {size} KB")
        emit("ics_ms", ms(timed(lambda: meetings.write_calendar(ctx, big.id, ics), rounds)))


if __name__ == "__main__":
    sys.exit(main())
