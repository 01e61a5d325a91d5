"""Issue 14: nothing ends in « erreur inattendue ».

Exit code 70 is always a bug. Every hostile or absurd input below ends with exit 1, 2 or 3
(130 for Ctrl+D, 141 when the reader of the output goes away), one French sentence, no
traceback, and leaves the vault as it was.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from casecell.errors import EXIT_BROKEN_PIPE, EXIT_BUG, EXIT_INTERRUPTED
from casecell.services import accounts, demo
from tests.conftest import ADMIN, ADMIN_PASS, subprocess_env

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}
ROOT = Path(__file__).resolve().parents[2]


def clean_failure(result, code: int, *words: str) -> None:
    """A refusal the user can read: the expected code, French words, no traceback."""
    assert result.code == code, (result.code, result.err)
    assert result.code != EXIT_BUG
    assert "Traceback" not in result.err and "inattendue" not in result.err
    for word in words:
        assert word in result.err, result.err


@pytest.fixture
def signed(admin_ctx, cli):
    """The CLI on a vault that exists, its administrator's credentials in the environment."""
    accounts.sign_out(admin_ctx)

    def run(*args: str, **env: str):
        return cli(*args, **{**AUTH, **env})

    return run


# --- dates and numbers: refused when the command line is read --------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("meetings", "list", "--from", "0001-01-01"),
        ("meetings", "list", "--to", "9999-12-31"),
        ("meetings", "list", "--to", "31/12/2101"),
        ("report", "--from", "0001-01-01", "--to", "2026-12-31", "-o", "r.pdf"),
        ("demo", "--as-of", "0001-01-01"),
        ("case", "oppose", "REF", "--reason", "r", "--on", "1899-12-31"),
        ("case", "relative-add", "REF", "--relation", "parent", "--birth", "1066"),
    ],
)
def test_dates_outside_1900_2100_are_refused_as_typed(cli, args):
    clean_failure(cli(*args), 2, "date hors de 1900–2100")


def test_a_meeting_in_the_year_9999_is_refused(signed):
    result = signed(
        "meetings", "plan", "--start", "01/12/9999 14:00", "--place", "Mairie",
        "--repeat", "FREQ=MONTHLY", "--count", "3",
    )  # fmt: skip
    clean_failure(result, 1, "date hors de 1900–2100")
    assert signed("meetings", "list").out == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("meetings", "propose", "99999999999999999999"), "trop grand"),
        (("ics", "99999999999999999999", "-o", "x.ics"), "trop grand"),
        (("minutes", "1", "--version", "99999999999999999999"), "trop grand"),
        (("case", "relative-remove", "R", "--person", "-1"), "au moins 1"),
        (("case", "list", "--limit", "99999999999999999999"), "entre 1 et 1000000"),
        (("search", "x", "--limit", "-5"), "entre 1 et 1000000"),
        (("audit", "--limit", "0"), "entre 1 et 1000000"),
        (("meetings", "plan", "--start", "01/12/2027 14:00", "--count", "0"), "entre 1 et 520"),
        (("meetings", "plan", "--start", "01/12/2027 14:00", "--count", "100000"), "et 520"),
        (("settings", "--idle-lock", "1" + "0" * 30), "trop grand"),
        (("meetings", "propose", "douze"), "pas un nombre entier"),
    ],
)
def test_numbers_beyond_what_the_vault_holds_are_refused(cli, args, words):
    clean_failure(cli(*args), 2, words)


def test_an_empty_output_file_name(cli):
    clean_failure(cli("export", "-o", ""), 2, "aucun nom de fichier")


# --- the terminal ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["login", "passphrase"])
def test_ctrl_d_at_a_prompt_stops_cleanly(admin_ctx, capsys, monkeypatch, where):
    from casecell import app, cli

    accounts.sign_out(admin_ctx)

    def eof(prompt: str) -> str:
        raise EOFError

    monkeypatch.setenv("CASECELL_VAULT", str(admin_ctx.vault.paths.vault))
    if where == "passphrase":
        monkeypatch.setenv("CASECELL_USER", ADMIN)
    monkeypatch.setattr("builtins.input", eof)
    console = cli.Console(prompt=eof, interactive=True)
    code = app.run(cli.parse(["check"]), console)
    err = capsys.readouterr().err
    assert code == EXIT_INTERRUPTED
    assert "Saisie interrompue" in err and "Traceback" not in err


@pytest.fixture
def env_with_data(admin_ctx, vault_paths):
    """A vault with partners, situations and audit entries, for a real process to read."""
    demo.fill(admin_ctx, 3, 1, date(2026, 11, 2))
    accounts.sign_out(admin_ctx)
    return subprocess_env(vault_paths, PYTHONPATH=str(ROOT), **AUTH)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("search", "a"), ("audit",), ("partners", "list"), ("case", "list")],
    ids=" ".join,
)
def test_a_reader_that_goes_away_ends_quietly(env_with_data, args):
    """``casecell search x | head -1``: the pipe is closed before casecell writes."""
    child = subprocess.Popen(
        [sys.executable, "-m", "casecell", *args],
        env=env_with_data,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    child.stdout.close()  # the reader is gone before a line is written
    _, err = child.communicate(timeout=120)
    assert child.returncode == EXIT_BROKEN_PIPE, err
    assert err == ""
