"""Every service that writes a document refuses a file of the vault before it reads or audits
anything: the window's save dialogs go through them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from casecell.errors import KnownError
from casecell.services import interchange, maintenance, meetings, minutes, reports


def test_every_writer_refuses_the_vault_and_audits_nothing(admin_ctx, tmp_path):
    paths = admin_ctx.vault.paths
    year = date(2025, 1, 1), date(2025, 12, 31)
    writers = {
        "export": lambda target: interchange.export_to(admin_ctx, target),
        "backup": lambda target: maintenance.backup(admin_ctx, target),
        "minutes": lambda target: minutes.write_minutes(admin_ctx, 1, target),
        "agenda": lambda target: meetings.write_agenda_pdf(admin_ctx, 1, target),
        "ics": lambda target: meetings.write_calendar(admin_ctx, 1, target),
        "report pdf": lambda target: reports.write_report(admin_ctx, *year, pdf=target),
        "report csv": lambda target: reports.write_report(
            admin_ctx, *year, tmp_path / "r.pdf", csv=target
        ),
    }
    entries = len(maintenance.audit_trail(admin_ctx, 10_000))
    keys = json.loads(paths.keys.read_text())["slots"]  # reads move the audit anchor only
    for name, write in writers.items():
        for target in (paths.vault, paths.keys, paths.companions()[0], paths.lock):
            with pytest.raises(KnownError, match="fichier du coffre"):
                write(target)
        assert len(maintenance.audit_trail(admin_ctx, 10_000)) == entries + 1, name
        entries += 1  # reading the trail is itself audited
    assert json.loads(paths.keys.read_text())["slots"] == keys
    assert not (tmp_path / "r.pdf").exists()
    assert admin_ctx.vault.integrity() == []
