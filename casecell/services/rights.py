"""Data-subject rights: the answer to a person's access request (RGPD art. 15) and the draft
of the impact assessment (AIPD) the CNIL requires for this processing.

The access answer holds everything the vault holds about one person, in words they can read:
identity, situations, history, actions, the minutes that name them, and who consulted their
file. Professionals are named by organisation and role, never by login or name (see
docs/securite.md, « Droits des personnes »); names and birth dates of *other* persons of the
vault typed in free text are withheld (RGPD art. 15 § 4). The audit trail is only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from casecell.domain.audit import AuditAction
from casecell.domain.cases import Case, EventKind, TimelineEvent
from casecell.domain.meetings import Meeting, in_paris
from casecell.domain.minutes import (
    STOP_WORDS,
    Identity,
    MinutesStatus,
    Scrubber,
    Variant,
    dates_in,
    name_forms,
    vault_names,
    word_sequences,
)
from casecell.domain.nomenclatures import ActionStatus, CaseStatus, LegalBasis, ProblemArea
from casecell.domain.register import Organisation, Person, clean_line
from casecell.domain.retention import add_months
from casecell.domain.rights import (
    AccessSheet,
    AipdSection,
    AipdSheet,
    MinutesMention,
    SituationPart,
)
from casecell.domain.text import tokens
from casecell.domain.users import Permission, Role, require
from casecell.errors import ValidationError
from casecell.fileio import check_output, write_atomically
from casecell.i18n import _, ngettext
from casecell.services import settings
from casecell.services.context import Context
from casecell.services.retention import policy_in
from casecell.storage import minutes as minutes_queries
from casecell.storage import retention as retention_store
from casecell.storage import rights as queries
from casecell.storage.keyslots import KeySlot, SlotKind
from casecell.storage.rights import Consultation
from casecell.storage.uow import UnitOfWork

PERSON = "person"
ACCESS = "access"
AIPD = "aipd"
WITHHELD = "[…]"


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone()
    return value.strftime("%d/%m/%Y")


def _moment(value: datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


def retention_months(uow: UnitOfWork) -> tuple[int, int]:
    """Months kept after the last contact: a situation followed, a declined referral (the
    retention settings, services/retention.py)."""
    policy = policy_in(uow)
    return policy.months_after_last_contact, policy.months_after_declined


def period(months: int) -> str:
    """« 2 ans », « 18 mois »."""
    if months % 12 == 0:
        return ngettext("{n} year", "{n} years", months // 12).format(n=months // 12)
    return ngettext("{n} month", "{n} months", months).format(n=months)


# -- finding the person ------------------------------------------------------------------------
def person_id_of(uow: UnitOfWork, ref: str) -> int:
    """The person a situation reference or a pseudonym names (a clear message if none)."""
    wanted = "".join(ref.split())
    found = queries.person_of_reference(uow.session, wanted) if wanted else None
    if found is None and wanted:
        found = queries.person_by_pseudonym(uow.session, wanted)
    if found is None:
        raise ValidationError(
            _(
                "No person or situation matches “{ref}”: give a situation reference "
                "(YYYY-NNN) or a pseudonym (P-XXXXXX)."
            ).format(ref=wanted[:40])
        )
    return found


# -- who did it: an organisation and a role, never a login ----------------------------------------
def _who(role: str | None, org_id: int | None, names: dict[int, str]) -> str:
    if role is None:
        return _("a professional of the cell")
    label = Role(role).label
    organisation = names.get(org_id or 0)
    if organisation:
        return _("{organisation} ({role})").format(organisation=organisation, role=label)
    return _("the cell's coordination ({role})").format(role=label)


def _consultation_text(
    entry: Consultation, references: dict[str, str], meetings: dict[int, Meeting]
) -> str:
    """What was consulted, in words; "" for an entry that showed nothing of the person."""
    kind, detail, action = entry.record_type, entry.detail, entry.action
    if kind == "case":
        reference = references.get(entry.record_id, "")
        if action is AuditAction.READ and detail == "timeline":
            return _("read the history of situation {reference}").format(reference=reference)
        if action is AuditAction.READ:
            return _("consulted situation {reference}").format(reference=reference)
        return _("printed or exported situation {reference}").format(reference=reference)
    if kind in ("minutes", "meeting"):
        meeting = meetings.get(int(entry.record_id))
        day = _day(meeting.starts_at) if meeting else "—"
        if kind == "minutes" and action is AuditAction.READ:
            return _("read the minutes of the meeting of {day}").format(day=day)
        if kind == "minutes":
            pseudonymised = Variant.PSEUDONYMISED.value in detail.split(":")
            variant = Variant.PSEUDONYMISED if pseudonymised else Variant.NOMINATIVE
            return _("printed the minutes of the meeting of {day} ({variant} copy)").format(
                day=day, variant=variant.label
            )
        if action is AuditAction.READ:
            return _("opened the meeting of {day} (agenda: reference and pseudonym)").format(
                day=day
            )
        return _(
            "printed or exported the agenda of the meeting of {day} (reference and pseudonym)"
        ).format(day=day)
    if kind == "register":
        return _("exported the whole register (every person of the vault)")
    if kind == PERSON:
        return _("answered an access request about you (a document like this one)")
    return ""


def _shows_the_person(entry: Consultation, access: set[int]) -> bool:
    """A copy printed for an organisation, or a member's own view, held the person's situation
    only if that organisation is on its access list (as it is now)."""
    if entry.record_type not in ("minutes", "meeting"):
        return True
    for part in entry.detail.split(":"):
        if part.startswith("org") and part[3:].isdigit():
            return int(part[3:]) in access
    if entry.role == Role.MEMBER.value:
        return entry.organisation_id in access
    return True


def _readers(
    entries: list[Consultation],
    references: dict[str, str],
    meetings: dict[int, Meeting],
    names: dict[int, str],
    access: set[int],
) -> list[tuple[str, str, str]]:
    """(when, who, what), the same act repeated within a minute shown once."""
    lines: list[tuple[str, str, str]] = []
    for entry in entries:
        if not _shows_the_person(entry, access):
            continue
        what = _consultation_text(entry, references, meetings)
        if not what:
            continue
        line = (_moment(entry.at), _who(entry.role, entry.organisation_id, names), what)
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


# -- other persons named in free text ------------------------------------------------------------
def _others_scrubber(uow: UnitOfWork, person: Person, texts: list[str]) -> Scrubber:
    """Withholds the names and birth dates of the vault's *other* persons typed in ``texts``;
    the person's own names and birth date stay."""
    own = {" ".join(tokens(form)) for form in name_forms(person.first_name, person.last_name)}
    sequences = word_sequences(texts)
    words = {word for text in texts for word in tokens(text)} - STOP_WORDS
    pairs = [
        pair
        for pair in minutes_queries.names_with(uow.session, words)
        if pair != (person.first_name, person.last_name)
    ]
    names = tuple(n for n in vault_names(pairs, sequences) if n not in own)
    days = (d for text in texts for _s, _e, d in dates_in(text))
    born = minutes_queries.birth_dates_among(uow.session, days) - {person.birth_date}
    return Scrubber(
        [Identity(WITHHELD, names), Identity(WITHHELD, (), tuple(sorted(born)))],
        WITHHELD,
        _("[date withheld]"),
    )


