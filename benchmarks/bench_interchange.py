"""Export and import of the whole register at scale, each in a process of its own.

    .venv/bin/python benchmarks/bench_interchange.py [--cases N]

When bench_register.py made a vault of ``--cases`` situations (100,000 by default), the work
is done on a throw-away copy of it; for any other number a demo vault of that size is built
first in a temporary folder (``demo_s``) and deleted afterwards. One JSON line per figure
(common.emit):
* ``export_s`` — ``interchange.export_to`` of the whole register (audit entry, read, JSON
  written), and ``export_peak_rss_mb``, the peak RSS of the process that did only that;
* ``import_s`` — ``interchange.import_from`` of that file into an empty vault (read, schema
  and rules checked record by record, written, search index rebuilt, committed), and
  ``import_peak_rss_mb``;
* baselines: ``read_s``, the export's own SELECTs fetched raw in the same child, nothing
  written; ``start_rss_mb``, the peak RSS of a child that imports casecell and opens an
  empty vault.
Peak RSS is each child's VmHWM (/proc/self/status).
Targets: export ≤ 20 s at 300,000 situations; import peak RSS ≤ 500 MB at 100,000.
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import CHEAP, LOGIN, PASSPHRASE  # noqa: E402
from common import arguments, copy_of_large, emit, vault_folder  # noqa: E402


def peak_mb() -> float:
    """This process's peak RSS: VmHWM, which starts afresh at exec (``ru_maxrss`` keeps the
    parent's peak when the parent is bigger, as after building a large demo vault)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(kb / 1024, 1)


def child(argv: list[str]) -> dict[str, float]:
    """What one child process measures (run by the parent through ``--child``)."""
    from casecell import i18n
    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths
    from casecell.services import accounts, interchange

    i18n.install("fr")
    what, vault, file = argv[0], Path(argv[1]), Path(argv[2])
    boot = Bootstrap(VaultPaths(vault), CHEAP)
    if what == "demo":
        began = time.perf_counter()
        boot.create_demo(LOGIN, PASSPHRASE, int(argv[2]), seed=1)
        return {"demo_s": round(time.perf_counter() - began, 1)}
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
def built_vault(cases: int, figures: dict[str, float]):  # type: ignore[no-untyped-def]
    """A vault of ``cases`` situations: a copy of bench_register's, or one built for this run."""
    if (vault_folder(cases) / "casecell.vault").exists():
        with copy_of_large(cases) as vault:
            yield vault
        return
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
        vault = Path(folder) / "casecell.vault"
        figures.update(run_child("demo", str(vault), str(cases)))  # this process stays small
        yield vault


def main() -> int:
    parser = arguments()
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "VAULT", "FILE"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    figures: dict[str, float] = {}
    with built_vault(args.cases, figures) as vault, tempfile.TemporaryDirectory() as folder:
        if vault is None:
            return 1
        file = Path(folder) / "export.json"
        figures.update(run_child("read", str(vault), str(file)))
        figures.update(run_child("export", str(vault), str(file)))
        size = round(file.stat().st_size / 1e6, 1)
        (Path(folder) / "empty").mkdir()
        figures.update(run_child("start", str(Path(folder) / "empty" / "casecell.vault"), ""))
        (Path(folder) / "new").mkdir()
        figures.update(run_child("import", str(Path(folder) / "new" / "casecell.vault"), str(file)))
    n = f"{args.cases:,} situations".replace(",", " ")
    if "demo_s" in figures:
        emit("demo_s", figures["demo_s"], unit="s", note=f"demo vault of {n} built for this run")
    emit(
        "export_s",
        figures["export_s"],
        figures["read_s"],
        "<= 20" if args.cases >= 300_000 else None,
        unit="s",
        note=f"{n}, {size} MB; baseline: the same records read, nothing written"
        + ("" if args.cases >= 300_000 else "; target <= 20 s at 300 000"),
    )
    emit(
        "export_peak_rss_mb",
        figures["export_peak_rss_mb"],
        figures["start_rss_mb"],
        unit="MB",
        note="peak RSS of the exporting process; baseline: a process that opens a vault",
    )
    emit("import_s", figures["import_s"], unit="s", note=f"{n}: read, checked, written, indexed")
    emit(
        "import_peak_rss_mb",
        figures["import_peak_rss_mb"],
        figures["start_rss_mb"],
        "<= 500" if args.cases >= 100_000 else None,
        unit="MB",
        note="peak RSS of the importing process; baseline: a process that opens a vault",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
