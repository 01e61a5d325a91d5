"""The minutes of a meeting (relevé de décisions): what they hold, how one version differs
from the last, and how the copy for the steering committee and for partners without a signed
charter loses every name, birth date and other identifying field of the persons concerned.

Pure: the service gathers the facts, ``documents/minutes_pdf.py`` lays them out.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any

from casecell.compat import StrEnum
from casecell.domain.identifiers import MONTHS, Kind, StoredIdentifiers, pattern_spans
from casecell.domain.text import fold, tokens
from casecell.i18n import _


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    VALIDATED = "validated"

    @property
    def label(self) -> str:
        return {MinutesStatus.DRAFT: _("draft"), MinutesStatus.VALIDATED: _("validated")}[self]


class Variant(StrEnum):
    NOMINATIVE = "nominative"
    PSEUDONYMISED = "pseudonymised"

    @property
    def label(self) -> str:
        return {
            Variant.NOMINATIVE: _("nominative"),
            Variant.PSEUDONYMISED: _("pseudonymised"),
        }[self]


@dataclass(frozen=True)
class PersonConcerned:
    """The person a situation is about. Only ``pseudonym`` survives pseudonymisation."""

    pseudonym: str
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    birth_year: int | None = None

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class Present:
    """One line of the attendance: a partner's professional, or an observer."""

    organisation: str
    name: str  # the professional (or observer); "" when only the organisation was invited
    attendance: str | None  # an ``Attendance`` value; None when nothing was recorded
    represented_by: str = ""
    information_sent: bool = False
    observer: bool = False
    undertaking_signed: bool = False


@dataclass(frozen=True)
class ActionLine:
    reference: str
    title: str
    owner: str
    due_on: date | None
    status: str  # an ``ActionStatus`` value
    carried_over: str | None = None  # a ``CarryOverReason`` value


@dataclass(frozen=True)
class SituationMinutes:
    reference: str
    person: PersonConcerned
    purpose: str  # an ``ItemPurpose`` value
    summary: str
    decisions: str
    actions: tuple[ActionLine, ...]
    lead: str  # the lead partner (référent)
    next_review_on: date | None
    participation: str | None = None  # a ``PersonParticipation`` value; None: not recorded
    represented_by: str = ""  # who represented the person concerned
    person_words: str = ""  # the person's own words on the decisions


@dataclass(frozen=True)
class MinutesContent:
    """Everything the minutes print; frozen as JSON when a version is validated."""

    cell: str
    heading: str
    kind: str  # a ``MeetingKind`` value
    starts: datetime  # Paris wall-clock, aware
    ends: datetime
    place: str
    chair: str
    secretary: str
    attendance: tuple[Present, ...]
    previous: tuple[ActionLine, ...]  # decided at the previous meeting and not done
    situations: tuple[SituationMinutes, ...]
    next_meeting: datetime | None


@dataclass(frozen=True)
class MinutesVersion:
    version: int
    status: MinutesStatus
    opened_at: datetime
    opened_by: str
    reason: str  # why this version was opened (empty for the first)
    validated_at: datetime | None = None
    validated_by: str = ""
    changes: tuple[str, ...] = ()  # what differs from the previous validated version
    content: MinutesContent | None = None  # frozen once validated


# -- JSON of a frozen version ----------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def to_json(content: MinutesContent) -> str:
    return json.dumps(asdict(content), default=_plain, ensure_ascii=False, sort_keys=True)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _action(data: dict[str, Any]) -> ActionLine:
    return ActionLine(**{**data, "due_on": _day(data["due_on"])})


def from_json(text: str) -> MinutesContent:
    data = json.loads(text)
    situations = tuple(
        SituationMinutes(
            **{
                **s,
                "person": PersonConcerned(
                    **{**s["person"], "birth_date": _day(s["person"]["birth_date"])}
                ),
                "actions": tuple(_action(a) for a in s["actions"]),
                "next_review_on": _day(s["next_review_on"]),
            }
        )
        for s in data["situations"]
    )
    starts, ends = _moment(data["starts"]), _moment(data["ends"])
    assert starts is not None and ends is not None
    return MinutesContent(
        **{
            **data,
            "starts": starts,
            "ends": ends,
            "attendance": tuple(Present(**p) for p in data["attendance"]),
            "previous": tuple(_action(a) for a in data["previous"]),
            "situations": situations,
            "next_meeting": _moment(data["next_meeting"]),
        }
    )