# -- the answer ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccessAnswer:
    """What the CLI and the window say once the document is written (no name)."""

    pseudonym: str
    situations: int
    mentions: int
    consultations: int


def _identity(person: Person) -> list[tuple[str, str]]:
    birth = _day(person.birth_date) if person.birth_date else str(person.birth_year or "—")
    return [
        (_("Last name"), person.last_name or "—"),
        (_("First name"), person.first_name or "—"),
        (_("Born"), birth),
        (_("Commune (INSEE code)"), person.commune or "—"),
        (_("Pseudonym"), person.pseudonym),
    ]


def _retention_line(case: Case, last: date | None, months: tuple[int, int]) -> str:
    followed, declined = months
    if not case.status.finished:
        return _(
            "kept while the cell follows the situation, then {period} after the last contact"
        ).format(period=period(followed))
    kept = declined if case.status is CaseStatus.DECLINED else followed
    start = max(
        d
        for d in (last, case.closed_on, case.eligibility_decided_on, case.referred_on)
        if d is not None
    )
    return _("kept until about {day} ({period} after the last contact), then anonymised").format(
        day=_day(add_months(start, kept)), period=period(kept)
    )


def _situation(
    case: Case,
    events: list[TimelineEvent],
    authors: dict[int, tuple[str | None, int | None]],
    names: dict[int, str],
    scrub: Scrubber,
    months: tuple[int, int],
    actions: list[tuple[str, str, str, str]],
) -> SituationPart:
    sharing = case.sharing
    consent = sharing.consent.label
    if sharing.consent_on:
        consent += " " + _("on {day}").format(day=_day(sharing.consent_on))
    if sharing.consent_by:
        consent += " — " + _("informed by {who}").format(who=sharing.consent_by)
    if sharing.not_possible_reason:
        consent += " — " + scrub(sharing.not_possible_reason)
    facts = [
        (_("Referred on"), _day(case.referred_on)),
        (_("Referred by"), names.get(case.referrer_org_id, "—")),
        (_("Status"), case.status.label),
        (_("Urgency"), case.urgency.label),
        (_("Problem areas"), ", ".join(a.label for a in case.problem_areas) or "—"),
        (_("Legal basis for sharing"), sharing.basis.label),
        (_("Your information and consent"), consent),
        (_("Lead partner"), names.get(case.lead_org_id or 0, "—")),
        (
            _("Organisations taking part"),
            ", ".join(names.get(o, "?") for o in case.participant_org_ids) or "—",
        ),
        (_("Next review"), _day(case.next_review_on)),
    ]
    if case.eligibility_decided_on:
        facts.append((_("Eligibility decided on"), _day(case.eligibility_decided_on)))
    if case.status is CaseStatus.DECLINED:
        facts.append((_("Reason declined"), scrub(case.decline_reason) or "—"))
        facts.append((_("Redirected to"), scrub(case.redirected_to) or "—"))
    if case.closed_on:
        outcome = case.outcome.label if case.outcome else "—"
        facts.append((_("Closed"), f"{_day(case.closed_on)} — {outcome}"))
    last = max((e.at.astimezone().date() for e in events), default=None)
    facts.append((_("Retention"), _retention_line(case, last, months)))
    texts = [
        (_("Your wishes, as recorded"), scrub(case.person_wishes)),
        (_("Summary of the situation"), scrub(case.summary)),
        (_("What was tried before"), scrub(case.tried_before)),
    ]
    timeline = [
        (
            _moment(event.at),
            _who(*authors.get(event.id, (None, None)), names),
            scrub(event.describe(names)),
        )
        for event in events
    ]
    return SituationPart(
        case.reference,
        tuple(facts),
        tuple((label, text) for label, text in texts if text),
        tuple(timeline),
        tuple(actions),
    )


