"""The register's own rules for an interchange file, those the JSON Schema cannot say:
references between records, duplicates, dates, the workflow. Checked record by record as a
file is read (:class:`Rules`), so that a file of 100,000 situations is never held whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from casecell.compat import UTC
from casecell.domain import minutes
from casecell.domain.cases import REFERENCE_RE, Sharing
from casecell.domain.meetings import occurrences
from casecell.domain.nomenclatures import CaseStatus, ConsentStatus, LegalBasis
from casecell.domain.persons import (
    check_address,
    check_nir,
    check_person_email,
    check_person_phone,
    check_postcode,
)
from casecell.domain.register import check_email, check_insee, check_person, check_phone
from casecell.errors import ValidationError
from casecell.i18n import _

Problems = list[tuple[str, str]]
IDENTIFIER_CHECKS: dict[str, Callable[[str], str]] = {
    "address": check_address,
    "postcode": check_postcode,
    "phone": check_person_phone,
    "email": check_person_email,
    "nir": check_nir,
}
# The collections in the order a file lists them (any other order is read as well).
ORDER = ("organisations", "contacts", "persons", "cases", "actions", "meetings")


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _readable_minutes(content: dict[str, Any]) -> bool:
    """Whether the frozen minutes of a file read back as casecell reads its own."""
    try:
        minutes.from_json(json.dumps(content, ensure_ascii=False))
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError, RecursionError):
        return False
    return True


def _sharing_allowed(case: dict[str, Any]) -> bool:
    return Sharing(
        LegalBasis(case["legal_basis"]),
        ConsentStatus(case["consent"]),
        opposed_on=_date(case.get("opposed_on")),
    ).allowed


def normalise_person(person: dict[str, Any]) -> None:
    """Store the checked identifiers in their one spelling (« 01 99 00 12 34 », a NIR
    without spaces), whatever the file's, and the birth year of a birth date."""
    if person.get("birth_date") and person.get("birth_year") is None:
        person["birth_year"] = int(person["birth_date"][:4])  # looked up by year
    for name, check in IDENTIFIER_CHECKS.items():
        if person.get(name):
            person[name] = check(person[name])


