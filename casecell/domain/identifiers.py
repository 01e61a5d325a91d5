"""Identifiers that typed text may hold, whoever they belong to — French phone numbers, NIR
(numéro de sécurité sociale), e-mail addresses, postal addresses, dates and ages — and how a
person's own stored identifier is found in a text however it is spelt.

Pure: :func:`pattern_spans` finds the first kind in any text, :func:`identifier_pattern`
turns one stored identifier into a regular expression over folded text (``text.fold``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from casecell.compat import StrEnum
from casecell.domain.text import fold, tokens


class Kind(StrEnum):
    PHONE = "phone"
    NIR = "nir"
    EMAIL = "email"
    ADDRESS = "address"
    DATE = "date"
    AGE = "age"


Span = tuple[int, int, Kind]

# -- e-mail and phone --------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_SEP = r"[ \t.\-\u00a0\u202f]?"  # what people put between the pairs of digits, if anything
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)[1-9](?:" + _SEP + r"\d{2}){4}(?!\d)"
)

# -- NIR: sex, year, month, department (2A/2B in Corsica), commune, order, key -----------------
_NIR = re.compile(
    r"(?<!\w)([1-478])(\s?)(\d{2})(\s?)(\d{2})(\s?)(\d{2}|2[AB])(\s?)(\d{3})(\s?)(\d{3})"
    r"(?:(\s?)(\d{2}))?(?!\w)",
    re.IGNORECASE,
)


def nir_key_valid(nir: str) -> bool:
    """Whether the last two of the 15 characters of ``nir`` (spaces ignored) are its key:
    97 − (the first 13 as a number mod 97), Corsica's 2A and 2B read as 19 and 18."""
    chars = re.sub(r"\s", "", nir).upper()
    if len(chars) != 15 or not chars[-2:].isdigit():
        return False
    number = chars[:13]
    if number[5:7] == "2A":
        number = number[:5] + "19" + number[7:]
    elif number[5:7] == "2B":
        number = number[:5] + "18" + number[7:]
    return number.isdigit() and 97 - int(number) % 97 == int(chars[-2:])


def _nir_spans(text: str) -> list[Span]:
    found: list[Span] = []
    for m in _NIR.finditer(text):
        gaps = [m[g] for g in (2, 4, 6, 8, 10)]
        spaced = all(gaps) and (m[13] is None or bool(m[12]))  # 1 87 03 75 123 456 (78)
        if nir_key_valid(m.group()) or spaced:
            found.append((m.start(), m.end(), Kind.NIR))
    return found


# -- dates (on folded text) ---------------------------------------------------------------------
MONTHS = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "novembre", "decembre",
)  # fmt: skip
_MONTH = r"(?:janv|fevr?|mars|avr|mai|juin|juil|aout|sept?|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = (
    # 04/03/1987, 4-3-1987, 04.03.87 (the separators may differ)
    re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/\-]|\.\d)"),
    # 04 03 1987
    re.compile(
        r"(?<!\d)(?<!\d[.,])(\d{1,2})[ \u00a0\u202f](\d{1,2})[ \u00a0\u202f](\d{4})(?!\d|,\d)"
    ),
    # 04031987
    re.compile(r"(?<!\d)(?<!\d[.,])(\d{2})(\d{2})((?:19|20)\d{2})(?!\d|,\d)"),
    # 1987-03-04 (read year first)
    re.compile(r"(?<![\d\-])(\d{4})-(\d{2})-(\d{2})(?![\d\-])"),
)
_WORDED = re.compile(
    r"(?<!\w)(?:(1er|\d{1,2})\s+)?(" + _MONTH + r")\s+(\d{4})(?!\d)", re.IGNORECASE
)
_LONE_YEAR = re.compile(r"(?<!\w)(?:nee?s?\s+)?en\s+((?:19|20)\d{2})(?![\w\-]|[/.]\d)")


def _valid(year: int, month: int, day: int) -> bool:
    with contextlib.suppress(ValueError):
        date(year, month, day)
        return True
    return False


