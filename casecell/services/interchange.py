"""Export the whole register as JSON, and import it back: all of it, or nothing.

The import checks the file against the shipped JSON Schema, then against the register's own
rules (references between records, duplicates, dates, the workflow), and only then writes —
in one transaction, into a register that must still be empty.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casecell import __version__
from casecell.compat import UTC
from casecell.documents import interchange as document
from casecell.domain import minutes
from casecell.domain.audit import AuditAction
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
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.fileio import atomic_writer, check_output, read_input
from casecell.i18n import _
from casecell.services.context import Context
from casecell.storage import interchange as tables

Problems = list[tuple[str, str]]
IDENTIFIER_CHECKS: dict[str, Callable[[str], str]] = {
    "address": check_address,
    "postcode": check_postcode,
    "phone": check_person_phone,
    "email": check_person_email,
    "nir": check_nir,
}


def export_data(ctx: Context) -> dict[str, Any]:
    """The register as the interchange structure (audited as an export)."""
    require(ctx.user, Permission.EXPORT)
    with ctx.writing() as uow:
        collections = tables.read_all(uow.session)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.EXPORT, "register", "json")
        uow.commit()
    return {
        "format": document.FORMAT,
        "version": document.VERSION,
        "exported_at": ctx.clock().isoformat(timespec="seconds"),
        "app_version": __version__,
        **collections,
    }


def export_to(
    ctx: Context, target: Path, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Write the export file; returns how many records of each kind it holds.

    If ``progress`` raises (the user cancelled), no file is left behind.
    """
    check_output(target, ctx.vault.paths)
    if progress is not None:
        progress(_("Reading"), 0, 1)
    data = export_data(ctx)
    writing = _("Writing")
    with atomic_writer(target) as handle:
        document.write(
            handle,
            data,
            None if progress is None else lambda done, total: progress(writing, done, total),
        )
    return {name: len(data[name]) for name in document.COLLECTIONS}


def import_from(
    ctx: Context, source: Path, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Read, check everything, then write everything in one transaction.

    ``progress(stage, done, total)`` is told how far the writing is; if it raises (the user
    cancelled), the transaction rolls back and nothing is imported.
    """
    require(ctx.user, Permission.IMPORT)
    raw = read_input(source)
    data = document.parse(raw)
    if progress is not None:
        progress(_("Checking"), 0, 1)
    problems = check_rules(data, ctx.today(), ctx.clock())
    if problems:
        raise document.ImportErrors(problems)
    normalise_persons(data)
    try:
        return write_register(ctx, data, progress)
    except (OverflowError, UnicodeEncodeError) as exc:  # what the checks above would miss
        raise ValidationError(
            _(
                "The file holds a value the vault cannot store ({problem}). Nothing was changed."
            ).format(problem=type(exc).__name__)
        ) from exc


def write_register(
    ctx: Context,
    data: dict[str, Any],
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Write checked records into an empty register, in one transaction, and index them."""
    require(ctx.user, Permission.IMPORT)
    with ctx.writing() as uow:
        if not tables.register_is_empty(uow.session):
            raise ValidationError(
                _(
                    "This vault already holds partners or situations: import into a new, empty "
                    "vault. Nothing was changed."
                )
            )
        writing, indexing = _("Writing"), _("Indexing")
        tables.write_all(
            uow.session,
            data,
            ctx.clock(),
            None if progress is None else lambda done, total: progress(writing, done, total),
        )
        uow.session.flush()
        uow.search.rebuild(
            None if progress is None else lambda done, total: progress(indexing, done, total)
        )
        uow.search.ensure_current()
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "register", "import")
        uow.commit()
    return {name: len(data.get(name, [])) for name in document.COLLECTIONS}


# -- the register's own rules -------------------------------------------------------------


def _ids(records: list[dict[str, Any]], collection: str, problems: Problems) -> set[int]:
    seen: set[int] = set()
    for i, record in enumerate(records):
        if record["id"] in seen:
            problems.append(
                (f"$.{collection}[{i}].id", _("duplicate id {id}").format(id=record["id"]))
            )
        seen.add(record["id"])
    return seen


def _refers(value: int | None, known: set[int], path: str, what: str, problems: Problems) -> None:
    if value is not None and value not in known:
        problems.append(
            (path, _("refers to {what} {id}, which is not in the file").format(what=what, id=value))
        )


