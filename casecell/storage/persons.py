"""Finding a person already in the register, for a repeat referral (need-to-know applied).

A person is offered when their NIR is the one typed, or when their folded first and last
names are the ones typed and their birth year too (and the birth dates, when both are
known, agree). Only persons of situations the scope sees are offered — as the situation's
person or as a relative — with the references of those situations.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casecell.domain.access import Scope
from casecell.domain.persons import KnownPerson
from casecell.domain.text import fold
from casecell.storage.access import also, visible
from casecell.storage.orm import PersonRow
from casecell.storage.register import person_of

MAX_CANDIDATES = 20


def _folded(name: str) -> str:
    return " ".join(fold(name).split())


def known_persons(
    session: Session,
    scope: Scope,
    first_name: str,
    last_name: str,
    birth_date: date | None,
    birth_year: int | None,
    nir: str = "",
) -> list[KnownPerson]:
    """The persons the typed details may be, NIR matches first; [] when too little is typed
    (a name alone is not enough: homonyms are common, and a name says too much)."""
    year = birth_date.year if birth_date is not None else birth_year
    first, last = _folded(first_name), _folded(last_name)
    conditions = []
    if nir:
        conditions.append(PersonRow.nir == nir)
    if year is not None and last:
        conditions.append(PersonRow.birth_year == year)  # set with every birth date
    if not conditions:
        return []
    candidates: dict[int, tuple[PersonRow, bool]] = {}
    for row in session.scalars(select(PersonRow).where(conditions[0] | conditions[-1])):
        same_nir = bool(nir) and row.nir == nir
        same_name = (
            year is not None
            and _folded(row.last_name) == last
            and _folded(row.first_name) == first
            and not (birth_date and row.birth_date and birth_date != row.birth_date)
        )
        if same_nir or same_name:
            candidates[row.id] = (row, same_nir)
    references = _references(session, scope, sorted(candidates))
    found = [
        KnownPerson(person_of(row), tuple(references[person_id]), same_nir)
        for person_id, (row, same_nir) in candidates.items()
        if references.get(person_id)
    ]
    found.sort(key=lambda k: (not k.same_nir, k.person.id))
    return found[:MAX_CANDIDATES]


def _references(session: Session, scope: Scope, person_ids: list[int]) -> dict[int, list[str]]:
    """Per person, the references of the situations the scope sees that name them."""
    if not person_ids:
        return {}
    mine, seen = visible(scope)
    marks = ", ".join("?" * len(person_ids))
    driver: Any = session.connection().connection.dbapi_connection
    sql = (
        f"SELECT c.person_id, c.reference FROM cases c WHERE c.person_id IN ({marks}){also(mine)}"  # noqa: S608 - fixed SQL
        " UNION SELECT r.person_id, c.reference FROM case_relatives r"
        f" JOIN cases c ON c.id = r.case_id WHERE r.person_id IN ({marks}){also(mine)}"
        " ORDER BY 2"
    )
    found: dict[int, list[str]] = {}
    for person_id, reference in driver.execute(sql, (*person_ids, *seen, *person_ids, *seen)):
        found.setdefault(person_id, []).append(reference)
    return found


def sees_person(session: Session, scope: Scope, person_id: int) -> bool:
    """Whether the person is part of a situation the scope sees."""
    return bool(_references(session, scope, [person_id]))
