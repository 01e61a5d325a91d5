"""Meeting planner timings on the 100,000-situation demo vault of bench_register.py.

    .venv/bin/python benchmarks/bench_meetings.py [--rounds R]

Prints JSON:
* ``propose_ms`` — the agenda proposal for the next planned meeting (every due situation read,
  merged, ordered and fitted), through the service; baseline ``raw_candidates_ms``, the same
  candidate queries alone;
* ``agenda_pdf_40_ms`` — the agenda PDF of a meeting with 40 items (details read + PDF written);
* ``ics_ms`` — the .ics of that meeting.
Targets: proposal ≤ 200 ms; agenda PDF for 40 items ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import ms, sign_in_large, timed  # noqa: E402

from casecell.domain.meetings import Meeting, MeetingStatus  # noqa: E402
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    ctx = sign_in_large()
    if ctx is None:
        return 1
    figures: dict[str, object] = {"rounds": args.rounds}
    try:
        today = ctx.today()
        target = next_planned(ctx)
        proposal = meetings.propose_agenda(ctx, target.id)
        figures["proposal"] = {
            "items": len(proposal.items),
            "left_out": len(proposal.left_out),
            "refused": len(proposal.refused),
        }
        figures["propose_ms"] = ms(
            timed(lambda: meetings.propose_agenda(ctx, target.id), args.rounds)
        )

        def raw() -> object:
            with ctx.reading() as uow:
                previous = uow.meetings.previous(target)
                return queries.agenda_candidates(
                    uow.session, target.local_start.date(), previous.id if previous else None
                )

        figures["raw_candidates_ms"] = ms(timed(raw, args.rounds))

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
        with tempfile.TemporaryDirectory() as tmp:
            pdf, ics = Path(tmp) / "agenda.pdf", Path(tmp) / "invitations.ics"
            figures["agenda_items"] = len(meetings.get_meeting(ctx, big.id).items)
            figures["agenda_pdf_40_ms"] = ms(
                timed(lambda: meetings.write_agenda_pdf(ctx, big.id, pdf), args.rounds)
            )
            figures["agenda_pdf_kb"] = round(pdf.stat().st_size / 1024)
            figures["ics_ms"] = ms(
                timed(lambda: meetings.write_calendar(ctx, big.id, ics), args.rounds)
            )
        meetings.set_status(ctx, big.id, MeetingStatus.CANCELLED)  # leave the bench vault tidy
    finally:
        accounts.sign_out(ctx)
    figures["targets"] = {"propose_ms": "<= 200", "agenda_pdf_40_ms": "<= 1000"}
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
