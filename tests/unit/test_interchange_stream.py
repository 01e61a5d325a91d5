"""The interchange file read a piece at a time gives what json.loads gives, whatever the
layout and wherever the pieces are cut, and a broken file the same line and column."""

from __future__ import annotations

import io
import json

import pytest

from casecell.documents import interchange as document
from casecell.errors import ValidationError
from tests.conftest import tricky_strings

RECORD = {"id": 7, "name": "Dupont <Fils> & Cie", "n": 12345678901234, "x": -1.5e-3, "b": None}


def sample() -> dict:
    texts = tricky_strings()
    return {
        "version": 1,
        "organisations": [{**RECORD, "id": i, "name": t} for i, t in enumerate(texts)],
        "format": "casecell",
        "contacts": [],
        "persons": [{"id": 1, "nested": {"list": [1, 2, [3, {"é": "…\u202f"}]]}}],
        "exported_at": "2026-12-01T05:00:00+00:00",
        "cases": [RECORD, True, 12345, "texte"],
    }


def rebuilt(raw: bytes, chunk: int) -> dict:
    found: dict = {}
    for name, index, value in document.members(io.BytesIO(raw), chunk):
        if index is None:
            found[name] = []
        elif index < 0:
            found[name] = value
        else:
            assert index == len(found[name])
            found[name].append(value)
    return found


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
@pytest.mark.parametrize("indent", [None, 2])
def test_members_give_what_json_loads_gives(chunk, indent):
    data = sample()
    raw = json.dumps(data, ensure_ascii=False, indent=indent).encode("utf-8")
    assert rebuilt(raw, chunk) == json.loads(raw)
    assert rebuilt(b"\xef\xbb\xbf" + raw, chunk) == json.loads(raw)  # with a BOM


@pytest.mark.parametrize("chunk", [3, 1 << 20])
def test_a_broken_file_is_told_where_json_would_tell_it(chunk):
    raw = json.dumps(sample(), ensure_ascii=False, indent=1)
    for cut in range(5, len(raw), 97):
        broken = raw[:cut]
        with pytest.raises(json.JSONDecodeError) as expected:
            json.loads(broken)
        with pytest.raises(ValidationError) as caught:
            rebuilt(broken.encode("utf-8"), chunk)
        where = f"(ligne {expected.value.lineno}, colonne {expected.value.colno})"
        assert where in caught.value.message, (cut, caught.value.message)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"format": "casecell"} x', "pas un JSON valide"),
        (b'{"format": "casecell",}', "pas un JSON valide"),
        (b'{"cases": [1,]}', "pas un JSON valide"),
        (b"", "pas un JSON valide"),
        (b"[1, 2]", "pas un export casecell"),
        ("é".encode("latin-1") + b"{}", "UTF-8"),
    ],
)
def test_what_is_not_an_export_is_refused(raw, message):
    with pytest.raises(ValidationError, match=message):
        rebuilt(raw, 4)