# -- what changed between two versions ---------------------------------------------------------
def changes(old: MinutesContent, new: MinutesContent) -> tuple[str, ...]:
    """What a new version changes, in words, by section (never quoting what was typed)."""
    found: list[str] = []
    header = ("heading", "kind", "starts", "ends", "place", "chair", "secretary")
    if any(getattr(old, f) != getattr(new, f) for f in header):
        found.append(_("heading (date, place, chair or secretary)"))
    if old.attendance != new.attendance:
        found.append(_("attendance"))
    if old.previous != new.previous:
        found.append(_("review of previous actions"))
    before = {s.reference: s for s in old.situations}
    after = {s.reference: s for s in new.situations}
    for reference, situation in after.items():
        was = before.get(reference)
        if was is None:
            found.append(_("situation {reference} added").format(reference=reference))
            continue
        parts = [
            label
            for label, differs in (
                (_("summary"), was.summary != situation.summary),
                (_("decisions"), was.decisions != situation.decisions),
                (_("actions"), was.actions != situation.actions),
                (_("lead partner"), was.lead != situation.lead),
                (_("next review"), was.next_review_on != situation.next_review_on),
                (_("person"), was.person != situation.person),
                (
                    _("the person's participation"),
                    (was.participation, was.represented_by, was.person_words)
                    != (situation.participation, situation.represented_by, situation.person_words),
                ),
            )
            if differs
        ]
        if parts:
            found.append(
                _("situation {reference}: {parts}").format(
                    reference=reference, parts=", ".join(parts)
                )
            )
    found += [
        _("situation {reference} removed").format(reference=reference)
        for reference in before
        if reference not in after
    ]
    if old.next_meeting != new.next_meeting:
        found.append(_("date of the next meeting"))
    return tuple(found)


# -- pseudonymisation ------------------------------------------------------------------------
# Parts of compound names too common to withhold on their own ("fils" in "Dupont <Fils>").
_PARTICLES = frozenset(
    (
        "de", "du", "des", "la", "le", "les", "d", "l", "van", "von", "der", "den",
        "ben", "bin", "ibn", "el", "al", "da", "di", "dos", "das", "y", "e", "et",
        "fils", "cie", "jr", "sr",
    )
)  # fmt: skip
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORDED_DATE = re.compile(
    r"(?<!\w)(1er|\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})(?!\d)", re.IGNORECASE
)


@dataclass(frozen=True)
class Identity:
    """Someone whose names and birth date must not appear, and what replaces the names.

    ``identifiers`` are the person's structured identifiers as stored (postal address, phone
    number, e-mail address, NIR), each to be withheld however it is spelt in typed text."""

    label: str
    names: tuple[str, ...]
    birth_dates: tuple[date, ...] = ()
    identifiers: tuple[str, ...] = ()


