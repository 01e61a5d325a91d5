"""A second casecell process for the tests: holds the vault open, writes until killed, or
dies (as ``kill -9`` would: ``os._exit``, no clean-up at all) at a named step.

python tests/cli/vault_child.py hold    # signs in, prints "ready", waits for stdin EOF
python tests/cli/vault_child.py write   # commits numbered rows, printing each number
python tests/cli/vault_child.py die OPERATION STEP   # dies at STEP of OPERATION:
    init, demo, restore (of CASECELL_BACKUP): no sign-in first;
    disable (CASECELL_TARGET), rekey, add, passwd (to CASECELL_NEW_PASSPHRASE): signed in;
    write: runs ``casecell ARGS…`` (STEP is the file it writes; ARGS follow) and dies just
    before that file is renamed into place, its temporary file complete on disk.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from casecell import i18n
from casecell.bootstrap import Bootstrap
from casecell.paths import resolve_vault
from casecell.services import accounts
from casecell.storage.keyslots import KdfParams

FAST_KDF = KdfParams(time_cost=1, memory_cost=8 * 1024, parallelism=1)
NEW_LOGIN = "n.nouveau"
NEW_PASS = "phrase du nouveau membre"


def die_at(wanted: str):  # type: ignore[no-untyped-def]
    def fault(step: str) -> None:
        if step == wanted:
            os._exit(137)  # no clean-up at all, as after kill -9

    return fault


def die_before_unsigned(operation: str, step: str) -> int:
    """The operations that start without a signed-in account."""
    boot = Bootstrap(resolve_vault(None), kdf=FAST_KDF)
    user, passphrase = os.environ["CASECELL_USER"], os.environ["CASECELL_PASSPHRASE"]
    if operation == "init":
        boot.init(user, "Alice Administratrice", passphrase, fault=die_at(step))
    elif operation == "demo":

        def progress(_stage: str, _done: int, _total: int) -> None:
            if step == "filling":  # the first news from writing the register
                os._exit(137)

        boot.create_demo(user, passphrase, 2, 7, progress=progress, fault=die_at(step))
    else:
        boot.restore(Path(os.environ["CASECELL_BACKUP"]), user, passphrase, die_at(step))
    return 3


def die_mid_write(target: str, argv: list[str]) -> int:
    from casecell import app

    real_replace = os.replace

    def replace(source, destination):  # type: ignore[no-untyped-def]
        if Path(destination).name == target:
            os._exit(137)
        real_replace(source, destination)

    os.replace = replace  # type: ignore[assignment]
    return 3 if app.main(argv) == 0 else 4


def main(mode: str, *rest: str) -> int:
    i18n.install("fr")
    if mode == "die" and rest[0] in ("init", "demo", "restore"):
        return die_before_unsigned(*rest)
    if mode == "die" and rest[0] == "write":
        return die_mid_write(rest[1], list(rest[2:]))
    boot = Bootstrap(resolve_vault(None))
    ctx = boot.sign_in(os.environ["CASECELL_USER"], os.environ["CASECELL_PASSPHRASE"])
    if mode == "die":
        operation, step = rest
        if operation == "disable":
            accounts.disable_user(ctx, os.environ["CASECELL_TARGET"], fault=die_at(step))
        elif operation == "rekey":
            accounts.rotate_keys(ctx, fault=die_at(step))
        elif operation == "passwd":
            accounts.change_passphrase(
                ctx,
                os.environ["CASECELL_PASSPHRASE"],
                os.environ["CASECELL_NEW_PASSPHRASE"],
                kdf=FAST_KDF,
                fault=die_at(step),
            )
        elif operation == "add":
            from casecell.domain.users import Role

            accounts.add_user(
                ctx, NEW_LOGIN, "", Role.MEMBER, NEW_PASS, kdf=FAST_KDF, fault=die_at(step)
            )
        return 3  # the step was never reached
    if mode == "hold":
        print("ready", flush=True)
        sys.stdin.read()
        accounts.sign_out(ctx)
        return 0
    number = 0
    while True:  # until the parent kills us
        number += 1
        with ctx.writing() as uow:
            uow.meta.set(f"row-{number}", "x" * 500)
            uow.meta.set("last", str(number))
            uow.commit()
        print(number, flush=True)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
