"""The vault reads behind the data-subject rights: one person's situations, the meetings that
name them, who consulted them (the audit trail, read only), and the figures of the impact
assessment. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from casecell.domain.audit import AuditAction
from casecell.storage.orm import (
    AuditRow,
    CaseEventRow,
    CaseParticipantRow,
    CaseProblemAreaRow,
    CaseRow,
    MeetingItemRow,
    MinutesRow,
    PersonRow,
    UserRow,
)

# What the trail calls a consultation: a read, a print or an export (writes are on the timeline).
CONSULTED = (AuditAction.READ.value, AuditAction.PRINT.value, AuditAction.EXPORT.value)
DENIED = "denied"  # a refused request: nothing was shown (services/access.py)


def person_by_pseudonym(session: Session, pseudonym: str) -> int | None:
    found = session.scalar(
        select(PersonRow.id).where(func.upper(PersonRow.pseudonym) == pseudonym.upper())
    )
    return None if found is None else int(found)


def person_of_reference(session: Session, reference: str) -> int | None:
    found = session.scalar(select(CaseRow.person_id).where(CaseRow.reference == reference))
    return None if found is None else int(found)


def cases_of_person(session: Session, person_id: int) -> list[int]:
    """The person's situations, oldest referral first."""
    rows = session.scalars(
        select(CaseRow.id)
        .where(CaseRow.person_id == person_id)
        .order_by(CaseRow.referred_on, CaseRow.id)
    )
    return [int(r) for r in rows]


def meetings_naming(session: Session, case_ids: list[int], references: list[str]) -> list[int]:
    """Meetings whose agenda holds one of the situations, or whose validated minutes name one
    of the references (a situation since taken off the agenda stays in the frozen text)."""
    if not case_ids:
        return []
    found = set(
        session.scalars(
            select(MeetingItemRow.meeting_id).where(MeetingItemRow.case_id.in_(case_ids))
        )
    )
    if references:
        quoted = [MinutesRow.content.contains(f'"{reference}"') for reference in references]
        found.update(
            session.scalars(
                select(MinutesRow.meeting_id).where(MinutesRow.content.is_not(None), or_(*quoted))
            )
        )
    return sorted(int(m) for m in found)


@dataclass(frozen=True)
class Consultation:
    """One entry of the trail about the person's records, with who did it (role and
    organisation of the account: never its login or name)."""

    at: datetime
    action: AuditAction
    record_type: str
    record_id: str
    detail: str
    role: str | None  # a ``Role`` value; None when the account is unknown
    organisation_id: int | None


def consultations(
    session: Session, person_id: int, case_ids: list[int], meeting_ids: list[int]
) -> list[Consultation]:
    """Reads, prints and exports of the person's situations, of the meetings and minutes that
    name them, of whole-register exports, and of earlier answers to their access requests;
    oldest first. Refused requests (nothing shown) are left out."""
    cases = [str(c) for c in case_ids]
    meetings = [str(m) for m in meeting_ids]
    about = [
        and_(AuditRow.record_type == "case", AuditRow.record_id.in_(cases)),
        and_(AuditRow.record_type == "person", AuditRow.record_id == str(person_id)),
        and_(AuditRow.record_type == "register", AuditRow.action == AuditAction.EXPORT.value),
    ]
    if meetings:
        about.append(
            and_(AuditRow.record_type.in_(("minutes", "meeting")), AuditRow.record_id.in_(meetings))
        )
    rows = session.execute(
        select(
            AuditRow.at,
            AuditRow.action,
            AuditRow.record_type,
            AuditRow.record_id,
            AuditRow.detail,
            UserRow.role,
            UserRow.organisation_id,
        )
        .outerjoin(UserRow, UserRow.id == AuditRow.actor_id)
        .where(AuditRow.action.in_(CONSULTED), AuditRow.detail != DENIED, or_(*about))
        .order_by(AuditRow.seq)
    )
    return [
        Consultation(r.at, AuditAction(r.action), r.record_type, r.record_id, r.detail, r.role,
                     r.organisation_id)
        for r in rows
    ]  # fmt: skip


# -- the impact assessment's figures ------------------------------------------------------------
def legal_basis_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(CaseRow.legal_basis, func.count()).group_by(CaseRow.legal_basis))
    return {basis: int(count) for basis, count in rows}


def register_counts(session: Session) -> tuple[int, int]:
    """How many persons and situations the register holds."""
    persons = session.scalar(select(func.count()).select_from(PersonRow)) or 0
    situations = session.scalar(select(func.count()).select_from(CaseRow)) or 0
    return int(persons), int(situations)


def organisations_taking_part(session: Session) -> set[int]:
    """Organisations that see at least one situation (referrer, lead or participant)."""
    found: set[int] = set(session.scalars(select(CaseParticipantRow.organisation_id).distinct()))
    for column in (CaseRow.referrer_org_id, CaseRow.lead_org_id):
        found.update(o for o in session.scalars(select(column).distinct()) if o is not None)
    return found


def cipher_settings(session: Session) -> dict[str, str]:
    """What SQLCipher says of itself and of this database (no key, no content)."""
    connection = session.connection()
    found: dict[str, str] = {}
    for pragma in ("cipher_version", "cipher_provider", "kdf_iter", "cipher_page_size"):
        row = connection.exec_driver_sql(f"PRAGMA {pragma}").first()
        if row is not None and row[0] is not None:
            found[pragma] = str(row[0])
    return found


def audit_span(session: Session) -> tuple[int, datetime | None]:
    """How many entries the trail holds, and the oldest one's time."""
    count = session.scalar(select(func.count()).select_from(AuditRow)) or 0
    oldest = session.scalar(select(func.min(cast(AuditRow.at, String))))
    return int(count), None if oldest is None else datetime.fromisoformat(oldest)


def problem_area_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(CaseProblemAreaRow.area, func.count()).group_by(CaseProblemAreaRow.area)
    )
    return {area: int(count) for area, count in rows}


def event_authors(
    session: Session, case_ids: list[int]
) -> dict[int, tuple[str | None, int | None]]:
    """Per timeline event of these situations: its author's role and organisation (None and
    None for an event imported without an account)."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseEventRow.id, UserRow.role, UserRow.organisation_id)
        .outerjoin(UserRow, UserRow.id == CaseEventRow.author_id)
        .where(CaseEventRow.case_id.in_(case_ids))
    )
    return {int(r.id): (r.role, r.organisation_id) for r in rows}
