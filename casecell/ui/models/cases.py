"""The situations list: a table model over an ordered list of ids with a small page cache.

A 100,000-row list costs one list of ints; rows are fetched 50 at a time when the view asks
for them (Anki's browser table works the same way). Fetching a page is a ~1 ms read.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from babel.dates import get_date_format
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from casecell.domain.nomenclatures import CaseStatus, Urgency
from casecell.errors import KnownError
from casecell.i18n import _, current_language

if TYPE_CHECKING:  # the sign-in screen loads this module's date pattern, not the services
    from casecell.services.cases import CaseListRow

Index = QModelIndex | QPersistentModelIndex
PAGE = 50
CACHED_PAGES = 40


@cache
def short_pattern(language: str) -> str:
    """The locale's short date pattern (CLDR, via Babel) as a strftime format, computed once:
    formatting through Babel for every cell cost more than the rest of a list repaint."""
    cldr = get_date_format("short", locale=language).pattern  # "dd/MM/y" in French
    codes = {"d": "%d", "dd": "%d", "M": "%m", "MM": "%m", "yy": "%y"}
    return re.sub(r"d+|M+|y+", lambda m: codes.get(m.group(), "%Y"), cldr)


def short_date(day: date | None) -> str:
    return "" if day is None else day.strftime(short_pattern(current_language()))


class CaseTableModel(QAbstractTableModel):
    COLUMNS = ("reference", "person", "status", "urgency", "referred_on", "next_review_on", "lead")
    # Columns whose header click sorts the list, and by which service sort order.
    SORTABLE: ClassVar[dict[int, str]] = {0: "reference", 4: "referred", 5: "next_review"}

    def __init__(self, fetch: Callable[[list[int]], list[CaseListRow]], parent: Any = None):
        super().__init__(parent)
        self._fetch = fetch
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, CaseListRow]] = OrderedDict()
        self.failure = ""
        self.today = date.today()  # the signed-in user's day: a review before it is late

    # -- content ---------------------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        """Show ``ids``; pages already read stay when the list only grew behind them (the
        first screenful, then the whole list)."""
        grown = len(ids) >= len(self._ids) and ids[: len(self._ids)] == self._ids
        self.beginResetModel()
        kept = len(self._ids) // PAGE if grown else 0
        self._ids = list(ids)
        for page in [p for p in self._pages if p >= kept]:
            del self._pages[page]
        self.endResetModel()

    def case_id(self, row: int) -> int:
        return self._ids[row]

    def _row(self, row: int) -> CaseListRow | None:
        page = row // PAGE
        if page not in self._pages:
            ids = self._ids[page * PAGE : (page + 1) * PAGE]
            try:
                self._pages[page] = {r.id: r for r in self._fetch(ids)}
            except KnownError as exc:
                self.failure = exc.message
                return None
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return self._pages[page].get(self._ids[row])

    def review_late(self, row: CaseListRow) -> bool:
        return (
            row.next_review_on is not None
            and row.next_review_on < self.today
            and row.status not in (CaseStatus.CLOSED.value, CaseStatus.DECLINED.value)
        )

    # -- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            "reference": _("Reference"),
            "person": _("Person"),
            "status": _("Status"),
            "urgency": _("Urgency"),
            "referred_on": _("Referred on"),
            "next_review_on": _("Next review"),
            "lead": _("Lead partner"),
        }[self.COLUMNS[section]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        row = self._row(index.row())
        if row is None:
            return "…"
        column = self.COLUMNS[index.column()]
        if column == "next_review_on" and self.review_late(row):
            # Not by colour alone: a sign on screen, the words for tooltips and screen readers.
            day = short_date(row.next_review_on)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"⚠ {day}"
            return _("{day} — review late").format(day=day)
        if column == "person":
            return " ".join(p for p in (row.first_name, row.last_name.upper()) if p)
        if column == "status":
            return CaseStatus(row.status).label
        if column == "urgency":
            return Urgency(row.urgency).label
        if column in ("referred_on", "next_review_on"):
            return short_date(getattr(row, column))
        return str(getattr(row, column))