def _action_lines(
    uow: UnitOfWork, case_id: int, names: dict[int, str], scrub: Scrubber, today: date
) -> list[tuple[str, str, str, str]]:
    lines = []
    for action in uow.actions.of_case(case_id):
        status = action.status.label
        if action.status is ActionStatus.DONE and action.done_on:
            status += " " + _("on {day}").format(day=_day(action.done_on))
        elif action.late(today):
            status += _(" — late")
        if action.carried_over:
            status += " — " + _("carried over: {reason}").format(reason=action.carried_over.label)
        lines.append(
            (scrub(action.title), names.get(action.owner_org_id, "?"), _day(action.due_on), status)
        )
    return lines


def _mentions(
    uow: UnitOfWork,
    meetings: dict[int, Meeting],
    cases: dict[str, Case],
    names: dict[int, str],
    scrub: Scrubber,
) -> list[MinutesMention]:
    """Each meeting that discussed a situation of the person: every validated version's words,
    and the meeting's notes as they stand when its latest version is not validated."""
    found: list[MinutesMention] = []

    def add(
        meeting: Meeting,
        version: str,
        reference: str,
        summary: str,
        decisions: str,
        actions: list[tuple[str, str, date | None]],
    ) -> None:
        lines = tuple(f"{scrub(what)} — {owner} — {_day(due)}" for what, owner, due in actions)
        found.append(
            MinutesMention(
                _day(meeting.starts_at),
                meeting.heading,
                version,
                reference,
                scrub(summary),
                scrub(decisions),
                lines,
            )
        )

    for meeting in sorted(meetings.values(), key=lambda m: m.starts_at):
        history = uow.minutes.versions(meeting.id)
        for version in history:
            if version.content is None:
                continue
            label = _("version {version}, validated on {day}").format(
                version=version.version, day=_day(version.validated_at)
            )
            for s in version.content.situations:
                if s.reference in cases:
                    actions = [(a.title, a.owner, a.due_on) for a in s.actions]
                    add(meeting, label, s.reference, s.summary, s.decisions, actions)
        if history and history[-1].status is MinutesStatus.VALIDATED:
            continue
        label = _("draft (not validated)") if history else _("notes of the meeting (no minutes)")
        by_id = {c.id: c for c in cases.values()}
        for item in meeting.items:
            case = by_id.get(item.case_id)
            if case is None:
                continue
            actions = [
                (a.title, names.get(a.owner_org_id, "?"), a.due_on)
                for a in uow.actions.of_case(case.id)
                if a.meeting_id == meeting.id
            ]
            if item.notes or item.decisions or actions:
                add(meeting, label, case.reference, item.notes, item.decisions, actions)
    return found


