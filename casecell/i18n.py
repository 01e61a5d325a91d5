"""gettext for every layer (Picard's habit): English source strings, French catalogue.

The catalogue ships as ``resources/locale/<lang>/LC_MESSAGES/casecell.po`` and is read by a
small reader below the first time a language is installed, so no build step and no write to the
install folder are needed (Babel's reader and compiler cost ~40 ms of imports and ~30 ms of
work at every start; tests check that both read the same catalogue). French is the default
language.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Callable
from datetime import date
from functools import cache

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
    return Catalogue(read_catalogue(po_path.read_text(encoding="utf-8")))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")


def _unquote(line: str) -> str:
    """The text of one quoted PO line (``"a \\"b\\" c\\n"`` → ``a "b" c`` and a new line)."""
    body = line.strip()[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def read_catalogue(text: str) -> dict[str | tuple[str, int], str]:
    """The translated messages of a PO file, keyed as :class:`gettext.GNUTranslations` keys
    them (``msgid``, or ``(msgid, n)`` for the forms of a plural); the header under ``""``.

    Untranslated and fuzzy entries are left out (``msgfmt``'s and Babel's ``write_mo``'s
    habit); obsolete entries (``#~``) are comments. Message contexts are not used by casecell.
    """
    messages: dict[str | tuple[str, int], str] = {}
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal fuzzy
        if "msgid" in fields and not fuzzy:
            msgid = "".join(fields["msgid"])
            if "msgid_plural" in fields:
                forms = sorted(k for k in fields if k.startswith("msgstr["))
                untranslated = (msgid, "".join(fields["msgid_plural"]))
                for k in forms:  # a missing form falls back to the English one (as Babel's)
                    n = int(k[7:-1])
                    messages[(msgid, n)] = "".join(fields[k]) or untranslated[min(n, 1)]
            elif string := "".join(fields.get("msgstr", [])):
                messages[msgid] = string
        fields.clear()
        fuzzy = False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if any(k.startswith("msgstr") for k in fields):
                flush()  # the comments of the next entry
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if current is not None:
                current.append(_unquote(line))
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword == "msgid" and "msgid" in fields:
            flush()
        current = fields.setdefault(keyword, [])
        current.append(_unquote(rest))
    flush()
    return messages


class Catalogue(gettext.NullTranslations):
    """Translations read by :func:`read_catalogue`, with the plural rule of their header."""

    def __init__(self, messages: dict[str | tuple[str, int], str]) -> None:
        super().__init__()
        self._messages = messages
        header = str(messages.get("", ""))
        rule = re.search(r"plural=(.+?);?\s*$", header, re.MULTILINE)
        self._plural: Callable[[int], int] = (
            gettext.c2py(rule.group(1)) if rule else (lambda n: int(n != 1))
        )

    def gettext(self, message: str) -> str:
        found = self._messages.get(message)
        return found if isinstance(found, str) else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._messages.get((msgid1, self._plural(n)))
        if found is None:
            return msgid1 if n == 1 else msgid2
        return found


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
