"""Write resources/schema/casecell.schema.json from the nomenclatures in the code.

Run after changing a nomenclature or an interchange field; tests/services/test_interchange.py
fails while the shipped schema differs from what this script builds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from casecell.compat import StrEnum
from casecell.domain.cases import EventKind
from casecell.domain.meetings import (
    Attendance,
    ItemPurpose,
    MeetingKind,
    MeetingStatus,
    PersonParticipation,
)
from casecell.domain.minutes import MinutesStatus
from casecell.domain.nomenclatures import (
    ActionStatus,
    CarryOverReason,
    CaseStatus,
    ConsentStatus,
    LegalBasis,
    OrganisationKind,
    Outcome,
    ProblemArea,
    Relation,
    Urgency,
)

TARGET = Path(__file__).resolve().parent.parent / "resources" / "schema" / "casecell.schema.json"
# Dates and ids are written inline, not as $ref: resolving a reference per field is the
# slowest part of validating a 100,000-situation file.
# Every year between 1900 and 2100, as everywhere else in casecell (casecell.domain.dates).
YEAR = "(19[0-9]{2}|20[0-9]{2}|2100)"
DATE = {"type": "string", "pattern": f"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}$", "format": "date"}
# A moment with its offset to UTC, as the export writes it (2027-01-12T13:00:00+00:00).
MOMENT = {
    "type": "string",
    "pattern": f"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}"
    "(:[0-9]{2}(\\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$",
}
MAX_INTEGER = 2**63 - 1  # SQLite's largest
ID = {"type": "integer", "minimum": 1, "maximum": MAX_INTEGER}
NIR = "^([0-9]{5}([0-9]{2}|2A|2B)[0-9]{8})?$"  # 13 characters and the key, or nothing
LOCAL_TIME = f"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}$"  # Paris wall-clock time
REFERENCE = f"^{YEAR}-[0-9]{{3,9}}$"


def codes(enum: type[StrEnum]) -> dict[str, Any]:
    return {"enum": [member.value for member in enum]}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    schema = dict(schema)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    else:
        schema["type"] = [schema["type"], "null"]
    return schema


def text(limit: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit}


def record(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def build() -> dict[str, Any]:
    collections = ["organisations", "contacts", "persons", "cases", "actions", "meetings"]
    singular = {"organisations": "organisation", "contacts": "contact", "persons": "person",
                "cases": "case", "actions": "action", "meetings": "meeting"}  # fmt: skip
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://casecell.invalid/schema/casecell.schema.json",
        "title": "casecell export",
        "description": "The whole register of one cell, as written by `casecell export` and "
        "read by `casecell import` (see docs/format-json.md).",
        "type": "object",
        "required": ["format", "version", *collections],
        "additionalProperties": False,
        "properties": {
            "format": {"const": "casecell"},
            "version": {"const": 1},
            "exported_at": {"type": "string"},
            "app_version": {"type": "string"},
            **{
                name: {"type": "array", "items": {"$ref": f"#/$defs/{singular[name]}"}}
                for name in collections
            },
        },
        "$defs": {
            "organisation": record(
                {
                    "id": ID, "name": text(200), "kind": codes(OrganisationKind),
                    "commune": text(5), "address": text(500), "email": text(200),
                    "phone": text(40), "charter_signed_on": nullable(DATE),
                    "permanent_member": {"type": "boolean"},
                },
                ["id", "name", "kind", "charter_signed_on"],
            ),
            "contact": record(
                {
                    "id": ID, "organisation_id": ID, "name": text(200), "function": text(200),
                    "email": text(200), "phone": text(40), "bound_by_secrecy": {"type": "boolean"},
                },
                ["id", "organisation_id", "name"],
            ),
            "person": record(
                {
                    "id": ID, "pseudonym": {"type": "string", "pattern": "^P-[A-Z0-9]{6}$"},
                    "first_name": text(200), "last_name": text(200),
                    "birth_date": nullable(DATE),
                    "birth_year": nullable({"type": "integer", "minimum": 1900, "maximum": 2100}),
                    "commune": text(5), "address": text(200),
                    "postcode": {"type": "string", "pattern": "^([0-9]{5})?$"},
                    "phone": text(20), "email": text(254),
                    # The key (97 − the first 13 mod 97) is checked by the import's own rules.
                    "nir": {"type": "string", "pattern": NIR},
                },
                ["id", "pseudonym", "first_name", "last_name", "birth_date"],
            ),
            "relative": record(
                {"person_id": ID, "relation": codes(Relation)}, ["person_id", "relation"]
            ),
            "event": record(
                {
                    "at": MOMENT, "author": text(200), "kind": codes(EventKind),
                    "code": text(64), "text": text(20000),
                },
                ["at", "kind"],
            ),
            "case": record(
                {
                    "id": ID, "reference": {"type": "string", "pattern": REFERENCE},
                    "person_id": ID, "referred_on": DATE, "referrer_org_id": ID,
                    "referrer_contact_id": nullable(ID),
                    "problem_areas": {"type": "array", "minItems": 1, "uniqueItems": True,
                                      "items": codes(ProblemArea)},
                    "urgency": codes(Urgency), "summary": text(20000),
                    "tried_before": text(20000), "person_wishes": text(20000),
                    "legal_basis": codes(LegalBasis), "consent": codes(ConsentStatus),
                    "consent_on": nullable(DATE), "consent_by": text(200),
                    "consent_not_possible_reason": text(500), "lead_org_id": nullable(ID),
                    "participant_org_ids": {"type": "array", "uniqueItems": True, "items": ID},
                    "relatives": {"type": "array", "items": {"$ref": "#/$defs/relative"}},
                    "next_review_on": nullable(DATE), "status": codes(CaseStatus),
                    "eligibility_decided_on": nullable(DATE), "first_review_on": nullable(DATE),
                    "decline_reason": text(500), "redirected_to": text(200),
                    "closed_on": nullable(DATE), "outcome": nullable(codes(Outcome)),
                    "opposed_on": nullable(DATE), "opposition_reason": text(500),
                    "anonymised_on": nullable(DATE),
                    "timeline": {"type": "array", "items": {"$ref": "#/$defs/event"}},
                },
                ["id", "reference", "referred_on", "status", "person_id", "closed_on",
                 "referrer_org_id", "problem_areas"],
            ),
            "meeting": record(
                {
                    "id": ID, "starts_at": MOMENT,
                    "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
                    "place": text(500), "kind": codes(MeetingKind), "status": codes(MeetingStatus),
                    "title": text(200), "video_link": text(500),
                    "chair_contact_id": nullable(ID), "secretary_contact_id": nullable(ID),
                    "uid": {"type": "string", "minLength": 1, "maxLength": 80,
                            "pattern": "^[!-~]+$"},
                    "sequence": {"type": "integer", "minimum": 0},
                    "series": {"oneOf": [{"type": "null"}, record(
                        {"rule": text(200),
                         "first_local": {"type": "string", "pattern": LOCAL_TIME}},
                        ["rule", "first_local"],
                    )]},
                    "items": {"type": "array", "items": record(
                        {"case_id": ID, "position": ID,
                         "purpose": codes(ItemPurpose),
                         "slot_minutes": {"type": "integer", "minimum": 1, "maximum": 240},
                         "notes": text(20000), "decisions": text(20000),
                         "participation": nullable(codes(PersonParticipation)),
                         "represented_by": text(200), "person_words": text(20000)},
                        ["case_id", "position", "purpose"],
                    )},
                    "minutes": {"type": "array", "items": record(
                        {"version": ID, "status": codes(MinutesStatus), "opened_at": MOMENT,
                         "opened_by": text(200), "reason": text(20000),
                         "validated_at": nullable(MOMENT), "validated_by": text(200),
                         "content": {"type": ["object", "null"]},
                         "changes": {"type": "array", "items": text(500)}},
                        ["version", "status", "opened_at"],
                    )},
                    "participants": {"type": "array", "items": record(
                        {"organisation_id": nullable(ID), "contact_id": nullable(ID),
                         "name": text(200), "observer": {"type": "boolean"},
                         "attendance": nullable(codes(Attendance)),
                         "information_sent": {"type": "boolean"}, "represented_by": text(200),
                         "undertaking_signed": {"type": "boolean"}},
                        ["organisation_id", "contact_id"],
                    )},
                },
                ["id", "starts_at", "duration_minutes", "kind", "status", "items"],
            ),
            "action": record(
                {
                    "id": ID, "case_id": ID, "title": text(500), "owner_org_id": ID,
                    "owner_contact_id": nullable(ID), "due_on": nullable(DATE),
                    "done_on": nullable(DATE), "status": codes(ActionStatus),
                    "meeting_id": nullable(ID), "carried_over": nullable(codes(CarryOverReason)),
                    "created_at": MOMENT,
                },
                ["id", "case_id", "title", "owner_org_id", "due_on", "done_on", "status"],
            ),
        },
    }  # fmt: skip


def rendered() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    TARGET.write_text(rendered(), encoding="utf-8")
    sys.exit(0)
