"""Situations: reference, sharing rules, the status workflow, actions, the timeline.

received → eligibility → accepted | declined(reason, redirected to)
accepted → in_review → monitoring ⇄ in_review → closed(outcome)

Every rule here raises a :class:`ValidationError` with a sentence the coordinator can act on.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from casecell.compat import StrEnum
from casecell.domain.nomenclatures import (
    ActionStatus,
    CarryOverReason,
    CaseStatus,
    ConsentStatus,
    LegalBasis,
    Outcome,
    ProblemArea,
    Relation,
    Urgency,
)
from casecell.domain.register import Person
from casecell.errors import ValidationError
from casecell.i18n import _

REFERENCE_RE = re.compile(r"^(\d{4})-(\d{3,})$")
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.RECEIVED: frozenset({CaseStatus.ELIGIBILITY}),
    CaseStatus.ELIGIBILITY: frozenset({CaseStatus.ACCEPTED, CaseStatus.DECLINED}),
    CaseStatus.ACCEPTED: frozenset({CaseStatus.IN_REVIEW}),
    CaseStatus.DECLINED: frozenset(),
    CaseStatus.IN_REVIEW: frozenset({CaseStatus.MONITORING, CaseStatus.CLOSED}),
    CaseStatus.MONITORING: frozenset({CaseStatus.IN_REVIEW, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


def format_reference(year: int, number: int) -> str:
    return f"{year:04d}-{number:03d}"


def parse_reference(reference: str) -> tuple[int, int]:
    match = REFERENCE_RE.fullmatch(reference.strip())
    if not match:
        raise ValidationError(
            _("Invalid case reference “{reference}”: expected YYYY-NNN.").format(
                reference=reference[:32]
            )
        )
    return int(match.group(1)), int(match.group(2))


def new_pseudonym(choice: Callable[[str], str] = secrets.choice) -> str:
    """A stable, meaningless label such as ``P-7KQ2XM``: initials could re-identify someone
    in a small commune, so the pseudonym carries nothing of the person. ``choice`` is
    ``secrets.choice`` except for reproducible demo data."""
    return "P-" + "".join(choice(PSEUDONYM_ALPHABET) for _ in range(6))


class SharingBlock(StrEnum):
    """Why nothing may be shared about a situation."""

    OPPOSED = "opposed"  # the person objected (whatever the legal basis)
    REFUSED = "refused"  # consent refused, and no legal basis without consent
    NOT_AGREED = "not_agreed"  # consent not (yet) given, and no legal basis without consent

    @property
    def label(self) -> str:
        return {
            SharingBlock.OPPOSED: _("the person objected to the sharing of their situation"),
            SharingBlock.REFUSED: _("the person refused consent to sharing"),
            SharingBlock.NOT_AGREED: _("the person has not agreed to sharing"),
        }[self]


@dataclass(frozen=True)
class Sharing:
    """The legal basis, the person's information and consent, and their objection."""

    basis: LegalBasis = LegalBasis.CONSENT
    consent: ConsentStatus = ConsentStatus.NOT_ASKED
    consent_on: date | None = None
    consent_by: str = ""  # who informed the person / collected the answer (a professional)
    not_possible_reason: str = ""
    opposed_on: date | None = None  # the person objected (RGPD art. 21) on that day
    opposition_reason: str = ""

    @property
    def block(self) -> SharingBlock | None:
        """Why nothing may be shared, or None when partners may share: an objection stops
        everything; on the consent basis, a refusal — or no answer yet — too."""
        if self.opposed_on is not None:
            return SharingBlock.OPPOSED
        if self.basis.needs_consent and self.consent is not ConsentStatus.AGREED:
            if self.consent is ConsentStatus.REFUSED:
                return SharingBlock.REFUSED
            return SharingBlock.NOT_AGREED
        return None

    @property
    def allowed(self) -> bool:
        """Partners may share about the person: no objection, and a legal basis without
        consent or consent given."""
        return self.block is None

    def check(self) -> None:
        if self.consent is ConsentStatus.NOT_POSSIBLE and not self.not_possible_reason.strip():
            raise ValidationError(_("Say why the person's consent could not be asked."))
        if self.consent in (ConsentStatus.AGREED, ConsentStatus.REFUSED) and not self.consent_on:
            raise ValidationError(_("Give the date on which the person answered."))


@dataclass(frozen=True)
class Transition:
    """A requested status change with what the target status needs."""

    target: CaseStatus
    decline_reason: str = ""
    redirected_to: str = ""
    outcome: Outcome | None = None
    on: date | None = None