class Rules:
    """The rules, fed one schema-valid record at a time (:meth:`add`) in any order of the
    collections; :meth:`finish` gives every problem ([] when the file is sound). Only ids,
    pseudonyms and references are kept, never the records. ``now`` tells the meetings still
    to come and the timeline's moments in the future."""

    def __init__(self, today: date, now: datetime | None = None) -> None:
        self.today = today
        self.now = datetime.now(UTC) if now is None else now
        self.problems: Problems = []
        self.ids: dict[str, set[int]] = {name: set() for name in ORDER}
        self.first: dict[str, dict[str, int]] = {"pseudonym": {}, "reference": {}}
        self.twice: set[tuple[str, str]] = set()
        self.unshareable: set[int] = set()
        self.uids: set[str] = set()  # the meetings' calendar identifiers
        # checked at the end: a reference to a record not read yet, an agenda item of a
        # meeting to come whose situation was not read yet
        self.later: list[tuple[str, int, str, str]] = []
        self.agenda: list[tuple[str, int]] = []
        # Retention and erasure leave persons without a name (and unlinked relatives): allowed
        # for those no situation still followed refers to (checked at the end, whatever the
        # order of the file).
        self.nameless: dict[int, str] = {}
        self.followed_persons: set[int] = set()

    def add(self, collection: str, index: int, record: dict[str, Any]) -> None:
        path = f"$.{collection}[{index}]"
        if record["id"] in self.ids[collection]:
            self.problems.append((f"{path}.id", _("duplicate id {id}").format(id=record["id"])))
        self.ids[collection].add(record["id"])
        getattr(self, f"_{collection}")(path, record)

    def finish(self) -> Problems:
        for path, value, collection, what in self.later:
            if value not in self.ids[collection]:
                self._missing(path, what, value)
        for person_id, path in self.nameless.items():
            if person_id in self.followed_persons:
                self.problems.append((path, _("Give at least a first name or a last name.")))
        for where, case_id in self.agenda:
            if case_id in self.unshareable:
                self._unshareable(where)
        return self.problems

    # -- helpers ----------------------------------------------------------------------------
    def _refers(self, value: int | None, collection: str, path: str, what: str) -> None:
        if value is not None and value not in self.ids[collection]:
            self.later.append((path, value, collection, what))

    def _missing(self, path: str, what: str, value: int) -> None:
        self.problems.append(
            (path, _("refers to {what} {id}, which is not in the file").format(what=what, id=value))
        )

    def _check(self, path: str, check: Any, *args: Any) -> None:
        try:
            check(*args)
        except ValidationError as exc:
            self.problems.append((path, exc.message))

    def _unique(self, kind: str, value: str, path: str, index: int, message: str) -> None:
        """Every record that shares ``value`` with another is told (the first one too)."""
        first = self.first[kind].setdefault(value, index)
        if first != index:
            if (kind, value) not in self.twice:
                self.twice.add((kind, value))
                self.problems.append((path.replace(f"[{index}]", f"[{first}]", 1), message))
            self.problems.append((path, message))

    def _moment(self, path: str, value: str | None) -> None:
        """A moment the schema let through (its shape) but the calendar refuses (a 13th
        month)."""
        if value is not None and _moment(value) is None:
            self.problems.append((path, _("expected a date and time with its time zone")))

    def _unshareable(self, where: str) -> None:
        self.problems.append(
            (where, _("sharing is not allowed for this situation: it cannot be on an agenda"))
        )

    # -- each collection ----------------------------------------------------------------------
    def _organisations(self, path: str, org: dict[str, Any]) -> None:
        self._check(f"{path}.email", check_email, org.get("email", ""))
        self._check(f"{path}.phone", check_phone, org.get("phone", ""))
        self._check(f"{path}.commune", check_insee, org.get("commune", ""))
        if not org["name"].strip():
            self.problems.append((f"{path}.name", _("the name is empty")))

    def _contacts(self, path: str, contact: dict[str, Any]) -> None:
        self._refers(
            contact["organisation_id"],
            "organisations",
            f"{path}.organisation_id",
            _("the organisation"),
        )
        self._check(f"{path}.email", check_email, contact.get("email", ""))

    def _persons(self, path: str, person: dict[str, Any]) -> None:
        index = int(path[path.rindex("[") + 1 : -1])
        self._unique(
            "pseudonym",
            person["pseudonym"],
            f"{path}.pseudonym",
            index,
            _("this pseudonym is used twice"),
        )
        named = person["first_name"].strip() or person["last_name"].strip()
        if not named:
            self.nameless[person["id"]] = path
        self._check(
            path,
            check_person,
            person["first_name"] if named else "—",
            person["last_name"],
            _date(person["birth_date"]),
            person.get("birth_year"),
            person.get("commune", ""),
            self.today,
        )
        for name, check in IDENTIFIER_CHECKS.items():
            self._check(f"{path}.{name}", check, person.get(name, ""))

    def _cases(self, path: str, case: dict[str, Any]) -> None:
        index = int(path[path.rindex("[") + 1 : -1])
        org_word = _("the organisation")
        self._unique(
            "reference",
            case["reference"],
            f"{path}.reference",
            index,
            _("this reference is used twice"),
        )
        match = REFERENCE_RE.fullmatch(case["reference"])
        if match and int(match.group(1)) != int(case["referred_on"][:4]):
            self.problems.append(
                (f"{path}.reference", _("the reference's year is not the referral year"))
            )
        self._refers(case["person_id"], "persons", f"{path}.person_id", _("the person"))
        anonymised = case.get("anonymised_on") is not None
        if not anonymised:
            self.followed_persons.add(case["person_id"])
            self.followed_persons.update(r["person_id"] for r in case.get("relatives", []))
        self._refers(case["referrer_org_id"], "organisations", f"{path}.referrer_org_id", org_word)
        self._refers(case.get("lead_org_id"), "organisations", f"{path}.lead_org_id", org_word)
        self._refers(
            case.get("referrer_contact_id"),
            "contacts",
            f"{path}.referrer_contact_id",
            _("the contact"),
        )
        for j, org_id in enumerate(case.get("participant_org_ids", [])):
            self._refers(org_id, "organisations", f"{path}.participant_org_ids[{j}]", org_word)
        status = CaseStatus(case["status"])
        if status is CaseStatus.CLOSED and (
            case["closed_on"] is None or case.get("outcome") is None
        ):
            self.problems.append(
                (f"{path}.status", _("a closed situation needs its closing date and outcome"))
            )
        if status is not CaseStatus.CLOSED and case["closed_on"] is not None:
            self.problems.append(
                (f"{path}.closed_on", _("only a closed situation has a closing date"))
            )
        if (
            status is CaseStatus.DECLINED
            and not anonymised  # retention erased the reason
            and not case.get("decline_reason", "").strip()
        ):
            self.problems.append(
                (f"{path}.decline_reason", _("a declined referral needs its reason"))
            )
        for j, event in enumerate(case.get("timeline", [])):
            at = _moment(event["at"])
            if at is None:
                self.problems.append(
                    (f"{path}.timeline[{j}].at", _("expected a date and time with its time zone"))
                )
            elif at.astimezone(UTC) > self.now:
                self.problems.append(
                    (f"{path}.timeline[{j}].at", _("this moment is in the future"))
                )
        seen = {case["person_id"]}
        for j, relative in enumerate(case.get("relatives", [])):
            where = f"{path}.relatives[{j}].person_id"
            self._refers(relative["person_id"], "persons", where, _("the person"))
            if relative["person_id"] in seen:
                self.problems.append((where, _("this person is already part of this situation")))
            seen.add(relative["person_id"])
        if not _sharing_allowed(case):
            self.unshareable.add(case["id"])

    def _actions(self, path: str, action: dict[str, Any]) -> None:
        self._refers(action.get("meeting_id"), "meetings", f"{path}.meeting_id", _("the meeting"))
        self._refers(action["case_id"], "cases", f"{path}.case_id", _("the situation"))
        self._refers(
            action["owner_org_id"], "organisations", f"{path}.owner_org_id", _("the organisation")
        )
        self._refers(
            action.get("owner_contact_id"),
            "contacts",
            f"{path}.owner_contact_id",
            _("the contact"),
        )
        if action["status"] == "done" and action["done_on"] is None:
            self.problems.append((f"{path}.done_on", _("a done action needs its date")))
        self._moment(f"{path}.created_at", action.get("created_at"))

    def _meetings(self, path: str, meeting: dict[str, Any]) -> None:
        uid = meeting.get("uid")
        if uid in self.uids:
            self.problems.append((f"{path}.uid", _("another meeting has this identifier")))
        elif uid:
            self.uids.add(uid)
        starts = _moment(meeting["starts_at"])
        if starts is None:
            self.problems.append(
                (f"{path}.starts_at", _("expected a date and time with its time zone"))
            )
        # A held meeting (or one under way) keeps a situation whose sharing stopped since:
        # its minutes leave it out. Only a meeting still to come may not discuss it.
        to_come = meeting["status"] == "planned" and (starts is None or starts > self.now)
        seen: set[int] = set()
        for j, item in enumerate(meeting["items"]):
            where = f"{path}.items[{j}].case_id"
            case_id = item["case_id"]
            self._refers(case_id, "cases", where, _("the situation"))
            if case_id in seen:
                self.problems.append((where, _("this situation is twice on the agenda")))
            elif to_come and case_id in self.ids["cases"]:
                if case_id in self.unshareable:
                    self._unshareable(where)
            elif to_come:
                self.agenda.append((where, case_id))
            seen.add(case_id)
        for j, version in enumerate(meeting.get("minutes", [])):
            for field in ("opened_at", "validated_at"):
                self._moment(f"{path}.minutes[{j}].{field}", version.get(field))
            if version.get("content") is not None and not _readable_minutes(version["content"]):
                self.problems.append(
                    (
                        f"{path}.minutes[{j}].content",
                        _("these frozen minutes do not have the shape casecell writes"),
                    )
                )
        for field in ("chair_contact_id", "secretary_contact_id"):
            self._refers(meeting.get(field), "contacts", f"{path}.{field}", _("the contact"))
        series = meeting.get("series")
        if series:
            try:
                occurrences(series["rule"], series["first_local"], 1)
            except ValidationError as exc:
                self.problems.append((f"{path}.series.rule", exc.message))
        for j, row in enumerate(meeting.get("participants", [])):
            where = f"{path}.participants[{j}]"
            org_id, contact_id = row.get("organisation_id"), row.get("contact_id")
            self._refers(org_id, "organisations", f"{where}.organisation_id", _("the organisation"))
            self._refers(contact_id, "contacts", f"{where}.contact_id", _("the contact"))
            if org_id is None and contact_id is None and not row.get("name", "").strip():
                self.problems.append(
                    (where, _("a participant needs an organisation, a contact or a name"))
                )


def check_rules(data: dict[str, Any], today: date, now: datetime | None = None) -> Problems:
    """Every rule of the register for a file held in memory; [] when it is sound."""
    rules = Rules(today, now)
    for name in ORDER:
        for i, record in enumerate(data[name]):
            rules.add(name, i, record)
    return rules.finish()


def normalise_persons(data: dict[str, Any]) -> None:
    for person in data["persons"]:
        normalise_person(person)
