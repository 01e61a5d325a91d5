"""The report as CSV for French Excel: UTF-8 with BOM, ``;`` separator, one indicator (or one
part of its breakdown) per row, decimal commas, no thousands separator, and no cell that Excel
would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from casecell.domain.indicators import BREAKDOWNS, UNITS, Figure, category_label, label
from casecell.i18n import _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``=HYPERLINK(...)`` typed as a partner's name stays text: a leading quote."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def number(value: float | None, masked: bool) -> str:
    if masked:
        return "< 3"
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def report_csv(
    figures: Sequence[Figure], before: Sequence[Figure], external: bool
) -> bytes:  # fmt: skip
    previous = {(f.id, f.breakdown, f.category): f for f in before}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [_("indicator"), _("label"), _("breakdown"), _("category"), _("value"), _("unit"),
         _("previous period")]
    )  # fmt: skip
    for f in figures:
        was = previous.get((f.id, f.breakdown, f.category))
        writer.writerow(
            [
                f.id,
                safe_cell(label(f.id)),
                BREAKDOWNS[f.breakdown]() if f.breakdown else "",
                safe_cell(category_label(f)) if f.breakdown else "",
                number(f.value, external and f.masked),
                UNITS[f.unit](),
                number(was.value, external and was.masked) if was else "",
            ]
        )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
