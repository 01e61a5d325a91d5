"""The versions of a meeting's minutes, and the vault reads the pseudonymised copy needs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from casecell.domain.cases import Action, Sharing
from casecell.domain.minutes import (
    MinutesContent,
    MinutesStatus,
    MinutesVersion,
    PersonConcerned,
    from_json,
    to_json,
)
from casecell.domain.nomenclatures import ConsentStatus, LegalBasis
from casecell.domain.persons import identifiers_of as identifiers_of_person
from casecell.storage.orm import ActionRow, CaseRelativeRow, CaseRow, MinutesRow, PersonRow
from casecell.storage.register import action_of, person_of

OPEN_ACTIONS = ("todo", "doing")


def _version(row: MinutesRow) -> MinutesVersion:
    return MinutesVersion(
        version=row.version,
        status=MinutesStatus(row.status),
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        reason=row.reason,
        validated_at=row.validated_at,
        validated_by=row.validated_by,
        changes=tuple(json.loads(row.changes)) if row.changes else (),
        content=from_json(row.content) if row.content else None,
    )


class MinutesRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def versions(self, meeting_id: int) -> list[MinutesVersion]:
        """Oldest first."""
        rows = self._session.scalars(
            select(MinutesRow)
            .where(MinutesRow.meeting_id == meeting_id)
            .order_by(MinutesRow.version)
        )
        return [_version(row) for row in rows]

    def locked(self, meeting_id: int) -> int | None:
        """The version that freezes the meeting (its latest, when validated), or None."""
        latest = self._session.execute(
            select(MinutesRow.version, MinutesRow.status)
            .where(MinutesRow.meeting_id == meeting_id)
            .order_by(MinutesRow.version.desc())
            .limit(1)
        ).first()
        if latest is None or latest.status != MinutesStatus.VALIDATED.value:
            return None
        return int(latest.version)

    def open(self, meeting_id: int, at: datetime, by: str, reason: str) -> MinutesVersion:
        """A new draft after the last version."""
        last = self._session.scalar(
            select(func.max(MinutesRow.version)).where(MinutesRow.meeting_id == meeting_id)
        )
        row = MinutesRow(
            meeting_id=meeting_id,
            version=(last or 0) + 1,
            status=MinutesStatus.DRAFT.value,
            opened_at=at,
            opened_by=by,
            reason=reason,
            validated_by="",
            changes="",
        )
        self._session.add(row)
        self._session.flush()
        return _version(row)

    def validate(
        self,
        meeting_id: int,
        version: int,
        at: datetime,
        by: str,
        content: MinutesContent,
        changes: Iterable[str],
    ) -> MinutesVersion:
        row = self._session.scalars(
            select(MinutesRow).where(
                MinutesRow.meeting_id == meeting_id, MinutesRow.version == version
            )
        ).one()
        row.status = MinutesStatus.VALIDATED.value
        row.validated_at = at
        row.validated_by = by
        row.content = to_json(content)
        row.changes = json.dumps(list(changes), ensure_ascii=False)
        self._session.flush()
        return _version(row)


# -- what the pseudonymised copy must withhold -------------------------------------------------
def name_words_among(session: Session, words: Iterable[str]) -> set[str]:
    """Which of ``words`` (folded) are a word of some vault person's name: one statement,
    one search-index look-up per word stopping at its first match."""
    wanted = sorted(set(words))
    if not wanted:
        return set()
    rows = session.execute(
        text(
            "SELECT value FROM json_each(:words) WHERE EXISTS (SELECT 1 FROM case_search"
            " WHERE case_search MATCH 'names : \"' || json_each.value || '\"')"
        ),
        {"words": json.dumps(wanted)},
    )
    return set(rows.scalars())


def names_with(
    session: Session, words: Iterable[str], also: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """The (first name, last name) of the vault's persons one of whose names has a word among
    ``words`` (folded) — and, when ``also`` is given, a word among ``also`` too — found
    through the search index; the caller keeps the whole names that appear in its text."""
    terms = sorted(w for w in set(words) if len(w) > 1)
    others = sorted(w for w in set(also) if len(w) > 1)
    if not terms or (also and not others):
        return []
    extra = " AND names : ({})".format(" OR ".join(f'"{t}"' for t in others)) if others else ""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(terms), 500):
        query = " OR ".join(f'"{term}"' for term in terms[start : start + 500])
        rows = session.execute(
            text(
                "SELECT DISTINCT p.first_name, p.last_name FROM case_search s"
                " JOIN cases c ON c.id = s.rowid JOIN persons p ON p.id = c.person_id"
                " WHERE case_search MATCH :match"
            ),
            {"match": f"names : ({query}){extra}"},
        )
        found.update((first, last) for first, last in rows)
    return sorted(found)


def relative_names_near(
    session: Session, neighbours: Iterable[tuple[str, str]], alone: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """The (first name, last name) of the relatives recorded in situations whose names column
    holds one of the pairs of words ``neighbours`` side by side (in either order), or one of
    the words ``alone`` (all folded): whom a text naming them may name. The caller keeps the
    name forms its text holds."""
    terms = [f'NEAR("{a}" "{b}", 0)' for a, b in sorted(set(neighbours)) if a != b]
    terms += [f'"{word}"' for word in sorted(set(alone))]
    found: set[tuple[str, str]] = set()
    for start in range(0, len(terms), 500):
        query = " OR ".join(terms[start : start + 500])
        rows = session.execute(
            text(
                "SELECT DISTINCT k.first_name, k.last_name FROM case_search s"
                " JOIN case_relatives r ON r.case_id = s.rowid"
                " JOIN persons k ON k.id = r.person_id WHERE case_search MATCH :match"
            ),
            {"match": f"names : ({query})"},
        )
        found.update((first, last) for first, last in rows)
    return sorted(found)


def identifiers_of(session: Session, pseudonyms: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Per pseudonym, the person's identifiers as stored (street address, phone, e-mail, NIR)."""
    wanted = sorted(set(pseudonyms))
    found: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(wanted), 500):
        for row in session.scalars(
            select(PersonRow).where(PersonRow.pseudonym.in_(wanted[start : start + 500]))
        ):
            found[row.pseudonym] = identifiers_of_person(person_of(row))
    return found