def render_access(ctx: Context, ref: str) -> tuple[AccessAnswer, bytes]:
    """The answer to the access request of the person ``ref`` names (a situation reference or
    their pseudonym), as PDF bytes; audited as an export about that person."""
    require(ctx.user, Permission.ANSWER_ACCESS_REQUEST)

    with ctx.writing() as uow:
        person_id = person_id_of(uow, ref)
        case_ids = queries.cases_of_person(uow.session, person_id)
        all_cases = [c for c in (uow.cases.get(i) for i in case_ids) if c is not None]
        person = uow.persons.get(person_id)
        assert person is not None
        organisations: dict[int, Organisation] = {o.id: o for o in uow.organisations.list()}
        names = {o.id: o.name for o in organisations.values()}
        references = {str(c.id): c.reference for c in all_cases}
        meeting_ids = queries.meetings_naming(uow.session, case_ids, list(references.values()))
        meetings = {m: found for m in meeting_ids if (found := uow.meetings.get(m)) is not None}
        timelines = {c.id: uow.events.of_case(c.id) for c in all_cases}
        texts = [
            t
            for c in all_cases
            for t in (c.summary, c.tried_before, c.person_wishes, c.decline_reason, c.redirected_to)
        ]
        texts += [e.text for events in timelines.values() for e in events]
        texts += [a.title for c in all_cases for a in uow.actions.of_case(c.id)]
        texts += [t for m in meetings.values() for i in m.items for t in (i.notes, i.decisions)]
        for meeting_id in meetings:
            for version in uow.minutes.versions(meeting_id):
                if version.content:
                    texts += [
                        t
                        for s in version.content.situations
                        for t in (s.summary, s.decisions, *(a.title for a in s.actions))
                    ]
        scrub = _others_scrubber(uow, person, [t for t in texts if t])
        authors = queries.event_authors(uow.session, case_ids)
        months = retention_months(uow)
        today = ctx.today()
        situations = [
            _situation(
                c,
                timelines[c.id],
                authors,
                names,
                scrub,
                months,
                _action_lines(uow, c.id, names, scrub, today),
            )
            for c in all_cases
        ]
        by_reference = {c.reference: c for c in all_cases}
        mentions = _mentions(uow, meetings, by_reference, names, scrub)
        access = {o for c in all_cases for o in c.access_list}
        entries = queries.consultations(uow.session, person_id, case_ids, list(meetings))
        readers = _readers(entries, references, meetings, names, access)
        recipients = tuple(
            _("{organisation} — confidentiality charter signed on {day}").format(
                organisation=organisations[o].name, day=_day(organisations[o].charter_signed_on)
            )
            if organisations[o].charter_signed_on
            else _("{organisation} — confidentiality charter not signed").format(
                organisation=organisations[o].name
            )
            for o in sorted(access, key=lambda o: organisations[o].name.casefold())
            if o in organisations
        )
        cell = settings.cell_name_in(uow)
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.EXPORT, PERSON, str(person_id), ACCESS
        )
        uow.commit()
    sheet = AccessSheet(
        cell=cell,
        produced_on=_day(in_paris(ctx.clock())),
        identity=tuple(_identity(person)),
        situations=tuple(situations),
        mentions=tuple(mentions),
        recipients=recipients,
        readers=tuple(readers),
        retention=period(months[0]),
    )
    answer = AccessAnswer(person.pseudonym, len(all_cases), len(mentions), len(readers))
    from casecell.documents.access_pdf import access_pdf

    return answer, access_pdf(sheet)


