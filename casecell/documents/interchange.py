"""The JSON interchange file: reading it safely, checking it against the shipped schema, and
writing it. Errors name the JSON path of the faulty value, in French."""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from itertools import count, islice
from typing import Any, BinaryIO

from casecell.domain.text import unsafe_character
from casecell.errors import ValidationError
from casecell.i18n import _, ngettext
from casecell.paths import resource_dir

FORMAT = "casecell"
VERSION = 1
COLLECTIONS = ("organisations", "contacts", "persons", "cases", "actions", "meetings")
MAX_ERRORS = 10


@cache
def schema() -> dict[str, Any]:
    with (resource_dir() / "schema" / "casecell.schema.json").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@cache
def _validator() -> Any:
    # jsonschema-rs: Draft 2020-12, every error with its path, ~100× faster than the pure-Python
    # jsonschema on a 100,000-situation file (see docs/architecture.md). Imported when a file
    # is checked, not at every start.
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema(), validate_formats=True)


def json_path(parts: Iterable[str | int]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


class ImportErrors(ValidationError):
    """Several problems found in one file; the message lists the first ones."""

    def __init__(self, problems: list[tuple[str, str]], more: bool = False) -> None:
        lines = [_("The file was not imported; nothing was changed.")]
        lines += [f"  {path} : {message}" for path, message in problems[:MAX_ERRORS]]
        if more or len(problems) > MAX_ERRORS:
            lines.append(_("… and other problems."))
        super().__init__("\n".join(lines))
        self.problems = problems


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _describe(error: Any) -> str:
    """A French sentence for one schema violation (jsonschema-rs error)."""
    kind = error.kind
    name = kind.name
    value = _shown(error.instance)
    if name == "required":
        return _("required field “{field}” is missing").format(field=kind.property)
    if name == "additionalProperties":
        unexpected = list(kind.unexpected)
        return ngettext(
            "unknown field: {detail}", "unknown fields: {detail}", len(unexpected)
        ).format(detail=", ".join(unexpected))
    if name in ("enum", "const"):
        details = kind.as_dict()
        options = details.get("options", [details.get("expected_value")])
        choices = ", ".join(str(option) for option in options if option is not None)
        return _("unknown value {value} (expected: {choices})").format(value=value, choices=choices)
    if name == "type":
        return _("value {value} has the wrong type").format(value=value)
    if name in ("maxLength", "minLength", "minimum", "maximum", "minItems", "maxItems"):
        return _("value {value} is out of bounds ({rule} {limit})").format(
            value=value, rule=name, limit=kind.limit
        )
    if name == "uniqueItems":
        return _("the list contains the same value twice")
    field = list(error.instance_path)[-1:]
    if name == "pattern" and field == ["reference"]:
        return _("a reference is written as 2027-001: a year from 1900 to 2100, 3 to 9 digits")
    if name == "pattern" and "(19[0-9]{2}" in kind.pattern:
        return (
            _(
                "expected a date and time with its time zone (2027-01-12T13:00:00+00:00), "
                "between 1900 and 2100"
            )
            if "T" in kind.pattern
            else _("expected a date written as 2027-01-12, between 1900 and 2100")
        )
    if name == "pattern" and field == ["nir"]:
        return _(
            "a social security number (NIR) is 15 characters without spaces: 13 digits "
            "(2A or 2B for Corsica) and a two-digit key"
        )
    return _("invalid value {value}").format(value=value)


# Where a character no text accepts may hide in the raw file: as a \u escape (a control
# character, a bidirectional override, a surrogate; JSON writes the u in lower case) or written
# out in UTF-8 (DEL, C1 controls, overrides and isolates). The records are only walked when one
# of these was seen. Each pattern starts with fixed bytes, which the regex engine scans for
# quickly: the five cost about 0.2 s on a 43 MB file, one alternation of them five times more.
_SUSPECT = tuple(
    re.compile(pattern)
    for pattern in (
        rb"\\u(?:00[01]|007[fF]|00[89]|202[a-eA-E]|206[6-9]|[dD][89a-fA-F])",
        rb"\x7f",
        rb"\xc2[\x80-\x9f]",
        rb"\xe2\x80[\xaa-\xae]",
        rb"\xe2\x81[\xa6-\xa9]",
    )
)


def unsafe_strings(data: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str, str]]:
    """(JSON path, message) of every string (or field name) holding a character no text
    accepts, ``data`` being found at ``prefix`` in the file. Iterative: the file's nesting
    must not exhaust Python's stack."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [(prefix, data)]
    while stack and len(problems) <= MAX_ERRORS:
        where, value = stack.pop()
        if isinstance(value, str):
            code = unsafe_character(value)
            if code is not None:
                problems.append(
                    (
                        json_path(where),
                        _("invisible control character ({code}) not accepted").format(code=code),
                    )
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                if unsafe_character(key) is not None:
                    key = key.encode("utf-8", "backslashreplace").decode("ascii", "replace")
                stack.append(((*where, key), item))
        elif isinstance(value, list):
            stack.extend(((*where, i), item) for i, item in enumerate(value))
    return sorted(problems)


# The same, on decoded text (the file read a piece at a time).
_SUSPECT_TEXT = tuple(
    re.compile(pattern)
    for pattern in (
        r"\\u(?:00[01]|007[fF]|00[89]|202[a-eA-E]|206[6-9]|[dD][89a-fA-F])",
        "[\x7f-\x9f\u202a-\u202e\u2066-\u2069]",
    )
)


def parse(raw: bytes) -> dict[str, Any]:
    """Decode and validate an interchange file; raise with every problem's path in French."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise too_deep() from None
    except UnicodeDecodeError:
        raise not_utf8() from None
    except json.JSONDecodeError as exc:
        raise not_json(exc.lineno, exc.colno) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise not_casecell()
    if data.get("version") != VERSION:
        raise wrong_version(data.get("version"))
    if any(pattern.search(raw) for pattern in _SUSPECT):
        unsafe = unsafe_strings(data)
        if unsafe:
            raise ImportErrors(unsafe)
    errors = list(islice(_validator().iter_errors(data), MAX_ERRORS + 1))
    if errors:
        raise ImportErrors(
            [(json_path(e.instance_path), _describe(e)) for e in errors[:MAX_ERRORS]],
            more=len(errors) > MAX_ERRORS,
        )
    return data


