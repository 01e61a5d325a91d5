"""Whole-register reads and writes for the JSON interchange, as set-based SQL (fast on 100k).

Records are plain dicts with the field names of ``resources/schema/casecell.schema.json``.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casecell.compat import UTC
from casecell.domain.cases import parse_reference
from casecell.domain.nomenclatures import ProblemArea
from casecell.storage.orm import (
    CaseRow,
    OrganisationRow,
    PersonRow,
)

ORGANISATION_FIELDS = (
    "id", "name", "kind", "commune", "address", "email", "phone", "charter_signed_on",
    "permanent_member",
)  # fmt: skip
CONTACT_FIELDS = ("id", "organisation_id", "name", "function", "email", "phone", "bound_by_secrecy")
PERSON_FIELDS = (
    "id", "pseudonym", "first_name", "last_name", "birth_date", "birth_year", "commune",
    "address", "postcode", "phone", "email", "nir",
)  # fmt: skip
CASE_FIELDS = (
    "id", "reference", "person_id", "referred_on", "referrer_org_id", "referrer_contact_id",
    "urgency", "summary", "tried_before", "person_wishes", "legal_basis", "consent",
    "consent_on", "consent_by", "consent_not_possible_reason", "lead_org_id", "next_review_on",
    "status", "eligibility_decided_on", "first_review_on", "decline_reason", "redirected_to",
    "closed_on", "outcome", "opposed_on", "opposition_reason", "anonymised_on",
)  # fmt: skip
MEETING_FIELDS = (
    "id", "starts_at", "duration_minutes", "place", "kind", "status", "title", "video_link",
    "chair_contact_id", "secretary_contact_id", "uid", "sequence",
)  # fmt: skip
ITEM_FIELDS = (
    "case_id", "position", "purpose", "slot_minutes", "notes", "decisions", "participation",
    "represented_by", "person_words",
)  # fmt: skip
PARTICIPANT_FIELDS = (
    "organisation_id", "contact_id", "name", "observer", "attendance", "information_sent",
    "represented_by", "undertaking_signed",
)  # fmt: skip
MINUTES_FIELDS = (
    "version", "status", "opened_at", "opened_by", "reason", "validated_at", "validated_by",
    "content", "changes",
)  # fmt: skip
PARTICIPANT_FLAGS = ("observer", "information_sent", "undertaking_signed")
FLAGS = (*PARTICIPANT_FLAGS, "permanent_member")  # SQLite booleans, read back as 0/1
ACTION_FIELDS = (
    "id", "case_id", "title", "owner_org_id", "owner_contact_id", "due_on", "done_on",
    "status", "meeting_id", "carried_over",
)  # fmt: skip
# What an optional field holds when a file leaves it out.
DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(
        ("commune", "address", "email", "phone", "function", "first_name", "last_name",
         "postcode", "nir",
         "summary", "tried_before", "person_wishes", "consent_by",
         "consent_not_possible_reason", "decline_reason", "redirected_to",
         "opposition_reason", "person_words"),
        "",
    ),
    "bound_by_secrecy": True,
    **dict.fromkeys(("title", "video_link", "notes", "decisions", "name", "represented_by"), ""),
    **dict.fromkeys(FLAGS, False),
    "slot_minutes": 10,
    "urgency": "normal",
    "legal_basis": "consent",
    "consent": "not_asked",
}  # fmt: skip
CHUNK = 10_000
COLLECTIONS_ORDER = ("organisations", "contacts", "persons", "cases", "meetings", "actions")
COLLECTION_TABLES = {
    "organisations": "organisations",
    "contacts": "contacts",
    "persons": "persons",
    "cases": "cases",
    "actions": "actions",
    "meetings": "meetings",
}
AREA_ORDER = {area.value: i for i, area in enumerate(ProblemArea)}


def _rows(session: Session, table: str, fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Records straight from the driver, one at a time: SQLite already holds dates as ISO text."""
    sql = f"SELECT {', '.join(fields)} FROM {table} ORDER BY id"  # noqa: S608 - constants
    for row in _driver(session).execute(sql):
        yield dict(zip(fields, row, strict=True))


