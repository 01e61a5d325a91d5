"""Text folding for search: case, accents (precomposed or combining) and ligatures ignored."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_TOKEN = re.compile(r"\w+", re.UNICODE)


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
    words = tokens(text)[:max_terms]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)
