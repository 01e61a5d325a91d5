"""Minutes (relevé de décisions): drafted live from what was recorded during the meeting,
printed nominative or pseudonymised, validated by the chair or a coordinator, then frozen —
a later change opens a new version that says who changed what and why.

Who may receive what is decided here: a nominative copy is refused for an organisation whose
confidentiality charter is not signed.
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from casecell.domain.access import EVERYTHING, Scope
from casecell.domain.audit import AuditAction
from casecell.domain.cases import Action, EventKind
from casecell.domain.meetings import Meeting, MeetingStatus, in_paris
from casecell.domain.minutes import (
    ActionLine,
    Identity,
    MinutesContent,
    MinutesStatus,
    MinutesVersion,
    PersonConcerned,
    Present,
    Scrubber,
    SituationMinutes,
    Variant,
    changes,
    free_texts,
    lone_names,
    name_forms,
    name_neighbours,
    name_words,
    pseudonymise,
    restrict,
    restrict_changes,
    vault_names,
    withhold,
    word_sequences,
)
from casecell.domain.register import clean_text
from casecell.domain.review import known_words, words_to_confirm
from casecell.domain.text import fold, tokens
from casecell.domain.users import Permission, require
from casecell.errors import PermissionDenied, ValidationError
from casecell.fileio import check_output, write_atomically
from casecell.i18n import _
from casecell.paths import resource_dir
from casecell.services import settings
from casecell.services.access import copy_for, refusals_audited
from casecell.services.context import Context
from casecell.storage import access as visible
from casecell.storage import minutes as queries
from casecell.storage.uow import UnitOfWork

MINUTES = "minutes"


@dataclass(frozen=True)
class MinutesView:
    """One version of the minutes as it prints: a validated version's frozen content, or the
    draft drawn from the meeting as it is now."""

    meeting_id: int
    version: int
    status: MinutesStatus
    content: MinutesContent
    history: tuple[MinutesVersion, ...]  # every version, oldest first
    held: bool
    # Left out of a printed copy: (reference, SharingBlock value) of each situation about
    # which nothing may be shared now (the person objected or refused).
    withheld: tuple[tuple[str, str], ...] = ()
    # A pseudonymised copy: its texts as printed, and their words that may still be names.
    review_texts: tuple[str, ...] = ()
    to_confirm: tuple[str, ...] = ()

    @property
    def validated(self) -> MinutesVersion | None:
        return next((v for v in self.history if v.version == self.version and v.content), None)

    @property
    def latest(self) -> int:
        return max([self.version, *(v.version for v in self.history)])


def load_meeting(uow: UnitOfWork, meeting_id: int) -> Meeting:
    """The meeting, or a French error naming the unknown number (the planner uses it too)."""
    meeting = uow.meetings.get(meeting_id)
    if meeting is None:
        raise ValidationError(_("Unknown meeting {id}.").format(id=meeting_id))
    return meeting


def _audit(
    uow: UnitOfWork, ctx: Context, meeting_id: int, detail: str,
    action: AuditAction = AuditAction.WRITE,
) -> None:  # fmt: skip
    uow.audit.append(ctx.clock(), ctx.user.id, action, MINUTES, str(meeting_id), detail)


def check_editable(uow: UnitOfWork, meeting_id: int) -> None:
    """Refuse to change a meeting whose minutes are validated (a new version unlocks it)."""
    version = uow.minutes.locked(meeting_id)
    if version is not None:
        raise ValidationError(
            _(
                "The minutes of this meeting are validated (version {version}): open a new "
                "version, giving the reason, before changing what they record."
            ).format(version=version)
        )


# -- the draft, drawn from the meeting ---------------------------------------------------------
def _gather(uow: UnitOfWork, meeting: Meeting, scope: Scope = EVERYTHING) -> MinutesContent:
    """The draft as the meeting is now, holding only the situations ``scope`` sees."""
    seen = (
        visible.visible_among(uow.session, scope, [i.case_id for i in meeting.items])
        if scope.restricted
        else None
    )
    organisations = {o.id: o for o in uow.organisations.list()}
    contacts = {c.id: c for c in uow.contacts.all()}

    def org_name(org_id: int | None) -> str:
        org = organisations.get(org_id) if org_id is not None else None
        return org.name if org else ""

    def who(contact_id: int | None) -> str:
        contact = contacts.get(contact_id) if contact_id is not None else None
        if contact is None:
            return ""
        org = org_name(contact.organisation_id)
        return f"{contact.name} ({org})" if org else contact.name

    attendance = []
    for p in uow.meetings.participants(meeting.id):
        contact = contacts.get(p.contact_id) if p.contact_id is not None else None
        attendance.append(
            Present(
                organisation=org_name(p.organisation_id),
                name=contact.name if contact else p.name,
                attendance=p.attendance.value if p.attendance else None,
                represented_by=p.represented_by,
                information_sent=p.information_sent,
                observer=p.observer,
                undertaking_signed=p.undertaking_signed,
            )
        )
    attendance.sort(key=lambda p: (p.observer, fold(p.organisation), fold(p.name)))

    def line(reference: str, action: Action) -> ActionLine:
        return ActionLine(
            reference,
            action.title,
            org_name(action.owner_org_id),
            action.due_on,
            action.status.value,
            action.carried_over.value if action.carried_over else None,
        )

    previous_meeting = uow.meetings.previous(meeting)
    undone = (
        queries.actions_of_meeting(uow.session, previous_meeting.id, open_only=True)
        if previous_meeting
        else []
    )
    if seen is not None:
        seen |= visible.visible_among(uow.session, scope, [case for case, _r, _a in undone])
    previous = tuple(
        line(reference, action)
        for case_id, reference, action in undone
        if seen is None or case_id in seen
    )
    items = [i for i in meeting.items if seen is None or i.case_id in seen]
    decided: dict[int, list[ActionLine]] = {}
    for case_id, reference, action in queries.actions_of_meeting(uow.session, meeting.id):
        decided.setdefault(case_id, []).append(line(reference, action))
    facts = queries.situation_facts(uow.session, [i.case_id for i in items])
    situations = []
    for item in items:
        reference, person, lead_id, next_review = facts[item.case_id]
        situations.append(
            SituationMinutes(
                reference, person, item.purpose.value, item.notes, item.decisions,
                tuple(decided.get(item.case_id, [])), org_name(lead_id), next_review,
                item.participation.value if item.participation else None,
                item.represented_by, item.person_words,
            )
        )  # fmt: skip
    following = uow.meetings.following(meeting)
    return MinutesContent(
        cell=settings.cell_name_in(uow),
        heading=meeting.heading,
        kind=meeting.kind.value,
        starts=meeting.local_start,
        ends=in_paris(meeting.ends_at),
        place=meeting.place,
        chair=who(meeting.chair_contact_id),
        secretary=who(meeting.secretary_contact_id),
        attendance=tuple(attendance),
        previous=previous,
        situations=tuple(situations),
        next_meeting=in_paris(following) if following else None,
    )


def _view(
    uow: UnitOfWork, meeting: Meeting, version: int | None, scope: Scope = EVERYTHING
) -> MinutesView:
    """One version, holding only the situations ``scope`` sees (a validated version's frozen
    content is cut down to them, and so are the lists of what each version changed)."""
    history = tuple(uow.minutes.versions(meeting.id))
    latest = history[-1] if history else None
    number = version if version is not None else (latest.version if latest else 1)
    chosen = next((v for v in history if v.version == number), None)
    if chosen is None and not (number == 1 and not history):
        raise ValidationError(_("These minutes have no version {version}.").format(version=number))
    if chosen is not None and chosen.content is not None:
        content, status = chosen.content, MinutesStatus.VALIDATED
    else:
        content, status = _gather(uow, meeting, scope), MinutesStatus.DRAFT
    if scope.restricted:
        named = {s.reference for v in history if v.content for s in v.content.situations}
        named |= {a.reference for v in history if v.content for a in v.content.previous}
        named |= {s.reference for s in content.situations} | {a.reference for a in content.previous}
        seen = visible.visible_references(uow.session, scope, named)
        content = restrict(content, seen)
        history = tuple(
            replace(
                v,
                changes=restrict_changes(v.changes, named - seen),
                content=v.content and restrict(v.content, seen),
            )
            for v in history
        )
    held = meeting.status is MeetingStatus.HELD
    return MinutesView(meeting.id, number, status, content, history, held)


def get_minutes(ctx: Context, meeting_id: int, version: int | None = None) -> MinutesView:
    """The minutes (the latest version unless ``version``), audited as a read."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        view = _view(uow, load_meeting(uow, meeting_id), version, ctx.scope)
        _audit(uow, ctx, meeting_id, f"v{view.version}", AuditAction.READ)
        uow.commit()
    return view