def write(
    handle: BinaryIO, data: dict[str, Any], progress: Callable[[int, int], None] | None = None
) -> None:
    """Stream ``data`` as UTF-8 JSON, one record per line: diff-friendly, and written with
    the C encoder (``indent`` would force the pure-Python one: 35 s instead of a few on 100k)."""
    header = {k: v for k, v in data.items() if k not in COLLECTIONS}
    total = sum(len(data.get(name, [])) for name in COLLECTIONS)
    collections = {name: data.get(name, []) for name in COLLECTIONS}
    write_records(handle, header, collections, total, progress)


def dump(data: dict[str, Any]) -> bytes:
    """The same bytes as :func:`write`, in memory (for tests and small files)."""
    buffer = io.BytesIO()
    write(buffer, data)
    return buffer.getvalue()


# -- reading and writing a piece at a time (files of hundreds of megabytes) ---------------
CHUNK_CHARS = 1 << 20
WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()
_ENCODER = json.JSONEncoder(ensure_ascii=False)  # the C encoder, as json.dumps(…) uses it


def too_deep() -> ValidationError:
    return ValidationError(
        _("The file nests its values too deeply: it is not a casecell export. Nothing was changed.")
    )


def not_utf8() -> ValidationError:
    return ValidationError(
        _("The file is not UTF-8 text: it is not a casecell export. Nothing was changed.")
    )


