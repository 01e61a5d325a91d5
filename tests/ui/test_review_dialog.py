"""The review step in the minutes window: before a pseudonymised copy is saved, the words
that may still be names are shown in the copy's text (escaped, highlighted); the coordinator
confirms some and masks the rest, and only then is the file written."""

from __future__ import annotations

from casecell.domain.minutes import Variant
from casecell.services import partners
from casecell.ui.dialogs.minutes import MinutesDialog
from casecell.ui.dialogs.review import ReviewDialog, highlighted
from tests.services.test_cases import orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import cell  # noqa: F401  (fixture)
from tests.services.test_minutes import pdf_text
from tests.services.test_pseudonymisation import CORPUS, hidden, survivors  # noqa: F401


def test_highlighted_text_is_escaped():
    page = highlighted(["<b>Zorglub</b> & Zorglub\nfin"], ["Zorglub"], {"Zorglub"})
    assert page.startswith("&lt;b&gt;<span") and "&amp;" in page and "<br>fin" in page
    assert page.count("line-through") == 2
    assert highlighted(["a < b"], [], set()) == "a &lt; b"


def test_nothing_is_saved_before_each_word_is_confirmed_or_masked(
    admin_ctx,
    hidden,  # noqa: F811
    qtbot,
    tmp_path,
):
    dialog = MinutesDialog()
    qtbot.addWidget(dialog)
    dialog.variant.setCurrentIndex(dialog.variant.findData(Variant.PSEUDONYMISED.value))
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.load(admin_ctx, hidden.id, partners.list_organisations(admin_ctx))
    target = tmp_path / "cr.pdf"
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.save(str(target))
    review: ReviewDialog = dialog.review
    assert review.isVisible() and not target.exists()  # nothing left yet
    words = [review.words.item(i).text() for i in range(review.words.count())]
    assert set(CORPUS["review"]) <= set(words) and review.masked() == tuple(words)
    assert "Bérangère" in review.text.toPlainText() and "<span" not in review.text.toPlainText()

    review.set_masked("Ysa", False)  # not a name, says the coordinator: it stays
    assert review.kept() == ("Ysa",)
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        review.ok.click()
    assert not review.isVisible() and target.exists()
    text = pdf_text(str(target))
    assert survivors(text) == ["Ysa"]  # the one word confirmed, nothing else
    assert "enregistré" in dialog.error.text().lower()

    # The same copy again: every word was decided, so it is written at once.
    target.unlink()
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.save(str(target))
    assert not review.isVisible() and target.exists()
    dialog.close()


def test_cancelling_the_review_writes_nothing(admin_ctx, hidden, qtbot, tmp_path):  # noqa: F811
    dialog = MinutesDialog()
    qtbot.addWidget(dialog)
    dialog.variant.setCurrentIndex(dialog.variant.findData(Variant.PSEUDONYMISED.value))
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.load(admin_ctx, hidden.id, partners.list_organisations(admin_ctx))
    with qtbot.waitSignal(dialog.shown, timeout=20_000):
        dialog.save(str(tmp_path / "cr.pdf"))
    dialog.review.reject()
    assert not (tmp_path / "cr.pdf").exists() and dialog.masked == ()
    dialog.close()
