"""What a PDF reader and a screen reader see before the first line (issue 14): the language
(/Lang fr-FR), a title naming the document, its meeting's date and its variant, shown in the
window's title bar instead of the file name (ViewerPreferences /DisplayDocTitle)."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from casecell.domain.minutes import Variant
from casecell.services import meetings, minutes, reports
from casecell.services.meetings import MeetingInput
from tests.services.test_cases import draft, orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import PLACE, cell  # noqa: F401  (fixture)


def described(data: bytes) -> tuple[str, str, bool]:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    shown = bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    return str(root["/Lang"]), reader.metadata.title, shown


def test_minutes_and_agenda_name_the_meeting_date_and_the_variant(admin_ctx, cell, tmp_path):  # noqa: F811
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("03/03/2026 14:00", 120, PLACE))
    _view, nominative = minutes.render_minutes(admin_ctx, meeting.id)
    assert described(nominative) == (
        "fr-FR",
        "Compte rendu — réunion du 3 mars 2026 — version nominative",
        True,
    )
    _view, pseudonymised = minutes.render_minutes(admin_ctx, meeting.id, Variant.PSEUDONYMISED)
    assert described(pseudonymised)[1] == (
        "Compte rendu — réunion du 3 mars 2026 — version pseudonymisée"
    )
    agenda = tmp_path / "odj.pdf"
    meetings.write_agenda_pdf(admin_ctx, meeting.id, agenda)
    assert described(agenda.read_bytes()) == (
        "fr-FR",
        "Ordre du jour — réunion du 3 mars 2026",
        True,
    )


def test_the_report_names_its_period_and_whether_it_may_leave_the_cell(admin_ctx, tmp_path):
    inside, outside = tmp_path / "interne.pdf", tmp_path / "diffusable.pdf"
    reports.write_report(admin_ctx, date(2026, 1, 1), date(2026, 12, 31), inside)
    reports.write_report(admin_ctx, date(2026, 1, 1), date(2026, 12, 31), outside, external=True)
    lang, title, shown = described(inside.read_bytes())
    assert lang == "fr-FR" and shown
    assert title.startswith("Rapport d’activité — ") and title.endswith(" — version interne")
    assert described(outside.read_bytes())[1].endswith(" — version diffusable")