# -- printing --------------------------------------------------------------------------------
WITHHELD = "[…]"


def identities(
    uow: UnitOfWork,
    persons: Sequence[PersonConcerned],
    texts: Sequence[str],
    masked: Sequence[str] = (),
    references: Sequence[str] = (),
) -> list[Identity]:
    """Whom a pseudonymised copy withholds: the names, birth dates and stored identifiers
    (address, phone, e-mail, NIR) of the ``persons`` concerned (replaced by their pseudonyms)
    and of the relatives recorded in the situations ``references``; the names of anyone else
    in the vault that ``texts`` hold; the words the coordinator chose to mask (``masked``)."""
    held = queries.identifiers_of(uow.session, [p.pseudonym for p in persons])
    concerned = [
        Identity(
            p.pseudonym,
            name_forms(p.first_name, p.last_name),
            (p.birth_date,) if p.birth_date else (),
            held.get(p.pseudonym, ()),
        )
        for p in persons
    ]
    close = [
        Identity(WITHHELD, name_forms(first, last), (born,) if born else (), ids)
        for first, last, born, ids in queries.relatives_of_situations(uow.session, references)
    ]
    sequences = word_sequences(texts)
    words = {word for text in texts for word in tokens(text)}
    # A distinctive word of someone's name is withheld on its own; a short one (Lê, Da) only
    # in a whole name, looked for among the persons whose names have both kinds of word.
    distinctive, short = name_words(words)
    single = queries.name_words_among(uow.session, distinctive)
    short_names = queries.name_words_among(uow.session, short)
    pairs = queries.names_with(uow.session, short_names, single) if single else []
    # A relative's name is withheld as the persons' are (a distinctive word of it is in
    # ``single``) and, when the text holds it, as a whole: only the relatives a pair of the
    # text's words side by side may name are read (not everyone called Camille).
    may_be_names = single | short_names | {w for w in words if len(w) == 1}
    pairs += queries.relative_names_near(
        uow.session, name_neighbours(texts, may_be_names), lone_names(short_names)
    )
    others = Identity(WITHHELD, tuple(sorted(single | set(vault_names(pairs, sequences)))))
    return [*concerned, *close, others, Identity(WITHHELD, tuple(masked))]


