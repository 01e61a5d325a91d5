"""Start-up as the user meets it: whole processes, timed from outside (before the interpreter
starts), bytecode cached as in an installed app.

    .venv/bin/python benchmarks/bench_startup.py [--cases N] [--rounds R]

Prints one JSON line per figure (benchmarks/common.py):
* ``help_ms`` — ``casecell --help``, beside baseline ``python_ms`` (``python -c pass``);
* ``gui_login_painted_ms`` — ``casecell gui`` on a copy of the vault (offscreen Qt) until
  the sign-in screen has painted (the window prints the moment of its first paint when
  ``CASECELL_EXIT_AFTER_PAINT`` is set, then quits), beside baseline ``qt_painted_ms``, an
  empty QMainWindow painted the same way by a bare PySide6 script;
* ``*_cpu_ms`` — the CPU time (user + system) of those processes: on a loaded machine the
  wall clock grows, the CPU time much less.
Targets: ``casecell --help`` <= 300 ms, the sign-in screen painted <= 1,000 ms.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import arguments, copy_of_large, emit  # noqa: E402

QT_ALONE = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.done)
        return False

    def done(self):
        print(f"painted {time.time():.6f}", flush=True)
        QApplication.quit()

app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("casecell"))
probe = Probe(window)
window.installEventFilter(probe)
window.show()
app.exec()
"""


def environment(vault: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        CASECELL_EXIT_AFTER_PAINT="1",
        PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "casecell-bench-pycache"),
    )
    if vault is not None:
        env["CASECELL_VAULT"] = str(vault)
    return env


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_process(command: list[str], env: dict[str, str]) -> tuple[float, float, float | None]:
    """Wall clock to exit, CPU time, and wall clock to the printed paint (if any), in ms."""
    cpu = cpu_of_children()
    wall = time.time()
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    painted = None
    for line in done.stdout.splitlines():
        if line.startswith("painted "):
            painted = (float(line.split()[1]) - wall) * 1000
    return elapsed * 1000, (cpu_of_children() - cpu) * 1000, painted


def medians(command: list[str], env: dict[str, str], rounds: int) -> tuple[float, float, float]:
    one_process(command, env)  # bytecode cached, files in the page cache
    runs = [one_process(command, env) for _ in range(rounds)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    paints = [r[2] for r in runs if r[2] is not None]
    painted = statistics.median(paints) if paints else float("nan")
    return round(wall, 1), round(cpu, 1), round(painted, 1)


def main() -> int:
    args = arguments(__doc__, rounds=10).parse_args()
    casecell = [sys.executable, "-m", "casecell"]
    env = environment()
    python, python_cpu, _ = medians([sys.executable, "-c", "pass"], env, args.rounds)
    emit("python_ms", python, note=f"interpreter alone; CPU {python_cpu} ms")
    help_wall, help_cpu, _ = medians([*casecell, "--help"], env, args.rounds)
    emit("help_ms", help_wall, python, "<= 300", note="casecell --help, whole process")
    emit("help_cpu_ms", help_cpu, python_cpu)
    _, qt_cpu, qt_painted = medians([sys.executable, "-c", QT_ALONE], env, args.rounds)
    emit("qt_painted_ms", qt_painted, note=f"bare PySide6 window painted; CPU {qt_cpu} ms")
    with copy_of_large(args.cases) as vault:
        if vault is None:
            return 1
        _, gui_cpu, painted = medians([*casecell, "gui"], environment(vault), args.rounds)
    emit(
        "gui_login_painted_ms",
        painted,
        qt_painted,
        "<= 1000",
        note="process start to the sign-in screen painted",
    )
    emit("gui_cpu_ms", gui_cpu, qt_cpu, note="CPU of the whole gui process (to its exit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