def name_forms(first_name: str, last_name: str) -> tuple[str, ...]:
    """The ways a summary may name someone: whole name either way round, each name alone, and
    the distinctive parts of compound names (Łukasiewicz in Łukasiewicz-Øberg)."""
    forms = [f"{first_name} {last_name}", f"{last_name} {first_name}", first_name, last_name]
    for name in (first_name, last_name):
        words = _key(name).split()
        if len(words) > 1:
            forms += [w for w in words if len(w) >= 3 and w not in _PARTICLES]
    return tuple(dict.fromkeys(f for f in forms if _key(f)))


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character, with where each folded character came from."""
    out: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(text):
        piece = _fold_char(ch)
        out.append(piece)
        where += [index] * len(piece)
    return "".join(out), where


@functools.lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    """A name as a run of folded words: how names and texts are compared."""
    return " ".join(tokens(text))


# Words of every French text: a name made only of one of them (Lê, Da) is withheld only as part
# of a whole name, or when it is the name of a person concerned.
STOP_WORDS = frozenset(
    (
        "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "d", "da", "dans", "de",
        "des", "du", "elle", "elles", "en", "est", "et", "il", "ils", "je", "l", "la",
        "le", "les", "leur", "lui", "ma", "mais", "me", "mes", "mon", "n", "ne", "nous",
        "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "si",
        "son", "sur", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous",
        "y", "ete", "etre", "avait", "fait", "plus", "tres",
    )
)  # fmt: skip


def vault_names(pairs: Iterable[tuple[str, str]], sequences: set[str]) -> tuple[str, ...]:
    """Which names of other persons of the vault (first, last) a text holds: whole names either
    way round, single names that are not common words, distinctive parts of compound names."""
    found: set[str] = set()
    for first, last in pairs:
        found.update(
            key
            for key in map(_key, name_forms(first, last))
            if key in sequences and key not in STOP_WORDS and key not in _PARTICLES
        )
    return tuple(sorted(found))


def name_words(words: Iterable[str]) -> tuple[set[str], set[str]]:
    """``words`` (folded) split into those that are a name form on their own wherever they
    are part of someone's name (three letters or more, not a particle nor a common word),
    and the others (Lê, Da, Le), a form only as part of a whole name."""
    distinctive, short = set(), set()
    for word in words:
        if len(word) >= 3 and word not in _PARTICLES and word not in STOP_WORDS:
            distinctive.add(word)
        elif len(word) > 1:
            short.add(word)
    return distinctive, short


def name_neighbours(texts: Iterable[str], may_be_names: set[str]) -> set[tuple[str, str]]:
    """The pairs of folded words side by side in ``texts`` both of which ``may_be_names``.

    A name form of two words or more (a whole name, either way round, or a compound first
    or last name) that a text holds has such a pair whose words are also side by side, in
    one order or the other, in the search index's names column, which holds each person's
    first and last names together: looking those pairs up finds everyone whose whole name a
    text may hold, without reading everyone who merely shares a first name with someone."""
    found: set[tuple[str, str]] = set()
    for text in texts:
        found.update(
            pair for pair in itertools.pairwise(tokens(text)) if may_be_names.issuperset(pair)
        )
    return found


def lone_names(words: Iterable[str]) -> set[str]:
    """Which of ``words`` (folded, not distinctive) are withheld when they are a whole first or
    last name on their own (Ng, Li): not a particle, not a common word."""
    return {w for w in words if w not in STOP_WORDS and w not in _PARTICLES}


def word_sequences(texts: Iterable[str], longest: int = 4) -> set[str]:
    """Every run of 1 to ``longest`` folded words in ``texts``: a name is one of them if it
    appears (compare with ``_key(name)``)."""
    found: set[str] = set()
    for text in texts:
        words = tokens(text)
        for start in range(len(words)):
            for end in range(start + 1, min(start + longest, len(words)) + 1):
                found.add(" ".join(words[start:end]))
    return found


def dates_in(text: str) -> list[tuple[int, int, date]]:
    """The dates written in ``text`` (12/03/1980, 12.03.80, 1980-03-12, 12 mars 1980), with
    their spans. Two-digit years are read as 19xx and 20xx both (each is returned)."""
    found: list[tuple[int, int, date]] = []

    def add(start: int, end: int, year: int, month: int, day: int) -> None:
        with contextlib.suppress(ValueError):  # 31/02/1980 is not a date
            found.append((start, end, date(year, month, day)))

    for m in _NUMERIC_DATE.finditer(text):
        day, month, year = int(m[1]), int(m[2]), m[3]
        years = [int(year)] if len(year) == 4 else [1900 + int(year), 2000 + int(year)]
        for y in years:
            add(m.start(), m.end(), y, month, day)
    for m in _ISO_DATE.finditer(text):
        add(m.start(), m.end(), int(m[1]), int(m[2]), int(m[3]))
    folded, where = _folded(text)
    for m in _WORDED_DATE.finditer(folded):
        day = 1 if m[1].lower() == "1er" else int(m[1])
        add(
            where[m.start()], where[m.end() - 1] + 1, int(m[3]), MONTHS.index(m[2].lower()) + 1, day
        )
    return found


_LOOSE_SEPARATOR = re.compile(r"[\s\-‐'’.]+")


def name_pattern(name: str) -> str:
    """A regular expression matching ``name`` in folded text: its words as typed, joined by
    any run of spaces, hyphens, apostrophes or dots where the name has one of those, and by
    its own punctuation elsewhere ("Dupont <Fils>", but not "Paul ; Martin")."""
    parts = re.split(r"(\w+)", "".join(_fold_char(ch) for ch in name))[1:-1]
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:  # a word
            out.append(re.escape(part))
        elif _LOOSE_SEPARATOR.fullmatch(part):
            out.append(r"[\s\-‐'’.]+")
        else:
            out.append(re.escape(re.sub(r"\s+", " ", part)).replace(r"\ ", r"\s+"))
    return "".join(out)


def marks(date_withheld: str) -> dict[Kind, str]:
    """What replaces each kind of identifier in a pseudonymised text."""
    return {
        Kind.PHONE: _("[phone withheld]"),
        Kind.NIR: _("[NIR withheld]"),
        Kind.EMAIL: _("[e-mail withheld]"),
        Kind.ADDRESS: _("[address withheld]"),
        Kind.DATE: date_withheld,
        Kind.AGE: _("[age withheld]"),
    }


class Scrubber:
    """Replaces, in free text, the names of the given identities (case, accents, hyphens and
    apostrophes ignored; longest form first), their birth dates and stored identifiers however
    they are spelt, and — with ``patterns`` — every phone number, NIR, e-mail address, postal
    address, date and age, whoever they belong to.

    ``professionals`` are the whole names of the cell's professionals, kept as written ("Paul
    Lefort (CCAS)" stays although a Paul is in the vault and a person concerned is a Lefort:
    "P-XXXXXX Lefort" would tell whose first name is Paul), unless one is also the whole name
    of a person concerned (a one-word name is not kept: it could be anyone's)."""

    def __init__(
        self,
        identities: Sequence[Identity],
        withheld: str,
        date_withheld: str,
        patterns: bool = True,
        kind_marks: Mapping[Kind, str] | None = None,
        professionals: Sequence[str] = (),
    ) -> None:
        labels: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for identity in identities:
            for name in identity.names:
                if _key(name):
                    labels.setdefault(_key(name), set()).add(identity.label)
                    names.setdefault(name_pattern(name), _key(name))
        # A name two persons concerned share is replaced by a neutral mark, not by either
        # pseudonym; one person concerned wins over others of the vault (marked ``withheld``).
        self._labels: dict[str, str] = {}
        for key, found_labels in labels.items():
            named = found_labels - {withheld}
            self._labels[key] = next(iter(named)) if len(named) == 1 else withheld
        forms = sorted(names, key=lambda p: (-names[p].count(" "), -len(names[p])))
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?!\w)") if forms else None
        self._stored = StoredIdentifiers(v for i in identities for v in i.identifiers)
        concerned = {
            _key(n) for i in identities if i.label != withheld for n in i.names if " " in _key(n)
        }
        kept = sorted(
            {name_pattern(n) for n in professionals if " " in _key(n) and _key(n) not in concerned},
            key=len,
            reverse=True,
        )
        self._kept = re.compile(r"(?<!\w)(?:" + "|".join(kept) + r")(?!\w)") if kept else None
        self._dates = {d for identity in identities for d in identity.birth_dates}
        self._date_withheld = date_withheld
        self._patterns = patterns
        self._marks = {**marks(date_withheld), **(kind_marks or {})}

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """What to replace in ``text``: (start, end, mark), unordered, possibly overlapping."""
        spans: list[tuple[int, int, str]] = [
            (start, end, self._date_withheld)
            for start, end, day in dates_in(text)
            if day in self._dates
        ]
        folded, where = _folded(text)
        if self._pattern is not None:
            kept = [(m.start(), m.end()) for m in self._kept.finditer(folded)] if self._kept else []
            for m in self._pattern.finditer(folded):
                if any(s <= m.start() and m.end() <= e for s, e in kept):
                    continue  # part of a professional's name
                label = self._labels[_key(m.group())]
                spans.append((where[m.start()], where[m.end() - 1] + 1, label))
        for pattern, kind in self._stored.candidates(folded):
            spans += [
                (where[m.start()], where[m.end() - 1] + 1, self._marks[kind])
                for m in pattern.finditer(folded)
                if m.end() > m.start()
            ]
        if self._patterns:
            spans += [(s, e, self._marks[k]) for s, e, k in pattern_spans(text, folded, where)]
        return spans

    def __call__(self, text: str) -> str:
        if not text:
            return text
        merged: list[list[Any]] = []  # [start, end, mark]: overlapping spans become one
        for start, end, label in sorted(self.spans(text), key=lambda s: (s[0], -s[1])):
            if merged and start < merged[-1][1]:
                last = merged[-1]
                if end - start > last[1] - last[0]:
                    last[2] = label  # the longer find names the whole
                last[1] = max(last[1], end)
                continue
            merged.append([start, end, label])
        out: list[str] = []
        position = 0
        for start, end, label in merged:
            between = text[position:start]
            if out and out[-1] == label and between.strip() == "":
                position = end  # "Gaspard Vermillon" as two names: one mark, not two
                continue
            out += [between, label]
            position = end
        out.append(text[position:])
        return "".join(out)


