"""What every casecell PDF shares: DejaVu Sans (French typography, U+202F, Polish, Cyrillic),
escaped paragraphs, a page footer, and atomic writing.

ReportLab's built-in Helvetica cannot draw the narrow no-break space French number formatting
uses, nor many names of the people a cell helps; every style here uses DejaVu Sans.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from casecell.fileio import atomic_writer
from casecell.paths import resource_dir

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
MARGIN = 18 * mm


@functools.cache
def register_fonts() -> None:
    fonts = resource_dir() / "fonts"
    for name in (FONT, BOLD, ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(fonts / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


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
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=BOLD, fontSize=8.5,
                                    leading=10.5),
    }  # fmt: skip


def para(text: str, style: str = "body", markup: str = "") -> Paragraph:
    """A paragraph of user text: escaped (``<b>`` typed by a user stays visible as text),
    line breaks kept. ``markup`` wraps the escaped text (``"b"`` for bold)."""
    escaped = html.escape(text, quote=False).replace("\n", "<br/>")
    if markup:
        escaped = f"<{markup}>{escaped}</{markup}>"
    return Paragraph(escaped, styles()[style])


TABLE_STYLE: list[tuple[Any, ...]] = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def build(target: Path, story: list[Any], title: str, footer: str) -> None:
    """Lay out ``story`` on A4 pages with ``footer`` and page numbers; written atomically."""
    register_fonts()

    def decorate(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"{document.page}")
        canvas.restoreState()

    with atomic_writer(target) as handle:
        document = SimpleDocTemplate(
            handle,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=18 * mm,
            title=title,
            author="casecell",
            creator="casecell",
        )
        page: Callable[[Canvas, Any], None] = decorate
        document.build(story, onFirstPage=page, onLaterPages=page)
