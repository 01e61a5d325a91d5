"""Text folding for search: case, accents (precomposed or combining) and ligatures ignored."""

from __future__ import annotations

import re
import unicodedata

# Raise when fold() changes: vaults then rebuild their search index at the next unlock.
FOLD_VERSION = 3

# Letters that Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans(
    {
        "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss",
        "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ı": "i", "þ": "th", "Þ": "TH",
    }
)  # fmt: skip
_TOKEN = re.compile(r"\w+", re.UNICODE)
# A pseudonym (P-7KQ2XM) is indexed as one word, p7kq2xm: "p" alone would match everyone.
_PSEUDONYM = re.compile(r"\bP-([A-Z0-9]{1,6})\b", re.IGNORECASE)


def fold(text: str) -> str:
    """``Lefèvre``, ``LEFEVRE`` and ``Lefe\\u0300vre`` all fold to ``lefevre``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def tokens(text: str) -> list[str]:
    """The folded words of ``text`` (what the search index and queries are made of)."""
    return _TOKEN.findall(fold(text))


def fts_query(text: str, max_terms: int = 12) -> str | None:
    """An FTS5 query: every word must match, each as a prefix. None when nothing to search.

    Words are quoted, so user input can never be read as FTS5 syntax (AND, NEAR, ``*``, ``"``).
    """
    words = tokens(_PSEUDONYM.sub(r"P\1", text))[:max_terms]
    if not words:
        return None
    # A single letter as a prefix would rank nearly every row: it must match a whole word.
    return " ".join(f'"{word}"' if len(word) == 1 else f'"{word}"*' for word in words)
