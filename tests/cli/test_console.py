"""Passphrases typed at a terminal: asked twice when new, never echoed, never in the output."""

from __future__ import annotations

import io
import threading

import pytest

from casecell.cli import Console
from casecell.errors import KnownError, ValidationError


def console(answers: list[str], interactive: bool = True) -> tuple[Console, list[str]]:
    prompts: list[str] = []

    def prompt(text: str) -> str:
        prompts.append(text)
        return answers.pop(0)

    out, err = io.StringIO(), io.StringIO()
    return Console(out, err, environ={}, prompt=prompt, interactive=interactive), prompts


def test_a_new_passphrase_is_asked_twice():
    con, prompts = console(["une phrase assez longue", "une phrase assez longue"])
    assert con.new_secret("CASECELL_NEW_PASSPHRASE") == "une phrase assez longue"
    assert len(prompts) == 2
    assert "une phrase" not in con.out.getvalue() + con.err.getvalue()


def test_two_different_entries_change_nothing():
    con, _ = console(["une phrase assez longue", "une autre phrase longue"])
    with pytest.raises(ValidationError, match="diffèrent"):
        con.new_secret("CASECELL_NEW_PASSPHRASE")


def test_the_environment_wins_over_the_prompt():
    con = Console(io.StringIO(), io.StringIO(), environ={"CASECELL_PASSPHRASE": "depuis env"})
    assert con.secret("CASECELL_PASSPHRASE", "?") == "depuis env"


def test_without_a_terminal_the_variable_is_named():
    con, _ = console([], interactive=False)
    with pytest.raises(KnownError, match="CASECELL_NEW_PASSPHRASE"):
        con.new_secret("CASECELL_NEW_PASSPHRASE")


@pytest.mark.parametrize(
    ("argv", "prepared"),
    [
        (["report", "--from", "01/01/2026", "--to", "30/06/2026", "-o", "r.pdf"], True),
        (["report", "--from", "01/01/2026", "--to", "30/06/2026", "--csv", "r.csv"], False),
        (["search", "x"], False),
    ],
)
def test_the_pdf_is_prepared_while_the_passphrase_is_typed(
    admin_ctx, boot, tmp_path, monkeypatch, argv, prepared
):
    """A command that prints a PDF imports ReportLab and reads its fonts in a thread while
    the prompt waits for the passphrase; the command then runs as usual."""
    from casecell import cli
    from casecell.cli import console as console_module
    from casecell.services import accounts
    from tests.conftest import ADMIN, ADMIN_PASS

    accounts.sign_out(admin_ctx)
    monkeypatch.chdir(tmp_path)
    typing = threading.Event()
    during_prompt: list[str] = []

    def prepare() -> None:
        if typing.wait(timeout=10):
            during_prompt.append(threading.current_thread().name)

    def prompt(text: str) -> str:
        typing.set()
        for thread in threading.enumerate():
            if thread.name == "casecell-pdf":
                thread.join(timeout=10)
        return ADMIN_PASS

    monkeypatch.setattr(console_module, "_prepare_pdf", prepare)
    con = Console(io.StringIO(), io.StringIO(), environ={}, prompt=prompt, interactive=True)
    args = cli.parse(["--user", ADMIN, *argv])
    assert cli.run_command(args, con, boot) == 0, con.err.getvalue()
    assert during_prompt == (["casecell-pdf"] if prepared else [])
