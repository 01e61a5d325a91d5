"""A second casecell process for the tests: holds the vault open, or writes until killed.

python tests/cli/vault_child.py hold    # signs in, prints "ready", waits for stdin EOF
python tests/cli/vault_child.py write   # commits numbered rows, printing each number
python tests/cli/vault_child.py die OPERATION STEP   # dies (as kill -9 would) at STEP of
                                                    # OPERATION: disable, rekey or add
"""

from __future__ import annotations

import os
import sys

from casecell import i18n
from casecell.bootstrap import Bootstrap
from casecell.paths import resolve_vault
from casecell.services import accounts


def die_at(wanted: str):  # type: ignore[no-untyped-def]
    def fault(step: str) -> None:
        if step == wanted:
            os._exit(137)  # no clean-up at all, as after kill -9

    return fault


def main(mode: str, *rest: str) -> int:
    i18n.install("fr")
    boot = Bootstrap(resolve_vault(None))
    ctx = boot.sign_in(os.environ["CASECELL_USER"], os.environ["CASECELL_PASSPHRASE"])
    if mode == "die":
        operation, step = rest
        if operation == "disable":
            accounts.disable_user(ctx, os.environ["CASECELL_TARGET"], fault=die_at(step))
        elif operation == "rekey":
            accounts.rotate_keys(ctx, fault=die_at(step))
        elif operation == "add":  # killed once the slot is written, before the commit
            from casecell.domain.users import Role
            from casecell.storage.keyslots import KdfParams
            from casecell.storage.repositories import UserRepository

            def dead(*_args: object) -> None:
                os._exit(137)

            UserRepository.add = dead  # type: ignore[method-assign,assignment]
            accounts.add_user(
                ctx,
                "n.nouveau",
                "",
                Role.MEMBER,
                "phrase du nouveau membre",
                kdf=KdfParams(time_cost=1, memory_cost=8 * 1024, parallelism=1),
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
