"""Repositories of the case register: rows in, domain dataclasses out."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from casecell.domain.cases import (
    Action,
    Case,
    EventKind,
    Sharing,
    TimelineEvent,
    format_reference,
)
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
from casecell.domain.persons import Relative
from casecell.domain.register import Contact, Organisation, Person
from casecell.storage.orm import (
    ActionRow,
    CaseEventRow,
    CaseParticipantRow,
    CaseProblemAreaRow,
    CaseRelativeRow,
    CaseRow,
    CaseSequenceRow,
    ContactRow,
    OrganisationRow,
    PersonRow,
    UserRow,
)

RowT = TypeVar("RowT")
EntityT = TypeVar("EntityT")


class _Rows(Generic[RowT, EntityT]):
    """add / update / get for a mapped table whose rows become one domain dataclass."""

    row_type: type[RowT]

    def __init__(self, session: Session) -> None:
        self._session = session

    def _entity(self, row: RowT) -> EntityT:
        raise NotImplementedError

    def add(self, **fields: Any) -> EntityT:
        row = self.row_type(**fields)
        self._session.add(row)
        self._session.flush()
        return self._entity(row)

    def update(self, row_id: int, **fields: Any) -> EntityT:
        row = self._session.get_one(self.row_type, row_id)
        for name, value in fields.items():
            setattr(row, name, value)
        self._session.flush()
        return self._entity(row)

    def get(self, row_id: int) -> EntityT | None:
        row = self._session.get(self.row_type, row_id)
        return None if row is None else self._entity(row)


def _organisation(row: OrganisationRow) -> Organisation:
    return Organisation(
        id=row.id,
        name=row.name,
        kind=OrganisationKind(row.kind),
        commune=row.commune,
        address=row.address,
        email=row.email,
        phone=row.phone,
        charter_signed_on=row.charter_signed_on,
        permanent_member=row.permanent_member,
    )


class OrganisationRepository(_Rows[OrganisationRow, Organisation]):
    row_type = OrganisationRow

    def _entity(self, row: OrganisationRow) -> Organisation:
        return _organisation(row)

    def list(self) -> list[Organisation]:
        rows = self._session.scalars(select(OrganisationRow).order_by(OrganisationRow.name))
        return [_organisation(r) for r in rows]


def _contact(row: ContactRow) -> Contact:
    return Contact(
        id=row.id,
        organisation_id=row.organisation_id,
        name=row.name,
        function=row.function,
        email=row.email,
        phone=row.phone,
        bound_by_secrecy=row.bound_by_secrecy,
    )


class ContactRepository(_Rows[ContactRow, Contact]):
    row_type = ContactRow

    def _entity(self, row: ContactRow) -> Contact:
        return _contact(row)

    def all(self) -> list[Contact]:
        rows = self._session.scalars(select(ContactRow).order_by(ContactRow.name))
        return [_contact(r) for r in rows]

    def of_organisation(self, organisation_id: int) -> list[Contact]:
        rows = self._session.scalars(
            select(ContactRow)
            .where(ContactRow.organisation_id == organisation_id)
            .order_by(ContactRow.name)
        )
        return [_contact(r) for r in rows]


def person_of(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        pseudonym=row.pseudonym,
        first_name=row.first_name,
        last_name=row.last_name,
        birth_date=row.birth_date,
        birth_year=row.birth_year,
        commune=row.commune,
        address=row.address,
        postcode=row.postcode,
        phone=row.phone,
        email=row.email,
        nir=row.nir,
    )


class PersonRepository(_Rows[PersonRow, Person]):
    row_type = PersonRow

    def _entity(self, row: PersonRow) -> Person:
        return person_of(row)

    def pseudonym_taken(self, pseudonym: str) -> bool:
        query = select(PersonRow.id).where(PersonRow.pseudonym == pseudonym)
        return self._session.scalar(query) is not None

    # -- relatives ---------------------------------------------------------------------------
    def relatives(self, case_id: int) -> list[Relative]:
        rows = self._session.execute(
            select(CaseRelativeRow.relation, PersonRow)
            .join(PersonRow, PersonRow.id == CaseRelativeRow.person_id)
            .where(CaseRelativeRow.case_id == case_id)
            .order_by(PersonRow.id)
        )
        return [
            Relative(case_id, person_of(person), Relation(relation)) for relation, person in rows
        ]

    def link_relative(self, case_id: int, person_id: int, relation: Relation) -> None:
        self._session.add(
            CaseRelativeRow(case_id=case_id, person_id=person_id, relation=relation.value)
        )
        self._session.flush()

    def unlink_relative(self, case_id: int, person_id: int) -> bool:
        """Take a relative off a situation; False when they were not linked to it."""
        row = self._session.get(CaseRelativeRow, (case_id, person_id))
        if row is None:
            return False
        self._session.delete(row)
        self._session.flush()
        return True

    def delete_if_unlinked(self, person_id: int) -> bool:
        """Remove a person no situation names any more (as its person or a relative): the
        register keeps no one it no longer needs."""
        still = self._session.scalar(
            select(CaseRow.id).where(CaseRow.person_id == person_id).limit(1)
        ) or self._session.scalar(
            select(CaseRelativeRow.case_id).where(CaseRelativeRow.person_id == person_id).limit(1)
        )
        if still is not None:
            return False
        self._session.execute(delete(PersonRow).where(PersonRow.id == person_id))
        return True

    def with_nir(self, nir: str) -> list[int]:
        return list(self._session.scalars(select(PersonRow.id).where(PersonRow.nir == nir)))


class CaseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def next_reference(self, year: int) -> str:
        """The next ``YYYY-NNN`` of ``year``; numbers are never given twice."""
        sequence = self._session.get(CaseSequenceRow, year)
        if sequence is None:
            sequence = CaseSequenceRow(year=year, last_number=0)
            self._session.add(sequence)
        sequence.last_number += 1
        self._session.flush()
        return format_reference(year, sequence.last_number)

    def add(
        self,
        problem_areas: tuple[ProblemArea, ...],
        participant_org_ids: tuple[int, ...],
        **fields: Any,
    ) -> CaseRow:
        row = CaseRow(**fields)
        self._session.add(row)
        self._session.flush()
        self.set_problem_areas(row.id, problem_areas)
        self.set_participants(row.id, participant_org_ids)
        return row

    def id_of(self, reference: str) -> int | None:
        found = self._session.scalar(select(CaseRow.id).where(CaseRow.reference == reference))
        return None if found is None else int(found)

    def row(self, case_id: int) -> CaseRow | None:
        return self._session.get(CaseRow, case_id)

    def get(self, case_id: int) -> Case | None:
        row = self._session.get(CaseRow, case_id)
        if row is None:
            return None
        person = self._session.get_one(PersonRow, row.person_id)
        return Case(
            id=row.id,
            reference=row.reference,
            person=person_of(person),
            referred_on=row.referred_on,
            referrer_org_id=row.referrer_org_id,
            referrer_contact_id=row.referrer_contact_id,
            problem_areas=self.problem_areas(row.id),
            urgency=Urgency(row.urgency),
            summary=row.summary,
            tried_before=row.tried_before,
            person_wishes=row.person_wishes,
            sharing=sharing_of(row),
            lead_org_id=row.lead_org_id,
            participant_org_ids=self.participants(row.id),
            next_review_on=row.next_review_on,
            status=CaseStatus(row.status),
            eligibility_decided_on=row.eligibility_decided_on,
            first_review_on=row.first_review_on,
            decline_reason=row.decline_reason,
            redirected_to=row.redirected_to,
            closed_on=row.closed_on,
            outcome=None if row.outcome is None else Outcome(row.outcome),
        )

    def set_problem_areas(self, case_id: int, areas: tuple[ProblemArea, ...]) -> None:
        self._session.execute(
            delete(CaseProblemAreaRow).where(CaseProblemAreaRow.case_id == case_id)
        )
        self._session.add_all(CaseProblemAreaRow(case_id=case_id, area=a.value) for a in set(areas))
        self._session.flush()

    def set_participants(self, case_id: int, org_ids: tuple[int, ...]) -> None:
        self._session.execute(
            delete(CaseParticipantRow).where(CaseParticipantRow.case_id == case_id)
        )
        self._session.add_all(
            CaseParticipantRow(case_id=case_id, organisation_id=o) for o in sorted(set(org_ids))
        )
        self._session.flush()

    def problem_areas(self, case_id: int) -> tuple[ProblemArea, ...]:
        rows = self._session.scalars(
            select(CaseProblemAreaRow.area).where(CaseProblemAreaRow.case_id == case_id)
        )
        return tuple(sorted((ProblemArea(a) for a in rows), key=list(ProblemArea).index))

    def participants(self, case_id: int) -> tuple[int, ...]:
        rows = self._session.scalars(
            select(CaseParticipantRow.organisation_id)
            .where(CaseParticipantRow.case_id == case_id)
            .order_by(CaseParticipantRow.organisation_id)
        )
        return tuple(rows)


def sharing_of(row: CaseRow) -> Sharing:
    return Sharing(
        basis=LegalBasis(row.legal_basis),
        consent=ConsentStatus(row.consent),
        consent_on=row.consent_on,
        consent_by=row.consent_by,
        not_possible_reason=row.consent_not_possible_reason,
        opposed_on=row.opposed_on,
        opposition_reason=row.opposition_reason,
    )


def action_of(row: ActionRow) -> Action:
    return Action(
        id=row.id,
        case_id=row.case_id,
        title=row.title,
        owner_org_id=row.owner_org_id,
        owner_contact_id=row.owner_contact_id,
        due_on=row.due_on,
        status=ActionStatus(row.status),
        done_on=row.done_on,
        meeting_id=row.meeting_id,
        carried_over=None if row.carried_over is None else CarryOverReason(row.carried_over),
    )


class ActionRepository(_Rows[ActionRow, Action]):
    row_type = ActionRow

    def _entity(self, row: ActionRow) -> Action:
        return action_of(row)

    def of_case(self, case_id: int) -> list[Action]:
        rows = self._session.scalars(
            select(ActionRow).where(ActionRow.case_id == case_id).order_by(ActionRow.id)
        )
        return [action_of(r) for r in rows]


class EventRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        case_id: int,
        at: datetime,
        author_id: int | None,
        kind: EventKind,
        code: str = "",
        text: str = "",
    ) -> None:
        self._session.add(
            CaseEventRow(
                case_id=case_id, at=at, author_id=author_id, kind=kind.value, code=code, text=text
            )
        )

    def of_case(self, case_id: int) -> list[TimelineEvent]:
        rows = self._session.execute(
            select(CaseEventRow, func.coalesce(UserRow.display_name, CaseEventRow.author_name))
            .outerjoin(UserRow, UserRow.id == CaseEventRow.author_id)
            .where(CaseEventRow.case_id == case_id)
            .order_by(CaseEventRow.at, CaseEventRow.id)
        )
        return [
            TimelineEvent(
                id=event.id,
                case_id=event.case_id,
                at=event.at,
                author=author or "",
                kind=EventKind(event.kind),
                code=event.code,
                text=event.text,
            )
            for event, author in rows
        ]