def scrubber_for(
    uow: UnitOfWork,
    persons: Sequence[PersonConcerned],
    texts: Sequence[str],
    masked: Sequence[str] = (),
    references: Sequence[str] = (),
) -> Scrubber:
    """What a pseudonymised copy must withhold: :func:`identities`, and every identifier
    pattern (phones, NIR, e-mails, addresses, dates, ages); the names of the cell's
    professionals stay readable."""
    return Scrubber(
        identities(uow, persons, texts, masked, references),
        WITHHELD,
        _("[date withheld]"),
        professionals=[c.name for c in uow.contacts.all()],
    )


def scrubber_for_cases(uow: UnitOfWork, case_ids: Sequence[int], texts: Sequence[str]) -> Scrubber:
    """:func:`scrubber_for` the persons of the situations ``case_ids`` (an agenda's)."""
    facts = queries.situation_facts(uow.session, list(case_ids))
    found = [facts[c] for c in case_ids if c in facts]
    return scrubber_for(uow, [f[1] for f in found], texts, references=[f[0] for f in found])


class SortedWords:
    """A sorted list of words, one per line, searched by bisection over the text itself (a
    one-shot command looks up a few dozen words: splitting 330,000 lines would cost more)."""

    def __init__(self, lines: str) -> None:
        self._text = lines if lines.endswith("\n") else lines + "\n"

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word or "\n" in word:
            return False
        text = self._text
        low, high = 0, len(text)  # the line sought starts in [low, high)
        while low < high:
            middle = (low + high) // 2
            start = text.rfind("\n", 0, middle) + 1  # the line holding ``middle``
            end = text.index("\n", start)
            line = text[start:end]
            if line == word:
                return True
            if line < word:
                low = end + 1
            else:
                high = start
        return False


