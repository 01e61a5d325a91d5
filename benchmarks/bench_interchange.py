"""Export and import of the whole register at scale, each in a process of its own.

    .venv/bin/python benchmarks/bench_interchange.py [--cases N]

With ``--cases 100000`` (the default) the vault is a throw-away copy of bench_register.py's;
with any other number a demo vault of that size is built first in a temporary folder under
benchmarks/data/ (``demo_s``) and deleted afterwards. Prints JSON:
* ``export_s`` — ``interchange.export_to`` of the whole register (audit entry, read, JSON
  written), and ``export_peak_rss_mb``, the peak RSS of the process that did only that;
* ``import_s`` — ``interchange.import_from`` of that file into an empty vault (read, schema
  and rules checked record by record, written, search index rebuilt, committed), and
  ``import_peak_rss_mb``;
* baselines: ``read_s``, the export's own SELECTs fetched raw in the same child, nothing
  written; ``start_rss_mb``, the peak RSS of a child that imports casecell and opens an
  empty vault.
Peak RSS is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` in each child.
Targets: export ≤ 20 s at 300,000 situations; import peak RSS ≤ 500 MB at 100,000.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import CHEAP, DATA, LOGIN, PASSPHRASE, copy_of_large  # noqa: E402


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(argv: list[str]) -> dict[str, float]:
    """What one child process measures (run by the parent through ``--child``)."""
    from casecell import i18n
    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths
    from casecell.services import accounts, interchange

    i18n.install("fr")
    what, vault, file = argv[0], Path(argv[1]), Path(argv[2])
    boot = Bootstrap(VaultPaths(vault), CHEAP)
    if what == "start":
        ctx = boot.init(LOGIN, "Bench", PASSPHRASE)
        accounts.sign_out(ctx)
        return {"start_rss_mb": peak_mb()}
    if what == "read":
        from casecell.storage import interchange as tables

        ctx = boot.sign_in(LOGIN, PASSPHRASE)
        began = time.perf_counter()
        with ctx.reading() as uow:
            for found in tables.records(uow.session).values():
                for _record in found:
                    pass
        figures = {"read_s": round(time.perf_counter() - began, 2)}
        accounts.sign_out(ctx)
        return figures
    if what == "export":
        ctx = boot.sign_in(LOGIN, PASSPHRASE)
        began = time.perf_counter()
        counts = interchange.export_to(ctx, file)
        figures = {"export_s": round(time.perf_counter() - began, 2), **counts}
        accounts.sign_out(ctx)
        return {**figures, "export_peak_rss_mb": peak_mb()}
    ctx = boot.init(LOGIN, "Bench", PASSPHRASE)
    began = time.perf_counter()
    interchange.import_from(ctx, file)
    figures = {"import_s": round(time.perf_counter() - began, 2)}
    accounts.sign_out(ctx)
    return {**figures, "import_peak_rss_mb": peak_mb()}


def run_child(*argv: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def built_vault(cases: int, figures: dict[str, object]):  # type: ignore[no-untyped-def]
    """A vault of ``cases`` situations: the large copy, or a demo vault built for this run."""
    if cases == 100_000:
        with copy_of_large(cases) as vault:
            yield vault
        return
    from casecell import i18n
    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths

    i18n.install("fr")
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DATA) as folder:
        boot = Bootstrap(VaultPaths(Path(folder) / "casecell.vault"), CHEAP)
        began = time.perf_counter()
        boot.create_demo(LOGIN, PASSPHRASE, cases, seed=1)
        figures["demo_s"] = round(time.perf_counter() - began, 1)
        yield boot.paths.vault


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "VAULT", "FILE"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    figures: dict[str, object] = {"cases": args.cases}
    with built_vault(args.cases, figures) as vault:
        if vault is None:
            return 1
        with tempfile.TemporaryDirectory(dir=DATA) as folder:
            file = Path(folder) / "export.json"
            figures.update(run_child("read", str(vault), str(file)))
            figures.update(run_child("export", str(vault), str(file)))
            figures["export_mb"] = round(file.stat().st_size / 1e6, 1)
            (Path(folder) / "empty").mkdir()
            figures.update(
                run_child("start", str(Path(folder) / "empty" / "casecell.vault"), str(file))
            )
            shutil.rmtree(Path(folder) / "empty")
            (Path(folder) / "new").mkdir()
            figures.update(
                run_child("import", str(Path(folder) / "new" / "casecell.vault"), str(file))
            )
    figures["targets"] = {
        "export_s": "<= 20 at 300,000 situations",
        "import_peak_rss_mb": "<= 500 at 100,000 situations",
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
