"""Activity report timings on the 100,000-situation vault of bench_register.py.

    .venv/bin/python benchmarks/bench_reports.py [--rounds R]

Prints JSON:
* ``annual_pdf_csv_ms`` — the annual report for last calendar year (PDF with charts and CSV),
  through the service: read, compute every indicator for the year and the year before, lay out,
  write both files;
* ``indicators_ms`` — the same read and computation without the documents;
* baseline ``raw_aggregates_ms`` — a handful of the same counts as plain SQL aggregates, in the
  same run; ``ratio`` = annual_pdf_csv_ms / raw_aggregates_ms.
Targets: annual report ≤ 3 s and ≤ 5× the raw aggregates.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import ms, sign_in_large, timed  # noqa: E402

from casecell.services import accounts, reports  # noqa: E402
from casecell.storage import reports as queries  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ctx = sign_in_large()
    if ctx is None:
        return 1
    year = ctx.today().year - 1
    start, end = date(year, 1, 1), date(year, 12, 31)
    figures: dict[str, object] = {"rounds": args.rounds, "period": f"{start}..{end}"}
    try:

        def raw() -> object:
            with ctx.reading() as uow:
                return queries.raw_aggregates(uow.session, start, end)

        figures["raw_aggregates_ms"] = ms(timed(raw, args.rounds))
        report = reports.build_report(ctx, start, end)
        figures["referrals_received"] = next(
            f.value for f in report.figures if f.id == "referrals_received"
        )
        figures["indicators_ms"] = ms(
            timed(lambda: reports.build_report(ctx, start, end), args.rounds)
        )
        with tempfile.TemporaryDirectory() as tmp:
            pdf, table = Path(tmp) / "rapport.pdf", Path(tmp) / "rapport.csv"
            figures["annual_pdf_csv_ms"] = ms(
                timed(lambda: reports.write_report(ctx, start, end, pdf, table), args.rounds)
            )
            figures["pdf_kb"] = round(pdf.stat().st_size / 1024)
            figures["csv_rows"] = len(table.read_text("utf-8-sig").splitlines())
        figures["ratio"] = round(
            float(figures["annual_pdf_csv_ms"]) / float(figures["raw_aggregates_ms"]), 2
        )
    finally:
        accounts.sign_out(ctx)
    figures["targets"] = {"annual_pdf_csv_ms": "<= 3000", "ratio": "<= 5"}
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
