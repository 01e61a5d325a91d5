"""Build resources/wordlists/fr.txt.gz, the French word list of the pseudonymisation review.

    python scripts/make_wordlist.py [/usr/share/dict/french]

Source: Debian's ``wfrench`` package (/usr/share/dict/french, 1989 Paul Leyland and the Debian
maintainers, GPL-2-or-later, compatible with casecell's GPL-3.0-or-later; see
resources/wordlists/README.md). Every word is folded as casecell compares words (case, accents
and ligatures ignored, ``domain/text.fold``), deduplicated and sorted, one per line, gzipped
(deterministic: no timestamp in the header).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casecell.domain.text import fold  # noqa: E402

TARGET = ROOT / "resources" / "wordlists" / "fr.txt.gz"


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else Path("/usr/share/dict/french")
    if not source.is_file():
        print(f"{source}: not found (apt-get install wfrench)", file=sys.stderr)
        return 1
    lines = source.read_text(encoding="utf-8").splitlines()
    words = sorted({fold(w.strip()) for w in lines if w.strip() and not w[0].isupper()})
    data = ("\n".join(words) + "\n").encode("utf-8")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{len(words)} words → {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
