"""The JSON interchange file: reading it safely, checking it against the shipped schema, and
writing it. Errors name the JSON path of the faulty value, in French."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

from casecell.errors import ValidationError
from casecell.i18n import _
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
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=FormatChecker())


def json_path(parts: Iterable[str | int]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


class ImportErrors(ValidationError):
    """Several problems found in one file; the message lists the first ones."""

    def __init__(self, problems: list[tuple[str, str]], total: int) -> None:
        lines = [_("The file was not imported; nothing was changed.")]
        lines += [f"  {path} : {message}" for path, message in problems[:MAX_ERRORS]]
        if total > MAX_ERRORS:
            lines.append(_("… and {count} other problem(s).").format(count=total - MAX_ERRORS))
        super().__init__("\n".join(lines))
        self.problems = problems


def _describe(error: jsonschema.ValidationError) -> str:
    """A French sentence for one schema violation."""
    if error.validator == "anyOf" and error.context:
        # A nullable field: explain what is wrong with the non-null alternative.
        specific = [e for e in error.context if e.validator != "type"]
        if specific:
            return _describe(specific[0])
    value = json.dumps(error.instance, ensure_ascii=False)
    if len(value) > 60:
        value = value[:57] + "…"
    validator = error.validator
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else "?"
        return _("required field “{field}” is missing").format(field=missing)
    if validator == "additionalProperties":
        return _("unknown field(s): {detail}").format(detail=error.message.split("(")[-1][:-1])
    if validator in ("enum", "const"):
        expected = error.validator_value
        choices = ", ".join(map(str, expected if isinstance(expected, list) else [expected]))
        return _("unknown value {value} (expected: {choices})").format(value=value, choices=choices)
    if validator == "type" or validator == "anyOf":
        return _("value {value} has the wrong type").format(value=value)
    if validator in ("format", "pattern") and isinstance(error.instance, str):
        return _("invalid value {value}").format(value=value)
    if validator in ("maxLength", "minimum", "maximum", "minItems", "maxItems"):
        return _("value {value} is out of bounds ({rule} {limit})").format(
            value=value, rule=validator, limit=error.validator_value
        )
    if validator == "uniqueItems":
        return _("the list contains the same value twice")
    return _("invalid value {value}").format(value=value)


def parse(raw: bytes) -> dict[str, Any]:
    """Decode and validate an interchange file; raise with every problem's path in French."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
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
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ImportErrors(
            [(json_path(e.absolute_path), _describe(e)) for e in errors[: MAX_ERRORS + 1]],
            len(errors),
        )
    return data


def dump(data: dict[str, Any]) -> bytes:
    """UTF-8, keys in a stable order, one record per line block: diff-friendly and exact."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
