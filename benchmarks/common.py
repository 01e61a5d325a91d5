"""What every benchmark shares: the shared vaults, a throw-away copy, timing, the JSON line.

Each figure a benchmark measures is printed as ONE line of JSON on stdout by :func:`emit`::

    {"benchmark": "bench_minutes", "name": "cli_pseudonymised_ms", "figure": 912.4,
     "unit": "ms", "baseline": 24.1, "ratio": 37.86, "target": "<= 1000", "met": true,
     "note": "…"}

* ``figure`` — the measured value (a median unless ``note`` says otherwise), in ``unit``;
* ``baseline`` — the same work done the simplest way in the same run (raw SQL, the bare
  library…), or ``null``; ``ratio`` = figure / baseline (``null`` without a baseline);
* ``target`` — ``"<= X"`` or ``">= X"`` on ``figure``, or ``"ratio <= X"`` on the ratio, several
  joined with ``" and "``; ``null`` when the figure is recorded without a target;
* ``met`` — whether every part of the target holds (``null`` without a target).

``benchmarks/run_all.py`` runs every ``bench_*.py``, collects these lines (other lines of
the output are ignored), prints one table and fails when a ``met`` is ``false``.

Vaults: ``bench_register.py`` builds ``benchmarks/data/register-N`` once (N = 100,000, or
the small one of ``--quick``); benchmarks read it and change only a copy (:func:`copy_of_large`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
LARGE = 100_000
QUICK = 2_000  # the vault size of ``run_all.py --quick``
QUICK_ENV = "CASECELL_BENCH_QUICK"


def arguments(description: str | None = None, rounds: int = 10) -> argparse.ArgumentParser:
    """``--cases`` and ``--rounds``, smaller by default under ``run_all.py --quick``."""
    quick = bool(os.environ.get(QUICK_ENV))
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cases", type=int, default=QUICK if quick else LARGE)
    parser.add_argument("--rounds", type=int, default=min(rounds, 3) if quick else rounds)
    return parser


def vault_folder(cases: int) -> Path:
    return DATA / f"register-{cases}"


@contextlib.contextmanager
def copy_of_large(cases: int = LARGE) -> Iterator[Path | None]:
    """A throw-away copy of the vault bench_register.py made (benchmarks never change the
    shared one): the path of its vault file, or None with a message when it is missing.

    The indicator store is copied too: without it, the first sign-in would rebuild it."""
    source = vault_folder(cases)
    if not (source / "casecell.vault").exists():
        print(f"run benchmarks/bench_register.py --cases {cases} first", file=sys.stderr)
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="bench-copy-") as folder:
        for name in ("casecell.vault", "casecell.keys", "casecell.stats"):
            if (source / name).exists():
                shutil.copy2(source / name, Path(folder) / name)
        yield Path(folder) / "casecell.vault"


def cli_environment(vault: Path, login: str, passphrase: str) -> dict[str, str]:
    """The environment of a one-shot ``casecell`` process on ``vault``: signed in by
    variables, bytecode cached as in an installed app."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        CASECELL_USER=login,
        CASECELL_PASSPHRASE=passphrase,
        CASECELL_VAULT=str(vault),
        PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "casecell-bench-pycache"),
    )
    return env


def ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def timed(work: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return samples


_BOUND = re.compile(r"^\s*(ratio\s+)?(<=|>=)\s*([0-9.]+)\s*$")


def target_met(figure: float, ratio: float | None, target: str | None) -> bool | None:
    """Whether ``figure`` (and ``ratio``) meet ``target`` (``"<= 1000 and ratio <= 6"``)."""
    if target is None:
        return None
    met = True
    for part in target.split(" and "):
        bound = _BOUND.match(part)
        if bound is None:
            raise ValueError(f"unreadable target {target!r}")
        on_ratio, op, limit = bound.group(1), bound.group(2), float(bound.group(3))
        value = ratio if on_ratio else figure
        if value is None:
            return False
        met = met and (value <= limit if op == "<=" else value >= limit)
    return met


def emit(
    name: str,
    figure: float,
    baseline: float | None = None,
    target: str | None = None,
    *,
    unit: str = "ms",
    note: str | None = None,
) -> dict[str, object]:
    """Print one figure as a JSON line (the format above) and return it."""
    ratio = round(figure / baseline, 2) if baseline else None
    line: dict[str, object] = {
        "benchmark": Path(sys.argv[0]).stem,
        "name": name,
        "figure": figure,
        "unit": unit,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "met": target_met(figure, ratio, target),
    }
    if note:
        line["note"] = note
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line
