"""Reading a partner directory (annuaire) exported from a French spreadsheet.

Accepts what Excel and LibreOffice write: ``;`` or ``,`` separators, UTF-8 with or without
BOM, or Windows-1252; header names in French or English, any case, with or without accents.
One line per contact; a line without a contact name describes only the organisation.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from casecell.domain.text import fold
from casecell.errors import ValidationError
from casecell.i18n import _, ngettext

MAX_BYTES = 20 * 1024 * 1024

# Column → the header names (folded) that mean it.
HEADERS: dict[str, tuple[str, ...]] = {
    "organisation": ("organisation", "structure", "nom de la structure", "partenaire", "organisme"),
    "kind": ("type", "categorie", "nature", "type de structure", "kind"),
    "commune": ("code insee", "insee", "commune (insee)", "code commune", "commune"),
    "address": ("adresse", "address"),
    "contact": ("contact", "nom du contact", "interlocuteur", "nom", "name"),
    "function": ("fonction", "function", "poste"),
    "email": ("courriel", "email", "e-mail", "mail", "adresse electronique"),
    "phone": ("telephone", "tel", "tel.", "phone"),
    "secrecy": ("secret professionnel", "soumis au secret", "secret"),
    "charter": ("charte signee le", "charte", "date de signature de la charte", "charter"),
}
REQUIRED = ("organisation", "kind")


@dataclass(frozen=True)
class DirectoryLine:
    line: int  # 1-based line number in the file, header included
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what French spreadsheets write."""
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("The file is too large for a partner directory (over 20 MB)."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse(raw: bytes) -> list[DirectoryLine]:
    text = decode(raw)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error:  # a cell over the csv module's limit (131,072 characters), a stray NUL
        raise ValidationError(
            _(
                "Line {line} cannot be read: a cell is too long or holds a forbidden character. "
                "Nothing was changed."
            ).format(line=reader.line_num)
        ) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValidationError(_("The file is empty."))
    columns = _columns(rows[0])
    missing = [c for c in REQUIRED if c not in columns.values()]
    if missing:
        expected = {"organisation": _("Organisation"), "kind": _("Type")}
        raise ValidationError(
            ngettext(
                "Missing column: {columns}. The first line must name the columns.",
                "Missing columns: {columns}. The first line must name the columns.",
                len(missing),
            ).format(columns=", ".join(expected[c] for c in missing))
        )
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {columns[i]: cell for i, cell in enumerate(row) if i in columns}
        lines.append(DirectoryLine(number, values))
    return lines


def _columns(header: list[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, name in enumerate(header):
        key = fold(name).strip()
        for column, names in HEADERS.items():
            if key in names and column not in found.values():
                found[index] = column
                break
    return found