@functools.lru_cache(maxsize=1)
def french_words() -> SortedWords:
    """The folded French words the review takes as not being names (resources/wordlists,
    one per line, sorted as Python sorts)."""
    data = gzip.decompress((resource_dir() / "wordlists" / "fr.txt.gz").read_bytes())
    return SortedWords(data.decode("utf-8"))


def review_words(uow: UnitOfWork, texts: Sequence[str]) -> tuple[str, ...]:
    """The words of a pseudonymised copy's ``texts`` the coordinator must confirm or mask:
    capitalised words that are neither French words nor names the cell knows."""
    known = known_words(
        [
            settings.cell_name_in(uow),
            *(o.name for o in uow.organisations.list()),
            *(c.name for c in uow.contacts.all()),
        ]
    )
    return words_to_confirm(texts, french_words(), known)


def _check_recipient(uow: UnitOfWork, variant: Variant, recipient_org_id: int | None) -> str:
    if recipient_org_id is None:
        return ""
    org = uow.organisations.get(recipient_org_id)
    if org is None:
        raise ValidationError(_("Unknown organisation."))
    if variant is Variant.NOMINATIVE and org.charter_signed_on is None:
        raise ValidationError(
            _(
                "{organisation} has not signed the cell's confidentiality charter: it may only "
                "receive the pseudonymised minutes."
            ).format(organisation=org.name)
        )
    return org.name


