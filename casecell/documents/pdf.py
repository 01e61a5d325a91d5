"""What every casecell PDF shares: DejaVu Sans (French typography, U+202F, Polish, Cyrillic),
escaped paragraphs, a page footer, and atomic writing.

ReportLab's built-in Helvetica cannot draw the narrow no-break space French number formatting
uses, nor many names of the people a cell helps; every style here uses DejaVu Sans.
"""

from __future__ import annotations

import functools
import html
import io
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from casecell.fileio import write_atomically
from casecell.i18n import _, current_language
from casecell.paths import resource_dir

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MARGIN = 18 * mm
# Printed at the foot of every page of a document about situations.
CLASSIFICATION = "Confidentiel — secret professionnel partagé"


_FONTS = threading.Lock()  # the CLI may read them in a thread while a passphrase is typed


def register_fonts() -> None:
    with _FONTS:
        _register_fonts()


@functools.cache
def _register_fonts() -> None:
    fonts = resource_dir() / "fonts"
    for name in (FONT, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(fonts / f"{name}.ttf")))
    # No document sets italics: the oblique face (~11 ms to parse) is not registered, and an
    # <i> would print upright rather than fail.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    # Charts start each drawing in Helvetica: it would be named, unembedded, in every report.
    STATE_DEFAULTS["fontName"] = FONT


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20,
                                spaceAfter=6),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=11.5,
                                  leading=15, spaceBefore=10, spaceAfter=4),
        "subheading": ParagraphStyle("subheading", parent=body, fontName=BOLD, fontSize=9.5,
                                     leading=12.5, spaceBefore=5, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=BOLD, fontSize=8.5,
                                    leading=10.5),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=11, bulletIndent=2,
                                 spaceAfter=1.5),
    }  # fmt: skip


def para(text: str, style: str = "body", markup: str = "") -> Paragraph:
    """A paragraph of user text: escaped (``<b>`` typed by a user stays visible as text),
    line breaks kept. ``markup`` wraps the escaped text (``"b"`` for bold)."""
    escaped = html.escape(text, quote=False).replace("\n", "<br/>")
    if markup:
        escaped = f"<{markup}>{escaped}</{markup}>"
    return Paragraph(escaped, styles()[style])


def bullet(text: str) -> Paragraph:
    """One item of a list, escaped like :func:`para`, hanging under its bullet."""
    escaped = html.escape(text, quote=False).replace("\n", "<br/>")
    return Paragraph(escaped, styles()["bullet"], bulletText="•")


TABLE_STYLE: list[tuple[Any, ...]] = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def _watermark(text: str) -> Callable[[Canvas, Any], None]:
    """Drawn first on each page, under the text (a draft's "DRAFT")."""

    def draw(canvas: Canvas, _document: Any) -> None:
        if not text:
            return
        canvas.saveState()
        canvas.setFont(BOLD, 72)
        canvas.setFillColor(colors.Color(0.9, 0.9, 0.9))
        canvas.translate(A4[0] / 2, A4[1] / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, 0, text)
        canvas.restoreState()

    return draw


def _numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas that holds its pages back until the end, to print "page X / Y" on each."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no types
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setStrokeColor(colors.grey)
            self.line(MARGIN, 13 * mm, A4[0] - MARGIN, 13 * mm)
            self.drawString(MARGIN, 9.5 * mm, footer)
            self.drawRightString(
                A4[0] - MARGIN, 9.5 * mm, _("page {n} / {total}").format(n=number, total=total)
            )
            self.restoreState()

    return NumberedCanvas


def document_language() -> str:
    """The PDF's /Lang (screen readers pick their voice from it): the interface's language."""
    return {"fr": "fr-FR", "en": "en-GB"}.get(current_language(), current_language())


def long_date(day: date) -> str:
    """A date as a title names it: "3 mars 2026"."""
    return format_date(day, "long", locale=current_language())


def render(story: list[Any], title: str, footer: str, watermark: str = "") -> bytes:
    """Lay out ``story`` on A4 pages, each with ``footer`` and "page X / Y" (and ``watermark``
    across it, for a draft); in memory, so that a preview leaves no file behind. The title
    is shown by PDF readers instead of the file name, and the language is declared."""
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=20 * mm,
        title=title,
        author="casecell",
        creator="casecell",
        lang=document_language(),
        displayDocTitle=True,
        initialFontName=FONT,  # not Helvetica: it would be named on every page, unembedded
    )
    under = _watermark(watermark)
    document.build(
        story, onFirstPage=under, onLaterPages=under, canvasmaker=_numbered_canvas(footer)
    )
    return buffer.getvalue()


def build(target: Path, story: list[Any], title: str, footer: str, watermark: str = "") -> None:
    """:func:`render`, written atomically to ``target``."""
    write_atomically(target, render(story, title, footer, watermark))


def facts_table(facts: list[tuple[str, str]]) -> Table:
    """Label / value lines of a document's heading (when, where, chair…)."""
    table = Table(
        [[para(label, "cell_bold"), para(value, "cell")] for label, value in facts],
        colWidths=[35 * mm, None],
    )
    table.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    return table


def grid(headers: tuple[str, ...], rows: list[list[Any]], widths: list[Any]) -> Table:
    """A table with a header row repeated on every page it spans."""
    table = Table([[para(h, "cell_bold") for h in headers], *rows], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(TABLE_STYLE))
    return table
