"""Retention on the 100,000-situation vault, as an administrator runs it from a terminal.

    .venv/bin/python benchmarks/bench_retention.py [--cases N] [--rounds R]

Works on a copy (the shared vault built by bench_register.py is never changed). Prints JSON:
* ``dry_run_s`` — ``casecell retention --dry-run`` as a one-shot process, from process start
  to exit (median of R), against ``raw_facts_s``, the same facts query on a raw connection
  plus the rule in Python. Target ≤ 5 s.
* ``apply_s`` — ``casecell retention --apply`` once (every due situation anonymised, old
  audit entries purged), with how many situations it anonymised.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_register import LOGIN, PASSPHRASE, copy_of_large  # noqa: E402

from casecell.domain import retention as rules  # noqa: E402
from casecell.storage.keyslots import read_keyfile  # noqa: E402
from casecell.storage.retention import _FACTS  # noqa: E402
from casecell.storage.vault import raw_connect  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with copy_of_large(args.cases) as vault:
        if vault is None:
            return 1
        env = {
            **os.environ,
            "CASECELL_VAULT": str(vault),
            "CASECELL_USER": LOGIN,
            "CASECELL_PASSPHRASE": PASSPHRASE,
        }
        command = [sys.executable, "-m", "casecell", "retention"]
        subprocess.run([*command, "--dry-run"], env=env, capture_output=True, check=True)
        dry = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            done = subprocess.run(
                [*command, "--dry-run"], env=env, capture_output=True, text=True, check=True
            )
            dry.append(time.perf_counter() - start)
        due_line = done.stdout.strip().splitlines()[-3:]

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
        applied = subprocess.run(
            [*command, "--apply"], env=env, capture_output=True, text=True, check=True
        )
        apply_s = time.perf_counter() - start

    figures = {
        "cases": args.cases,
        "dry_run_s": round(statistics.median(dry), 3),
        "raw_facts_s": round(statistics.median(raw), 3),
        "ratio": round(statistics.median(dry) / statistics.median(raw), 2),
        "target": "dry run ≤ 5 s (one-shot process)",
        "due": due_line,
        "apply_s": round(apply_s, 3),
        "applied": applied.stdout.strip().splitlines()[-3:],
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0 if figures["dry_run_s"] <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
