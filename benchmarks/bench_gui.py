"""Desktop timings on the 100,000-situation demo vault (offscreen Qt).

    .venv/bin/python benchmarks/bench_gui.py [--cases N] [--rounds R]

Works on a copy of the vault of bench_register.py (signing in writes to it). Prints one JSON
line per figure (benchmarks/common.py):
* ``window_ready_ms`` — QApplication + main window built and painted (the unlock's Argon2id
  excluded: the vault's slot uses a cheap KDF here);
* ``sign_in_to_list_ms`` — from a signed-in context to the situations list's first screenful
  painted (the pages prepared beforehand, as the window does while the passphrase is typed);
  ``sign_in_to_whole_list_ms`` — to the whole list (all ids) in the model;
* ``keystroke_to_list_ms`` — a search typed to the list updated, the typing pause
  (``SEARCH_DELAY_MS``, 50 ms) included: what the user waits for after the last key;
* ``filter_to_list_ms`` — a status filter changed to the list updated;
* ``open_case_ms`` — opening a situation from the list until its page is painted;
* ``rss_mb`` — the process's resident memory at the end.
Targets: window ≤ 1000 ms, first list paint ≤ 100 ms, keystroke/filter ≤ 100 ms,
open ≤ 150 ms, RSS ≤ 300 MB.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import arguments, copy_of_large, emit  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from casecell import i18n  # noqa: E402
from casecell.bootstrap import Bootstrap  # noqa: E402
from casecell.paths import VaultPaths  # noqa: E402
from casecell.storage.keyslots import KdfParams  # noqa: E402

LOGIN, PASSPHRASE = "bench", "phrase de passe de mesure"
CHEAP = KdfParams(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def wait(signal, timeout_ms: int = 30_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def main() -> int:
    args = arguments(__doc__, rounds=10).parse_args()
    i18n.install("fr")
    with copy_of_large(args.cases) as vault:
        if vault is None:
            return 1
        return measure(Bootstrap(VaultPaths(vault), CHEAP), args.cases, args.rounds)


def measure(boot: Bootstrap, cases: int, rounds: int) -> int:
    start = time.perf_counter()
    from casecell.ui.application import application, build_pages
    from casecell.ui.main_window import MainWindow
    from casecell.ui.workspace import import_workspace

    app = application()
    window = MainWindow(boot)
    window.resize(1100, 720)
    window.show()
    app.processEvents()
    window.repaint()
    window_ready = time.perf_counter() - start

    # What the window does in the background once the sign-in screen has painted, while the
    # user types (ui/application.py): the signed-in pages imported, then built.
    import_workspace()
    build_pages(window)
    workspace = window.workspace
    page = workspace.situations
    ctx = boot.sign_in(LOGIN, PASSPHRASE)
    start = time.perf_counter()
    window.session.enter(ctx)
    workspace.show_page(page)
    wait(page.first_page)
    page.table.viewport().repaint()
    first_list = time.perf_counter() - start
    wait(page.refreshed)
    whole_list = time.perf_counter() - start

    keystrokes, filters, opens = [], [], []
    for word in ["mar", "lef", "dup", "ngu", "tra", "p-", "ber", "rob", "gar", "dia"][:rounds]:
        start = time.perf_counter()
        page.search.setText(word)  # the typing pause starts, then the search
        wait(page.refreshed)
        page.table.viewport().repaint()
        keystrokes.append(time.perf_counter() - start)
    page.search.setText("")
    for index in range(1, 1 + rounds):
        start = time.perf_counter()
        page.status.setCurrentIndex(index % page.status.count())
        wait(page.refreshed)
        page.table.viewport().repaint()
        filters.append(time.perf_counter() - start)
    page.status.setCurrentIndex(0)
    wait(page.refreshed)
    for row in range(rounds):
        start = time.perf_counter()
        workspace.open_case(page.model.case_id(row * 997 % page.model.rowCount()))
        wait(workspace.case_page.loaded)
        workspace.case_page.repaint()
        opens.append(time.perf_counter() - start)

    figures = {
        "cases": cases,
        "window_ready_ms": round(window_ready * 1000, 1),
        "sign_in_to_list_ms": round(first_list * 1000, 1),
        "sign_in_to_whole_list_ms": round(whole_list * 1000, 1),
        "keystroke_to_list_ms": round(statistics.median(keystrokes) * 1000, 1),
        "keystroke_to_list_max_ms": round(max(keystrokes) * 1000, 1),
        "filter_to_list_ms": round(statistics.median(filters) * 1000, 1),
        "open_case_ms": round(statistics.median(opens) * 1000, 1),
        "rss_mb": rss_mb(),
        "targets": {
            "window_ready_ms": "<= 1000",
            "sign_in_to_list_ms": "<= 100",
            "keystroke_to_list_ms": "<= 100",
            "filter_to_list_ms": "<= 100",
            "open_case_ms": "<= 150",
            "rss_mb": "<= 300",
        },
    }
    window.close()
    QApplication.processEvents()
    print(json.dumps(figures, indent=2))
    targets = figures.pop("targets")
    assert isinstance(targets, dict)
    for name, value in figures.items():
        if name != "cases":
            emit(
                name,
                float(value),
                target=targets.get(name),
                unit="MB" if name == "rss_mb" else "ms",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