def write_access(ctx: Context, ref: str, target: Path) -> AccessAnswer:
    """``casecell person export``: the access answer written atomically, private (0600)."""
    check_output(target, ctx.vault.paths)
    answer, data = render_access(ctx, ref)
    write_atomically(target, data)
    return answer


# -- the impact assessment (AIPD) draft ----------------------------------------------------------
HEALTH_AREAS = (
    ProblemArea.MENTAL_HEALTH,
    ProblemArea.ADDICTIONS,
    ProblemArea.DISABILITY,
    ProblemArea.AUTONOMY_ISOLATION,
)
PROTECTION_AREAS = (
    ProblemArea.CHILD_PROTECTION,
    ProblemArea.DOMESTIC_VIOLENCE,
    ProblemArea.LEGAL_PROTECTION,
)
SOCIAL_AREAS = (
    ProblemArea.HOUSING_HOARDING,
    ProblemArea.RIGHTS_PRECARITY,
    ProblemArea.NEIGHBOURHOOD,
    ProblemArea.OTHER,
)


def _areas(counts: dict[str, int], areas: tuple[ProblemArea, ...]) -> str:
    return ", ".join(
        _("{area}: {count}").format(area=a.label, count=counts.get(a.value, 0)) for a in areas
    )


def _kdf_lines(slots: list[KeySlot]) -> list[str]:
    found: dict[tuple[int, int, int], int] = {}
    for slot in slots:
        key = (slot.kdf.time_cost, slot.kdf.memory_cost, slot.kdf.parallelism)
        found[key] = found.get(key, 0) + 1
    return [
        ngettext(
            "Argon2id, {passes} passes, {memory} MiB, {lanes} lanes: {count} key slot",
            "Argon2id, {passes} passes, {memory} MiB, {lanes} lanes: {count} key slots",
            count,
        ).format(passes=passes, memory=memory // 1024, lanes=lanes, count=count)
        for (passes, memory, lanes), count in sorted(found.items())
    ]


def _aipd_sections(ctx: Context, uow: UnitOfWork) -> list[AipdSection]:
    persons, situations = queries.register_counts(uow.session)
    areas = queries.problem_area_counts(uow.session)
    bases = queries.legal_basis_counts(uow.session)
    organisations = uow.organisations.list()
    taking_part = queries.organisations_taking_part(uow.session)
    users = [u for u in uow.users.list() if u.active]
    cipher = queries.cipher_settings(uow.session)
    trail, oldest = queries.audit_span(uow.session)
    months, declined = retention_months(uow)
    audit_months = policy_in(uow).audit_months
    idle = settings.idle_lock_minutes_in(uow)
    slots = ctx.vault.slots()
    full = sum(1 for s in slots if s.kind is SlotKind.FULL)
    roles = ", ".join(
        _("{role}: {count}").format(role=r.label, count=sum(1 for u in users if u.role is r))
        for r in Role
    )
    charter_rows = [
        (_("Organisation"), _("Kind"), _("Confidentiality charter"), _("Takes part in situations"))
    ]
    charter_rows += [
        (
            o.name,
            o.kind.label,
            _("signed on {day}").format(day=_day(o.charter_signed_on))
            if o.charter_signed_on
            else _("not signed"),
            _("yes") if o.id in taking_part else _("no"),
        )
        for o in organisations
    ]
    unsigned = sum(1 for o in organisations if not o.charter_signed_on)
    basis_rows = [(_("Legal basis"), _("Situations"))]
    basis_rows += [(b.label, str(bases.get(b.value, 0))) for b in LegalBasis]
    return [
        AipdSection(
            _("1. Description of the processing"),
            (
                _(
                    "Processing: register of the complex cases cell « {cell} », kept with casecell."
                ).format(cell=settings.cell_name_in(uow)),
                _(
                    "Purposes: refer the situations of vulnerable persons that no service can "
                    "help alone, examine them with the partners bound by secrecy, decide and "
                    "follow up actions, write the minutes; count the activity without names for "
                    "the steering committee."
                ),
                _("The register holds today {persons} and {situations}.").format(
                    persons=ngettext("{n} person", "{n} persons", persons).format(n=persons),
                    situations=ngettext("{n} situation", "{n} situations", situations).format(
                        n=situations
                    ),
                ),
                _(
                    "Software: casecell, installed on the cell's computers, works offline; no "
                    "data is sent to a server or out of the European Union."
                ),
            ),
            to_complete=(
                _("Controller (name, address) and joint controllers among the partners."),
                _("Data protection officer (DPO) and their contact details."),
                _("Processors, if any (IT maintenance, hosting of the computers)."),
            ),
        ),
        AipdSection(
            _("2. Data categories"),
            (
                _(
                    "Identity: last and first name, birth date or year, commune (INSEE code), "
                    "a random pseudonym."
                ),
                _("Social situation: {areas}.").format(areas=_areas(areas, SOCIAL_AREAS)),
                _("Health-related problem areas (sensitive data, art. 9 RGPD): {areas}.").format(
                    areas=_areas(areas, HEALTH_AREAS)
                ),
                _("Protection of children and vulnerable adults, violence: {areas}.").format(
                    areas=_areas(areas, PROTECTION_AREAS)
                ),
                _(
                    "Sharing: legal basis, the person's information and consent (date, who "
                    "informed them), their wishes."
                ),
                _(
                    "Free texts: summaries, notes, decisions, actions, minutes: they may hold any "
                    "of the above, and names of relatives."
                ),
                _(
                    "Professionals: contacts of the partners (name, function, e-mail, phone) and "
                    "the accounts of the users."
                ),
                _("Audit trail: who did what and when, on which record (identifiers, no name)."),
            ),
            to_complete=(
                _(
                    "Whether data about offences or convictions (art. 10 RGPD) may be written by "
                    "police or justice partners, and the rule given to them."
                ),
            ),
        ),
        AipdSection(
            _("3. Persons concerned"),
            (
                _(
                    "Persons in a complex situation referred to the cell, and the members of "
                    "their household named in the texts (children included when child "
                    "protection is at stake)."
                ),
                _(
                    "Professionals of the partner organisations (contacts, participants of "
                    "meetings)."
                ),
                ngettext(
                    "Users of the register ({count} active account — {roles}).",
                    "Users of the register ({count} active accounts — {roles}).",
                    len(users),
                ).format(count=len(users), roles=roles),
            ),
            to_complete=(
                _(
                    "How the persons concerned (or their representatives) were consulted on "
                    "the processing."
                ),
            ),
        ),
        AipdSection(
            _("4. Recipients"),
            (
                ngettext(
                    "{count} partner organisation in the directory;",
                    "{count} partner organisations in the directory;",
                    len(organisations),
                ).format(count=len(organisations))
                + " "
                + ngettext(
                    "{unsigned} without a signed confidentiality charter: it receives only "
                    "pseudonymised minutes.",
                    "{unsigned} without a signed confidentiality charter: they receive only "
                    "pseudonymised minutes.",
                    unsigned,
                ).format(unsigned=unsigned),
                _(
                    "A member sees only the situations their organisation takes part in; "
                    "managers see counts only, never a name."
                ),
            ),
            table=tuple(charter_rows),
        ),
        AipdSection(
            _("5. Legal bases in use"),
            (
                _(
                    "Sharing rests on the person's consent by default; without it, only on "
                    "art. L.121-6-2 CASF, L.226-2-2 CASF or L.1110-4 CSP. A refusal blocks the "
                    "review of the situation."
                ),
            ),
            table=tuple(basis_rows),
            to_complete=(
                _(
                    "The basis of the processing itself under art. 6 RGPD (public interest task, "
                    "legal obligation) and the exception of art. 9 § 2 for health data."
                ),
            ),
        ),
        AipdSection(
            _("6. Retention"),
            (
                _(
                    "Active file: while the situation is followed, then {period} after the "
                    "last contact ({declined} for a declined referral); the situation is then "
                    "anonymised (CNIL référentiel for social accompaniment)."
                ).format(period=period(months), declined=period(declined)),
                _(
                    "Audit trail: {count} entries since {day}; the CNIL recommends keeping logs "
                    "6 months to 1 year."
                ).format(count=trail, day=_day(oldest)),
                _("Audit entries are kept {period}.").format(period=period(audit_months))
                if audit_months
                else _("No retention period is set for the audit trail in this vault."),
            ),
            to_complete=(
                _(
                    "Intermediate archiving and the public archives rules (Code du patrimoine) "
                    "agreed with the archives service."
                ),
                _("Who applies the retention periods, and how often."),
            ),
        ),
        AipdSection(
            _("7. Security measures"),
            (
                _(
                    "Encryption at rest: SQLCipher {version} ({provider}), AES-256 on every page, "
                    "pages authenticated by HMAC-SHA512; a random 256-bit database key."
                ).format(
                    version=cipher.get("cipher_version", "?"),
                    provider=cipher.get("cipher_provider", "?"),
                ),
                _(
                    "One key slot per account ({full} with the database key, {stats} for "
                    "managers): the key is sealed for the account and opened with its passphrase "
                    "(12 characters at least), derived by:"
                ).format(full=full, stats=len(slots) - full),
                *_kdf_lines(slots),
                _(
                    "Disabling an account re-encrypts the vault under a new key (crash-safe "
                    "rotation); an old copy of the key file no longer opens it."
                ),
                _(
                    "Managers hold only the key of a separate indicator store without any name "
                    "or free text."
                ),
                _(
                    "Need-to-know: a member sees only the situations shared with their "
                    "organisation; refusals are recorded."
                ),
                _(
                    "Audit trail: every read, write, print and export, chained by HMAC-SHA256; "
                    "an anchor kept outside the database shows a cut or rewritten trail "
                    "(casecell check)."
                ),
                _(
                    "Files: every file casecell writes (vault, keys, backups, PDFs, exports) is "
                    "readable by its owner only (0600), folders 0700; no document can be "
                    "written over the vault."
                ),
                _(
                    "The window locks itself after {minutes} idle minutes; backups are "
                    "encrypted copies, checked before a restore."
                ).format(minutes=idle),
            ),
            to_complete=(
                _(
                    "Measures around the software: session locking of the computers, disk "
                    "encryption, updates, antivirus, where backups are kept."
                ),
                _(
                    "Who holds the administrator accounts, and the procedure when a "
                    "professional leaves."
                ),
            ),
        ),
        AipdSection(
            _("8. Rights of the persons"),
            (
                _(
                    "Access (art. 15): « casecell person export » or the button « Right of "
                    "access… » writes everything held about one person, including who "
                    "consulted their file; administrators and coordinators only, recorded."
                ),
                _("Rectification (art. 16): from the situation; every change is on its history."),
                _(
                    "Objection and withdrawal of consent (art. 21, 7): recording a refusal stops "
                    "any sharing on the consent basis."
                ),
            ),
            to_complete=(
                _("The information notice given at referral, and who gives it."),
                _("Erasure and limitation (art. 17, 18): the procedure and who decides."),
                _("Where and how a person sends a request (address of the DPO)."),
            ),
        ),
        AipdSection(
            _("9. Risks"),
            (
                _(
                    "Illegitimate access to the data, unwanted change, disappearance: for each, "
                    "the measures above reduce the likelihood; the gravity is high (health, "
                    "child protection, violence)."
                ),
            ),
            to_complete=(
                _("Gravity and likelihood of each risk, with the threats and sources of each."),
                _("Action plan for the remaining risks."),
            ),
        ),
        AipdSection(
            _("10. Validation"),
            to_complete=(
                _("Opinion of the DPO."),
                _("Opinion of the persons concerned or their representatives."),
                _("Decision of the controller, date and signature."),
            ),
        ),
    ]


def render_aipd(ctx: Context) -> tuple[AipdSheet, bytes]:
    """The AIPD draft as PDF bytes (administrators; audited as an export)."""
    require(ctx.user, Permission.IMPACT_ASSESSMENT)
    with ctx.writing() as uow:
        sections = _aipd_sections(ctx, uow)
        cell = settings.cell_name_in(uow)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.EXPORT, AIPD, "", "draft")
        uow.commit()
    sheet = AipdSheet(cell, _day(in_paris(ctx.clock())), tuple(sections))
    from casecell.documents.aipd_pdf import aipd_pdf

    return sheet, aipd_pdf(sheet)


