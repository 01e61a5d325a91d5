"""The answer to a person's access request (RGPD art. 15): everything the cell holds about
them, in plain words, for them to read. Every text typed by a user goes through :func:`para`
(escaped: ``<b>`` prints as typed)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from casecell.documents.pdf import bullet, facts_table, grid, para, render
from casecell.domain.rights import AccessSheet, MinutesMention, SituationPart
from casecell.i18n import _

CNIL_COMPLAINT = "https://www.cnil.fr/fr/plaintes"
CNIL_ADDRESS = "CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07"


def _situation(part: SituationPart) -> list[Any]:
    story: list[Any] = [
        para(_("Situation {reference}").format(reference=part.reference), "heading"),
        facts_table(list(part.facts)),
    ]
    for label, text in part.texts:
        story += [para(label, "subheading"), para(text)]
    story.append(para(_("History of the situation"), "subheading"))
    if part.timeline:
        rows = [
            [para(when, "cell"), para(who, "cell"), para(what, "cell")]
            for when, who, what in part.timeline
        ]
        story.append(grid((_("Date"), _("By"), _("What happened")), rows, [31 * mm, 45 * mm, None]))
    else:
        story.append(para(_("Nothing recorded.")))
    story.append(para(_("Actions decided for you"), "subheading"))
    if part.actions:
        rows = [[para(cell, "cell") for cell in action] for action in part.actions]
        story.append(
            grid(
                (_("What"), _("Who acts"), _("Due"), _("Status")),
                rows,
                [None, 45 * mm, 22 * mm, 35 * mm],
            )
        )
    else:
        story.append(para(_("No action.")))
    return story


def _mention(mention: MinutesMention) -> list[Any]:
    heading = _("Meeting of {day} — {heading}").format(day=mention.day, heading=mention.heading)
    block: list[Any] = [
        para(heading, "subheading"),
        para(
            _("Situation {reference} — {version}").format(
                reference=mention.reference, version=mention.version
            ),
            "small",
        ),
    ]
    if mention.summary:
        block += [para(_("What was said"), "cell_bold"), para(mention.summary)]
    if mention.decisions:
        block += [para(_("Decisions"), "cell_bold"), para(mention.decisions)]
    if mention.actions:
        block.append(para(_("Actions"), "cell_bold"))
        block += [bullet(line) for line in mention.actions]
    return [KeepTogether(block[:4]), *block[4:]]


def _rights() -> list[Any]:
    lines = [
        _("Access: you may ask for this document again at any time (art. 15 RGPD)."),
        _(
            "Rectification: if something here is wrong or incomplete, ask for it to be corrected "
            "(art. 16)."
        ),
        _(
            "Erasure and limitation: you may ask for data to be erased or for its use to be "
            "limited, within the limits the law sets (art. 17 and 18)."
        ),
        _(
            "Objection: when sharing rests on your consent, you may withdraw it at any time: "
            "nothing more is then shared about you. On another legal basis, you may object for "
            "reasons of your own situation (art. 21)."
        ),
        _(
            "To exercise these rights, write to the cell's coordinator or to the data protection "
            "officer of the organisation that runs the cell, with a proof of identity. An answer "
            "is due within one month."
        ),
        _(
            "If you think your rights are not respected, you may complain to the CNIL: {url} — "
            "{address}."
        ).format(url=CNIL_COMPLAINT, address=CNIL_ADDRESS),
    ]
    return [bullet(line) for line in lines]


def access_pdf(sheet: AccessSheet) -> bytes:
    """The PDF, in memory (the service writes it where the user chose)."""
    story: list[Any] = [
        para(sheet.cell, "small"),
        para(_("Your data held by the cell"), "title"),
        para(
            _(
                "This document answers your request to access your data (article 15 of the "
                "General Data Protection Regulation). It lists everything the cell's register "
                "holds about you on {day}: who you are, your situations and their history, the "
                "actions decided, what the minutes of the meetings say about you, and who "
                "consulted your file."
            ).format(day=sheet.produced_on)
        ),
        Spacer(1, 3 * mm),
        para(_("Who you are, as recorded"), "heading"),
        facts_table(list(sheet.identity)),
    ]
    for part in sheet.situations:
        story += _situation(part)

    story.append(para(_("What the minutes of the meetings say about you"), "heading"))
    if sheet.mentions:
        for mention in sheet.mentions:
            story += _mention(mention)
    else:
        story.append(para(_("No meeting minutes mention your situations.")))

    story += [
        para(_("Why the cell holds these data"), "heading"),
        para(
            _(
                "The cell brings together the professionals of several organisations (social "
                "services, health, housing, justice, associations) to look together at situations "
                "that none of them can help alone, decide what each will do, and follow it up. "
                "Your data are used only for that, and, without any name, for counting the cell's "
                "activity."
            )
        ),
        para(_("Who may see them"), "heading"),
        para(
            _(
                "The organisations taking part in your situations, whose professionals are bound "
                "by professional secrecy:"
            )
        ),
    ]
    story += [bullet(line) for line in sheet.recipients] or [para("—")]
    story += [
        para(
            _(
                "An organisation that has not signed the cell's confidentiality charter receives "
                "the minutes without your name (by pseudonym only). Reports to the steering "
                "committee hold counts only, never a name. No data leaves the European Union."
            )
        ),
        para(_("How long they are kept"), "heading"),
        para(
            _(
                "Your file stays active while the cell follows your situation, then {period} "
                "after the last contact; your name and everything that could identify you are "
                "then removed. Each situation above says until when it is kept."
            ).format(period=sheet.retention)
        ),
        para(_("Who consulted your file"), "heading"),
        para(
            _(
                "Every consultation is recorded in the cell's audit trail. Professionals are named "
                "here by their organisation and their role, not by their name: they act on behalf "
                "of the cell. Lists and searches, which show many situations at once, are recorded "
                "without saying which, and are not listed here; neither are requests that were "
                "refused (nothing was shown)."
            ),
            "small",
        ),
    ]
    if sheet.readers:
        rows = [
            [para(when, "cell"), para(who, "cell"), para(what, "cell")]
            for when, who, what in sheet.readers
        ]
        story.append(grid((_("Date"), _("Who"), _("What")), rows, [31 * mm, 60 * mm, None]))
    else:
        story.append(para(_("Nobody has consulted your file yet.")))
    story += [para(_("Your rights"), "heading"), *_rights()]
    story.append(
        para(
            _(
                "Names and birth dates of other persons that professionals may have written in "
                "these texts are replaced by […], to protect them."
            ),
            "small",
        )
    )
    return render(
        story,
        _("Your data held by the cell — {day}").format(day=sheet.produced_on),
        _("Personal document — {cell} — {day}").format(cell=sheet.cell, day=sheet.produced_on),
    )