def _date_spans(folded: str) -> list[tuple[int, int]]:
    found = []
    day_first, spaced, compact, iso = _DATE_PATTERNS
    for pattern in (day_first, spaced, compact):
        for m in pattern.finditer(folded):
            day, month, year = int(m[1]), int(m[2]), m[3]
            years = [int(year)] if len(year) == 4 else [1900 + int(year), 2000 + int(year)]
            if any(_valid(y, month, day) for y in years):
                found.append((m.start(), m.end()))
    found += [(m.start(), m.end()) for m in iso.finditer(folded) if _valid(*map(int, m.groups()))]
    for m in _WORDED.finditer(folded):
        month_word = m[2].rstrip(".")
        if any(name.startswith(month_word[:3]) for name in MONTHS) and (
            m[1] is None or m[1] == "1er" or 1 <= int(m[1]) <= 31
        ):
            found.append((m.start(), m.end()))
    found += [(m.start(1), m.end(1)) for m in _LONE_YEAR.finditer(folded)]
    return found


# -- ages (on folded text) ----------------------------------------------------------------------
_AGE = re.compile(r"(?<![\w,.])(?:agee?s?\s+d(?:e\s+|['’]\s*))?(\d{1,3})\s*ans?(?!\w)")
# "depuis 3 ans", "pour 5 ans", "2 ans de suivi": lengths of time, not ages.
_DURATION_BEFORE = re.compile(
    r"(?:depuis|pendant|durant|dans|pour|sous|il y a|d['’]ici|tous les|toutes les|"
    r"chaque|sur)\s*$"
)
_DURATION_AFTER = re.compile(r"\s*(?:de\s|d['’]|plus tard|apres|auparavant)")


def _age_spans(folded: str) -> list[tuple[int, int]]:
    found = []
    for m in _AGE.finditer(folded):
        if int(m[1]) > 120:
            continue
        whole = m.group().startswith("age")
        if not whole and (
            _DURATION_BEFORE.search(folded, max(0, m.start() - 12), m.start())
            or _DURATION_AFTER.match(folded, m.end())
        ):
            continue
        found.append((m.start(), m.end()))
    return found


# -- postal addresses (on the text as typed: capitals tell a street name) -----------------------
_STREETS = (
    "rue", "avenue", "av", "bd", "boulevard", "chemin", "impasse", "allée", "allee", "place",
    "pl", "route", "rte", "quai", "cours", "résidence", "residence", "bâtiment", "batiment",
    "bât", "bat", "square", "passage", "lotissement", "faubourg", "cité", "cite",
    "esplanade", "promenade", "hameau", "lieu-dit", "voie", "sentier", "villa", "clos",
    "domaine", "rond-point", "chaussée", "chaussee", "montée", "montee", "ruelle", "parvis",
    "tour", "ZA", "ZI",
)  # fmt: skip
# Words that are also common nouns ("2 cours de français"): a street only before a capital.
_AMBIGUOUS = frozenset(
    ("place", "pl", "route", "cours", "voie", "villa", "clos", "domaine", "tour",
     "passage", "square", "promenade", "sentier", "montee", "parvis", "za", "zi")
)  # fmt: skip
_STREET = re.compile(
    r"(?<![\w,.])(\d{1,4})(?:\s?(?:bis|ter|quater|[a-d])\b)?\s*,?\s+("
    + "|".join(re.escape(s) for s in sorted(_STREETS, key=len, reverse=True))
    + r")(?:\.|(?!\w))",
    re.IGNORECASE,
)
_PARTICLES = frozenset(
    ("de", "du", "des", "la", "le", "les", "l", "d", "aux", "au", "et", "sur", "en", "sous",
     "saint", "sainte", "st", "ste")
)  # fmt: skip
_NEXT_WORD = re.compile(r"[ \t\u00a0\-]+([\w]+(?:['’][\w]+)?)|['’]([\w]+)")
_CITY = re.compile(r"\s*,?\s*\d{5}(?:[ \t\u00a0]+[A-ZÀ-Ý][\w'’\-]*(?:[ \t\-][A-ZÀ-Ý][\w'’\-]*)*)?")


