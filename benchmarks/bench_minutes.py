"""Minutes timings on the 100,000-situation vault of bench_register.py.

    .venv/bin/python benchmarks/bench_minutes.py [--rounds R]

Plans a meeting held yesterday with 40 situations, each with notes naming its person, someone
else of the vault and a birth date (what the pseudonymised copy must withhold), decisions and
an action decided; then prints JSON:
* ``nominative_ms`` / ``pseudonymised_ms`` — the minutes PDF written to a file, through the
  service (read, audit, scrub, lay out, write);
* baseline ``gather_ms`` — reading what the minutes hold (the SQL and mapping alone);
* ``cli_pseudonymised_ms`` / ``cli_nominative_ms`` — ``casecell minutes ID -o F.pdf
  [--pseudonymised]`` as a one-shot process (start-up, unlock, scrub, review words, lay out,
  write, sign out), bytecode cached as in an installed app, beside baseline ``cli_import_ms``
  (the interpreter starting and importing the CLI, nothing else); ``words_to_confirm``.
Target: minutes for a 40-item meeting ≤ 1 s, the pseudonymised copy as a one-shot CLI process
included. Each run leaves one held meeting in the vault.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_meetings import next_planned  # noqa: E402
from bench_register import DATA, LOGIN, PASSPHRASE, ms, sign_in_large, timed  # noqa: E402

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
    figures.update(one_shot(held.id, args.rounds))
    figures["targets"] = {
        "nominative_ms": "<= 1000",
        "pseudonymised_ms": "<= 1000",
        "cli_pseudonymised_ms": "<= 1000",
    }
    print(json.dumps(figures, indent=2))
    return 0


def one_shot(meeting_id: int, rounds: int) -> dict[str, object]:
    """The CLI as a user runs it, one process per copy (bytecode cached beforehand)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        CASECELL_USER=LOGIN,
        CASECELL_PASSPHRASE=PASSPHRASE,
        CASECELL_VAULT=str(DATA / "register-100000" / "casecell.vault"),
        PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "casecell-bench-pycache"),
    )
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pdf = str(Path(tmp) / "cr.pdf")
        base = [sys.executable, "-m", "casecell", "minutes", str(meeting_id), "-o", pdf]
        runs = {
            "cli_import_ms": [sys.executable, "-c", "import casecell.app, casecell.cli"],
            "cli_nominative_ms": base,
            "cli_pseudonymised_ms": [*base, "--pseudonymised"],
        }
        for name, command in runs.items():
            subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
            figures[name] = ms(
                timed(
                    lambda c=command: subprocess.run(
                        c, env=env, cwd=ROOT, check=True, capture_output=True
                    ),
                    rounds,
                )
            )
        out = subprocess.run(
            [*runs["cli_pseudonymised_ms"], "--show-words"],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        figures["words_to_confirm"] = sum(1 for line in out.splitlines() if line.startswith("  "))
    return figures


if __name__ == "__main__":
    sys.exit(main())
