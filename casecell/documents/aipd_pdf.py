"""The draft impact assessment (AIPD / PIA), in the order of the CNIL template: what the vault
knows is filled in; what only the controller and the DPO know is marked « À compléter »."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from casecell.documents.pdf import bullet, grid, para, render
from casecell.domain.rights import AipdSection, AipdSheet
from casecell.i18n import _

TO_COMPLETE_BACKGROUND = colors.Color(1, 0.95, 0.8)


def _to_complete(points: tuple[str, ...]) -> Table:
    """The points left to the DPO, in a tinted box, each marked so it cannot be missed."""
    mark = _("To complete")
    table = Table([[para(f"☐ {mark} — {point}", "cell")] for point in points], colWidths=[None])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TO_COMPLETE_BACKGROUND),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.Color(0.8, 0.6, 0.2)),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _section(section: AipdSection) -> list[Any]:
    story: list[Any] = [para(section.title, "heading")]
    story += [bullet(line) for line in section.lines]
    if section.table:
        headers, *rows = section.table
        cells = [[para(value, "cell") for value in row] for row in rows]
        story.append(grid(headers, cells, [None] * len(headers)))
    if section.to_complete:
        story.append(_to_complete(section.to_complete))
    return story


def aipd_pdf(sheet: AipdSheet) -> bytes:
    story: list[Any] = [
        para(sheet.cell, "small"),
        para(_("Data protection impact assessment (AIPD) — draft"), "title"),
        para(
            _(
                "Drafted by casecell on {day} from the vault: its settings, partners, register "
                "counts and security configuration, following the sections of the CNIL template "
                "(PIA). The controller and the data protection officer complete the points marked "
                "« To complete », assess the risks and sign it."
            ).format(day=sheet.produced_on)
        ),
    ]
    for section in sheet.sections:
        story += _section(section)
    points = [(s.title, p) for s in sheet.sections for p in s.to_complete]
    story.append(para(_("Summary: points the DPO must complete by hand"), "heading"))
    rows = [[para(title, "cell"), para(point, "cell")] for title, point in points]
    story.append(grid((_("Section"), _("To complete")), rows, [50 * mm, None]))
    return render(
        story,
        _("Impact assessment (AIPD) — draft — {day}").format(day=sheet.produced_on),
        _("AIPD draft — {cell} — {day}").format(cell=sheet.cell, day=sheet.produced_on),
    )
