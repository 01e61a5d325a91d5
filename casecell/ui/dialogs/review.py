"""The review step before a pseudonymised copy is saved or printed: the words that may still
be names (a relative not in the vault, a typo, a nickname), highlighted in the copy's text,
each to confirm (it stays) or to mask (withheld in this copy)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casecell.i18n import _, ngettext

KEPT = "background-color:#fff3b0"  # confirmed: stays in the copy
MASKED = "background-color:#333;color:#fff;text-decoration:line-through"


def highlighted(texts: Sequence[str], words: Sequence[str], masked: set[str]) -> str:
    """``texts`` as HTML (escaped: user text is never markup), ``words`` highlighted — struck
    out when in ``masked``."""
    if not words:
        return "<br><br>".join(html.escape(t).replace("\n", "<br>") for t in texts)
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
    by_fold = {w.casefold(): w for w in words}
    parts = []
    for text in texts:
        out, position = [], 0
        for m in pattern.finditer(text):
            word = by_fold.get(m.group().casefold(), m.group())
            style = MASKED if word in masked else KEPT
            out += [html.escape(text[position : m.start()]),
                    f'<span style="{style}">{html.escape(m.group())}</span>']  # fmt: skip
            position = m.end()
        out.append(html.escape(text[position:]))
        parts.append("".join(out).replace("\n", "<br>"))
    return "<br><br>".join(parts)


class ReviewDialog(QDialog):
    """``load(texts, words)``; once accepted, ``masked()`` and ``kept()`` say what was chosen.
    Every word starts masked: the coordinator unticks those that are not names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Words to confirm"))
        self.resize(820, 600)
        self.texts: tuple[str, ...] = ()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setAccessibleName(_("Text of the pseudonymised copy"))
        self.text.setOpenLinks(False)
        self.words = QListWidget()
        self.words.setAccessibleName(_("Words that may be names (ticked: masked)"))
        self.words.itemChanged.connect(lambda _item: self._render())
        mask_all = QPushButton(_("&Mask all"))
        mask_all.clicked.connect(lambda: self._set_all(Qt.CheckState.Checked))
        keep_all = QPushButton(_("&Confirm all"))
        keep_all.clicked.connect(lambda: self._set_all(Qt.CheckState.Unchecked))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Apply and &continue"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        side = QVBoxLayout()
        side.addWidget(QLabel(_("Ticked words are masked in this copy:")))
        side.addWidget(self.words, 1)
        side.addWidget(mask_all)
        side.addWidget(keep_all)
        body = QHBoxLayout()
        body.addWidget(self.text, 3)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

    def load(self, texts: Sequence[str], words: Sequence[str]) -> None:
        self.texts = tuple(texts)
        self.intro.setText(
            ngettext(
                "{n} word of this pseudonymised copy is neither a French word nor a name the "
                "cell knows: it may be the name of a relative, a nickname or a typo. Untick it "
                "if it is not a name; ticked, it is masked.",
                "{n} words of this pseudonymised copy are neither French words nor names the "
                "cell knows: they may be names of relatives, nicknames or typos. Untick those "
                "that are not names; ticked words are masked.",
                len(words),
            ).format(n=len(words))
        )
        self.words.blockSignals(True)
        self.words.clear()
        for word in words:
            item = QListWidgetItem(word)  # plain text: no markup in a list item
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.words.addItem(item)
        self.words.blockSignals(False)
        self._render()

    def _items(self) -> list[QListWidgetItem]:
        return [self.words.item(i) for i in range(self.words.count())]

    def _set_all(self, state: Qt.CheckState) -> None:
        self.words.blockSignals(True)
        for item in self._items():
            item.setCheckState(state)
        self.words.blockSignals(False)
        self._render()

    def set_masked(self, word: str, masked: bool) -> None:
        for item in self._items():
            if item.text() == word:
                item.setCheckState(Qt.CheckState.Checked if masked else Qt.CheckState.Unchecked)

    def masked(self) -> tuple[str, ...]:
        return tuple(i.text() for i in self._items() if i.checkState() == Qt.CheckState.Checked)

    def kept(self) -> tuple[str, ...]:
        return tuple(i.text() for i in self._items() if i.checkState() != Qt.CheckState.Checked)

    def _render(self) -> None:
        words = [i.text() for i in self._items()]
        self.text.setHtml(highlighted(self.texts, words, set(self.masked())))