def relatives_of_situations(
    session: Session, references: Iterable[str]
) -> list[tuple[str, str, date | None, tuple[str, ...]]]:
    """The relatives of the situations ``references``: first name, last name, birth date and
    identifiers of each."""
    wanted = sorted(set(references))
    found: list[tuple[str, str, date | None, tuple[str, ...]]] = []
    for start in range(0, len(wanted), 500):
        rows = session.scalars(
            select(PersonRow)
            .join(CaseRelativeRow, CaseRelativeRow.person_id == PersonRow.id)
            .join(CaseRow, CaseRow.id == CaseRelativeRow.case_id)
            .where(CaseRow.reference.in_(wanted[start : start + 500]))
            .order_by(PersonRow.id)
        )
        for row in rows:
            person = person_of(row)
            found.append(
                (
                    person.first_name,
                    person.last_name,
                    person.birth_date,
                    identifiers_of_person(person),
                )
            )
    return found


def birth_dates_among(session: Session, days: Iterable[date]) -> set[date]:
    """Which of ``days`` are the birth date of someone in the vault."""
    wanted = sorted(set(days))
    if not wanted:
        return set()
    rows = session.scalars(select(PersonRow.birth_date).where(PersonRow.birth_date.in_(wanted)))
    return {day for day in rows if day is not None}


def sharing_blocks(session: Session, references: Iterable[str]) -> dict[str, str]:
    """The situations among ``references`` about which nothing may be shared now, with why
    (a ``SharingBlock`` value)."""
    wanted = sorted(set(references))
    if not wanted:
        return {}
    rows = session.execute(
        select(CaseRow.reference, CaseRow.legal_basis, CaseRow.consent, CaseRow.opposed_on).where(
            CaseRow.reference.in_(wanted)
        )
    )
    found: dict[str, str] = {}
    for reference, basis, consent, opposed_on in rows:
        block = Sharing(LegalBasis(basis), ConsentStatus(consent), opposed_on=opposed_on).block
        if block is not None:
            found[reference] = block.value
    return found


# -- what the minutes print of each situation --------------------------------------------------
def situation_facts(
    session: Session, case_ids: list[int]
) -> dict[int, tuple[str, PersonConcerned, int | None, date | None]]:
    """Per situation: reference, person, lead partner id, next review (one query)."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(
            CaseRow.id, CaseRow.reference, CaseRow.lead_org_id, CaseRow.next_review_on,
            PersonRow.pseudonym, PersonRow.first_name, PersonRow.last_name,
            PersonRow.birth_date, PersonRow.birth_year,
        )
        .join(PersonRow, PersonRow.id == CaseRow.person_id)
        .where(CaseRow.id.in_(case_ids))
    )  # fmt: skip
    return {
        r.id: (
            r.reference,
            PersonConcerned(r.pseudonym, r.first_name, r.last_name, r.birth_date, r.birth_year),
            r.lead_org_id,
            r.next_review_on,
        )
        for r in rows
    }


def actions_of_meeting(
    session: Session, meeting_id: int, open_only: bool = False
) -> list[tuple[int, str, Action]]:
    """The actions decided at a meeting, with their situation's id and reference."""
    query = (
        select(ActionRow, CaseRow.reference)
        .join(CaseRow, CaseRow.id == ActionRow.case_id)
        .where(ActionRow.meeting_id == meeting_id)
        .order_by(CaseRow.reference, ActionRow.id)
    )
    if open_only:
        query = query.where(ActionRow.status.in_(OPEN_ACTIONS))
    return [(row.case_id, reference, action_of(row)) for row, reference in session.execute(query)]