def _driver(session: Session) -> Any:
    return session.connection().connection.dbapi_connection


def _json_rows(
    session: Session,
    table: str,
    fields: tuple[str, ...],
    flags: tuple[str, ...] = (),
    nested: dict[str, str] | None = None,
) -> Iterator[str]:
    """Each record of ``table`` as JSON text made by SQLite's ``json_object`` (in C: no
    Python object per value), ordered by id; ``flags`` are SQLite's 0/1 written as booleans,
    ``nested`` the lists made by a subquery on the record (alias ``c``)."""
    parts = [
        f"'{name}', json(CASE WHEN c.{name} THEN 'true' ELSE 'false' END)"
        if name in flags
        else f"'{name}', c.{name}"
        for name in fields
    ]
    parts += [f"'{name}', json(({sql}))" for name, sql in (nested or {}).items()]
    sql = f"SELECT json_object({', '.join(parts)}) FROM {table} c ORDER BY c.id"  # noqa: S608
    for (text,) in _driver(session).execute(sql):
        yield text


_AREA_RANK = " ".join(f"WHEN '{code}' THEN {rank}" for code, rank in AREA_ORDER.items())
# Each situation's lists, in the order the file has always given them.
CASE_LISTS = {
    "problem_areas": "SELECT json_group_array(area ORDER BY CASE area"  # noqa: S608
    f" {_AREA_RANK} END) FROM case_problem_areas WHERE case_id = c.id",
    "participant_org_ids": "SELECT json_group_array(organisation_id ORDER BY organisation_id)"
    " FROM case_participants WHERE case_id = c.id",
    "relatives": "SELECT json_group_array(json_object('person_id', person_id, 'relation',"
    " relation) ORDER BY person_id) FROM case_relatives WHERE case_id = c.id",
    "timeline": "SELECT json_group_array(json_object('at', e.at, 'author',"
    " coalesce(u.display_name, e.author_name), 'kind', e.kind, 'code', e.code, 'text', e.text)"
    " ORDER BY e.at, e.id) FROM case_events e LEFT JOIN users u ON u.id = e.author_id"
    " WHERE e.case_id = c.id",
}


def counts(session: Session) -> dict[str, int]:
    """How many records of each collection the register holds."""
    driver = _driver(session)
    return {
        name: driver.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        for name, table in COLLECTION_TABLES.items()
    }


def records(session: Session) -> dict[str, Iterator[str | dict[str, Any]]]:
    """Every register record, ordered by id, each situation with its lists nested, read as
    it is consumed: JSON text made by SQLite (the meetings, few and deep, as dicts)."""
    return {
        "organisations": _json_rows(
            session, "organisations", ORGANISATION_FIELDS, ("permanent_member",)
        ),
        "contacts": _json_rows(session, "contacts", CONTACT_FIELDS, ("bound_by_secrecy",)),
        "persons": _json_rows(session, "persons", PERSON_FIELDS),
        "cases": _json_rows(session, "cases", CASE_FIELDS, nested=CASE_LISTS),
        "actions": _json_rows(session, "actions", (*ACTION_FIELDS, "created_at")),
        "meetings": iter(_meetings(_driver(session), session)),
    }


