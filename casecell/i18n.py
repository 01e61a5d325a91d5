"""gettext for every layer (Picard's habit): English source strings, French catalogue.

The catalogue ships as ``resources/locale/<lang>/LC_MESSAGES/casecell.po`` and is compiled in
memory with Babel the first time a language is installed, so no build step and no write to the
install folder are needed. French is the default language.
"""

from __future__ import annotations

import gettext
import io
import os
import re
from datetime import date
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "casecell"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANG_ENV = "CASECELL_LANG"

_current: gettext.NullTranslations = gettext.NullTranslations()
_current_language = "en"


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    from casecell.paths import resource_dir

    po_path = resource_dir() / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def install(language: str | None = None) -> str:
    """Make ``language`` (or ``CASECELL_LANG``, or French) the language of ``_()``."""
    global _current, _current_language
    chosen = language or os.environ.get(LANG_ENV) or DEFAULT_LANGUAGE
    if chosen not in LANGUAGES:
        chosen = DEFAULT_LANGUAGE
    _current = _catalogue(chosen)
    _current_language = chosen
    return chosen


def current_language() -> str:
    return _current_language


def _(message: str) -> str:
    """Translate ``message`` into the installed language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def date_in_words(day: date, length: str = "long") -> str:
    """``day`` written in words in the current language, e.g. "1er janvier 2027" ("long")
    or "vendredi 1er janvier 2027" ("full"): babel writes "1 janvier", French writes the
    first of the month as an ordinal."""
    from babel.dates import format_date

    text = format_date(day, length, locale=_current_language)
    if _current_language == "fr" and day.day == 1:
        text = re.sub(r"(?<!\d)1(?=\s)", "1er", text, count=1)
    return text