def _check(path: str, problems: Problems, check: Any, *args: Any) -> None:
    try:
        check(*args)
    except ValidationError as exc:
        problems.append((path, exc.message))


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def check_rules(data: dict[str, Any], today: date, now: datetime | None = None) -> Problems:
    """Every rule of the register that the schema cannot say; [] when the file is sound.
    ``now`` (default: the computer's clock) tells the meetings still to come and the
    timeline's moments in the future."""
    problems: Problems = []
    if now is None:
        now = datetime.now(UTC)
    organisations = _ids(data["organisations"], "organisations", problems)
    contacts = _ids(data["contacts"], "contacts", problems)
    persons = _ids(data["persons"], "persons", problems)
    cases = _ids(data["cases"], "cases", problems)
    _ids(data["actions"], "actions", problems)
    org_word, contact_word = _("the organisation"), _("the contact")

    for i, org in enumerate(data["organisations"]):
        path = f"$.organisations[{i}]"
        _check(f"{path}.email", problems, check_email, org.get("email", ""))
        _check(f"{path}.phone", problems, check_phone, org.get("phone", ""))
        _check(f"{path}.commune", problems, check_insee, org.get("commune", ""))
        if not org["name"].strip():
            problems.append((f"{path}.name", _("the name is empty")))
    for i, contact in enumerate(data["contacts"]):
        path = f"$.contacts[{i}]"
        _refers(
            contact["organisation_id"], organisations, f"{path}.organisation_id", org_word, problems
        )
        _check(f"{path}.email", problems, check_email, contact.get("email", ""))

    pseudonyms = Counter(p["pseudonym"] for p in data["persons"])
    for i, person in enumerate(data["persons"]):
        path = f"$.persons[{i}]"
        if pseudonyms[person["pseudonym"]] > 1:
            problems.append((f"{path}.pseudonym", _("this pseudonym is used twice")))
        _check(
            path,
            problems,
            check_person,
            person["first_name"],
            person["last_name"],
            _date(person["birth_date"]),
            person.get("birth_year"),
            person.get("commune", ""),
            today,
        )
        for name, check in IDENTIFIER_CHECKS.items():
            _check(f"{path}.{name}", problems, check, person.get(name, ""))

    references = Counter(c["reference"] for c in data["cases"])
    for i, case in enumerate(data["cases"]):
        _check_case(
            f"$.cases[{i}]", case, references, organisations, contacts, persons, problems, now
        )
        _check_relatives(f"$.cases[{i}]", case, persons, problems)
    meetings = _ids(data["meetings"], "meetings", problems)
    shareable = {c["id"] for c in data["cases"] if _sharing_allowed(c)}
    uids: set[str] = set()
    for i, meeting in enumerate(data["meetings"]):
        uid = meeting.get("uid")
        if uid in uids:
            problems.append((f"$.meetings[{i}].uid", _("another meeting has this identifier")))
        elif uid:
            uids.add(uid)
        _check_meeting(
            f"$.meetings[{i}]", meeting, cases, shareable, organisations, contacts, problems, now
        )
    for i, action in enumerate(data["actions"]):
        path = f"$.actions[{i}]"
        _refers(
            action.get("meeting_id"), meetings, f"{path}.meeting_id", _("the meeting"), problems
        )
        _refers(action["case_id"], cases, f"{path}.case_id", _("the situation"), problems)
        _refers(action["owner_org_id"], organisations, f"{path}.owner_org_id", org_word, problems)
        _refers(
            action.get("owner_contact_id"),
            contacts,
            f"{path}.owner_contact_id",
            contact_word,
            problems,
        )
        if action["status"] == "done" and action["done_on"] is None:
            problems.append((f"{path}.done_on", _("a done action needs its date")))
        _check_moment(f"{path}.created_at", action.get("created_at"), problems)
    return problems


def _readable_minutes(content: dict[str, Any]) -> bool:
    """Whether the frozen minutes of a file read back as casecell reads its own."""
    try:
        minutes.from_json(json.dumps(content, ensure_ascii=False))
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError, RecursionError):
        return False
    return True


def _check_moment(path: str, value: str | None, problems: Problems) -> None:
    """A moment the schema let through (its shape) but the calendar refuses (a 13th month)."""
    if value is not None and _moment(value) is None:
        problems.append((path, _("expected a date and time with its time zone")))