def _address_spans(text: str) -> list[tuple[int, int]]:
    found = []
    for m in _STREET.finditer(text):
        end, named = m.end(), False
        while True:
            nxt = _NEXT_WORD.match(text, end)
            if nxt is None:
                break
            word = nxt[1] or nxt[2]
            lower = fold(word)
            if lower in _PARTICLES or lower.split("'")[0] in _PARTICLES:
                end = nxt.end()
                continue
            if word[0].isupper() or word[0].isdigit():
                end, named = nxt.end(), True
                continue
            if not named and fold(m[2]) not in _AMBIGUOUS:
                end, named = nxt.end(), True  # "12 rue de la paix", typed in lower case
            break
        if not named and fold(m[2]) in _AMBIGUOUS:
            continue
        city = _CITY.match(text, end)
        found.append((m.start(), city.end() if city else end))
    return found


# -- everything -------------------------------------------------------------------------------
def pattern_spans(text: str, folded: str, where: list[int]) -> list[Span]:
    """The identifiers ``text`` holds, whoever they belong to, as spans of ``text``.
    ``folded``/``where``: ``text`` folded character by character, and where each folded
    character came from (see ``minutes._folded``)."""

    def back(start: int, end: int, kind: Kind) -> Span:
        return where[start], where[end - 1] + 1, kind

    spans: list[Span] = [(m.start(), m.end(), Kind.EMAIL) for m in _EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), Kind.PHONE) for m in _PHONE.finditer(text)]
    spans += _nir_spans(text)
    spans += [(s, e, Kind.ADDRESS) for s, e in _address_spans(text)]
    spans += [back(s, e, Kind.DATE) for s, e in _date_spans(folded)]
    spans += [back(s, e, Kind.AGE) for s, e in _age_spans(folded)]
    return spans


# -- a person's own identifiers, however they are spelt ----------------------------------------
_LOOSE = r"[\s.\-]*"


def _digits_pattern(chars: str) -> str:
    return _LOOSE.join(re.escape(ch) for ch in chars)


def identifier_pattern(value: str) -> tuple[Kind, str] | None:
    """A regular expression over folded text that finds ``value`` (a stored phone number,
    NIR, e-mail or postal address) however it is typed, with its kind; None when ``value``
    holds nothing to look for."""
    found = _stored(value)
    return None if found is None else (found.kind, found.pattern)


class _Clue(StrEnum):
    """Where a stored identifier's clue must be for its pattern to have a chance to match."""

    TEXT = "text"  # in the folded text, as written
    DIGITS = "digits"  # among the text's digits, everything else taken out
    WORD = "word"  # a word of the text


@dataclass(frozen=True)
class _Stored:
    kind: Kind
    pattern: str
    clue: str  # what a text must hold for ``pattern`` to match in it (never the other way)
    where: _Clue


