"""The review's French word list, searched by bisection over its text (never split)."""

from __future__ import annotations

import gzip

from casecell.paths import resource_dir
from casecell.services.minutes import SortedWords, french_words


def test_every_word_of_the_list_is_found_and_nothing_else():
    data = gzip.decompress((resource_dir() / "wordlists" / "fr.txt.gz").read_bytes())
    lines = data.decode("utf-8").rstrip("\n").split("\n")
    words = french_words()
    assert lines == sorted(lines)  # what bisection needs
    assert all(word in words for word in lines[::37])
    assert all(word in words for word in (lines[0], lines[-1], "domicile", "maison"))
    listed = set(lines)
    assert not any(f"{word}q" in words for word in lines[::41] if f"{word}q" not in listed)
    assert "" not in words and "maison\nchat" not in words and None not in words


def test_a_small_list_at_its_edges():
    small = SortedWords("b\nd\nf")
    assert [w in small for w in "abcdefg"] == [False, True, False, True, False, True, False]
    assert "x" not in SortedWords("")