def write_aipd(ctx: Context, target: Path) -> int:
    """``casecell aipd``: the draft written atomically (0600); returns how many points the
    DPO must complete by hand."""
    check_output(target, ctx.vault.paths)
    sheet, data = render_aipd(ctx)
    write_atomically(target, data)
    return sum(len(s.to_complete) for s in sheet.sections)


def erase_person(ctx: Context, ref: str, reason: str) -> int:
    """Right to erasure (RGPD art. 17), on a decision an administrator records with its
    reason: the person's situations are anonymised as retention would, whatever their state,
    and they are no longer anyone's relative. Returns how many situations were anonymised.
    The reason goes on each situation's timeline: it must not name the person."""
    require(ctx.user, Permission.MANAGE_USERS)
    why = clean_line(reason, _("The reason"), required=True, limit=500)
    with ctx.writing() as uow:
        person_id = person_id_of(uow, ref)
        case_ids = retention_store.erase_person(
            uow.session, person_id, ctx.today(), _("[anonymised]")
        )
        at = ctx.clock()
        for case_id in case_ids:
            uow.events.add(case_id, at, ctx.user.id, EventKind.EDITED, "erased", why)
        uow.session.flush()
        uow.search.refresh(case_ids)
        for case_id in case_ids:
            uow.audit.append(at, ctx.user.id, AuditAction.WRITE, "case", str(case_id), "erased")
        uow.audit.append(at, ctx.user.id, AuditAction.WRITE, "person", str(person_id), "erased")
        uow.commit()
    return len(case_ids)
