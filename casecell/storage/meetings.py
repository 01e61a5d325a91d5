"""Meetings in the vault: rows ↔ domain dataclasses, and the read queries of the planner.

The proposal's queries read straight from the driver (STYLE.md 5): on 100,000 situations an
ORM object per candidate would cost more than the SQL itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casecell.domain.cases import Sharing, SharingBlock
from casecell.domain.meetings import (
    AgendaItem,
    Attendance,
    Busy,
    Candidate,
    ItemPurpose,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    PersonParticipation,
)
from casecell.domain.nomenclatures import CarryOverReason, ConsentStatus, LegalBasis, Urgency
from casecell.i18n import _
from casecell.storage.orm import (
    MeetingItemRow,
    MeetingParticipantRow,
    MeetingRow,
    MeetingSeriesRow,
)

OPEN_CASES = ("accepted", "in_review", "monitoring")
CANDIDATE_LIMIT = 400  # per rule: more than any meeting can discuss


def _meeting(row: MeetingRow, items: Iterable[MeetingItemRow] = ()) -> Meeting:
    return Meeting(
        id=row.id,
        starts_at=row.starts_at,
        duration_minutes=row.duration_minutes,
        place=row.place,
        kind=MeetingKind(row.kind),
        status=MeetingStatus(row.status),
        title=row.title,
        video_link=row.video_link,
        chair_contact_id=row.chair_contact_id,
        secretary_contact_id=row.secretary_contact_id,
        series_id=row.series_id,
        uid=row.uid,
        sequence=row.sequence,
        items=tuple(
            AgendaItem(
                i.case_id,
                i.position,
                ItemPurpose(i.purpose),
                i.slot_minutes,
                i.notes,
                i.decisions,
                PersonParticipation(i.participation) if i.participation else None,
                i.represented_by,
                i.person_words,
            )
            for i in sorted(items, key=lambda i: i.position)
        ),
    )


def _participant(row: MeetingParticipantRow) -> Participant:
    return Participant(
        id=row.id,
        meeting_id=row.meeting_id,
        organisation_id=row.organisation_id,
        contact_id=row.contact_id,
        name=row.name,
        observer=row.observer,
        attendance=Attendance(row.attendance) if row.attendance else None,
        information_sent=row.information_sent,
        represented_by=row.represented_by,
        undertaking_signed=row.undertaking_signed,
    )


@dataclass(frozen=True)
class SeriesInfo:
    id: int
    rule: str
    first_local: str


class MeetingRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- meetings ------------------------------------------------------------------------------
    def add(self, **fields: Any) -> Meeting:
        row = MeetingRow(**fields)
        self._session.add(row)
        self._session.flush()
        return _meeting(row)

    def update(self, meeting_id: int, **fields: Any) -> None:
        row = self._session.get_one(MeetingRow, meeting_id)
        for name, value in fields.items():
            setattr(row, name, value)
        self._session.flush()

    def get(self, meeting_id: int) -> Meeting | None:
        row = self._session.get(MeetingRow, meeting_id)
        if row is None:
            return None
        items = self._session.scalars(
            select(MeetingItemRow).where(MeetingItemRow.meeting_id == meeting_id)
        )
        return _meeting(row, items)

    def between(self, start: datetime, end: datetime) -> list[Meeting]:
        """Meetings starting in [start, end), with their agendas, in time order."""
        rows = list(
            self._session.scalars(
                select(MeetingRow)
                .where(MeetingRow.starts_at >= start, MeetingRow.starts_at < end)
                .order_by(MeetingRow.starts_at, MeetingRow.id)
            )
        )
        items: dict[int, list[MeetingItemRow]] = {}
        if rows:
            for item in self._session.scalars(
                select(MeetingItemRow).where(MeetingItemRow.meeting_id.in_([r.id for r in rows]))
            ):
                items.setdefault(item.meeting_id, []).append(item)
        return [_meeting(r, items.get(r.id, ())) for r in rows]

    def previous(self, meeting: Meeting) -> Meeting | None:
        """The last meeting before this one that was not cancelled."""
        row = self._session.scalars(
            select(MeetingRow)
            .where(
                MeetingRow.starts_at < meeting.starts_at,
                MeetingRow.status != MeetingStatus.CANCELLED.value,
            )
            .order_by(MeetingRow.starts_at.desc())
            .limit(1)
        ).first()
        return None if row is None else self.get(row.id)

    def following(self, meeting: Meeting) -> datetime | None:
        """When the next meeting after this one (not cancelled) starts."""
        return self._session.scalars(
            select(MeetingRow.starts_at)
            .where(
                MeetingRow.starts_at > meeting.starts_at,
                MeetingRow.status != MeetingStatus.CANCELLED.value,
            )
            .order_by(MeetingRow.starts_at)
            .limit(1)
        ).first()

    def add_series(self, rule: str, first_local: str) -> SeriesInfo:
        row = MeetingSeriesRow(rule=rule, first_local=first_local)
        self._session.add(row)
        self._session.flush()
        return SeriesInfo(row.id, row.rule, row.first_local)

    def series(self, series_id: int) -> SeriesInfo | None:
        row = self._session.get(MeetingSeriesRow, series_id)
        return None if row is None else SeriesInfo(row.id, row.rule, row.first_local)

    # -- agenda --------------------------------------------------------------------------------
    def set_items(self, meeting_id: int, items: Iterable[AgendaItem]) -> None:
        """Replace the agenda (positions renumbered 1, 2, 3… in the order given)."""
        self._session.execute(delete(MeetingItemRow).where(MeetingItemRow.meeting_id == meeting_id))
        for position, item in enumerate(items, start=1):
            self._session.add(
                MeetingItemRow(
                    meeting_id=meeting_id,
                    case_id=item.case_id,
                    position=position,
                    purpose=item.purpose.value,
                    slot_minutes=item.slot_minutes,
                    notes=item.notes,
                    decisions=item.decisions,
                    participation=item.participation.value if item.participation else None,
                    represented_by=item.represented_by,
                    person_words=item.person_words,
                )
            )
        self._session.flush()

    def set_item_notes(
        self, meeting_id: int, case_id: int, notes: str, decisions: str | None = None
    ) -> bool:
        row = self._session.get(MeetingItemRow, (meeting_id, case_id))
        if row is None:
            return False
        row.notes = notes
        if decisions is not None:
            row.decisions = decisions
        self._session.flush()
        return True

    def set_item_participation(
        self,
        meeting_id: int,
        case_id: int,
        participation: PersonParticipation | None,
        represented_by: str,
        person_words: str,
    ) -> bool:
        row = self._session.get(MeetingItemRow, (meeting_id, case_id))
        if row is None:
            return False
        row.participation = participation.value if participation else None
        row.represented_by = represented_by
        row.person_words = person_words
        self._session.flush()
        return True

    def planned_with(self, case_id: int, after: datetime) -> list[Meeting]:
        """The planned meetings starting after ``after`` whose agenda holds ``case_id``."""
        ids = self._session.scalars(
            select(MeetingRow.id)
            .join(MeetingItemRow, MeetingItemRow.meeting_id == MeetingRow.id)
            .where(
                MeetingItemRow.case_id == case_id,
                MeetingRow.status == MeetingStatus.PLANNED.value,
                MeetingRow.starts_at > after,
            )
            .order_by(MeetingRow.starts_at, MeetingRow.id)
        )
        return [m for m in (self.get(i) for i in list(ids)) if m is not None]

    # -- participants --------------------------------------------------------------------------
    def participants(self, meeting_id: int) -> list[Participant]:
        rows = self._session.scalars(
            select(MeetingParticipantRow)
            .where(MeetingParticipantRow.meeting_id == meeting_id)
            .order_by(MeetingParticipantRow.id)
        )
        return [_participant(r) for r in rows]

    def participant(self, participant_id: int) -> Participant | None:
        row = self._session.get(MeetingParticipantRow, participant_id)
        return None if row is None else _participant(row)

    def add_participant(self, **fields: Any) -> Participant:
        row = MeetingParticipantRow(**fields)
        self._session.add(row)
        self._session.flush()
        return _participant(row)

    def update_participant(self, participant_id: int, **fields: Any) -> Participant:
        row = self._session.get_one(MeetingParticipantRow, participant_id)
        for name, value in fields.items():
            setattr(row, name, value)
        self._session.flush()
        return _participant(row)

    def remove_participant(self, participant_id: int) -> None:
        row = self._session.get_one(MeetingParticipantRow, participant_id)
        self._session.delete(row)
        self._session.flush()

    # -- clashes -------------------------------------------------------------------------------
    def busy(self, start: datetime, end: datetime) -> list[Busy]:
        """Meetings (not cancelled) that overlap [start, end), with their invited contacts."""
        rows = [
            r
            for r in self._session.scalars(
                select(MeetingRow).where(
                    MeetingRow.starts_at < end,
                    MeetingRow.starts_at >= start - timedelta(hours=10),  # longest meeting
                    MeetingRow.status != MeetingStatus.CANCELLED.value,
                )
            )
            if r.starts_at + timedelta(minutes=r.duration_minutes) > start
        ]
        contacts: dict[int, set[int]] = {}
        if rows:
            for meeting_id, contact_id in self._session.execute(
                select(MeetingParticipantRow.meeting_id, MeetingParticipantRow.contact_id).where(
                    MeetingParticipantRow.meeting_id.in_([r.id for r in rows]),
                    MeetingParticipantRow.contact_id.is_not(None),
                )
            ):
                if contact_id is not None:
                    contacts.setdefault(meeting_id, set()).add(contact_id)
        return [
            Busy(
                r.id,
                r.title or MeetingKind(r.kind).label.capitalize(),
                r.starts_at,
                r.starts_at + timedelta(minutes=r.duration_minutes),
                r.place,
                frozenset(contacts.get(r.id, ())),
            )
            for r in rows
        ]


# -- what the agenda proposal reads --------------------------------------------------------------
def _driver(session: Session) -> Any:
    return session.connection().connection.dbapi_connection


def _shareable(basis: str, consent: str, opposed_on: str | None) -> bool:
    return Sharing(LegalBasis(basis), ConsentStatus(consent), opposed_on=_day(opposed_on)).allowed


def _day(iso_day: str | None) -> date | None:
    return None if iso_day is None else date.fromisoformat(iso_day)


_CASE_COLUMNS = "c.id, c.reference, p.pseudonym, c.urgency, c.legal_basis, c.consent, c.opposed_on"


def agenda_candidates(
    session: Session, day: date, previous_meeting_id: int | None
) -> list[Candidate]:
    """Situations the meeting of ``day`` could discuss, each with its purpose and reasons:
    accepted referrals never discussed at a held meeting, reviews due by ``day``, undone
    actions of the previous meeting, and late or carried-over actions."""
    driver = _driver(session)
    found: list[Candidate] = []

    def add(row: tuple[Any, ...], purpose: ItemPurpose, since: str, reason: str) -> None:
        case_id, reference, pseudonym, urgency, basis, consent, opposed_on = row[:7]
        found.append(
            Candidate(
                case_id, reference, pseudonym, purpose, Urgency(urgency), date.fromisoformat(since),
                _shareable(basis, consent, opposed_on), (reason,) if reason else (),
            )
        )  # fmt: skip

    new_sql = (
        f"SELECT {_CASE_COLUMNS}, c.referred_on FROM cases c "  # noqa: S608 - fixed SQL
        "JOIN persons p ON p.id = c.person_id WHERE c.status = 'accepted' AND NOT EXISTS ("
        " SELECT 1 FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id"
        " WHERE i.case_id = c.id AND m.status = 'held') ORDER BY c.referred_on LIMIT ?"
    )
    for row in driver.execute(new_sql, (CANDIDATE_LIMIT,)):
        add(row, ItemPurpose.NEW_REFERRAL, row[7], _("new referral, accepted"))

    # Reviews due: filtered, ordered and limited inside ix_cases_status_review, then joined.
    review_sql = (
        f"SELECT {_CASE_COLUMNS}, c.next_review_on FROM (SELECT id FROM cases"  # noqa: S608
        " WHERE status IN ('in_review', 'monitoring') AND next_review_on <= ?"
        " ORDER BY urgency = 'urgent' DESC, next_review_on LIMIT ?) due"
        " CROSS JOIN cases c ON c.id = due.id JOIN persons p ON p.id = c.person_id"
    )
    for row in driver.execute(review_sql, (day.isoformat(), CANDIDATE_LIMIT)):
        add(row, ItemPurpose.REVIEW, row[7], _("review due on {day}").format(day=_short(row[7])))

    # Undone actions, oldest first, from the partial indexes; the situation is looked up
    # after (CROSS JOIN keeps SQLite from scanning the cases by status first).
    action_columns = "a.title, a.carried_over, coalesce(a.due_on, a.created_at)"
    picks: list[tuple[str, tuple[object, ...], bool]] = [
        ("a.status IN ('todo', 'doing') AND a.due_on < ?", (day.isoformat(),), False),
        ("a.status IN ('todo', 'doing') AND a.carried_over IS NOT NULL", (), False),
    ]
    if previous_meeting_id is not None:
        picks.insert(0, ("a.meeting_id = ? AND a.status IN ('todo', 'doing')",
                         (previous_meeting_id,), True))  # fmt: skip
    for where, params, from_previous in picks:
        actions_sql = (
            f"SELECT {_CASE_COLUMNS}, {action_columns} FROM (SELECT id FROM actions a"  # noqa: S608
            f" WHERE {where} ORDER BY a.due_on LIMIT ?) picked"
            " CROSS JOIN actions a ON a.id = picked.id CROSS JOIN cases c ON c.id = a.case_id"
            f" JOIN persons p ON p.id = c.person_id WHERE +c.status IN {OPEN_CASES}"
        )
        for row in driver.execute(actions_sql, (*params, CANDIDATE_LIMIT)):
            reason = _action_reason(row[7], row[8], from_previous)
            add(row, ItemPurpose.FOLLOW_UP, row[9][:10], reason)
    return found


def _short(iso_day: str) -> str:
    return date.fromisoformat(iso_day).strftime("%d/%m/%Y")


def _action_reason(title: str, carried_over: str | None, from_previous: bool) -> str:
    if carried_over:
        why = CarryOverReason(carried_over).label
        return _("“{title}” carried over: {why}").format(title=title, why=why)
    if from_previous:
        return _("“{title}” decided at the previous meeting, not done").format(title=title)
    return _("“{title}” late").format(title=title)


def sharing_blocks(session: Session, case_ids: Iterable[int]) -> dict[int, SharingBlock]:
    """The situations among ``case_ids`` about which nothing may be shared, and why."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    sql = (
        "SELECT id, legal_basis, consent, opposed_on FROM cases"  # noqa: S608 - fixed SQL
        f" WHERE id IN ({marks})"
    )
    found: dict[int, SharingBlock] = {}
    for case_id, basis, consent, opposed_on in _driver(session).execute(sql, tuple(wanted)):
        sharing = Sharing(LegalBasis(basis), ConsentStatus(consent), opposed_on=_day(opposed_on))
        if sharing.block is not None:
            found[case_id] = sharing.block
    return found


