"""Minutes timings on a copy of the 100,000-situation vault of bench_register.py.

    .venv/bin/python benchmarks/bench_minutes.py [--cases N] [--rounds R]

On a throw-away copy of the vault (the shared one is never changed): plans a meeting held
yesterday with 40 situations, each with notes naming its person, someone else of the vault
and a birth date (what the pseudonymised copy must withhold), decisions and an action
decided; then prints one JSON line per figure (benchmarks/common.py):
* ``nominative_ms`` / ``pseudonymised_ms`` — the minutes PDF written to a file inside a
  signed-in process (warm: read, audit, scrub, lay out, write), beside baseline
  ``gather_ms``, reading what the minutes hold (the SQL and mapping alone);
* ``cli_pseudonymised_ms`` / ``cli_nominative_ms`` — ``casecell minutes ID -o F.pdf
  [--pseudonymised]`` as a one-shot process (start-up, unlock, scrub, review words, lay out,
  write, sign out), bytecode cached as in an installed app, beside baseline ``cli_import_ms``
  (the interpreter starting and importing the CLI, nothing else). The bench account's key
  slot uses a cheap KDF (Argon2id t=1, 8 MiB); ``cli_pseudonymised_default_kdf_ms`` is the
  same one-shot by an account whose slot has casecell's default KDF (t=4, 192 MiB), with the
  passphrase in the environment as a script gives it, and ``kdf_default_ms`` that KDF alone;
* ``cli_pseudonymised_after_prompt_default_kdf_ms`` — what a user typing the passphrase at
  the command's prompt waits for (default KDF): from Enter to the end of the process;
* ``words_to_confirm``.
Target: minutes for a 40-item meeting <= 1 s, the pseudonymised copy as a one-shot CLI
process included.
"""

from __future__ import annotations

import contextlib
import os
import pty
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_meetings import next_planned  # noqa: E402
from bench_register import CHEAP, LOGIN, PASSPHRASE  # noqa: E402
from common import arguments, cli_environment, copy_of_large, emit, ms, timed  # noqa: E402

from casecell import i18n  # noqa: E402
from casecell.bootstrap import Bootstrap  # noqa: E402
from casecell.domain.meetings import MeetingStatus  # noqa: E402
from casecell.domain.minutes import Variant  # noqa: E402
from casecell.domain.users import Role  # noqa: E402
from casecell.paths import VaultPaths  # noqa: E402
from casecell.services import accounts, cases, meetings, minutes  # noqa: E402
from casecell.services.cases import ActionInput  # noqa: E402
from casecell.services.meetings import ItemInput, MeetingInput  # noqa: E402
from casecell.storage.keyslots import DEFAULT_KDF  # noqa: E402

REAL_LOGIN, REAL_PASSPHRASE = "mesure-kdf", "phrase de passe de mesure avec le vrai KDF"
TARGET = "<= 1000"


def main() -> int:
    args = arguments(__doc__, rounds=10).parse_args()
    i18n.install("fr")
    with copy_of_large(args.cases) as vault:
        if vault is None:
            return 1
        boot = Bootstrap(VaultPaths(vault), CHEAP)
        ctx = boot.sign_in(LOGIN, PASSPHRASE)
        try:
            held = plan_held_meeting(ctx)
            accounts.add_user(
                ctx, REAL_LOGIN, "Mesure", Role.COORDINATOR, REAL_PASSPHRASE, kdf=DEFAULT_KDF
            )
        finally:
            accounts.sign_out(ctx)  # the indicator store is rebuilt here, not in the figures
        ctx = boot.sign_in(LOGIN, PASSPHRASE)
        try:
            in_process(ctx, held, args.rounds)
        finally:
            accounts.sign_out(ctx)
        one_shot(vault, held, args.rounds)
    return 0


def plan_held_meeting(ctx) -> int:  # type: ignore[no-untyped-def]
    today = ctx.today()
    proposal = meetings.propose_agenda(ctx, next_planned(ctx).id)
    chosen = [c for c in [*proposal.items, *proposal.left_out] if c.shareable][:40]
    held = meetings.plan_meeting(
        ctx, MeetingInput((today - timedelta(days=1)).strftime("%d/%m/%Y 08:00"), 480, "Mairie")
    )
    meetings.set_agenda(ctx, held.id, [ItemInput(c.case_id, c.purpose, 12) for c in chosen])
    other = cases.get_case(ctx, chosen[-1].case_id).person
    for candidate in chosen:
        case = cases.get_case(ctx, candidate.case_id)
        person, owner = case.person, case.lead_org_id or case.referrer_org_id
        born = f"{person.birth_date:%d/%m/%Y}" if person.birth_date else "inconnue"
        notes = (
            f"{person.first_name} {person.last_name} (née le {born}) a été reçue avec "
            f"{other.first_name} {other.last_name}. " + "Échanges entre partenaires. " * 12
        )
        meetings.set_item_notes(ctx, held.id, case.id, notes, "Visite conjointe.")
        cases.add_action(
            ctx, case.id, ActionInput("Rappeler la famille", owner, meeting_id=held.id)
        )
    meetings.invite(ctx, held.id)
    meetings.set_status(ctx, held.id, MeetingStatus.HELD)
    emit("items", len(chosen), unit="items")
    return int(held.id)


