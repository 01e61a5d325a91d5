"""The minutes PDF (relevé de décisions), nominative or pseudonymised.

The sheet it is given is already the right variant: a pseudonymised :class:`MinutesContent`
holds nothing but pseudonyms for the persons concerned, so nothing here can leak a name.
Same styles, heading facts, tables, footer and page numbers as the agenda (``pdf.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from casecell.documents.pdf import (
    CLASSIFICATION,
    FONT,
    facts_table,
    grid,
    long_date,
    para,
    render,
)
from casecell.domain.cases import SharingBlock
from casecell.domain.meetings import (
    Attendance,
    ItemPurpose,
    MeetingKind,
    PersonParticipation,
    in_paris,
)
from casecell.domain.minutes import (
    ActionLine,
    MinutesContent,
    MinutesStatus,
    MinutesVersion,
    Present,
    SituationMinutes,
    Variant,
)
from casecell.domain.nomenclatures import ActionStatus, CarryOverReason
from casecell.i18n import _, date_in_words


@dataclass(frozen=True)
class MinutesSheet:
    content: MinutesContent  # already pseudonymised for that variant
    variant: Variant
    version: int
    status: MinutesStatus
    history: tuple[MinutesVersion, ...]
    recipient: str = ""  # the organisation this copy is addressed to
    withheld: tuple[tuple[str, str], ...] = ()  # (reference, SharingBlock value) left out


def _day(value: date) -> str:
    return date_in_words(value, "full")


def _short(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _moment(value: datetime) -> str:
    return in_paris(value).strftime("%d/%m/%Y %H:%M")


def _attendance(p: Present) -> str:
    if p.attendance is None:
        return _("not recorded")
    status = Attendance(p.attendance)
    if status is Attendance.REPRESENTED and p.represented_by:
        return _("represented by {name}").format(name=p.represented_by)
    if status is Attendance.EXCUSED:
        return _("excused, information sent") if p.information_sent else _("excused")
    return status.label


def _actions(lines: tuple[ActionLine, ...], with_reason: bool) -> Table:
    headers = [_("Action"), _("Owner"), _("Due")]
    widths: list[Any] = [None, 50 * mm, 22 * mm]
    if with_reason:
        headers = [_("Situation"), *headers, _("Why not done")]
        widths = [27 * mm, None, 37 * mm, 22 * mm, 36 * mm]  # a reference of 10 characters
    rows = []
    for a in lines:
        row = [para(a.title, "cell"), para(a.owner or "—", "cell"), para(_short(a.due_on), "cell")]
        if with_reason:
            reason = (
                CarryOverReason(a.carried_over).label
                if a.carried_over
                else _("not recorded ({status})").format(status=ActionStatus(a.status).label)
            )
            row = [para(a.reference, "cell_bold"), *row, para(reason, "cell")]
        rows.append(row)
    return grid(tuple(headers), rows, widths)


def _situation(s: SituationMinutes, variant: Variant) -> list[Any]:
    who = s.person.pseudonym
    if variant is Variant.NOMINATIVE and s.person.name:
        who = f"{s.person.name} ({s.person.pseudonym})"
        if s.person.birth_date:
            who += " — " + _("born {day}").format(day=_short(s.person.birth_date))
        elif s.person.birth_year:
            who += " — " + _("born in {year}").format(year=s.person.birth_year)
    title = para(f"{s.reference} — {who}", "heading")
    purpose = para(ItemPurpose(s.purpose).label.capitalize(), "small")
    story: list[Any] = [KeepTogether([title, purpose])]
    story.append(para(_("Summary of the discussion"), "subheading"))
    story.append(para(s.summary or _("Nothing recorded."), "body"))
    story.append(para(_("Decisions"), "subheading"))
    story.append(para(s.decisions or _("Nothing recorded."), "body"))
    story.append(para(_("The person concerned"), "subheading"))
    story.append(para(_participation(s), "body"))
    if s.person_words:
        story.append(para(_("Their own words on the decisions:"), "small", "b"))
        story.append(para(s.person_words, "body"))
    if s.actions:
        story += [para(_("Actions"), "subheading"), _actions(s.actions, with_reason=False)]
    follow_up = [
        (_("Lead partner"), s.lead or _("not designated")),
        (_("Next review"), _short(s.next_review_on)),
    ]
    story += [Spacer(1, 2 * mm), facts_table(follow_up)]
    return story


def _participation(s: SituationMinutes) -> str:
    if s.participation is None:
        return _("Participation not recorded.")
    status = PersonParticipation(s.participation)
    if status is PersonParticipation.REPRESENTED and s.represented_by:
        return _("Represented by {name}.").format(name=s.represented_by)
    return status.label.capitalize() + "."


def _withheld(reference: str, block: str) -> str:
    return _("{reference} — left out of this copy: {reason}; nothing about it is shared.").format(
        reference=reference, reason=SharingBlock(block).label
    )


def _history(versions: tuple[MinutesVersion, ...]) -> Table:
    rows = []
    for v in versions:
        opened = _moment(v.opened_at) if v.opened_at else ""
        if v.opened_by:
            opened = _("{when} by {who}").format(when=opened, who=v.opened_by)
        validated = (
            _("{when} by {who}").format(when=_moment(v.validated_at), who=v.validated_by)
            if v.validated_at
            else _("not validated")
        )
        what = "; ".join(v.changes) if v.changes else "—"
        rows.append(
            [
                para(str(v.version), "cell_bold"),
                para(opened + (f"\n{v.reason}" if v.reason else ""), "cell"),
                para(validated, "cell"),
                para(what, "cell"),
            ]
        )
    headers = (_("Version"), _("Opened (reason)"), _("Validated"), _("Changes"))
    return grid(headers, rows, [15 * mm, 55 * mm, 40 * mm, None])


def _reminder(variant: Variant) -> Table:
    text = _(
        "These minutes are covered by professional secrecy. They are shared only among the "
        "professionals of the cell, as far as needed to evaluate the situations and decide the "
        "actions (code de l’action sociale et des familles, art. L. 121-6-2 and L. 226-2-2; "
        "code de la santé publique, art. L. 1110-4). They must not be copied or passed on."
    )
    if variant is Variant.PSEUDONYMISED:
        text += " " + _(
            "In this version, the persons concerned appear only by pseudonym and reference; "
            "names, dates, ages, addresses, phone numbers, e-mail addresses and NIR typed in "
            "the texts are withheld."
        )
    box = Table([[para(text, "small")]], colWidths=[None])
    box.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.96, 0.96, 0.96)),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return box


def status_text(version: int, status: MinutesStatus, history: tuple[MinutesVersion, ...]) -> str:
    found = next((v for v in history if v.version == version), None)
    if status is MinutesStatus.VALIDATED and found and found.validated_at:
        return _("Version {version}, validated on {when} by {who}").format(
            version=version,
            when=_moment(found.validated_at),
            who=found.validated_by,
        )
    return _("Version {version}, draft (not validated)").format(version=version)


def minutes_pdf(sheet: MinutesSheet) -> bytes:
    c = sheet.content
    variant_label = (
        _("Nominative version")
        if sheet.variant is Variant.NOMINATIVE
        else _("Pseudonymised version")
    )
    story: list[Any] = [
        para(c.cell, "small"),
        para(_("Minutes (relevé de décisions) — {heading}").format(heading=c.heading), "title"),
        para(f"{status_text(sheet.version, sheet.status, sheet.history)} — {variant_label}",
             "small", "b"),
    ]  # fmt: skip
    if sheet.recipient:
        story.append(
            para(_("Copy for: {organisation}").format(organisation=sheet.recipient), "small")
        )
    facts = [
        (_("When"), f"{_day(c.starts.date())}, {c.starts:%H:%M}–{c.ends:%H:%M}"),
        (_("Where"), c.place or "—"),
        (_("Meeting"), MeetingKind(c.kind).label.capitalize()),
        (_("Chair"), c.chair or "—"),
        (_("Secretary"), c.secretary or "—"),
    ]
    story += [Spacer(1, 3 * mm), facts_table(facts), Spacer(1, 3 * mm), _reminder(sheet.variant)]

    story.append(para(_("Attendance by organisation"), "heading"))
    if c.attendance:
        rows = [
            [
                para(p.organisation or "—", "cell"),
                para(p.name + (f" ({_('observer')})" if p.observer else ""), "cell"),
                para(_attendance(p), "cell"),
                para(_("signed") if p.undertaking_signed else _("unsigned"), "cell"),
            ]
            for p in c.attendance
        ]
        headers = (_("Organisation"), _("Participant"), _("Attendance"), _("Undertaking"))
        story.append(grid(headers, rows, [50 * mm, 45 * mm, None, 27 * mm]))
    else:
        story.append(para(_("Nobody was recorded.")))

    story.append(para(_("Actions of the previous meeting not done"), "heading"))
    if c.previous:
        story.append(_actions(c.previous, with_reason=True))
    else:
        story.append(para(_("None.")))

    story.append(para(_("Situations reviewed ({n})").format(n=len(c.situations)), "heading"))
    if not c.situations:
        story.append(para(_("No situation was on the agenda.")))
    for situation in c.situations:
        story += _situation(situation, sheet.variant)
    for reference, block in sheet.withheld:
        story.append(Spacer(1, 2 * mm))
        story.append(para(_withheld(reference, block), "body", "b"))

    story.append(para(_("Next meeting"), "heading"))
    story.append(
        para(
            f"{_day(c.next_meeting.date())}, {c.next_meeting:%H:%M}"
            if c.next_meeting
            else _("Not planned yet.")
        )
    )
    if sheet.history:
        story += [para(_("Versions"), "heading"), _history(sheet.history)]
    footer = f"{CLASSIFICATION} — {variant_label} — " + _("version {version} ({status})").format(
        version=sheet.version, status=sheet.status.label
    )
    watermark = _("DRAFT") if sheet.status is MinutesStatus.DRAFT else ""
    title = (
        _("Minutes — meeting of {day} — nominative version")
        if sheet.variant is Variant.NOMINATIVE
        else _("Minutes — meeting of {day} — pseudonymised version")
    ).format(day=long_date(c.starts.date()))
    return render(story, title, footer, watermark)
