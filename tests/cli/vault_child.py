"""A second casecell process for the tests: holds the vault open, or writes until killed.

python tests/cli/vault_child.py hold    # signs in, prints "ready", waits for stdin EOF
python tests/cli/vault_child.py write   # commits numbered rows, printing each number
"""

from __future__ import annotations

import os
import sys

from casecell import i18n
from casecell.bootstrap import Bootstrap
from casecell.paths import resolve_vault
from casecell.services import accounts


def main(mode: str) -> int:
    i18n.install("fr")
    boot = Bootstrap(resolve_vault(None))
    ctx = boot.sign_in(os.environ["CASECELL_USER"], os.environ["CASECELL_PASSPHRASE"])
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
    sys.exit(main(sys.argv[1]))
