"""Extract ``_()`` strings from casecell/ and merge them into the French catalogue.

Run after adding or changing user-facing text; then translate the empty ``msgstr`` entries.
``tests/test_i18n.py`` fails while any entry lacks a French translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "resources" / "locale" / "fr" / "LC_MESSAGES" / "casecell.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    template = Catalog(project="casecell", domain="casecell")
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT / "casecell", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message, locations=[(f"casecell/{filename}", lineno)])
    return template


def main() -> int:
    template = extract()
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="fr", domain="casecell")
    catalogue.update(template, no_fuzzy_matching=True)
    catalogue.obsolete.clear()
    with PO.open("wb") as handle:
        write_po(handle, catalogue, width=100, sort_output=True, include_previous=False)
    missing = [m.id for m in catalogue if m.id and not m.string]
    print(f"{len(catalogue)} messages, {len(missing)} without French translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