def not_json(line: int, column: int) -> ValidationError:
    return ValidationError(
        _(
            "The file is not valid JSON (line {line}, column {column}): it may be truncated. "
            "Nothing was changed."
        ).format(line=line, column=column)
    )


def not_casecell() -> ValidationError:
    return ValidationError(
        _(
            "This JSON file is not a casecell export (“format” is not “casecell”). "
            "Nothing was changed."
        )
    )


def wrong_version(found: Any) -> ValidationError:
    return ValidationError(
        _(
            "This export has version {found}; this casecell reads version {expected}. "
            "Nothing was changed."
        ).format(found=json.dumps(found), expected=VERSION)
    )


class _Text:
    """The file's text, decoded a megabyte at a time; what was read is let go as it goes."""

    def __init__(self, handle: BinaryIO, chunk: int = CHUNK_CHARS) -> None:
        self.handle, self.chunk = handle, chunk
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text, self.pos, self.ended = "", 0, False
        self.base = 0  # where ``text`` starts in the whole file
        self.lines, self.line_start = 0, 0  # newlines let go, and where the last line began
        # a character no text accepts may be in what was read (see _SUSPECT): from then on,
        # the records are walked for it (unsafe_strings)
        self.suspect = False

    def more(self, wanted: int = 0) -> bool:
        if self.ended:
            return False
        data = self.handle.read(max(self.chunk, wanted))
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise not_utf8() from None
        self.ended = not data
        if not self.suspect:
            seam = self.text[-8:] + text  # an escape cut between two pieces
            self.suspect = any(p.search(seam) for p in _SUSPECT_TEXT)
        if self.pos > len(self.text) // 2:
            gone = self.text[: self.pos]
            self.lines += gone.count("\n")
            last = gone.rfind("\n")
            if last >= 0:
                self.line_start = self.base + last + 1
            self.base += self.pos
            self.text, self.pos = self.text[self.pos :], 0
        self.text += text
        return True

    def next_char(self) -> str:
        """The next character that is not blank ("" at the end of the file)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def value(self) -> Any:
        """The JSON value that starts here, read whole."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except RecursionError:
                raise too_deep() from None
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.text) - 16 or exc.msg.startswith("Unterminated")
                if cut and self.more(len(self.text)):
                    continue
                raise self.invalid(exc.pos) from None
            if end == len(self.text) and self.more():
                continue  # a number may go on in the next piece
            self.pos = end
            return value

    def expect(self, char: str) -> None:
        if self.next_char() != char:
            raise self.invalid(self.pos)
        self.pos += 1

    def closes(self, close: str) -> bool:
        """After a member: True at ``close``, False at a comma (both passed), else invalid."""
        following = self.next_char()
        if following not in (close, ","):
            raise self.invalid(self.pos)
        self.pos += 1
        return following == close

    def invalid(self, pos: int) -> ValidationError:
        last = self.text.rfind("\n", 0, pos)
        line = self.lines + self.text.count("\n", 0, pos) + 1
        column = pos - last if last >= 0 else self.base + pos - self.line_start + 1
        return not_json(line, column)


class Members:
    """The top-level members of an interchange file as they come, never the whole file:
    ``(collection, None, None)`` where a collection's array begins, then ``(collection, i,
    record)`` for each of its records; ``(name, -1, value)`` for any other member. Iterating
    raises the French message of a file that is not UTF-8 or not JSON, where it is found.
    ``suspect``: a character no text accepts may be in what was read so far."""

    def __init__(self, handle: BinaryIO, chunk: int = CHUNK_CHARS) -> None:
        self.text = _Text(handle, chunk)

    @property
    def suspect(self) -> bool:
        return self.text.suspect

    def __iter__(self) -> Iterator[tuple[str, int | None, Any]]:
        return _members(self.text)


def members(handle: BinaryIO, chunk: int = CHUNK_CHARS) -> Members:
    return Members(handle, chunk)