@refusals_audited
def render_minutes(
    ctx: Context,
    meeting_id: int,
    variant: Variant = Variant.NOMINATIVE,
    version: int | None = None,
    recipient_org_id: int | None = None,
    action: AuditAction = AuditAction.PRINT,
    masked: Sequence[str] = (),
) -> tuple[MinutesView, bytes]:
    """The minutes as PDF bytes (in memory: a preview leaves no file), audited as ``action``.

    A copy for an organisation, and any copy a member prints, holds that organisation's
    situations only. Every copy, nominative or pseudonymised (pseudonymised data is still
    personal data), leaves out the situations about which nothing may be shared now — the
    person objected, or refused consent with no other legal basis — with a line saying so;
    ``view.withheld`` lists them. A pseudonymised copy also withholds the words of ``masked``
    (chosen at the review step), and its view lists the words still to confirm."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    scope = copy_for(ctx, recipient_org_id, MINUTES, meeting_id)
    with ctx.auditing_read() if action is AuditAction.READ else ctx.auditing() as uow:
        view = _view(uow, load_meeting(uow, meeting_id), version, scope)
        recipient = _check_recipient(uow, variant, recipient_org_id)
        references = [s.reference for s in view.content.situations]
        references += [a.reference for a in view.content.previous]
        content, withheld = withhold(view.content, queries.sharing_blocks(uow.session, references))
        view = replace(view, withheld=withheld)
        history = view.history
        if variant is Variant.PSEUDONYMISED:
            texts = free_texts(content) + [v.reason for v in history if v.reason]
            persons = [s.person for s in content.situations]
            scrub = scrubber_for(
                uow, persons, texts, masked, [s.reference for s in content.situations]
            )
            content = pseudonymise(content, scrub)
            history = tuple(
                replace(
                    v,
                    reason=scrub(v.reason),
                    changes=tuple(scrub(c) for c in v.changes),
                    content=None,
                )
                for v in history
            )
            printed = (*free_texts(content), *(v.reason for v in history if v.reason))
            view = replace(view, review_texts=printed, to_confirm=review_words(uow, printed))
        detail = f"v{view.version}:{variant.value}" + (
            f":org{recipient_org_id}" if recipient else ""
        )
        _audit(uow, ctx, meeting_id, detail, action)
        uow.commit()
    from casecell.documents.minutes_pdf import MinutesSheet, minutes_pdf

    sheet = MinutesSheet(
        content, variant, view.version, view.status, history, recipient, view.withheld
    )
    return view, minutes_pdf(sheet)


@refusals_audited
def write_minutes(
    ctx: Context,
    meeting_id: int,
    target: Path,
    variant: Variant = Variant.NOMINATIVE,
    version: int | None = None,
    recipient_org_id: int | None = None,
    masked: Sequence[str] = (),
) -> MinutesView:
    """``casecell minutes``: the PDF written atomically (audited as a print)."""
    check_output(target, ctx.vault.paths)
    view, data = render_minutes(
        ctx, meeting_id, variant, version, recipient_org_id, AuditAction.PRINT, masked
    )
    write_atomically(target, data)
    return view


# -- validation and versions -------------------------------------------------------------------
def may_validate(ctx: Context, uow: UnitOfWork, meeting: Meeting) -> bool:
    """A coordinator (or administrator) may validate, and so may the chair of the meeting
    (the user whose name is the chair's)."""
    if ctx.user.can(Permission.PLAN_MEETINGS):
        return True
    chair = uow.contacts.get(meeting.chair_contact_id) if meeting.chair_contact_id else None
    return (
        ctx.user.can(Permission.WRITE_CASES)
        and chair is not None
        and fold(" ".join(chair.name.split())) == fold(" ".join(ctx.user.display_name.split()))
    )


def validate_minutes(ctx: Context, meeting_id: int) -> MinutesVersion:
    """Freeze the draft: its content is kept as it is now, each situation's timeline records
    the review, and the meeting cannot change until a new version is opened."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.writing() as uow:
        meeting = load_meeting(uow, meeting_id)
        if not may_validate(ctx, uow, meeting):
            raise PermissionDenied(_("Only the chair or a coordinator may validate the minutes."))
        if meeting.status is not MeetingStatus.HELD:
            raise ValidationError(_("Minutes are validated once the meeting is marked held."))
        history = uow.minutes.versions(meeting_id)
        if history and history[-1].status is MinutesStatus.VALIDATED:
            raise ValidationError(
                _("Version {version} is already validated.").format(version=history[-1].version)
            )
        draft = history[-1] if history else uow.minutes.open(meeting_id, ctx.clock(), "", "")
        content = _gather(uow, meeting)
        before = next((v.content for v in reversed(history) if v.content), None)
        validated = uow.minutes.validate(
            meeting_id,
            draft.version,
            ctx.clock(),
            ctx.user.display_name,
            content,
            changes(before, content) if before else (),
        )
        code = f"v{draft.version}:{meeting.local_start.date().isoformat()}"
        for item in meeting.items:
            uow.events.add(
                item.case_id, ctx.clock(), ctx.user.id, EventKind.MINUTES_VALIDATED, code, ""
            )
        uow.session.flush()
        _audit(uow, ctx, meeting_id, f"validated:v{draft.version}")
        uow.commit()
    return validated


def new_version(ctx: Context, meeting_id: int, reason: str) -> MinutesVersion:
    """Unlock validated minutes for a correction; the reason is printed with the new version."""
    require(ctx.user, Permission.WRITE_CASES)
    why = clean_text(reason, _("The reason"))
    if not why:
        raise ValidationError(_("Say why the validated minutes must change."))
    with ctx.writing() as uow:
        meeting = load_meeting(uow, meeting_id)
        if uow.minutes.locked(meeting_id) is None:
            raise ValidationError(_("These minutes are still a draft: change them directly."))
        opened = uow.minutes.open(meeting.id, ctx.clock(), ctx.user.display_name, why)
        _audit(uow, ctx, meeting_id, f"opened:v{opened.version}")
        uow.commit()
    return opened
