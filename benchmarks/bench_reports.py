"""Activity report timings on a copy of the 100,000-situation vault of bench_register.py.

    .venv/bin/python benchmarks/bench_reports.py [--rounds R]

Prints JSON, a list of figures each with its baseline, ratio and target:
* ``annual_pdf_csv_ms`` — the annual report for last calendar year (PDF with charts and CSV)
  through the service, warm (the same process, the vault open): read, count every indicator
  for the year and the year before, lay out, write both files, audit;
* ``indicators_ms`` — the same read and count without the documents;
* both beside ``same_sql_ms``: the very queries the service runs (storage/reports.py
  ``tally_queries``), fetched raw with the SQLCipher cursor of a connection of its own,
  nothing counted in Python; timed alternately with the service;
* ``cli_annual_report_s`` — ``casecell report --from … --to … -o F.pdf --csv F.csv`` as one
  process, from its start to its end (Python start-up, imports, unlock with the bench's cheap
  key slot, report, files written); its baseline is ``python -c pass``.
Targets: annual report ≤ 1,500 ms and ≤ 2× the same SQL. The shared vault is never written:
everything runs on a throw-away copy (each report adds an audit entry).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import (  # noqa: E402
    CHEAP,
    LOGIN,
    PASSPHRASE,
    copy_of_large,
    ms,
    paired,
)

from casecell import i18n  # noqa: E402
from casecell.bootstrap import Bootstrap  # noqa: E402
from casecell.domain.indicators import Period  # noqa: E402
from casecell.paths import VaultPaths  # noqa: E402
from casecell.services import accounts, reports  # noqa: E402
from casecell.storage import reports as queries  # noqa: E402
from casecell.storage.vault import raw_connect  # noqa: E402


def figure(name: str, value: float, baseline: float, target: str, unit: str = "ms") -> dict:
    return {
        "figure": name,
        "value": value,
        "baseline": baseline,
        "ratio": round(value / baseline, 2),
        "target": target,
        "unit": unit,
    }


def one_shot(vault: Path, start: date, end: date, folder: Path, rounds: int) -> list[float]:
    """``casecell report`` as a fresh process each time, from start to end (seconds)."""
    env = {
        **os.environ,
        "CASECELL_PASSPHRASE": PASSPHRASE,
        "CASECELL_USER": LOGIN,
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable, "-m", "casecell", "--vault", str(vault), "--lang", "fr", "report",
        "--from", start.isoformat(), "--to", end.isoformat(),
        "-o", str(folder / "cli.pdf"), "--csv", str(folder / "cli.csv"),
    ]  # fmt: skip
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        samples.append(time.perf_counter() - began)
    return samples


def python_start(rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append(time.perf_counter() - began)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    i18n.install("fr")
    with copy_of_large(100_000) as vault:
        if vault is None:
            return 1
        return measure(vault, args.rounds)


def measure(vault: Path, rounds: int) -> int:
    ctx = Bootstrap(VaultPaths(vault), CHEAP).sign_in(LOGIN, PASSPHRASE)
    year = ctx.today().year - 1
    start, end = date(year, 1, 1), date(year, 12, 31)
    period = Period(start, end)
    sql = queries.tally_queries((period, period.previous()))
    raw = raw_connect(vault, bytes(ctx.vault._key or b""))
    raw.execute("PRAGMA cache_size = -16384")  # as the vault's own connections

    def same_sql() -> None:
        raw.execute("SELECT id, name, kind FROM organisations").fetchall()
        for text, params in sql.values():
            raw.execute(text, params).fetchall()

    results: dict[str, object] = {"rounds": rounds, "period": f"{start}..{end}"}
    lines: list[dict] = []
    try:
        report = reports.build_report(ctx, start, end)  # warm both the same way
        same_sql()
        results["referrals_received"] = next(
            f.value for f in report.figures if f.id == "referrals_received"
        )
        service, baseline = paired(lambda: reports.build_report(ctx, start, end), same_sql, rounds)
        lines.append(figure("indicators_ms", ms(service), ms(baseline), "none (reported)"))
        with tempfile.TemporaryDirectory() as tmp:
            pdf, table = Path(tmp) / "rapport.pdf", Path(tmp) / "rapport.csv"
            service, baseline = paired(
                lambda: reports.write_report(ctx, start, end, pdf, table), same_sql, rounds
            )
            lines.append(
                figure("annual_pdf_csv_ms", ms(service), ms(baseline), "<= 1500 ms and <= 2x")
            )
            results["pdf_kb"] = round(pdf.stat().st_size / 1024)
            results["csv_rows"] = len(table.read_text("utf-8-sig").splitlines())
    finally:
        raw.close()
        accounts.sign_out(ctx)
    with tempfile.TemporaryDirectory() as tmp:
        cli = one_shot(vault, start, end, Path(tmp), max(3, rounds // 2))
        bare = python_start(3)
    lines.append(
        figure(
            "cli_annual_report_s",
            round(ms(cli) / 1000, 2),
            round(ms(bare) / 1000, 3),
            "none (reported; baseline: python -c pass)",
            "s",
        )
    )
    results["figures"] = lines
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
