"""The case register: search, case, person, aipd."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from casecell.bootstrap import Bootstrap
from casecell.cli.console import (
    Console,
    organisation_id,
    session,
)
from casecell.domain.cases import Action, sharing_notice
from casecell.domain.meetings import PARIS
from casecell.domain.nomenclatures import CaseStatus, Relation
from casecell.errors import EXIT_OK
from casecell.i18n import _, date_in_words, ngettext
from casecell.services import (
    cases,
    opposition,
    relatives,
    rights,
)
from casecell.services.context import Context
from casecell.services.persons import PersonInput


def _late() -> str:
    """Written out, in capitals: a terminal may show no colour."""
    return _("LATE")


def cmd_search(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    """One situation a line, best first: reference, person, status, next review (tabs)."""
    with session(args, console, boot) as ctx:
        rows = cases.search_rows(ctx, " ".join(args.query), max(1, min(args.limit, 1000)))
    for row in rows:
        review = f"{row.next_review_on:%d/%m/%Y}" if row.next_review_on else "—"
        status = CaseStatus(row.status).label
        console.print(f"{row.reference}\t{_person(row)}\t{status}\t{review}")
    if not rows:
        print(_("No matching situation."), file=console.err)
    return EXIT_OK


def _person(row: cases.CaseListRow) -> str:
    return f"{row.last_name.upper()} {row.first_name}".strip() or row.pseudonym


def cmd_case(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
        if args.case_command == "list":
            for row in cases.list_cases(ctx, limit=max(1, min(args.limit, 10_000))):
                name = f"{row.last_name.upper()} {row.first_name}".strip()
                console.print(f"{row.reference}\t{row.status}\t{name}\t{row.lead}")
            return EXIT_OK
        case_id = cases.case_id_of(ctx, args.reference)
        if args.case_command == "show":
            _show_case(console, cases.case_details(ctx, case_id), ctx.today())
            return EXIT_OK
        if args.case_command == "oppose":
            return _oppose(args, console, ctx, case_id)
        if args.case_command == "rectify":
            return _rectify(args, console, ctx, case_id)
        if args.case_command.startswith("relative"):
            return _relatives(args, console, ctx, case_id)
        org_id = organisation_id(ctx, args.organisation)
        share = cases.add_participant if args.case_command == "share" else cases.remove_participant
        case = share(ctx, case_id, org_id, args.reason)
    done = _("{reference} shared with {organisation}.")
    if args.case_command == "unshare":
        done = _("{reference} no longer shared with {organisation}.")
    console.print(done.format(reference=case.reference, organisation=args.organisation))
    return EXIT_OK


def _oppose(args: argparse.Namespace, console: Console, ctx: Context, case_id: int) -> int:
    if args.withdraw:
        case = opposition.withdraw_opposition(ctx, case_id, args.reason)
        console.print(_("Objection withdrawn for {reference}.").format(reference=case.reference))
        if case.sharing.block is not None:
            print(sharing_notice(case), file=console.err)
        return EXIT_OK
    result = opposition.record_opposition(ctx, case_id, args.reason, args.on)
    console.print(sharing_notice(result.case))
    for meeting in result.unplanned:
        console.print(
            _("Taken off the agenda of meeting {id} ({day}).").format(
                id=meeting.id, day=f"{meeting.local_start:%d/%m/%Y %H:%M}"
            )
        )
    return EXIT_OK


def _rectify(args: argparse.Namespace, console: Console, ctx: Context, case_id: int) -> int:
    person = cases.get_case(ctx, case_id).person
    birth_date = person.birth_date if args.birth_date is None else args.birth_date
    birth_year = person.birth_year if args.birth_year is None else args.birth_year
    if args.birth_date is not None and args.birth_year is None:
        birth_year = None  # the year follows the date
    data = cases.PersonInput(
        person.first_name if args.first_name is None else args.first_name,
        person.last_name if args.last_name is None else args.last_name,
        birth_date,
        birth_year,
        person.commune if args.commune is None else args.commune,
    )
    case = cases.rectify_person(ctx, case_id, data, args.reason)
    console.print(
        _("The person's details are corrected for {reference}.").format(reference=case.reference)
    )
    return EXIT_OK


def _relatives(args: argparse.Namespace, console: Console, ctx: Context, case_id: int) -> int:
    if args.case_command == "relative-add":
        birth = args.birth
        person = PersonInput(
            args.first_name,
            args.last_name,
            birth if isinstance(birth, date) else None,
            birth if isinstance(birth, int) else None,
            args.commune,
            args.address,
            args.postcode,
            args.phone,
            args.email,
            args.nir,
        )
        added = relatives.add_relative(ctx, case_id, person, Relation(args.relation))
        console.print(
            _("Relative added to {reference}: {name} ({relation}), number {id}.").format(
                name=added.person.display_name,
                reference=args.reference,
                relation=added.relation.label,
                id=added.person.id,
            )
        )
    elif args.case_command == "relative-remove":
        relatives.remove_relative(ctx, case_id, args.person)
        console.print(
            _("Relative {id} unlinked from {reference}.").format(
                id=args.person, reference=args.reference
            )
        )
    else:
        for relative in relatives.relatives_of(ctx, case_id):
            console.print(_relative_line(relative))
    return EXIT_OK


def _relative_line(relative: relatives.Relative) -> str:
    person = relative.person
    born = (
        person.birth_date.strftime("%d/%m/%Y")
        if person.birth_date
        else str(person.birth_year or "")
    )
    fields = (
        f"{person.last_name.upper()} {person.first_name}".strip(),
        born,
        person.phone,
        person.email,
        person.nir,
    )
    return "\t".join((str(person.id), relative.relation.label, *fields))


def _show_case(console: Console, details: cases.CaseDetails, today: date) -> None:
    """The situation's sheet: who, where it stands, who leads, when it comes back, what is
    still to do (late actions marked in words), then its timeline."""
    case, names = details.case, details.organisations
    person = case.person
    console.print(
        _("Situation {reference} — {status}").format(
            reference=case.reference, status=case.status.label
        )
    )
    name = f"{person.first_name} {person.last_name}".strip()
    console.print(
        _("Person: {name} (pseudonym {pseudonym})").format(
            name=name or "—", pseudonym=person.pseudonym
        )
    )
    if case.sharing.block is not None:
        console.print(sharing_notice(case))
    console.print(_("Urgency: {urgency}").format(urgency=case.urgency.label))
    console.print(
        _("Referred by: {organisation}").format(organisation=names.get(case.referrer_org_id, ""))
    )
    console.print(
        _("Lead partner: {organisation}").format(organisation=names.get(case.lead_org_id or 0, "—"))
    )
    taking_part = ", ".join(names.get(o, "") for o in case.participant_org_ids) or "—"
    console.print(_("Taking part: {organisations}").format(organisations=taking_part))
    review = "—"
    if case.next_review_on is not None:
        review = date_in_words(case.next_review_on)
        if case.next_review_on < today and case.status.value not in ("closed", "declined"):
            review = f"{review} — {_late()}"
    console.print(_("Next review: {day}").format(day=review))
    open_actions = [a for a in details.actions if a.status.open]
    if open_actions:
        console.print(
            ngettext("{n} open action:", "{n} open actions:", len(open_actions)).format(
                n=len(open_actions)
            )
        )
    else:
        console.print(_("No open action."))
    for action in sorted(open_actions, key=lambda a: (a.due_on is None, a.due_on or today)):
        console.print("  " + _action_line(action, names, today))
    for relative in details.relatives:
        console.print(_("Relative: {line}").format(line=_relative_line(relative)))
    if details.timeline:
        console.print(_("Timeline:"))
    for event in details.timeline:
        when = event.at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
        console.print(f"  {when}\t{event.author}\t{event.describe(names)}")


def _action_line(action: Action, names: dict[int, str], today: date) -> str:
    due = (
        _("due {day}").format(day=f"{action.due_on:%d/%m/%Y}")
        if action.due_on
        else _("no due date")
    )
    fields = [action.title, names.get(action.owner_org_id, "—"), due, action.status.label]
    if action.late(today):
        fields.append(_late())
    return "\t".join(fields)


def cmd_person(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if args.person_command == "erase":
        with session(args, console, boot) as ctx:
            count = rights.erase_person(ctx, args.ref, args.reason)
        console.print(
            ngettext(
                "Erased: the person and {count} situation anonymised.",
                "Erased: the person and {count} situations anonymised.",
                count,
            ).format(count=count)
        )
        return EXIT_OK
    with session(args, console, boot) as ctx:
        answer = rights.write_access(ctx, args.ref, Path(args.output))
    console.print(
        _(
            "Access answer for {pseudonym} written to {path}: {situations}, {mentions}, {readers}."
        ).format(
            pseudonym=answer.pseudonym,
            path=args.output,
            situations=ngettext("{n} situation", "{n} situations", answer.situations).format(
                n=answer.situations
            ),
            mentions=ngettext(
                "{n} mention in minutes", "{n} mentions in minutes", answer.mentions
            ).format(n=answer.mentions),
            readers=ngettext("{n} consultation", "{n} consultations", answer.consultations).format(
                n=answer.consultations
            ),
        )
    )
    print(
        _(
            "This file holds nominative data in clear: hand it to the person only, and "
            "delete your copy once it is given."
        ),
        file=console.err,
    )
    return EXIT_OK


def cmd_aipd(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
        to_complete = rights.write_aipd(ctx, Path(args.output))
    console.print(
        ngettext(
            "Impact assessment draft written to {path}: {count} point to complete by hand.",
            "Impact assessment draft written to {path}: {count} points to complete by hand.",
            to_complete,
        ).format(path=args.output, count=to_complete)
    )
    return EXIT_OK
