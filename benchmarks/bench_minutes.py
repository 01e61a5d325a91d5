"""Minutes timings on the 100,000-situation vault of bench_register.py.

    .venv/bin/python benchmarks/bench_minutes.py [--rounds R]

Plans a meeting held yesterday with 40 situations, each with notes naming its person, someone
else of the vault and a birth date (what the pseudonymised copy must withhold), decisions and
an action decided; then prints JSON:
* ``nominative_ms`` / ``pseudonymised_ms`` — the minutes PDF written to a file, through the
  service (read, audit, scrub, lay out, write);
* baseline ``gather_ms`` — reading what the minutes hold (the SQL and mapping alone).
Target: minutes for a 40-item meeting ≤ 1 s. Each run leaves one held meeting in the vault.
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

from bench_meetings import next_planned  # noqa: E402
from bench_register import ms, sign_in_large, timed  # noqa: E402

from casecell.domain.meetings import MeetingStatus  # noqa: E402
from casecell.domain.minutes import Variant  # noqa: E402
from casecell.services import accounts, cases, meetings, minutes  # noqa: E402
from casecell.services.cases import ActionInput  # noqa: E402
from casecell.services.meetings import ItemInput, MeetingInput  # noqa: E402


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
        proposal = meetings.propose_agenda(ctx, next_planned(ctx).id)
        chosen = [c for c in [*proposal.items, *proposal.left_out] if c.shareable][:40]
        held = meetings.plan_meeting(
            ctx,
            MeetingInput((today - timedelta(days=1)).strftime("%d/%m/%Y 08:00"), 480, "Mairie"),
        )
        meetings.set_agenda(ctx, held.id, [ItemInput(c.case_id, c.purpose, 12) for c in chosen])
        other = cases.get_case(ctx, chosen[-1].case_id).person
        for candidate in chosen:
            case = cases.get_case(ctx, candidate.case_id)
            person, owner = case.person, case.lead_org_id or case.referrer_org_id
            born = f"{person.birth_date:%d/%m/%Y}" if person.birth_date else "inconnue"
            notes = (
                f"{person.first_name} {person.last_name} (née le {born}) a été reçue avec "
                f"{other.first_name} {other.last_name}. " + "Échanges entre partenaires. " * 12
            )
            meetings.set_item_notes(ctx, held.id, case.id, notes, "Visite conjointe.")
            cases.add_action(
                ctx, case.id, ActionInput("Rappeler la famille", owner, meeting_id=held.id)
            )
        meetings.invite(ctx, held.id)
        meetings.set_status(ctx, held.id, MeetingStatus.HELD)
        figures["items"] = len(chosen)

        def gather() -> object:
            with ctx.reading() as uow:
                return minutes._gather(uow, uow.meetings.get(held.id))

        figures["gather_ms"] = ms(timed(gather, args.rounds))
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "minutes.pdf"
            for variant in Variant:
                figures[f"{variant.value}_ms"] = ms(
                    timed(
                        lambda v=variant: minutes.write_minutes(ctx, held.id, pdf, v), args.rounds
                    )
                )
                figures[f"{variant.value}_kb"] = round(pdf.stat().st_size / 1024)
            pages = pdf.read_bytes().count(b"/Type /Page\n")
            figures["pages"] = pages or None
    finally:
        accounts.sign_out(ctx)
    figures["targets"] = {"nominative_ms": "<= 1000", "pseudonymised_ms": "<= 1000"}
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