def read_all(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every register record in memory (small registers, tests): see :func:`records`."""
    return {
        name: [json.loads(r) if isinstance(r, str) else r for r in found]
        for name, found in records(session).items()
    }


def _meetings(driver: Any, session: Session) -> list[dict[str, Any]]:
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for meeting_id, *row in driver.execute(
        f"SELECT meeting_id, {', '.join(ITEM_FIELDS)} FROM meeting_items "  # noqa: S608
        "ORDER BY meeting_id, position, case_id"
    ):
        items[meeting_id].append(dict(zip(ITEM_FIELDS, row, strict=True)))
    participants: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for meeting_id, *row in driver.execute(
        f"SELECT meeting_id, {', '.join(PARTICIPANT_FIELDS)} FROM meeting_participants "  # noqa: S608
        "ORDER BY meeting_id, id"
    ):
        participant = dict(zip(PARTICIPANT_FIELDS, row, strict=True))
        for flag in PARTICIPANT_FLAGS:
            participant[flag] = bool(participant[flag])
        participants[meeting_id].append(participant)
    series = {
        series_id: {"rule": rule, "first_local": first}
        for series_id, rule, first in driver.execute(
            "SELECT id, rule, first_local FROM meeting_series"
        )
    }
    versions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for meeting_id, *row in driver.execute(
        f"SELECT meeting_id, {', '.join(MINUTES_FIELDS)} FROM minutes "  # noqa: S608
        "ORDER BY meeting_id, version"
    ):
        version = dict(zip(MINUTES_FIELDS, row, strict=True))
        version["content"] = json.loads(version["content"]) if version["content"] else None
        version["changes"] = json.loads(version["changes"]) if version["changes"] else []
        versions[meeting_id].append(version)
    meetings = list(_rows(session, "meetings", (*MEETING_FIELDS, "series_id")))
    for meeting in meetings:
        meeting["series"] = series.get(meeting.pop("series_id"))
        meeting["items"] = items[meeting["id"]]
        meeting["participants"] = participants[meeting["id"]]
        meeting["minutes"] = versions[meeting["id"]]
    return meetings


def register_is_empty(session: Session) -> bool:
    for table in (OrganisationRow, PersonRow, CaseRow):
        if session.scalar(select(func.count()).select_from(table)):
            return False
    return True


def _utc(moment: str | None) -> str | None:
    return None if moment is None else datetime.fromisoformat(moment).astimezone(UTC).isoformat()


def _values(record: dict[str, Any], fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(record.get(name, DEFAULTS.get(name)) for name in fields)


# Each table the import writes, with its columns, in the order its rows are flushed.
TABLES: dict[str, tuple[str, ...]] = {
    "organisations": ORGANISATION_FIELDS,
    "contacts": CONTACT_FIELDS,
    "persons": PERSON_FIELDS,
    "cases": (*CASE_FIELDS, "created_at", "updated_at"),
    "case_problem_areas": ("case_id", "area"),
    "case_participants": ("case_id", "organisation_id"),
    "case_relatives": ("case_id", "person_id", "relation"),
    "case_events": ("case_id", "at", "author_id", "author_name", "kind", "code", "text"),
    "meeting_series": ("id", "rule", "first_local"),
    "meetings": (*MEETING_FIELDS, "series_id"),
    "meeting_items": ("meeting_id", *ITEM_FIELDS),
    "meeting_participants": ("meeting_id", *PARTICIPANT_FIELDS),
    "minutes": ("meeting_id", *MINUTES_FIELDS),
    "actions": (*ACTION_FIELDS, "created_at"),
}


class RegisterWriter:
    """Inserts checked records with their own ids as they come, in batches, inside the
    session's transaction (the caller holds the write and commits or rolls back).

    Rows go straight to the driver's ``executemany``: on 100,000 situations SQLAlchemy's
    per-row parameter handling cost more than SQLite itself. Foreign keys are checked at
    commit (``defer_foreign_keys``), so the collections may come in any order — an action
    before the meeting that decided it. Dates stay the ISO strings SQLite stores; moments
    are normalised to UTC like UtcDateTime.
    """

    def __init__(self, session: Session, now: datetime) -> None:
        self.cursor = _driver(session).cursor()
        self.cursor.execute("PRAGMA defer_foreign_keys = ON")
        self.stamp = now.astimezone(UTC).isoformat()
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES}
        self.waiting = 0
        self.series: dict[tuple[str, str], int] = {}  # one row per distinct rule, as it was
        self.last: dict[int, int] = {}  # the last reference number of each year
        self.written: dict[str, int] = dict.fromkeys(COLLECTION_TABLES, 0)

    def _put(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows[table].append(row)
        self.waiting += 1

    def add(self, collection: str, record: dict[str, Any]) -> None:
        getattr(self, f"_{collection}")(record)
        self.written[collection] += 1
        if self.waiting >= CHUNK:
            self.flush()

    def _organisations(self, r: dict[str, Any]) -> None:
        self._put("organisations", _values(r, ORGANISATION_FIELDS))

    def _contacts(self, r: dict[str, Any]) -> None:
        self._put("contacts", _values(r, CONTACT_FIELDS))

    def _persons(self, r: dict[str, Any]) -> None:
        self._put("persons", _values(r, PERSON_FIELDS))

    def _cases(self, c: dict[str, Any]) -> None:
        case_id = c["id"]
        self._put("cases", (*_values(c, CASE_FIELDS), self.stamp, self.stamp))
        for area in c["problem_areas"]:
            self._put("case_problem_areas", (case_id, area))
        for org_id in c.get("participant_org_ids", []):
            self._put("case_participants", (case_id, org_id))
        for r in c.get("relatives", []):
            self._put("case_relatives", (case_id, r["person_id"], r["relation"]))
        for e in c.get("timeline", []):
            self._put(
                "case_events",
                (case_id, _utc(e["at"]), None, e.get("author", ""), e["kind"],
                 e.get("code", ""), e.get("text", "")),
            )  # fmt: skip
        year, number = parse_reference(c["reference"])
        self.last[year] = max(number, self.last.get(year, 0))

    def _meetings(self, m: dict[str, Any]) -> None:
        series_id = None
        if m.get("series"):
            key = (m["series"]["rule"], m["series"]["first_local"])
            if key not in self.series:
                self.series[key] = len(self.series) + 1
                self._put("meeting_series", (self.series[key], *key))
            series_id = self.series[key]
        self._put(
            "meetings",
            (
                m["id"],
                _utc(m["starts_at"]),
                *_values(m, MEETING_FIELDS[2:-2]),
                m.get("uid") or str(uuid.uuid4()),  # a file of an older version has none
                m.get("sequence", 0),
                series_id,
            ),
        )
        for i in m["items"]:
            self._put("meeting_items", (m["id"], *_values(i, ITEM_FIELDS)))
        for p in m.get("participants", []):
            self._put("meeting_participants", (m["id"], *_values(p, PARTICIPANT_FIELDS)))
        for v in m.get("minutes", []):
            self._put(
                "minutes",
                (
                    m["id"], v["version"], v["status"], _utc(v["opened_at"]),
                    v.get("opened_by", ""), v.get("reason", ""), _utc(v.get("validated_at")),
                    v.get("validated_by", ""),
                    None if v.get("content") is None
                    else json.dumps(v["content"], ensure_ascii=False, sort_keys=True),
                    json.dumps(v.get("changes", []), ensure_ascii=False),
                ),
            )  # fmt: skip

    def _actions(self, r: dict[str, Any]) -> None:
        self._put("actions", (*_values(r, ACTION_FIELDS), _utc(r.get("created_at")) or self.stamp))

    def flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                columns = TABLES[table]
                marks = ", ".join("?" * len(columns))
                self.cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
                rows.clear()
        self.waiting = 0

    def finish(self) -> dict[str, int]:
        """The last rows, and each year's reference numbering; how many of each were written."""
        self.flush()
        self.cursor.executemany(
            "INSERT INTO case_sequences (year, last_number) VALUES (?, ?)",
            sorted(self.last.items()),
        )
        return self.written


def write_all(
    session: Session,
    data: dict[str, list[dict[str, Any]]],
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Insert every record of ``data`` with its own id (the caller validated them and holds
    the write); ``progress(done, total)`` is called as situations are written."""
    writer = RegisterWriter(session, now)
    total = len(data["cases"])
    for name in COLLECTIONS_ORDER:
        for n, record in enumerate(data.get(name, []), 1):
            writer.add(name, record)
            if name == "cases" and progress is not None and (n % CHUNK == 0 or n == total):
                progress(n, total)
    writer.finish()
