"""Passphrases typed at a terminal: asked twice when new, never echoed, never in the output."""

from __future__ import annotations

import io

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
