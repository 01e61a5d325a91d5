"""The agenda / convocation PDF, sent to every invited partner.

It is built from an :class:`AgendaSheet`, which has no field for a person's name or birth
date: situations appear by reference and pseudonym only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from casecell.documents.pdf import CLASSIFICATION, build, facts_table, grid, long_date, para
from casecell.i18n import _


@dataclass(frozen=True)
class AgendaLine:
    slot: str  # "14:00–14:15"
    reference: str
    pseudonym: str
    purpose: str
    partners: str  # who is invited for this item


@dataclass(frozen=True)
class AgendaSheet:
    cell: str
    heading: str  # "Réunion plénière"
    when: str  # "mardi 12 janvier 2027, 14:00–16:00"
    place: str
    video_link: str
    chair: str
    secretary: str
    invited: tuple[tuple[str, str], ...]  # (organisation, "toute la réunion" or its slots)
    lines: tuple[AgendaLine, ...]
    warnings: tuple[str, ...] = ()
    day: date | None = None  # the meeting's day (Paris), named in the PDF's title


def write_agenda(sheet: AgendaSheet, target: Path) -> None:
    story: list[Any] = [
        para(sheet.cell, "small"),
        para(_("Agenda and invitation — {heading}").format(heading=sheet.heading), "title"),
    ]
    facts = [(_("When"), sheet.when), (_("Where"), sheet.place or "—")]
    if sheet.video_link:
        facts.append((_("Video link"), sheet.video_link))
    if sheet.chair:
        facts.append((_("Chair"), sheet.chair))
    if sheet.secretary:
        facts.append((_("Secretary"), sheet.secretary))
    story += [facts_table(facts), Spacer(1, 4 * mm)]

    story.append(para(_("Agenda"), "heading"))
    if sheet.lines:
        headers = (_("Time"), _("Situation"), _("Pseudonym"), _("Purpose"), _("Partners invited"))
        rows = [
            [para(line.slot, "cell"), para(line.reference, "cell_bold"),
             para(line.pseudonym, "cell"), para(line.purpose, "cell"), para(line.partners, "cell")]
            for line in sheet.lines
        ]  # fmt: skip
        story.append(grid(headers, rows, [24 * mm, 25 * mm, 27 * mm, 28 * mm, None]))
    else:
        story.append(para(_("No situation on the agenda yet.")))

    story.append(para(_("Partners invited"), "heading"))
    if sheet.invited:
        rows = [[para(name, "cell"), para(part, "cell")] for name, part in sheet.invited]
        story.append(grid((_("Organisation"), _("Invited for")), rows, [90 * mm, None]))
    else:
        story.append(para(_("Nobody is invited yet.")))

    notice = [
        para(_("Confidentiality"), "heading"),
        para(
            _(
                "Situations are named by reference and pseudonym only. What is said in the "
                "meeting is covered by professional secrecy and shared only as far as needed "
                "(code de l’action sociale et des familles, art. L. 121-6-2). Each participant "
                "signs the cell's confidentiality undertaking."
            ),
            "small",
        ),
    ]
    story.append(KeepTogether(notice))
    build(
        target,
        story,
        _("Agenda — meeting of {day}").format(day=long_date(sheet.day))
        if sheet.day
        else _("Agenda — {heading}").format(heading=sheet.heading),
        f"{CLASSIFICATION} — {sheet.cell} — {sheet.when}",
    )
