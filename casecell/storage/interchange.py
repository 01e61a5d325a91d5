"""Whole-register reads and writes for the JSON interchange, as set-based SQL (fast on 100k).

Records are plain dicts with the field names of ``resources/schema/casecell.schema.json``.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
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
    "closed_on", "outcome", "opposed_on", "opposition_reason",
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
AREA_ORDER = {area.value: i for i, area in enumerate(ProblemArea)}


def _rows(session: Session, table: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Records straight from the driver: SQLite already holds dates as ISO text."""
    sql = f"SELECT {', '.join(fields)} FROM {table} ORDER BY id"  # noqa: S608 - constants
    return [dict(zip(fields, row, strict=True)) for row in _driver(session).execute(sql)]


def _driver(session: Session) -> Any:
    return session.connection().connection.dbapi_connection


def read_all(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every register record, ordered by id, with each situation's children nested."""
    driver = _driver(session)
    areas: dict[int, list[str]] = defaultdict(list)
    for case_id, area in driver.execute("SELECT case_id, area FROM case_problem_areas"):
        areas[case_id].append(area)
    participants: dict[int, list[int]] = defaultdict(list)
    for case_id, org_id in driver.execute(
        "SELECT case_id, organisation_id FROM case_participants ORDER BY case_id, organisation_id"
    ):
        participants[case_id].append(org_id)
    relatives: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for case_id, person_id, relation in driver.execute(
        "SELECT case_id, person_id, relation FROM case_relatives ORDER BY case_id, person_id"
    ):
        relatives[case_id].append({"person_id": person_id, "relation": relation})
    timelines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for case_id, at, author, kind, code, text in driver.execute(
        "SELECT e.case_id, e.at, coalesce(u.display_name, e.author_name), e.kind, e.code, e.text "
        "FROM case_events e LEFT JOIN users u ON u.id = e.author_id "
        "ORDER BY e.case_id, e.at, e.id"
    ):
        timelines[case_id].append(
            {"at": at, "author": author, "kind": kind, "code": code, "text": text}
        )
    cases = _rows(session, "cases", CASE_FIELDS)
    for case in cases:
        case["problem_areas"] = sorted(areas[case["id"]], key=AREA_ORDER.__getitem__)
        case["participant_org_ids"] = participants[case["id"]]
        case["relatives"] = relatives[case["id"]]
        case["timeline"] = timelines[case["id"]]
    contacts = _rows(session, "contacts", CONTACT_FIELDS)
    for contact in contacts:
        contact["bound_by_secrecy"] = bool(contact["bound_by_secrecy"])
    organisations = _rows(session, "organisations", ORGANISATION_FIELDS)
    for organisation in organisations:
        organisation["permanent_member"] = bool(organisation["permanent_member"])
    return {
        "organisations": organisations,
        "contacts": contacts,
        "persons": _rows(session, "persons", PERSON_FIELDS),
        "cases": cases,
        "actions": _rows(session, "actions", (*ACTION_FIELDS, "created_at")),
        "meetings": _meetings(driver, session),
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
    meetings = _rows(session, "meetings", (*MEETING_FIELDS, "series_id"))
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


def write_all(
    session: Session,
    data: dict[str, list[dict[str, Any]]],
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Insert every record with its own id (the caller validated them and holds the write).

    Rows go straight to the driver's ``executemany`` inside the session's transaction: on
    100,000 situations SQLAlchemy's per-row parameter handling cost more than SQLite itself.
    Dates stay the ISO strings SQLite stores; moments are normalised to UTC like UtcDateTime.
    ``progress(done, total)`` is called as cases are written.
    """
    cursor = _driver(session).cursor()
    stamp = now.astimezone(UTC).isoformat()

    def bulk(table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        batch = list(rows)
        for start in range(0, len(batch), CHUNK):
            cursor.executemany(sql, batch[start : start + CHUNK])

    def values(record: dict[str, Any], fields: tuple[str, ...]) -> tuple[Any, ...]:
        return tuple(record.get(name, DEFAULTS.get(name)) for name in fields)

    bulk(
        "organisations",
        ORGANISATION_FIELDS,
        (values(r, ORGANISATION_FIELDS) for r in data["organisations"]),
    )
    bulk("contacts", CONTACT_FIELDS, (values(r, CONTACT_FIELDS) for r in data["contacts"]))
    bulk("persons", PERSON_FIELDS, (values(r, PERSON_FIELDS) for r in data["persons"]))
    total = len(data["cases"])
    for start in range(0, total, CHUNK):
        chunk = data["cases"][start : start + CHUNK]
        bulk(
            "cases",
            (*CASE_FIELDS, "created_at", "updated_at"),
            ((*values(r, CASE_FIELDS), stamp, stamp) for r in chunk),
        )
        if progress is not None:
            progress(start + len(chunk), total)
    bulk(
        "case_problem_areas",
        ("case_id", "area"),
        ((c["id"], a) for c in data["cases"] for a in c["problem_areas"]),
    )
    bulk(
        "case_participants",
        ("case_id", "organisation_id"),
        ((c["id"], o) for c in data["cases"] for o in c.get("participant_org_ids", [])),
    )
    bulk(
        "case_relatives",
        ("case_id", "person_id", "relation"),
        (
            (c["id"], r["person_id"], r["relation"])
            for c in data["cases"]
            for r in c.get("relatives", [])
        ),
    )
    bulk(
        "case_events",
        ("case_id", "at", "author_id", "author_name", "kind", "code", "text"),
        (
            (
                c["id"],
                datetime.fromisoformat(e["at"]).astimezone(UTC).isoformat(),
                None,
                e.get("author", ""),
                e["kind"],
                e.get("code", ""),
                e.get("text", ""),
            )
            for c in data["cases"]
            for e in c.get("timeline", [])
        ),
    )
    meetings = data.get("meetings", [])
    series: dict[tuple[str, str], int] = {}  # one row per distinct rule, as it was
    for m in meetings:
        if m.get("series"):
            key = (m["series"]["rule"], m["series"]["first_local"])
            series.setdefault(key, len(series) + 1)
    bulk("meeting_series", ("id", "rule", "first_local"), ((i, *k) for k, i in series.items()))
    bulk(
        "meetings",
        (*MEETING_FIELDS, "series_id"),
        (
            (
                m["id"],
                datetime.fromisoformat(m["starts_at"]).astimezone(UTC).isoformat(),
                *values(m, MEETING_FIELDS[2:-2]),
                m.get("uid") or str(uuid.uuid4()),  # a file of an older version has none
                m.get("sequence", 0),
                series[(m["series"]["rule"], m["series"]["first_local"])]
                if m.get("series")
                else None,
            )
            for m in meetings
        ),
    )
    bulk(
        "meeting_items",
        ("meeting_id", *ITEM_FIELDS),
        ((m["id"], *values(i, ITEM_FIELDS)) for m in meetings for i in m["items"]),
    )
    bulk(
        "meeting_participants",
        ("meeting_id", *PARTICIPANT_FIELDS),
        (
            (m["id"], *values(p, PARTICIPANT_FIELDS))
            for m in meetings
            for p in m.get("participants", [])
        ),
    )

    def utc(moment: str | None) -> str | None:
        return (
            None if moment is None else datetime.fromisoformat(moment).astimezone(UTC).isoformat()
        )

    bulk(
        "minutes",
        ("meeting_id", *MINUTES_FIELDS),
        (
            (
                m["id"], v["version"], v["status"], utc(v["opened_at"]), v.get("opened_by", ""),
                v.get("reason", ""), utc(v.get("validated_at")), v.get("validated_by", ""),
                None if v.get("content") is None
                else json.dumps(v["content"], ensure_ascii=False, sort_keys=True),
                json.dumps(v.get("changes", []), ensure_ascii=False),
            )
            for m in meetings
            for v in m.get("minutes", [])
        ),
    )  # fmt: skip
    bulk(
        "actions",
        (*ACTION_FIELDS, "created_at"),
        ((*values(r, ACTION_FIELDS), utc(r.get("created_at")) or stamp) for r in data["actions"]),
    )
    last: dict[int, int] = {}
    for case in data["cases"]:
        year, number = parse_reference(case["reference"])
        last[year] = max(number, last.get(year, 0))
    bulk("case_sequences", ("year", "last_number"), sorted(last.items()))
