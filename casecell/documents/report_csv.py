"""The report as CSV for French Excel: UTF-8 with BOM, ``;`` separator, one indicator (or one
part of its breakdown) per row, decimal commas, no thousands separator, and no cell that Excel
would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from casecell.domain.indicators import (
    BREAKDOWNS,
    UNITS,
    Figure,
    category_label,
    label,
    masked_text,
)
from casecell.i18n import _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``=HYPERLINK(...)`` typed as a partner's name stays text: a leading quote."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def number(value: float | None, mark: str = "") -> str:
    """``mark``: what a masked figure prints instead ("< 3", "masked"); "" when shown."""
    if mark:
        return mark
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def _value(figure: Figure, external: bool) -> str:
    return number(figure.value, masked_text(figure) if external and figure.masked else "")


def report_csv(
    figures: Sequence[Figure], before: Sequence[Figure], external: bool
) -> bytes:  # fmt: skip
    """``external``: the figures are those of the copy that leaves the cell (already
    protected: services.reports.shared); masked ones print their mark."""
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
                _value(f, external),
                UNITS[f.unit](),
                _value(was, external) if was else "",
            ]
        )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
