"""Text folding for search: case, accents (precomposed or combining) and ligatures ignored;
and the characters no user text may hold."""

from __future__ import annotations

import re
import unicodedata

# What no text typed or imported may hold, whatever the field: control characters (NUL
# first: C strings, SQLite's text functions and PDF writers stop at it), the bidirectional
# overrides and isolates that make a name read backwards (« Trojan Source »), and UTF-16
# surrogates on their own (no encoding can store them). Tab, line feed and carriage return
# are the business of each field (one line or several); the joiners of 👨‍👩‍👧 are kept.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # control characters but \t \n \r
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\ud800-\udfff]"  # surrogates
)


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` no field accepts, as ``U+202E``; None when there is none."""
    found = _UNSAFE.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


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