def _stored(value: str) -> _Stored | None:
    text = fold(value.strip())
    if not text:
        return None
    if "@" in text:
        pattern = r"(?<![\w.+\-])" + re.escape(text) + r"(?![\w\-]|\.\w)"
        return _Stored(Kind.EMAIL, pattern, text, _Clue.TEXT)
    compact = re.sub(r"[\s.\-()/+]", "", text)
    if re.fullmatch(r"[1-478]\d{4}(?:\d{2}|2[ab])\d{6}(?:\d{2})?", compact):
        pattern = r"(?<!\w)" + _digits_pattern(compact[:13]) + rf"(?:{_LOOSE}\d{{2}})?(?!\w)"
        return _Stored(Kind.NIR, pattern, re.sub(r"\D", "", compact[:13]), _Clue.DIGITS)
    if compact.isdigit():
        national = compact
        for prefix in ("0033", "33", "0"):
            if national.startswith(prefix) and len(national) - len(prefix) == 9:
                national = national[len(prefix) :]
                break
        if len(national) != 9:
            pattern = r"(?<!\d)" + _digits_pattern(compact) + r"(?!\d)"
            return _Stored(Kind.PHONE, pattern, compact, _Clue.DIGITS)
        prefix = r"(?:(?:\+|00)\s*33\s*(?:\(0\)\s*)?|0)"
        pattern = r"(?<![\d+])" + prefix + _digits_pattern(national) + r"(?!\d)"
        return _Stored(Kind.PHONE, pattern, national, _Clue.DIGITS)
    number = re.search(r"\d{1,4}", text)
    words = tokens(text)
    if not words:
        return None  # "-", "?": nothing to look for
    if number is None:
        pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)"
        return _Stored(Kind.ADDRESS, pattern, max(words, key=len), _Clue.WORD)
    street = {fold(s) for s in _STREETS} | {"r"}
    # The number's word, with its suffix if any ("12bis", "12b"): the street's name follows.
    numbered = re.compile(rf"{number.group()}(?:bis|ter|quater|[a-z])?")
    at = next((i for i, word in enumerate(words) if numbered.fullmatch(word)), None)
    after = words[at + 1 :] if at is not None else words
    named = []
    for word in after:
        if re.fullmatch(r"\d{5}", word):
            break  # the postal code: the street name is before it
        if word not in street and word not in _PARTICLES and not word.isdigit():
            named.append(word)
    if not named:
        return None
    name = r"\W+(?:\w+\W+){0,3}?".join(map(re.escape, named))
    pattern = rf"(?<!\d){number.group()}(?!\d)[^\n]{{0,40}}?(?<!\w){name}(?!\w)"
    return _Stored(Kind.ADDRESS, pattern, max(named, key=len), _Clue.WORD)


class StoredIdentifiers:
    """Stored identifiers (phones, NIR, e-mails, addresses of the persons a copy withholds)
    to find in folded texts. Hundreds of patterns, but most texts hold none of them: each
    pattern has a clue (its digits, its longest word, the address itself) that a text must
    hold for it to match, so a text is searched only with the patterns whose clue it holds,
    each compiled the first time it is needed (one search over all of them would compile
    a huge expression, then try every branch at every character)."""

    def __init__(self, values: Iterable[str]) -> None:
        found = {s.pattern: s for s in map(_stored, values) if s is not None}
        self._all = list(found.values())
        self._compiled: dict[int, re.Pattern[str]] = {}
        self._digits = [(s.clue, i) for i, s in enumerate(self._all) if s.where is _Clue.DIGITS]
        self._fewest_digits = min((len(clue) for clue, _i in self._digits), default=0)
        self._texts = [(s.clue, i) for i, s in enumerate(self._all) if s.where is _Clue.TEXT]
        self._words: dict[str, list[int]] = {}
        for i, s in enumerate(self._all):
            if s.where is _Clue.WORD:
                self._words.setdefault(s.clue, []).append(i)

    def __bool__(self) -> bool:
        return bool(self._all)

    def candidates(self, folded: str) -> list[tuple[re.Pattern[str], Kind]]:
        """The patterns (with their kinds) that may match in ``folded``, a folded text."""
        chosen: set[int] = set()
        if self._digits:
            digits = _NOT_DIGIT.sub("", folded)
            if len(digits) >= self._fewest_digits:
                chosen.update(i for clue, i in self._digits if clue in digits)
        if self._texts and "@" in folded:
            chosen.update(i for clue, i in self._texts if clue in folded)
        if self._words:
            for word in set(_WORD.findall(folded)) & self._words.keys():
                chosen.update(self._words[word])
        return [(self._pattern(i), self._all[i].kind) for i in sorted(chosen)]

    def _pattern(self, index: int) -> re.Pattern[str]:
        if index not in self._compiled:
            self._compiled[index] = re.compile(self._all[index].pattern)
        return self._compiled[index]


_NOT_DIGIT = re.compile(r"\D")
_WORD = re.compile(r"\w+")