def in_process(ctx, held: int, rounds: int) -> None:  # type: ignore[no-untyped-def]
    def gather() -> object:
        with ctx.reading() as uow:
            return minutes._gather(uow, uow.meetings.get(held))

    gathered = ms(timed(gather, rounds))
    emit("gather_ms", gathered, note="reading what the minutes hold (SQL and mapping)")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "minutes.pdf"
        for variant in Variant:
            figure = ms(timed(lambda v=variant: minutes.write_minutes(ctx, held, pdf, v), rounds))
            size = round(pdf.stat().st_size / 1024)
            emit(f"{variant.value}_ms", figure, gathered, TARGET, note=f"warm, {size} KB")


def one_shot(vault: Path, meeting_id: int, rounds: int) -> None:
    """The CLI as a user runs it, one process per copy (bytecode cached beforehand)."""
    env = cli_environment(vault, LOGIN, PASSPHRASE)
    real = {**env, "CASECELL_USER": REAL_LOGIN, "CASECELL_PASSPHRASE": REAL_PASSPHRASE}
    with tempfile.TemporaryDirectory() as tmp:
        pdf = str(Path(tmp) / "cr.pdf")
        base = [sys.executable, "-m", "casecell", "minutes", str(meeting_id), "-o", pdf]
        imports = [sys.executable, "-c", "import casecell.app, casecell.cli"]
        kdf = [sys.executable, "-c", KDF_ALONE]

        def run(command: list[str], environ: dict[str, str]) -> float:
            subprocess.run(command, env=environ, cwd=ROOT, check=True, capture_output=True)
            return ms(timed(lambda: one_process(command, environ), rounds))

        baseline = run(imports, env)
        emit("cli_import_ms", baseline, note="interpreter + import of the CLI, one-shot")
        emit("cli_nominative_ms", run(base, env), baseline, TARGET, note="one-shot, cheap KDF")
        emit(
            "cli_pseudonymised_ms",
            run([*base, "--pseudonymised"], env),
            baseline,
            TARGET,
            note="one-shot, cheap KDF (t=1, 8 MiB)",
        )
        emit(
            "cli_pseudonymised_default_kdf_ms",
            run([*base, "--pseudonymised"], real),
            baseline,
            TARGET,
            note="one-shot, default KDF (t=4, 192 MiB)",
        )
        typed = {k: v for k, v in real.items() if k != "CASECELL_PASSPHRASE"}
        prompted = [*base, "--pseudonymised"]
        after_prompt(prompted, typed)  # bytecode cached, as for the others
        emit(
            "cli_pseudonymised_after_prompt_default_kdf_ms",
            ms([after_prompt(prompted, typed) for _ in range(rounds)]),
            target=TARGET,
            note="typed at the prompt, default KDF: from Enter to the end of the process",
        )
        kdf_and_python = run(kdf, env)
        python_alone = run([sys.executable, "-c", KDF_ALONE.split("hash_secret_raw(")[0]], env)
        emit(
            "kdf_default_ms",
            round(kdf_and_python - python_alone, 2),
            note="Argon2id with the default parameters, once (what signing in waits for)",
        )
        out = subprocess.run(
            [*base, "--pseudonymised", "--show-words"],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        words = sum(1 for line in out.splitlines() if line.startswith("  "))
        emit("words_to_confirm", words, unit="words")


def after_prompt(command: list[str], environ: dict[str, str]) -> float:
    """Seconds from the passphrase typed at the command's prompt (on a terminal of its own,
    as a user types it) to the end of the process."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: its terminal is the pty
        os.chdir(ROOT)
        os.execve(command[0], command, environ)  # noqa: S606 - our own interpreter, no shell
    seen = b""
    while b":" not in seen.rsplit(b"\n", 1)[-1]:  # "Phrase de passe pour …: "
        seen += os.read(terminal, 4096)
    start = time.perf_counter()
    os.write(terminal, (REAL_PASSPHRASE + "\n").encode("utf-8"))
    with contextlib.suppress(OSError):  # EIO once the child has gone
        while os.read(terminal, 4096):
            pass
    _pid, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(terminal)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"the prompted command failed: {seen[-300:]!r}")
    return elapsed


def one_process(command: list[str], environ: dict[str, str]) -> None:
    subprocess.run(command, env=environ, cwd=ROOT, check=True, capture_output=True)


KDF_ALONE = (
    "from argon2.low_level import Type, hash_secret_raw\n"
    "from casecell.storage.keyslots import DEFAULT_KDF as k\n"
    "hash_secret_raw(b'x' * 32, b's' * 16, k.time_cost, k.memory_cost, k.parallelism, 32,"
    " Type.ID)\n"
)


if __name__ == "__main__":
    sys.exit(main())