def free_texts(content: MinutesContent) -> list[str]:
    """Every text of the minutes a user typed or chose (where a name may hide): title, place,
    chair and secretary, attendance, summaries, decisions, actions."""
    texts = [content.heading, content.place, content.chair, content.secretary]
    for present in content.attendance:
        texts += [present.name, present.represented_by]
    for situation in content.situations:
        texts += [situation.summary, situation.decisions]
        texts += [situation.represented_by, situation.person_words]
        texts += [a.title for a in situation.actions]
    texts += [a.title for a in content.previous]
    return [t for t in texts if t]


def pseudonymise(content: MinutesContent, scrub: Scrubber) -> MinutesContent:
    """The minutes with every person concerned by pseudonym only and every typed text
    scrubbed (title, place, chair, secretary, attendance, summaries, decisions, actions)."""

    def actions(lines: tuple[ActionLine, ...]) -> tuple[ActionLine, ...]:
        return tuple(replace(a, title=scrub(a.title)) for a in lines)

    return replace(
        content,
        heading=scrub(content.heading),
        place=scrub(content.place),
        chair=scrub(content.chair),
        secretary=scrub(content.secretary),
        attendance=tuple(
            replace(p, name=scrub(p.name), represented_by=scrub(p.represented_by))
            for p in content.attendance
        ),
        previous=actions(content.previous),
        situations=tuple(
            replace(
                s,
                person=PersonConcerned(s.person.pseudonym),
                summary=scrub(s.summary),
                decisions=scrub(s.decisions),
                represented_by=scrub(s.represented_by),
                person_words=scrub(s.person_words),
                actions=actions(s.actions),
            )
            for s in content.situations
        ),
    )