def _members(text: _Text) -> Iterator[tuple[str, int | None, Any]]:
    first = text.next_char()
    if first != "{":
        text.value()  # not JSON at all, or JSON that is not an object
        raise not_casecell()
    text.pos += 1
    if text.next_char() == "}":
        text.pos += 1
    else:
        while True:
            if text.next_char() != '"':
                raise text.invalid(text.pos)
            name = text.value()
            text.expect(":")
            if text.next_char() == "[" and name in COLLECTIONS:
                text.pos += 1
                yield name, None, None
                if text.next_char() == "]":
                    text.pos += 1
                else:
                    for i in count():
                        text.next_char()
                        yield name, i, text.value()
                        if text.closes("]"):
                            break
            else:
                yield name, -1, text.value()  # next_char() stopped at its first character
            if text.closes("}"):
                break
    if text.next_char():
        raise text.invalid(text.pos)


ITEM_DEFINITIONS = {
    "organisations": "organisation",
    "contacts": "contact",
    "persons": "person",
    "cases": "case",
    "actions": "action",
    "meetings": "meeting",
}


@cache
def _record_validator(collection: str) -> Any:
    """One record of ``collection`` checked against its definition in the shipped schema."""
    root = schema()
    part = {
        "$schema": root["$schema"],
        "$defs": root["$defs"],
        "$ref": f"#/$defs/{ITEM_DEFINITIONS[collection]}",
    }
    import jsonschema_rs

    return jsonschema_rs.validator_for(part, validate_formats=True)


@cache
def _envelope_validator() -> Any:
    """The file without its records: required members, no unknown one, format, version."""
    root = schema()
    envelope = {
        **root,
        "properties": {
            name: {"type": "array", "maxItems": 0} if name in COLLECTIONS else rule
            for name, rule in root["properties"].items()
        },
    }
    import jsonschema_rs

    return jsonschema_rs.validator_for(envelope, validate_formats=True)


def _problems(errors: Iterable[Any], prefix: tuple[str | int, ...]) -> list[tuple[str, str]]:
    return [(json_path((*prefix, *e.instance_path)), _describe(e)) for e in errors]


def record_problems(collection: str, index: int, record: Any, limit: int) -> list[tuple[str, str]]:
    """At most ``limit`` schema violations of one record, with their paths in the file."""
    errors = islice(_record_validator(collection).iter_errors(record), limit)
    return _problems(errors, (collection, index))


def envelope_problems(
    header: dict[str, Any], present: set[str], limit: int
) -> list[tuple[str, str]]:
    """The top level's violations; the records are checked one by one (record_problems)."""
    if header.get("format") != FORMAT:
        raise not_casecell()
    if header.get("version") != VERSION:
        raise wrong_version(header.get("version"))
    envelope = {**header, **{name: [] for name in present}}
    return _problems(islice(_envelope_validator().iter_errors(envelope), limit), ())


def write_records(
    handle: BinaryIO,
    header: dict[str, Any],
    collections: Mapping[str, Iterable[str | dict[str, Any]]],
    total: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Stream the file, one record per line, from records read as they are written (none
    of them kept; a record may come as JSON text already); returns how many of each
    collection were written."""

    encode = _ENCODER.encode  # one encoder for every record: json.dumps makes one per call
    pending: list[str] = []

    def put(text: str) -> None:
        pending.append(text)
        if len(pending) >= 1000:
            handle.write("".join(pending).encode("utf-8"))
            pending.clear()

    written: dict[str, int] = {}
    done = 0
    put(encode(header)[:-1])
    for name in COLLECTIONS:
        put(f',\n"{name}": [')
        n = 0
        for record in collections.get(name, ()):
            text = record if isinstance(record, str) else encode(record)  # str: JSON already
            put(("\n" if n == 0 else ",\n") + text)
            n += 1
            done += 1
            if progress is not None and done % 5000 == 0:
                progress(done, total)
        put("\n]" if n else "]")
        written[name] = n
    put("\n}\n")
    handle.write("".join(pending).encode("utf-8"))
    return written
