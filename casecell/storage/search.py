"""The full-text index of situations (SQLite FTS5, inside the encrypted vault).

One row per case (``rowid`` = case id) with four columns — reference, names (person and
pseudonym), organisations, notes — holding *folded* text (``domain.text.fold``), so that
“Lefevre” finds “Lefèvre” whether the accent was typed precomposed or combining. Rows are
refreshed by the repositories in the same transaction as the write that changes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from casecell.domain.text import fold, fts_query

# bm25 weights: reference, names, organisations, notes.
RANK = "bm25(case_search, 10.0, 6.0, 2.0, 1.0)"

_CASE_TEXT = text(
    """
    SELECT c.reference, p.first_name, p.last_name, p.pseudonym,
           c.summary, c.tried_before, c.person_wishes
    FROM cases c JOIN persons p ON p.id = c.person_id
    WHERE c.id = :case_id
    """
)
_CASE_ORGS = text(
    """
    SELECT o.name FROM organisations o WHERE o.id IN (
        SELECT referrer_org_id FROM cases WHERE id = :case_id
        UNION SELECT lead_org_id FROM cases WHERE id = :case_id
        UNION SELECT organisation_id FROM case_participants WHERE case_id = :case_id
        UNION SELECT owner_org_id FROM actions WHERE case_id = :case_id
    )
    """
)
_CASE_NOTES = text(
    """
    SELECT title FROM actions WHERE case_id = :case_id
    UNION ALL SELECT text FROM case_events WHERE case_id = :case_id AND kind IN ('note', 'decision')
    """
)


class SearchIndex:
    def __init__(self, session: Session) -> None:
        self._session = session

    def refresh(self, case_ids: Iterable[int]) -> None:
        """Recompute the rows of ``case_ids`` from the tables (call after flushing a write)."""
        for case_id in case_ids:
            self._refresh_one(case_id)

    def _refresh_one(self, case_id: int) -> None:
        params = {"case_id": case_id}
        self._session.execute(text("DELETE FROM case_search WHERE rowid = :case_id"), params)
        row = self._session.execute(_CASE_TEXT, params).first()
        if row is None:
            return
        orgs = self._session.scalars(_CASE_ORGS, params).all()
        notes = self._session.scalars(_CASE_NOTES, params).all()
        self._session.execute(
            text(
                "INSERT INTO case_search (rowid, reference, names, organisations, notes) "
                "VALUES (:case_id, :reference, :names, :orgs, :notes)"
            ),
            {
                "case_id": case_id,
                "reference": fold(row.reference),
                "names": fold(f"{row.first_name} {row.last_name} {row.pseudonym}"),
                "orgs": fold(" ".join(orgs)),
                "notes": fold(
                    "\n".join([row.summary, row.tried_before, row.person_wishes, *notes])
                ),
            },
        )

    def cases_of_organisation(self, organisation_id: int) -> list[int]:
        """Cases whose index mentions an organisation (to refresh after a rename)."""
        return list(
            self._session.scalars(
                text(
                    """
                    SELECT id FROM cases WHERE referrer_org_id = :o OR lead_org_id = :o
                    UNION SELECT case_id FROM case_participants WHERE organisation_id = :o
                    UNION SELECT case_id FROM actions WHERE owner_org_id = :o
                    """
                ),
                {"o": organisation_id},
            )
        )

    def cases_of_person(self, person_id: int) -> list[int]:
        return list(
            self._session.scalars(
                text("SELECT id FROM cases WHERE person_id = :p"), {"p": person_id}
            )
        )

    def search(self, query: str, limit: int = 50) -> list[tuple[int, str]]:
        """(case id, reference) best first; an empty query finds nothing."""
        match = fts_query(query)
        if match is None:
            return []
        rows = self._session.execute(
            text(
                f"SELECT c.id, c.reference FROM case_search "  # noqa: S608 - constant SQL
                f"JOIN cases c ON c.id = case_search.rowid "
                f"WHERE case_search MATCH :match ORDER BY {RANK}, c.reference LIMIT :limit"
            ),
            {"match": match, "limit": limit},
        )
        return [(r.id, r.reference) for r in rows]
