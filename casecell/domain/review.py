"""The review step before a pseudonymised copy leaves the cell: the words that may still be
names — a relative who is not in the vault, a typo, a nickname — for the coordinator to
confirm or mask.

A word to confirm is a capitalised word (or a word of a script without capitals) of the
pseudonymised text that is not a French word, nor the name of an organisation, professional
or place the cell knows, nor a word of a nomenclature label. Pure: the word list and the
known names are given.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Iterable

from casecell.compat import StrEnum
from casecell.domain.meetings import Attendance, ItemPurpose, MeetingKind
from casecell.domain.nomenclatures import (
    ActionStatus,
    CarryOverReason,
    LegalBasis,
    OrganisationKind,
    ProblemArea,
    Sector,
)
from casecell.domain.text import fold, tokens

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_PSEUDONYM = re.compile(r"\bP-[A-Z0-9]{6}\b")
_MARK = re.compile(r"\[[^\]\n]{1,40}\]")
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’]")
# Titles and abbreviations that are in no dictionary: "Mme" names nobody.
TITLES = frozenset(
    ("m", "mme", "mmes", "mlle", "mlles", "mr", "mrs", "dr", "drs", "me", "pr", "st", "ste",
     "cie", "cf", "etc", "tel", "rdv", "ok")
)  # fmt: skip
# Acronyms of the social, health and justice sectors a summary uses without naming anyone.
ACRONYMS = frozenset(
    ("aah", "aeeh", "aemo", "aed", "ags", "ais", "apa", "apl", "ars", "ase", "asll", "aspa",
     "ass", "caf", "carsat", "casf", "ccas", "cd", "cesu", "chrs", "chu", "cias", "cmp", "cmpp",
     "cmu", "cpam", "csp", "css", "csapa", "dac", "ddets", "ehpad", "esat", "fsl", "gem",
     "had", "hlm", "ime", "jaf", "jld", "maia", "mdph", "mds", "mjpm", "msa", "pch", "pmi",
     "pjj", "rqth", "rsa", "saad", "samsah", "savs", "siao", "spip", "ssiad", "tgi", "udaf",
     "vif", "visio", "cmi", "ame", "puma", "dalo", "sdf", "ssr", "usld", "cco", "crip",
     "ipp", "oip", "ta", "tj", "pv")
)  # fmt: skip
_LABELS: tuple[type[StrEnum], ...] = (
    OrganisationKind, ProblemArea, Sector, LegalBasis, ActionStatus, CarryOverReason,
    MeetingKind, ItemPurpose, Attendance,
)  # fmt: skip


def known_words(names: Iterable[str]) -> frozenset[str]:
    """The folded words the review never asks about: those of ``names`` (organisations,
    professionals, places, the cell), of every nomenclature label, titles and acronyms."""
    words = set(TITLES | ACRONYMS)
    for name in names:
        words.update(tokens(name))
        words.update(_key(m.group()) for m in _WORD.finditer(name))  # O'Connor, Saint-Denis
    for enum in _LABELS:
        for member in enum:
            label = getattr(member, "label", "")
            words.update(tokens(str(label)))
    return frozenset(words)


def _key(word: str) -> str:
    """How a word is compared: folded, elision dropped (L'Hôpital → hopital)."""
    return _ELISION.sub("", fold(word).replace("’", "'"))


def _caseless_letter(ch: str) -> bool:
    return ch.isalpha() and not ch.isupper() and not ch.islower()


def words_to_confirm(
    texts: Iterable[str], dictionary: Container[str], known: Collection[str]
) -> tuple[str, ...]:
    """The words of ``texts`` (a pseudonymised copy) that may be names: capitalised or of a
    script without capitals, not in ``dictionary`` nor ``known`` (folded words). Each once, as
    first written, in the order they come."""
    found: dict[str, str] = {}
    for text in texts:
        cleaned = _MARK.sub(" ", _PSEUDONYM.sub(" ", text))
        for m in _WORD.finditer(cleaned):
            word = m.group()
            if not (word[0].isupper() or _caseless_letter(word[0])):
                continue
            key = _key(word)
            if len(key) < 2 or key in found:
                continue
            if key in dictionary or key in known:
                continue
            found[key] = word
    return tuple(found.values())
