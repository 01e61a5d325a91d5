"""The JSON interchange file: reading it safely, checking it against the shipped schema, and
writing it. Errors name the JSON path of the faulty value, in French."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from itertools import islice
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


def unsafe_strings(data: Any) -> list[tuple[str, str]]:
    """(JSON path, message) of every string (or field name) holding a character no text
    accepts. Iterative: the file's nesting must not exhaust Python's stack."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
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


def parse(raw: bytes) -> dict[str, Any]:
    """Decode and validate an interchange file; raise with every problem's path in French."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise ValidationError(
            _(
                "The file nests its values too deeply: it is not a casecell export. "
                "Nothing was changed."
            )
        ) from None
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text: it is not a casecell export. Nothing was changed.")
        ) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _(
                "The file is not valid JSON (line {line}, column {column}): it may be truncated. "
                "Nothing was changed."
            ).format(line=exc.lineno, column=exc.colno)
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(
            _(
                "This JSON file is not a casecell export (“format” is not “casecell”). "
                "Nothing was changed."
            )
        )
    if data.get("version") != VERSION:
        raise ValidationError(
            _(
                "This export has version {found}; this casecell reads version {expected}. "
                "Nothing was changed."
            ).format(found=json.dumps(data.get("version")), expected=VERSION)
        )
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

    def put(text: str) -> None:
        handle.write(text.encode("utf-8"))

    header = {k: v for k, v in data.items() if k not in COLLECTIONS}
    total = sum(len(data.get(name, [])) for name in COLLECTIONS)
    written = 0
    put(json.dumps(header, ensure_ascii=False)[:-1])
    for name in COLLECTIONS:
        records = data.get(name, [])
        put(f',\n"{name}": [')
        for i, record in enumerate(records):
            put(("\n" if i == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            written += 1
            if progress is not None and written % 5000 == 0:
                progress(written, total)
        put("\n]" if records else "]")
    put("\n}\n")


def dump(data: dict[str, Any]) -> bytes:
    """The same bytes as :func:`write`, in memory (for tests and small files)."""
    buffer = io.BytesIO()
    write(buffer, data)
    return buffer.getvalue()
