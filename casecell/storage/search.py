"""The full-text index of situations (SQLite FTS5, inside the encrypted vault).

One row per case (``rowid`` = case id) with four text columns — reference, names (person,
pseudonym and relatives), organisations, notes — holding *folded* text
(``domain.text.fold``), so that “Lefevre” finds “Lefèvre” whether the accent was typed
precomposed or combining; a fifth, ``access``, lists the organisations that see it. Rows are
refreshed by the repositories in the same transaction as the write that changes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from casecell.domain.access import EVERYTHING, Scope
from casecell.domain.text import FOLD_VERSION, fts_query
from casecell.storage.access import visible_among

# bm25 weights: reference, names, organisations, notes; ``access`` (the organisations on the
# situation's access list, as tokens ``o12``) only filters a member's search and never ranks.
RANK = "bm25(case_search, 10.0, 6.0, 2.0, 1.0, 0.0)"
TEXT_COLUMNS = "{reference names organisations notes}"

# Folding happens inside SQLite: the vault registers ``casecell_fold`` on every connection.
_REFRESH = """
    INSERT INTO case_search (rowid, reference, names, organisations, notes, access)
    SELECT c.id,
           casecell_fold(c.reference),
           casecell_fold(
               p.first_name || ' ' || p.last_name || ' ' || replace(p.pseudonym, '-', '')
               || ' ' || coalesce((SELECT group_concat(k.first_name || ' ' || k.last_name, ' ')
                   FROM case_relatives r JOIN persons k ON k.id = r.person_id
                   WHERE r.case_id = c.id), '')
           ),
           casecell_fold(coalesce((
               SELECT group_concat(o.name, ' ') FROM organisations o WHERE o.id IN (
                   SELECT c.referrer_org_id UNION SELECT c.lead_org_id
                   UNION SELECT organisation_id FROM case_participants WHERE case_id = c.id
                   UNION SELECT owner_org_id FROM actions WHERE case_id = c.id)
           ), '')),
           casecell_fold(c.summary || ' ' || c.tried_before || ' ' || c.person_wishes || ' ' ||
               coalesce((SELECT group_concat(title, ' ') FROM actions WHERE case_id = c.id), '')
               || ' ' || coalesce((SELECT group_concat(text, ' ') FROM case_events
                   WHERE case_id = c.id AND kind IN ('note', 'decision')), '')),
           coalesce((SELECT group_concat('o' || x, ' ') FROM (
                   SELECT c.lead_org_id AS x UNION SELECT c.referrer_org_id
                   UNION SELECT organisation_id FROM case_participants WHERE case_id = c.id)
               WHERE x IS NOT NULL), '')
    FROM cases c JOIN persons p ON p.id = c.person_id
"""


# What the rows hold: raise when _REFRESH changes, as FOLD_VERSION when fold() does, so that
# vaults rebuild their index at the next unlock (2: the relatives' names in ``names``; an
# index built before still lacked them, and the pseudonymised minutes look relatives up in it).
CONTENT_VERSION = 2
VERSION = f"{FOLD_VERSION}.{CONTENT_VERSION}"


def words_seen_by(match: str, scope: Scope) -> str | None:
    """The FTS5 query for ``match`` (an :func:`fts_query`) among the situations ``scope``
    sees: the user's words search the text columns only, never the access tokens; for a
    member, FTS5 intersects them with the organisation's token itself, so that only those
    situations are ranked (the tables still have the last word). None: it sees none."""
    wanted = f"{TEXT_COLUMNS} : ({match})"
    if not scope.restricted:
        return wanted
    if scope.organisation_id is None:
        return None
    return f'{wanted} AND access : "o{int(scope.organisation_id)}"'


class SearchIndex:
    def __init__(self, session: Session) -> None:
        self._session = session

    def refresh(self, case_ids: Iterable[int]) -> None:
        """Recompute the rows of ``case_ids`` from the tables (call after flushing a write)."""
        ids = sorted(set(case_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(str(int(i)) for i in chunk)  # integers only: safe to inline
            self._session.execute(text(f"DELETE FROM case_search WHERE rowid IN ({marks})"))  # noqa: S608
            self._session.execute(text(f"{_REFRESH} WHERE c.id IN ({marks})"))

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Recompute the whole index (after an import), in slices of ids to report progress."""
        self._session.execute(text("DELETE FROM case_search"))
        top = self._session.scalar(text("SELECT max(id) FROM cases")) or 0
        step = 5000
        for low in range(0, top, step):
            self._session.execute(
                text(f"{_REFRESH} WHERE c.id > :low AND c.id <= :high"),
                {"low": low, "high": low + step},
            )
            if progress is not None:
                progress(min(low + step, top), top)
        # Deleting every row leaves its tombstones in the index: merged into one segment, a
        # look-up reads each word's list once (the pseudonymised minutes' 200 look-ups on
        # 100,000 situations: 250 → 80 ms).
        self._session.execute(text("INSERT INTO case_search (case_search) VALUES ('optimize')"))

    def ensure_current(self) -> bool:
        """Rebuild the index if it was folded by another version of ``fold`` or built by another
        ``_REFRESH``; True if rebuilt."""
        stored = self._session.scalar(
            text("SELECT value FROM vault_meta WHERE key = 'search_fold_version'")
        )
        if stored == VERSION:
            return False
        self.rebuild()
        self._session.execute(
            text(
                "INSERT INTO vault_meta (key, value) VALUES ('search_fold_version', :v) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
            {"v": VERSION},
        )
        return True

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

    def search(
        self, query: str, limit: int = 50, scope: Scope = EVERYTHING
    ) -> list[tuple[int, str]]:
        """(case id, reference) best first, among the situations ``scope`` sees; an empty query
        finds nothing."""
        match = fts_query(query)
        if match is None:
            return []
        connection = self._session.connection()
        wanted = words_seen_by(match, scope)
        if wanted is None:
            return []
        # Rank inside FTS5 first (ties by reference), then join only the best rows.
        rows = list(
            connection.exec_driver_sql(
                f"SELECT c.id, c.reference FROM (SELECT s.rowid AS id, {RANK} AS score, "  # noqa: S608 - constant SQL
                "s.reference AS folded FROM case_search s WHERE case_search MATCH ? "
                "ORDER BY score, folded LIMIT ?) m "
                "JOIN cases c ON c.id = m.id ORDER BY m.score, m.folded",
                (wanted, limit),
            )
        )
        if scope.restricted:
            # The index says who takes part; the tables have the last word.
            seen = visible_among(self._session, scope, [r[0] for r in rows])
            rows = [r for r in rows if r[0] in seen]
        return [(r[0], r[1]) for r in rows]
