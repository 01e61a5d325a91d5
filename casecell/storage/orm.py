"""The SQL mapping, in one place. Repositories turn rows into domain dataclasses."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from casecell.compat import UTC

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_text(value: datetime) -> str:
    """How a moment is stored: ISO 8601 in UTC (so it reads back exactly as written)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).isoformat()


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime stored as ISO 8601 text, so it reads back exactly as written."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else utc_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MetaRow(Base):
    """Vault-wide settings (cell name, idle lock delay...), as text."""

    __tablename__ = "vault_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    slot_id: Mapped[str | None] = mapped_column(String(32))
    # The slot's public key (hex): a key rotation seals the new key to this, never to what
    # the key file says (anyone may edit the key file).
    slot_public: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditRow(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))
    record_type: Mapped[str] = mapped_column(String(32), default="")
    record_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_at", "at"),)


class OrganisationRow(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    commune: Mapped[str] = mapped_column(String(5), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    charter_signed_on: Mapped[date | None] = mapped_column(Date)
    permanent_member: Mapped[bool] = mapped_column(default=False)  # invited to every plenary


class ContactRow(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    bound_by_secrecy: Mapped[bool] = mapped_column(default=True)


class PersonRow(Base):
    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer, index=True)  # set with a birth date
    commune: Mapped[str] = mapped_column(String(5), default="")
    # Identifiers (migration 0009), normalised by domain/persons.py; "" when unknown.
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(5), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    nir: Mapped[str] = mapped_column(String(15), default="", index=True)


class CaseSequenceRow(Base):
    """The last number given per year: references are never reused, even after a deletion."""

    __tablename__ = "case_sequences"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    referrer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    referrer_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    urgency: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")
    tried_before: Mapped[str] = mapped_column(Text, default="")
    person_wishes: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(String(16))
    consent: Mapped[str] = mapped_column(String(16))
    consent_on: Mapped[date | None] = mapped_column(Date)
    consent_by: Mapped[str] = mapped_column(String(200), default="")
    consent_not_possible_reason: Mapped[str] = mapped_column(String(500), default="")
    opposed_on: Mapped[date | None] = mapped_column(Date)  # the person objected (0010)
    opposition_reason: Mapped[str] = mapped_column(String(500), default="")
    lead_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    eligibility_decided_on: Mapped[date | None] = mapped_column(Date)
    first_review_on: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    redirected_to: Mapped[str] = mapped_column(String(200), default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    anonymised_on: Mapped[date | None] = mapped_column(Date)  # retention applied


class CaseProblemAreaRow(Base):
    __tablename__ = "case_problem_areas"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class CaseParticipantRow(Base):
    __tablename__ = "case_participants"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)

    # An organisation's situations from the index alone (need-to-know filters, migration 0008).
    __table_args__ = (Index("ix_case_participants_org_case", "organisation_id", "case_id"),)


class CaseRelativeRow(Base):
    """A relative or household member of a situation's person: a person of the vault."""

    __tablename__ = "case_relatives"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True, index=True)
    relation: Mapped[str] = mapped_column(String(16))


class ActionRow(Base):
    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    owner_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))
    done_on: Mapped[date | None] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    carried_over: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    # What the report reads of an action, without its title (migration 0016).
    __table_args__ = (
        Index(
            "ix_actions_report",
            "created_at",
            "done_on",
            "due_on",
            "status",
            "owner_org_id",
            "case_id",
        ),
    )


class CaseEventRow(Base):
    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(200), default="")  # imported, no account
    kind: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64), default="")  # codes, rendered when read
    text: Mapped[str] = mapped_column(Text, default="")  # the user's own words, as typed

    __table_args__ = (
        Index("ix_case_events_case_id_at", "case_id", "at"),
        Index("ix_case_events_kind_at", "kind", "at", "code"),  # the report's carry-overs
    )


class MeetingSeriesRow(Base):
    """A recurrence the meetings were planned from (RFC 5545 RRULE over Paris wall-clock time)."""

    __tablename__ = "meeting_series"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(200))
    first_local: Mapped[str] = mapped_column(String(16))  # "2027-01-12T14:00", Europe/Paris


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    chair_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    secretary_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True
    )
    # Its calendar identity (0015): the iCalendar UID of its invitations, stable whatever its
    # date becomes, and the revision number raised at each change clients must take in.
    uid: Mapped[str] = mapped_column(String(80), default=lambda: str(uuid.uuid4()))
    sequence: Mapped[int] = mapped_column(Integer, default=0)


class MeetingItemRow(Base):
    __tablename__ = "meeting_items"
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(16))
    slot_minutes: Mapped[int] = mapped_column(Integer, default=10)
    notes: Mapped[str] = mapped_column(Text, default="")  # summary of what was said
    decisions: Mapped[str] = mapped_column(Text, default="")
    # The person concerned's part in the review (0010): a PersonParticipation code or None,
    # who represented them, and their own words on the decisions.
    participation: Mapped[str | None] = mapped_column(String(32))
    represented_by: Mapped[str] = mapped_column(String(200), default="")
    person_words: Mapped[str] = mapped_column(Text, default="")


class MeetingParticipantRow(Base):
    """Someone invited: a partner organisation (a contact of it, or a name), or an observer."""

    __tablename__ = "meeting_participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    observer: Mapped[bool] = mapped_column(default=False)
    attendance: Mapped[str | None] = mapped_column(String(16))  # None until recorded
    information_sent: Mapped[bool] = mapped_column(default=False)
    represented_by: Mapped[str] = mapped_column(String(200), default="")
    undertaking_signed: Mapped[bool] = mapped_column(default=False)


class MinutesRow(Base):
    """One version of a meeting's minutes. A draft is written live from the meeting; a
    validated version keeps its content frozen (JSON, nominative: the vault is encrypted)."""

    __tablename__ = "minutes"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    opened_by: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why a new version was opened
    validated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    validated_by: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str | None] = mapped_column(Text)  # set when validated
    changes: Mapped[str] = mapped_column(Text, default="")  # what differs from the last one

    __table_args__ = (UniqueConstraint("meeting_id", "version"),)


# Made by migration 0002 and not mapped (SQLAlchemy cannot reflect them on SQLite): the
# full-text index (FTS5) and the expression index behind the list's default order.
SEARCH_TABLE = "case_search"
REVIEW_ORDER_INDEX = "ix_cases_review_order"
# Made by migration 0005 for the agenda proposal (partial indexes, managed by hand too).
PLANNER_INDEXES = ("ix_cases_status_review", "ix_actions_open_due", "ix_actions_open_carried")
