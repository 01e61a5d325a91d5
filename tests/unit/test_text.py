import unicodedata

import pytest

from casecell.domain.text import fold, fts_query, tokens


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Lefèvre", "lefevre"),
        (unicodedata.normalize("NFD", "Lefèvre"), "lefevre"),
        ("LEFÈVRE", "lefevre"),
        ("Łukasiewicz-Øberg", "lukasiewicz-oberg"),
        ("Cœur", "coeur"),
        ("Straße", "strasse"),
        ("Nguyễn Thị", "nguyen thi"),
        ("Дмитрий", "дмитрии"),  # й decomposes to и + breve: folded like an accent
    ],
)
def test_fold(typed, folded):
    assert fold(typed) == folded


def test_queries_are_quoted_prefixes_and_never_fts_syntax():
    assert fts_query('Lefèvre "OR" NEAR(x) *') == '"lefevre"* "or"* "near"* "x"'
    assert fts_query("  ") is None
    assert fts_query("=@+-") is None
    assert tokens("2026-014") == ["2026", "014"]
    assert fts_query("P-7KQ") == '"p7kq"*'  # a pseudonym is one word in the index
