"""Vault timings: what unlocking costs, and that a connection costs no KDF.

    .venv/bin/python benchmarks/bench_vault.py [--rounds N]

On a small vault of its own, made in a temporary folder with casecell's default KDF (the
shared benchmark vault is not used). Prints one JSON line per figure (benchmarks/common.py),
each beside its baseline measured in the same run:
* ``argon2id_s`` — the key derivation alone with the default parameters, tuned to 0.3–0.5 s;
* ``unlock_s`` (sign in: read key slots, Argon2id, open, migration check, audit entry) beside
  ``argon2id_s``: unlocking should be dominated by Argon2id (target: at most 1.25× it);
* ``new_connection_thread_ms`` (a fresh raw-key SQLCipher connection opened in another thread,
  with its first query) beside ``passphrase_connection_ms`` (the same with a passphrase key,
  which pays SQLCipher's PBKDF2 on every connection): the target is <= 5 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import sqlcipher3  # noqa: E402
from common import arguments, emit  # noqa: E402

from casecell import i18n  # noqa: E402
from casecell.bootstrap import Bootstrap  # noqa: E402
from casecell.paths import VaultPaths  # noqa: E402
from casecell.services import accounts  # noqa: E402
from casecell.storage.keyslots import DEFAULT_KDF  # noqa: E402
from casecell.storage.vault import raw_connect  # noqa: E402

LOGIN = "bench.admin"
PASSPHRASE = "une phrase de passe de mesure"


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def in_thread(work) -> float:
    elapsed: list[float] = []

    def run() -> None:
        start = time.perf_counter()
        work()
        elapsed.append(time.perf_counter() - start)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return elapsed[0]


def main() -> int:
    rounds = arguments(__doc__, rounds=5).parse_args().rounds
    i18n.install("en")
    with tempfile.TemporaryDirectory() as tmp:
        paths = VaultPaths(Path(tmp) / "casecell.vault")
        boot = Bootstrap(paths)
        ctx = boot.init(LOGIN, "Bench", PASSPHRASE)
        key = bytes(ctx.vault._key or b"")  # the benchmark needs the raw key to open connections
        accounts.sign_out(ctx)

        argon = []
        for _ in range(rounds):
            start = time.perf_counter()
            DEFAULT_KDF.derive(PASSPHRASE, b"0123456789abcdef")
            argon.append(time.perf_counter() - start)

        unlock = []
        for _ in range(rounds):
            start = time.perf_counter()
            ctx = boot.sign_in(LOGIN, PASSPHRASE)
            unlock.append(time.perf_counter() - start)
            accounts.sign_out(ctx)

        def raw_key_connection() -> None:
            conn = raw_connect(paths.vault, key)
            conn.execute("SELECT count(*) FROM users").fetchone()
            conn.close()

        passphrase_db = Path(tmp) / "passphrase.db"
        conn = sqlcipher3.connect(str(passphrase_db))
        conn.execute("PRAGMA key = 'a passphrase keyed database'")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()

        def passphrase_connection() -> None:
            c = sqlcipher3.connect(str(passphrase_db))
            c.execute("PRAGMA key = 'a passphrase keyed database'")
            c.execute("SELECT count(*) FROM t").fetchone()
            c.close()

        raw_ms = [in_thread(raw_key_connection) for _ in range(rounds * 4)]
        pass_ms = [in_thread(passphrase_connection) for _ in range(rounds)]

    argon_s = round(statistics.median(argon), 3)
    k = DEFAULT_KDF
    kdf = f"t={k.time_cost}, m={k.memory_cost // 1024} MiB, p={k.parallelism}"
    emit("argon2id_s", argon_s, target=">= 0.3 and <= 0.5", unit="s", note=f"Argon2id {kdf}")
    emit(
        "unlock_s",
        round(statistics.median(unlock), 3),
        argon_s,
        "ratio <= 1.25",
        unit="s",
        note="key slot, open, migration check, audit entry",
    )
    passphrase, raw = median_ms(pass_ms), median_ms(raw_ms)
    emit("passphrase_connection_ms", passphrase, note="SQLCipher PBKDF2 on every connection")
    emit(
        "new_connection_thread_ms",
        raw,
        target="<= 5",
        note=f"raw key, another thread, first query; a passphrase key: {passphrase / raw:.0f}×",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
