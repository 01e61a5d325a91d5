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
from casecell.domain.cases import sharing_notice
from casecell.domain.nomenclatures import Relation
from casecell.errors import EXIT_OK
from casecell.i18n import _, ngettext
from casecell.services import (
    cases,
    opposition,
    relatives,
    rights,
)
from casecell.services.context import Context
from casecell.services.persons import PersonInput


def cmd_search(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
        references = cases.search(ctx, " ".join(args.query), max(1, min(args.limit, 1000)))
    for reference in references:
        console.print(reference)
    if not references:
        print(_("No matching situation."), file=console.err)
    return EXIT_OK


def cmd_case(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
        if args.case_command == "list":
            for row in cases.list_cases(ctx, limit=max(1, min(args.limit, 10_000))):
                name = f"{row.last_name.upper()} {row.first_name}".strip()
                console.print(f"{row.reference}\t{row.status}\t{name}\t{row.lead}")
            return EXIT_OK
        case_id = cases.case_id_of(ctx, args.reference)
        if args.case_command == "show":
            _show_case(console, cases.case_details(ctx, case_id))
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


def _show_case(console: Console, details: cases.CaseDetails) -> None:
    case, names = details.case, details.organisations
    console.print(
        f"{case.reference}\t{case.status.label}\t{case.person.first_name} {case.person.last_name}"
    )
    if case.sharing.block is not None:
        console.print(sharing_notice(case))
    console.print(
        _("Referred by: {organisation}").format(organisation=names.get(case.referrer_org_id, ""))
    )
    console.print(
        _("Lead partner: {organisation}").format(organisation=names.get(case.lead_org_id or 0, "—"))
    )
    taking_part = ", ".join(names.get(o, "") for o in case.participant_org_ids) or "—"
    console.print(_("Taking part: {organisations}").format(organisations=taking_part))
    for relative in details.relatives:
        console.print(_("Relative: {line}").format(line=_relative_line(relative)))
    for event in details.timeline:
        when = event.at.astimezone().strftime("%d/%m/%Y %H:%M")
        console.print(f"{when}\t{event.author}\t{event.describe(names)}")


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
            "Access answer for {pseudonym} written to {path}: {situations} situation(s), "
            "{mentions} mention(s) in minutes, {readers} consultation(s)."
        ).format(
            pseudonym=answer.pseudonym,
            path=args.output,
            situations=answer.situations,
            mentions=answer.mentions,
            readers=answer.consultations,
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
        _(
            "Impact assessment draft written to {path}: {count} point(s) to complete by hand."
        ).format(path=args.output, count=to_complete)
    )
    return EXIT_OK