def check_transition(current: CaseStatus, sharing: Sharing, change: Transition) -> None:
    """Raise :class:`ValidationError` unless ``change`` is allowed from ``current``."""
    if change.target not in TRANSITIONS[current]:
        allowed = ", ".join(f"« {s.label} »" for s in sorted(TRANSITIONS[current]))
        raise ValidationError(
            _("A situation “{current}” cannot become “{target}”.").format(
                current=current.label, target=change.target.label
            )
            + " "
            + (
                _("Possible next steps: {steps}.").format(steps=allowed)
                if allowed
                else _("This situation is finished.")
            )
        )
    if change.target is CaseStatus.DECLINED and not change.decline_reason.strip():
        raise ValidationError(_("Give the reason why the referral is declined."))
    if change.target is CaseStatus.CLOSED and change.outcome is None:
        raise ValidationError(_("Give the outcome of the situation to close it."))
    if change.target is CaseStatus.IN_REVIEW and sharing.block is SharingBlock.OPPOSED:
        raise ValidationError(
            _("This situation cannot be reviewed by the partners: the person objected.")
        )
    if change.target is CaseStatus.IN_REVIEW and not sharing.allowed:
        raise ValidationError(
            _(
                "This situation cannot be reviewed by the partners: the person refused or has "
                "not agreed to sharing, and no legal basis allows it without consent."
            )
        )


class EventKind(StrEnum):
    CREATED = "created"
    STATUS = "status"
    EDITED = "edited"
    SHARING = "sharing"
    NOTE = "note"
    DECISION = "decision"
    ACTION_ADDED = "action_added"
    ACTION_UPDATED = "action_updated"
    MEETING_REVIEW = "meeting_review"
    MINUTES_VALIDATED = "minutes_validated"
    SHARED = "shared"  # an organisation joins the access list (code: its id)
    UNSHARED = "unshared"  # an organisation leaves it (code: its id)
    OPPOSITION = "opposition"  # code: recorded | withdrawn; text: the reason
    UNPLANNED = "unplanned"  # taken off an agenda (code: meeting id:ISO day:SharingBlock)
    RECTIFIED = "rectified"  # the person's details corrected (code: fields; text: reason)
    RELATIVE_ADDED = "relative_added"  # code: the relation (no name: it would outlive them)
    RELATIVE_REMOVED = "relative_removed"  # code: the relation

    @property
    def label(self) -> str:
        return {
            EventKind.CREATED: _("referral recorded"),
            EventKind.STATUS: _("status changed"),
            EventKind.EDITED: _("situation edited"),
            EventKind.SHARING: _("sharing and consent"),
            EventKind.NOTE: _("note"),
            EventKind.DECISION: _("decision"),
            EventKind.ACTION_ADDED: _("action decided"),
            EventKind.ACTION_UPDATED: _("action updated"),
            EventKind.MEETING_REVIEW: _("reviewed in a meeting"),
            EventKind.MINUTES_VALIDATED: _("minutes validated"),
            EventKind.SHARED: _("organisation added to the situation"),
            EventKind.UNSHARED: _("organisation removed from the situation"),
            EventKind.OPPOSITION: _("objection to sharing"),
            EventKind.UNPLANNED: _("taken off an agenda"),
            EventKind.RECTIFIED: _("the person's details corrected"),
            EventKind.RELATIVE_ADDED: _("relative added"),
            EventKind.RELATIVE_REMOVED: _("relative removed"),
        }[self]


@dataclass(frozen=True)
class TimelineEvent:
    """One line of a case's history. ``code`` holds nomenclature codes (rendered in the reader's
    language); ``text`` holds the user's own words (a note, a reason, an action's title)."""

    id: int
    case_id: int
    at: datetime
    author: str
    kind: EventKind
    code: str
    text: str

    def describe(self, organisations: Mapping[int, str] | None = None) -> str:
        """The event in words, e.g. « clôturée — a déménagé » (``organisations`` names the
        partners an event refers to by id)."""
        parts = [self.kind.label]
        codes = [c for c in self.code.split(":") if c]
        if self.kind is EventKind.STATUS and codes:
            parts = [CaseStatus(codes[0]).label]
            if len(codes) > 1:
                parts.append(Outcome(codes[1]).label)
        elif self.kind is EventKind.SHARING and len(codes) == 2:
            parts += [LegalBasis(codes[0]).label, ConsentStatus(codes[1]).label]
        elif self.kind is EventKind.ACTION_UPDATED and codes:
            if codes[0] == CARRIED_OVER and len(codes) > 1:
                parts.append(
                    _("carried over: {reason}").format(reason=CarryOverReason(codes[1]).label)
                )
            elif codes[0] == ACTION_EDITED:
                parts.append(_("what, owner or due date corrected"))
            else:
                parts.append(ActionStatus(codes[0]).label)
        elif self.kind is EventKind.MINUTES_VALIDATED and len(codes) == 2:
            day = date.fromisoformat(codes[1]).strftime("%d/%m/%Y")
            parts.append(
                _("meeting of {day}, version {version}").format(day=day, version=codes[0][1:])
            )
        elif self.kind is EventKind.OPPOSITION and codes:
            parts.append(_("recorded") if codes[0] == OPPOSITION_RECORDED else _("withdrawn"))
        elif self.kind is EventKind.UNPLANNED and len(codes) == 3:
            day = date.fromisoformat(codes[1]).strftime("%d/%m/%Y")
            parts.append(_("meeting of {day}").format(day=day))
            parts.append(SharingBlock(codes[2]).label)
        elif self.kind is EventKind.RECTIFIED and codes:
            parts.append(", ".join(_person_field_label(c) for c in codes[0].split(",")))
        elif self.kind is EventKind.CREATED and self.code == "repeat":
            parts.append(_("person already known to the cell"))
        elif self.kind in (EventKind.RELATIVE_ADDED, EventKind.RELATIVE_REMOVED) and codes:
            parts.append(Relation(codes[0]).label)
        elif self.kind in (EventKind.SHARED, EventKind.UNSHARED) and self.code.isdigit():
            parts.append((organisations or {}).get(int(self.code), "") or f"#{self.code}")
        if self.text:
            parts.append(self.text)
        return " — ".join(parts)