# -- need-to-know: the copy for one organisation -----------------------------------------------
def restrict(content: MinutesContent, references: Iterable[str]) -> MinutesContent:
    """The minutes with only the situations ``references`` (and the previous meeting's undone
    actions on them): a copy for one organisation holds that organisation's situations only."""
    kept = set(references)
    return replace(
        content,
        previous=tuple(a for a in content.previous if a.reference in kept),
        situations=tuple(s for s in content.situations if s.reference in kept),
    )


def withhold(
    content: MinutesContent, blocked: Mapping[str, str]
) -> tuple[MinutesContent, tuple[tuple[str, str], ...]]:
    """The minutes without the situations of ``blocked`` (reference → ``SharingBlock`` value:
    nothing may be shared about them now) nor the previous meeting's actions on them, and the
    (reference, reason) of each situation left out, for the line that says so."""
    named = [s.reference for s in content.situations] + [a.reference for a in content.previous]
    left_out = tuple((r, blocked[r]) for r in dict.fromkeys(named) if r in blocked)
    kept = replace(
        content,
        previous=tuple(a for a in content.previous if a.reference not in blocked),
        situations=tuple(s for s in content.situations if s.reference not in blocked),
    )
    return kept, left_out


def restrict_changes(changes: Iterable[str], hidden: Iterable[str]) -> tuple[str, ...]:
    """What a version changed, without the lines naming a situation of ``hidden``."""
    withheld = [re.compile(rf"(?<![\w-]){re.escape(r)}(?![\w-])") for r in set(hidden)]
    return tuple(line for line in changes if not any(p.search(line) for p in withheld))


def forget(content: MinutesContent, references: Iterable[str], mark: str) -> MinutesContent:
    """Validated minutes once the situations ``references`` are anonymised (retention): their
    person by pseudonym only, their typed text replaced by ``mark``."""
    gone = set(references)

    def actions(lines: tuple[ActionLine, ...]) -> tuple[ActionLine, ...]:
        return tuple(replace(a, title=mark) if a.reference in gone else a for a in lines)

    return replace(
        content,
        previous=actions(content.previous),
        situations=tuple(
            replace(
                s,
                person=PersonConcerned(s.person.pseudonym),
                summary=mark if s.summary else "",
                decisions=mark if s.decisions else "",
                actions=actions(s.actions),
                represented_by=mark if s.represented_by else "",
                person_words=mark if s.person_words else "",
            )
            if s.reference in gone
            else s
            for s in content.situations
        ),
    )