def _check_case(
    path: str,
    case: dict[str, Any],
    references: Counter[str],
    organisations: set[int],
    contacts: set[int],
    persons: set[int],
    problems: Problems,
    now: datetime,
) -> None:
    org_word = _("the organisation")
    if references[case["reference"]] > 1:
        problems.append((f"{path}.reference", _("this reference is used twice")))
    match = REFERENCE_RE.fullmatch(case["reference"])
    if match and int(match.group(1)) != int(case["referred_on"][:4]):
        problems.append((f"{path}.reference", _("the reference's year is not the referral year")))
    _refers(case["person_id"], persons, f"{path}.person_id", _("the person"), problems)
    _refers(case["referrer_org_id"], organisations, f"{path}.referrer_org_id", org_word, problems)
    _refers(case.get("lead_org_id"), organisations, f"{path}.lead_org_id", org_word, problems)
    _refers(
        case.get("referrer_contact_id"),
        contacts,
        f"{path}.referrer_contact_id",
        _("the contact"),
        problems,
    )
    for j, org_id in enumerate(case.get("participant_org_ids", [])):
        _refers(org_id, organisations, f"{path}.participant_org_ids[{j}]", org_word, problems)
    status = CaseStatus(case["status"])
    if status is CaseStatus.CLOSED and (case["closed_on"] is None or case.get("outcome") is None):
        problems.append(
            (f"{path}.status", _("a closed situation needs its closing date and outcome"))
        )
    if status is not CaseStatus.CLOSED and case["closed_on"] is not None:
        problems.append((f"{path}.closed_on", _("only a closed situation has a closing date")))
    if status is CaseStatus.DECLINED and not case.get("decline_reason", "").strip():
        problems.append((f"{path}.decline_reason", _("a declined referral needs its reason")))
    for j, event in enumerate(case.get("timeline", [])):
        at = _moment(event["at"])
        if at is None:
            problems.append(
                (f"{path}.timeline[{j}].at", _("expected a date and time with its time zone"))
            )
        elif at.astimezone(UTC) > now:
            problems.append((f"{path}.timeline[{j}].at", _("this moment is in the future")))


def _check_relatives(
    path: str, case: dict[str, Any], persons: set[int], problems: Problems
) -> None:
    seen = {case["person_id"]}
    for j, relative in enumerate(case.get("relatives", [])):
        where = f"{path}.relatives[{j}].person_id"
        _refers(relative["person_id"], persons, where, _("the person"), problems)
        if relative["person_id"] in seen:
            problems.append((where, _("this person is already part of this situation")))
        seen.add(relative["person_id"])


def normalise_persons(data: dict[str, Any]) -> None:
    """Store the checked identifiers in their one spelling (« 01 99 00 12 34 », a NIR
    without spaces), whatever the file's, and the birth year of a birth date."""
    for person in data["persons"]:
        if person.get("birth_date") and person.get("birth_year") is None:
            person["birth_year"] = int(person["birth_date"][:4])  # looked up by year
        for name, check in IDENTIFIER_CHECKS.items():
            if person.get(name):
                person[name] = check(person[name])


def _sharing_allowed(case: dict[str, Any]) -> bool:
    return Sharing(
        LegalBasis(case["legal_basis"]),
        ConsentStatus(case["consent"]),
        opposed_on=_date(case.get("opposed_on")),
    ).allowed


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _check_meeting(
    path: str,
    meeting: dict[str, Any],
    cases: set[int],
    shareable: set[int],
    organisations: set[int],
    contacts: set[int],
    problems: Problems,
    now: datetime,
) -> None:
    starts = _moment(meeting["starts_at"])
    if starts is None:
        problems.append((f"{path}.starts_at", _("expected a date and time with its time zone")))
    # A held meeting (or one under way) keeps a situation whose sharing stopped since: its
    # minutes leave it out. Only a meeting still to come may not discuss it.
    to_come = meeting["status"] == "planned" and (starts is None or starts > now)
    seen: set[int] = set()
    for j, item in enumerate(meeting["items"]):
        where = f"{path}.items[{j}].case_id"
        case_id = item["case_id"]
        _refers(case_id, cases, where, _("the situation"), problems)
        if case_id in seen:
            problems.append((where, _("this situation is twice on the agenda")))
        elif case_id in cases and case_id not in shareable and to_come:
            problems.append(
                (where, _("sharing is not allowed for this situation: it cannot be on an agenda"))
            )
        seen.add(case_id)
    for j, version in enumerate(meeting.get("minutes", [])):
        for field in ("opened_at", "validated_at"):
            _check_moment(f"{path}.minutes[{j}].{field}", version.get(field), problems)
        if version.get("content") is not None and not _readable_minutes(version["content"]):
            problems.append(
                (
                    f"{path}.minutes[{j}].content",
                    _("these frozen minutes do not have the shape casecell writes"),
                )
            )
    for field in ("chair_contact_id", "secretary_contact_id"):
        _refers(meeting.get(field), contacts, f"{path}.{field}", _("the contact"), problems)
    series = meeting.get("series")
    if series:
        try:
            occurrences(series["rule"], series["first_local"], 1)
        except ValidationError as exc:
            problems.append((f"{path}.series.rule", exc.message))
    for j, row in enumerate(meeting.get("participants", [])):
        where = f"{path}.participants[{j}]"
        org_id, contact_id = row.get("organisation_id"), row.get("contact_id")
        _refers(org_id, organisations, f"{where}.organisation_id", _("the organisation"), problems)
        _refers(contact_id, contacts, f"{where}.contact_id", _("the contact"), problems)
        if org_id is None and contact_id is None and not row.get("name", "").strip():
            problems.append((where, _("a participant needs an organisation, a contact or a name")))
