"""Activity report timings on a copy of the 100,000-situation vault of bench_register.py.

    .venv/bin/python benchmarks/bench_reports.py [--rounds R]

One JSON line per figure (common.emit):
* ``annual_pdf_csv_ms`` — the annual report for last calendar year (PDF with charts and CSV)
  through the service, warm (the same process, the vault open): read, count every indicator
  for the year and the year before, lay out, write both files, audit;
* ``indicators_ms`` — the same read and count without the documents;
* both beside the same baseline: the very queries the service runs (storage/reports.py
  ``tally_queries``), fetched raw with the SQLCipher cursor of a connection of its own,
  nothing counted in Python; timed alternately with the service;
* ``cli_annual_report_ms`` — ``casecell report --from … --to … -o F.pdf --csv F.csv`` as one
  process, from its start to its end (Python start-up, imports, unlock with the bench's cheap
  key slot, report, files written); its baseline is the interpreter importing the CLI.
Targets: annual report ≤ 1,500 ms and ≤ 2× the same SQL. The shared vault is never written:
everything runs on a throw-away copy (each report adds an audit entry).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import CHEAP, LOGIN, PASSPHRASE, paired  # noqa: E402
from common import arguments, cli_environment, copy_of_large, emit, ms, timed  # noqa: E402

from casecell import i18n  # noqa: E402
from casecell.bootstrap import Bootstrap  # noqa: E402
from casecell.domain.indicators import Period  # noqa: E402
from casecell.paths import VaultPaths  # noqa: E402
from casecell.services import accounts, reports  # noqa: E402
from casecell.storage import reports as queries  # noqa: E402
from casecell.storage.vault import raw_connect  # noqa: E402

TARGET = "<= 1500 and ratio <= 2"


def one_shot(vault: Path, start: date, end: date, rounds: int) -> None:
    """``casecell report`` as a user runs it, one process each time (bytecode cached first)."""
    env = cli_environment(vault, LOGIN, PASSPHRASE)
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable, "-m", "casecell", "--lang", "fr", "report",
            "--from", start.isoformat(), "--to", end.isoformat(),
            "-o", str(Path(tmp) / "cli.pdf"), "--csv", str(Path(tmp) / "cli.csv"),
        ]  # fmt: skip
        imports = [sys.executable, "-c", "import casecell.app, casecell.cli"]

        def run(argv: list[str]) -> float:
            subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
            return ms(
                timed(
                    lambda: subprocess.run(
                        argv, env=env, cwd=ROOT, check=True, capture_output=True
                    ),
                    rounds,
                )
            )

        baseline = run(imports)
        emit("cli_import_ms", baseline, note="interpreter + import of the CLI, one-shot")
        emit(
            "cli_annual_report_ms",
            run(command),
            baseline,
            note="one-shot, cheap KDF: start, unlock, report PDF + CSV, sign-out",
        )


def main() -> int:
    args = arguments(rounds=5).parse_args()
    i18n.install("fr")
    with copy_of_large(args.cases) as vault:
        if vault is None:
            return 1
        measure(vault, args.rounds)
        one_shot(vault, *last_year(), max(3, args.rounds // 2))
    return 0


def last_year() -> tuple[date, date]:
    year = date.today().year - 1
    return date(year, 1, 1), date(year, 12, 31)


def measure(vault: Path, rounds: int) -> None:
    ctx = Bootstrap(VaultPaths(vault), CHEAP).sign_in(LOGIN, PASSPHRASE)
    start, end = last_year()
    period = Period(start, end)
    sql = queries.tally_queries((period, period.previous()))
    raw = raw_connect(vault, bytes(ctx.vault._key or b""))
    raw.execute("PRAGMA cache_size = -16384")  # as the vault's own connections

    def same_sql() -> None:
        raw.execute("SELECT id, name, kind FROM organisations").fetchall()
        for text, params in sql.values():
            raw.execute(text, params).fetchall()

    try:
        report = reports.build_report(ctx, start, end)  # warm both the same way
        same_sql()
        received = next(f.value for f in report.figures if f.id == "referrals_received")
        service, baseline = paired(lambda: reports.build_report(ctx, start, end), same_sql, rounds)
        emit(
            "indicators_ms",
            ms(service),
            ms(baseline),
            note=f"warm, {start.year} and {start.year - 1}; {received:.0f} referrals received",
        )
        with tempfile.TemporaryDirectory() as tmp:
            pdf, table = Path(tmp) / "rapport.pdf", Path(tmp) / "rapport.csv"
            service, baseline = paired(
                lambda: reports.write_report(ctx, start, end, pdf, table), same_sql, rounds
            )
            size = round(pdf.stat().st_size / 1024)
            rows = len(table.read_text("utf-8-sig").splitlines())
            emit(
                "annual_pdf_csv_ms",
                ms(service),
                ms(baseline),
                TARGET,
                note=f"warm; PDF {size} KB, CSV {rows} rows; baseline: the same SQL, raw",
            )
    finally:
        raw.close()
        accounts.sign_out(ctx)


if __name__ == "__main__":
    sys.exit(main())
