"""Retention on the 100,000-situation vault, as an administrator runs it from a terminal.

    .venv/bin/python benchmarks/bench_retention.py [--cases N] [--rounds R]

Works on a copy (``common.copy_of_large``: the shared vault built by bench_register.py is
never changed); one-shot processes run with their bytecode cached, as an installed app's.
Prints one JSON line per figure (benchmarks/common.py):
* ``dry_run_s`` — ``casecell retention --dry-run`` as a one-shot process, from process start
  to exit (median of R), beside baseline ``raw_facts_s``, the same facts query on a raw
  connection plus the rule in Python. Target <= 5 s.
* ``apply_s`` — ``casecell retention --apply`` once (every due situation anonymised, old
  audit entries purged); what it did is in the line's note.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import LOGIN, PASSPHRASE  # noqa: E402
from common import arguments, copy_of_large, emit  # noqa: E402

from casecell.domain import retention as rules  # noqa: E402
from casecell.storage.keyslots import read_keyfile  # noqa: E402
from casecell.storage.retention import _FACTS  # noqa: E402
from casecell.storage.vault import raw_connect  # noqa: E402


def main() -> int:
    args = arguments(__doc__, rounds=3).parse_args()
    with copy_of_large(args.cases) as vault:
        if vault is None:
            return 1
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(
            CASECELL_VAULT=str(vault),
            CASECELL_USER=LOGIN,
            CASECELL_PASSPHRASE=PASSPHRASE,
            PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "casecell-bench-pycache"),
        )
        command = [sys.executable, "-m", "casecell", "retention"]

        def one_shot(option: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*command, option], env=env, cwd=ROOT, capture_output=True, text=True, check=True
            )

        one_shot("--dry-run")  # bytecode cached; a first sign-in may bring the vault up to date
        dry = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            done = one_shot("--dry-run")
            dry.append(time.perf_counter() - start)
        due = " ".join(done.stdout.strip().splitlines()[-3:-1])  # the counts

        keyfile = read_keyfile(vault.with_suffix(".keys"))
        key = keyfile.open_slot(keyfile.find(LOGIN), PASSPHRASE).secret
        raw = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            connection = raw_connect(vault, key)
            rows = connection.execute(_FACTS).fetchall()
            connection.close()
            facts = [
                rules.SituationFacts(
                    r[0], r[1], r[2], date.fromisoformat(r[3]),
                    date.fromisoformat(r[4]) if r[4] else None,
                    date.fromisoformat(r[5]) if r[5] else None,
                    date.fromisoformat(r[6][:10]) if r[6] else None,
                    date.fromisoformat(r[7][:10]) if r[7] else None,
                )
                for r in rows
            ]  # fmt: skip
            rules.due(facts, rules.RetentionPolicy(), date.today())
            raw.append(time.perf_counter() - start)

        start = time.perf_counter()
        applied = one_shot("--apply")
        apply_s = time.perf_counter() - start

    raw_s = round(statistics.median(raw), 3)
    emit("raw_facts_s", raw_s, unit="s", note="the facts query on a raw connection + the rule")
    emit(
        "dry_run_s",
        round(statistics.median(dry), 3),
        raw_s,
        "<= 5",
        unit="s",
        note=f"one-shot process; {due}",
    )
    done_text = " ".join(applied.stdout.strip().splitlines()[-3:])
    emit("apply_s", round(apply_s, 3), unit="s", note=f"one-shot, once; {done_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
