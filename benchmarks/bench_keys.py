"""What the keys cost on a 100,000-situation vault (a copy: the shared vault is not changed).

    .venv/bin/python benchmarks/bench_keys.py [--cases N] [--rounds R]

Needs the vault bench_register.py builds; works on a throw-away copy of it
(``common.copy_of_large``). Prints one JSON line per figure (benchmarks/common.py):
* ``stats_refresh_s`` — rebuilding the name-free indicator store, what a sign-out after a
  change waits for; baseline ``copy_raw_s``: the same INSERT … SELECT of the same columns
  into a plain attached SQLCipher file, by hand, with the same settings (no journal for the
  new file, a 64 MB cache, sorts in memory). Target ≤ 1.5× the baseline and ≤ 3 s.
* ``rotation_s`` — disabling an account: PRAGMA rekey, re-granting every slot, rebuilding
  the indicator store. Target ≤ 10 s.
* ``report_full_s`` / ``report_stats_s`` — the annual report from the vault (a coordinator)
  and from the indicator store (a manager). Target: the manager's ≤ 1.2× the coordinator's.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_register import CHEAP, LOGIN, PASSPHRASE  # noqa: E402
from common import arguments, copy_of_large, emit  # noqa: E402

from casecell import i18n  # noqa: E402
from casecell.bootstrap import Bootstrap  # noqa: E402
from casecell.domain.users import Role  # noqa: E402
from casecell.paths import VaultPaths  # noqa: E402
from casecell.services import accounts, reports  # noqa: E402
from casecell.storage import stats  # noqa: E402
from casecell.storage.keyslots import stats_key  # noqa: E402
from casecell.storage.vault import _key_literal, raw_connect  # noqa: E402

MANAGER, MANAGER_PASS = "bench.gestion", "phrase de passe du gestionnaire"


def seconds(samples: list[float]) -> float:
    return round(statistics.median(samples), 3)


def main() -> int:
    args = arguments(__doc__, rounds=3).parse_args()
    i18n.install("fr")
    with copy_of_large(args.cases) as vault:
        if vault is None:
            return 1
        paths = VaultPaths(vault)
        boot = Bootstrap(paths, CHEAP)
        ctx = boot.sign_in(LOGIN, PASSPHRASE)
        accounts.add_user(ctx, MANAGER, "", Role.MANAGER, MANAGER_PASS, kdf=CHEAP)
        accounts.add_user(ctx, "bench.depart", "", Role.MEMBER, MANAGER_PASS, kdf=CHEAP)

        refresh, raw = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            ctx.vault.refresh_stats()
            refresh.append(time.perf_counter() - start)
            raw.append(_raw_copy(ctx, vault.parent))

        year = (date(2026, 1, 1), date(2026, 12, 31))
        full_report = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            reports.build_report(ctx, *year)
            full_report.append(time.perf_counter() - start)

        start = time.perf_counter()
        accounts.disable_user(ctx, "bench.depart")
        rotation = time.perf_counter() - start
        accounts.sign_out(ctx)

        manager = boot.sign_in(MANAGER, MANAGER_PASS)
        stats_report = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            reports.build_report(manager, *year)
            stats_report.append(time.perf_counter() - start)
        accounts.sign_out(manager)

    raw_s = seconds(raw)
    emit("copy_raw_s", raw_s, unit="s", note="the same INSERT … SELECT by hand")
    emit(
        "stats_refresh_s",
        seconds(refresh),
        raw_s,
        "<= 3 and ratio <= 1.5",
        unit="s",
        note="indicator store rebuilt (what a sign-out after a change waits for)",
    )
    emit(
        "rotation_s",
        round(rotation, 3),
        target="<= 10",
        unit="s",
        note="disabling an account: rekey, new grants, store rebuilt (once)",
    )
    full = seconds(full_report)
    emit("report_full_s", full, unit="s", note="annual report, coordinator (vault)")
    emit(
        "report_stats_s",
        seconds(stats_report),
        full,
        "ratio <= 1.2",
        unit="s",
        note="annual report, manager (indicator store)",
    )
    return 0


def _raw_copy(ctx, folder: Path) -> float:
    """The baseline: the same columns copied by hand into a plain attached file."""
    target = folder / "raw-copy.db"
    target.unlink(missing_ok=True)
    key = stats_key(ctx.vault._require_full())
    store = raw_connect(target, key)
    for statement in stats.schema_statements():
        store.execute(statement)
    store.commit()
    store.close()
    start = time.perf_counter()
    with ctx.vault.raw_connection() as connection:
        connection.execute(f'ATTACH DATABASE ? AS stats KEY "{_key_literal(key)}"', (str(target),))
        # the settings the rebuild uses for its new file (same shape of work)
        connection.execute("PRAGMA stats.journal_mode = OFF")
        connection.execute("PRAGMA stats.cache_size = -65536")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("BEGIN")
        for statement in stats.copy_statements():
            connection.execute(statement)
        for statement in stats.index_statements("stats"):
            connection.execute(statement)
        connection.execute("COMMIT")
        connection.execute("DETACH DATABASE stats")
        connection.execute("PRAGMA temp_store = DEFAULT")
    elapsed = time.perf_counter() - start
    target.unlink()
    return elapsed


if __name__ == "__main__":
    sys.exit(main())