CARRIED_OVER = "carried_over"
ACTION_EDITED = "edited"
OPPOSITION_RECORDED = "recorded"
OPPOSITION_WITHDRAWN = "withdrawn"
PERSON_FIELDS = ("first_name", "last_name", "birth_date", "birth_year", "commune")


def _person_field_label(code: str) -> str:
    return {
        "first_name": _("first name"),
        "last_name": _("last name"),
        "birth_date": _("birth date"),
        "birth_year": _("birth year"),
        "commune": _("commune"),
    }.get(code, code)


@dataclass(frozen=True)
class Action:
    id: int
    case_id: int
    title: str
    owner_org_id: int
    owner_contact_id: int | None
    due_on: date | None
    status: ActionStatus
    done_on: date | None = None
    meeting_id: int | None = None
    carried_over: CarryOverReason | None = None

    def late(self, today: date) -> bool:
        """Computed, never stored: open and past its due date."""
        return self.status.open and self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class CaseDraft:
    """What a referral records; validated by :func:`check_draft`."""

    referred_on: date
    referrer_org_id: int
    referrer_contact_id: int | None = None
    problem_areas: tuple[ProblemArea, ...] = ()
    urgency: Urgency = Urgency.NORMAL
    summary: str = ""
    tried_before: str = ""
    person_wishes: str = ""
    lead_org_id: int | None = None
    participant_org_ids: tuple[int, ...] = field(default_factory=tuple)
    next_review_on: date | None = None


def check_draft(draft: CaseDraft, today: date) -> None:
    if draft.referred_on > today:
        raise ValidationError(_("The referral date cannot be in the future."))
    if not draft.problem_areas:
        raise ValidationError(_("Choose at least one problem area."))
    if draft.next_review_on is not None and draft.next_review_on < draft.referred_on:
        raise ValidationError(_("The next review cannot come before the referral."))
    for text, limit in ((draft.summary, 20_000), (draft.tried_before, 20_000)):
        if len(text) > limit:
            raise ValidationError(
                _("A text is too long (at most {limit} characters).").format(limit=limit)
            )


@dataclass(frozen=True)
class Case:
    """A situation as the case screen shows it (nominative: never handed to a manager)."""

    id: int
    reference: str
    person: Person
    referred_on: date
    referrer_org_id: int
    referrer_contact_id: int | None
    problem_areas: tuple[ProblemArea, ...]
    urgency: Urgency
    summary: str
    tried_before: str
    person_wishes: str
    sharing: Sharing
    lead_org_id: int | None
    participant_org_ids: tuple[int, ...]
    next_review_on: date | None
    status: CaseStatus
    eligibility_decided_on: date | None = None
    first_review_on: date | None = None
    decline_reason: str = ""
    redirected_to: str = ""
    closed_on: date | None = None
    outcome: Outcome | None = None

    @property
    def access_list(self) -> frozenset[int]:
        """The organisations that see this situation: lead, referrer and participants."""
        return frozenset(
            o for o in (self.lead_org_id, self.referrer_org_id, *self.participant_org_ids) if o
        )


def sharing_notice(case: Case) -> str:
    """What the person's objection or refusal means for a situation, in one line (the CLI
    and the window say the same); "" while partners may share."""
    block = case.sharing.block
    if block is None:
        return ""
    since = ""
    if block is SharingBlock.OPPOSED and case.sharing.opposed_on:
        since = " " + _("(since {day})").format(day=case.sharing.opposed_on.strftime("%d/%m/%Y"))
    return _(
        "⛔ {reference}: {reason}{since}. Nothing about it is shared: it cannot be put on an "
        "agenda and every copy of the minutes leaves it out."
    ).format(reference=case.reference, reason=block.label, since=since)
