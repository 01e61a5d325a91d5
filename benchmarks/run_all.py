"""Run every benchmark, print one table, fail when a target is missed.

    .venv/bin/python benchmarks/run_all.py [--quick] [--only NAME ...] [--json FILE]

Discovers ``benchmarks/bench_*.py``, runs each in its own process (``bench_register.py``
first: it builds the shared vault the others read) and collects the JSON lines they print
with ``common.emit`` — one object per line, with at least ``name`` and ``figure``, and
``unit``, ``baseline``, ``ratio``, ``target`` and ``met`` (see benchmarks/common.py for the
format). Other lines of a script's output are ignored, so a script slots in as soon as it
uses ``emit``; a script that prints none is listed as "no figures".

``--quick`` sets ``CASECELL_BENCH_QUICK=1``: scripts that read their options through
``common.arguments`` use the 2,000-situation vault and fewer rounds (a smoke run, minutes
instead of an hour; its figures are not the recorded ones).

Exit code: 0 when every target is met, 1 when one is missed or a script failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import QUICK_ENV  # noqa: E402

FIRST = "bench_register"  # builds the vault the others read


def scripts(only: list[str] | None) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"), key=lambda p: (p.stem != FIRST, p.stem))
    if only:
        found = [p for p in found if p.stem in only or p.stem.removeprefix("bench_") in only]
    return found


def figures_in(output: str) -> list[dict[str, object]]:
    """The JSON lines of a script's output that carry a figure (the rest is ignored)."""
    found = []
    for line in output.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "name" in value and "figure" in value:
            found.append(value)
    return found


def run(script: Path, quick: bool) -> tuple[list[dict[str, object]], str | None, float]:
    env = dict(os.environ)
    if quick:
        env[QUICK_ENV] = "1"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script)], env=env, cwd=HERE.parent, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    problem = None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        problem = f"exit {done.returncode}: {last[:200]}"
    return figures_in(done.stdout), problem, elapsed


def cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def table(rows: list[dict[str, object]]) -> str:
    columns = ["benchmark", "name", "figure", "unit", "baseline", "ratio", "target", "met"]
    text = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in text)) if text else len(c) for i, c in
              enumerate(columns)]  # fmt: skip
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for t in text:
        lines.append("  ".join(v.ljust(w) for v, w in zip(t, widths, strict=True)))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small vault, few rounds")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these benchmarks")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    failures: list[str] = []
    for script in scripts(args.only):
        print(f"… {script.stem}", file=sys.stderr, flush=True)
        found, problem, elapsed = run(script, args.quick)
        rows += found
        if problem:
            failures.append(f"{script.stem}: {problem}")
        elif not found:
            failures.append(f"{script.stem}: no figures (does it print common.emit lines?)")
        print(f"  {len(found)} figures in {elapsed:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    missed = [r for r in rows if r.get("met") is False]
    for r in missed:
        print(f"MISSED {r.get('benchmark')} {r['name']}: {r['figure']} (target {r.get('target')})")
    for failure in failures:
        print(f"PROBLEM {failure}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return 1 if missed or any("exit" in f for f in failures) else 0


if __name__ == "__main__":
    sys.exit(main())