def case_labels(session: Session, case_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Reference and pseudonym of each situation: all an agenda shows of it."""
    if not case_ids:
        return {}
    marks = ", ".join("?" * len(case_ids))
    sql = (
        "SELECT c.id, c.reference, p.pseudonym FROM cases c"  # noqa: S608 - fixed SQL
        f" JOIN persons p ON p.id = c.person_id WHERE c.id IN ({marks})"
    )
    return {r[0]: (r[1], r[2]) for r in _driver(session).execute(sql, tuple(case_ids))}


def actions_decided(session: Session, meeting_id: int) -> dict[int, int]:
    """Per situation, how many actions were decided at this meeting."""
    rows = _driver(session).execute(
        "SELECT case_id, count(*) FROM actions WHERE meeting_id = ? GROUP BY case_id",
        (meeting_id,),
    )
    return {case_id: count for case_id, count in rows}


def organisations_of_cases(session: Session, case_ids: list[int]) -> dict[int, frozenset[int]]:
    """Per situation, the organisations concerned: lead, participants, owners of open actions."""
    if not case_ids:
        return {}
    marks = ", ".join("?" * len(case_ids))
    sql = (
        f"SELECT id, lead_org_id FROM cases WHERE id IN ({marks}) AND lead_org_id IS NOT NULL "  # noqa: S608
        f"UNION SELECT case_id, organisation_id FROM case_participants WHERE case_id IN ({marks}) "
        f"UNION SELECT case_id, owner_org_id FROM actions WHERE case_id IN ({marks})"
        " AND status IN ('todo', 'doing')"
    )
    found: dict[int, set[int]] = {case_id: set() for case_id in case_ids}
    for case_id, org_id in _driver(session).execute(sql, tuple(case_ids) * 3):
        found[case_id].add(org_id)
    return {case_id: frozenset(orgs) for case_id, orgs in found.items()}
