"""Issue 14: nothing ends in « erreur inattendue ».

Exit code 70 is always a bug. Every hostile or absurd input below ends with exit 1, 2 or 3
(130 for Ctrl+D, 141 when the reader of the output goes away), one French sentence, no
traceback, and leaves the vault as it was.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from casecell.bootstrap import Bootstrap
from casecell.errors import EXIT_BROKEN_PIPE, EXIT_BUG, EXIT_INTERRUPTED
from casecell.paths import VaultPaths
from casecell.services import accounts, demo, interchange
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, subprocess_env

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


def test_ctrl_c_inside_sqlite_stops_cleanly(admin_ctx, capsys, monkeypatch):
    """Ctrl+C while SQLite works reaches us as SQLite's own error, raised while handling
    the interruption: it is an interruption (130), not a bug."""
    import sqlite3

    from casecell import app, cli
    from casecell.services import cases

    accounts.sign_out(admin_ctx)

    def interrupted(*_args: object, **_kwargs: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise sqlite3.OperationalError("interrupted") from None

    monkeypatch.setattr(cases, "search_rows", interrupted)
    monkeypatch.setattr(cases, "search", interrupted)
    monkeypatch.setenv("CASECELL_VAULT", str(admin_ctx.vault.paths.vault))
    console = cli.Console(environ=dict(AUTH), interactive=False)
    code = app.run(cli.parse(["search", "martin"]), console)
    err = capsys.readouterr().err
    assert code == EXIT_INTERRUPTED
    assert "Interrompu" in err and "inattendue" not in err


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


def test_a_closed_standard_output_is_said_so(env_with_data, vault_paths):
    """``casecell backup -o F >&-``: the answer could not be shown, so nothing is done."""
    target = vault_paths.folder.parent / "sauvegarde.zip"
    child = subprocess.run(
        [sys.executable, "-m", "casecell", "backup", "-o", str(target)],
        env=env_with_data,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(1),  # the child starts with its standard output closed
        check=False,
    )
    assert child.returncode == 1, child.stderr
    assert "sortie standard est fermée" in child.stderr and "Traceback" not in child.stderr
    assert not target.exists()


# --- a hostile JSON import: refused with the path of the bad field, nothing imported ---------


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> dict[str, Any]:
    """A sound export of a small fictitious register, made once for the module."""
    folder = tmp_path_factory.mktemp("source")
    ctx = Bootstrap(VaultPaths(folder / "casecell.vault"), kdf=FAST_KDF).init(
        ADMIN, "Alice", ADMIN_PASS
    )
    try:
        demo.fill(ctx, 4, 1, date(2026, 11, 2))
        data = interchange.export_data(ctx)
    finally:
        ctx.vault.close()
    assert data["meetings"] and data["cases"] and data["persons"]
    return data


def _minutes(opened_at: str, content: Any = None) -> list[dict[str, Any]]:
    return [{"version": 1, "status": "draft", "opened_at": opened_at, "content": content}]


def _deep(levels: int) -> Any:
    return json.loads('{"a":' * levels + "1" + "}" * levels)


# (what, change to the export or the raw text, JSON path named, words of the message)
HOSTILE: list[tuple[str, Callable[[dict[str, Any]], Any], str, str]] = [
    ("5,000 levels", lambda d: '{"x":' + "[" * 5000 + "]" * 5000 + "}", "", "trop profondément"),
    (
        "lone surrogate",
        lambda d: d["persons"][0].update(first_name="\ud800"),
        "$.persons[0].first_name",
        "U+D800",
    ),
    (
        "id 2^63",
        lambda d: d["organisations"][0].update(id=2**63),
        "$.organisations[0].id",
        "9223372036854775807",
    ),
    (
        "year 9999 west of UTC",
        lambda d: d["meetings"][0].update(starts_at="9999-12-31T23:59-12:00"),
        "$.meetings[0].starts_at",
        "entre 1900 et 2100",
    ),
    (
        "reference of 40 digits",
        lambda d: d["cases"][0].update(reference="2026-" + "9" * 40),
        "$.cases[0].reference",
        "3 à 9 chiffres",
    ),
    (
        "minutes opened at garbage",
        lambda d: d["meetings"][0].update(minutes=_minutes("garbage")),
        "$.meetings[0].minutes[0].opened_at",
        "fuseau",
    ),
    (
        "minutes opened in month 13",
        lambda d: d["meetings"][0].update(minutes=_minutes("2026-13-45T10:00:00+00:00")),
        "$.meetings[0].minutes[0].opened_at",
        "fuseau",
    ),
    (
        "frozen minutes of another shape",
        lambda d: d["meetings"][0].update(
            minutes=_minutes("2026-01-05T10:00:00+00:00", _deep(900))
        ),
        "$.meetings[0].minutes[0].content",
        "forme",
    ),
    (
        "referred on 0001-01-01",
        lambda d: d["cases"][0].update(referred_on="0001-01-01"),
        "$.cases[0].referred_on",
        "entre 1900 et 2100",
    ),
    (
        "right-to-left override in a name",
        lambda d: d["persons"][0].update(last_name="Dupont\u202etnopuD"),
        "$.persons[0].last_name",
        "U+202E",
    ),
    (
        "right-to-left isolate written out in UTF-8",
        lambda d: json.dumps(
            {**d, "contacts": [{**d["contacts"][0], "name": "A\u2067B"}, *d["contacts"][1:]]},
            ensure_ascii=False,
        ),
        "$.contacts[0].name",
        "U+2067",
    ),
    (
        "NUL in a summary",
        lambda d: d["cases"][0].update(summary="ok\x00"),
        "$.cases[0].summary",
        "U+0000",
    ),
    (
        "position beyond 64 bits",
        lambda d: d["meetings"][0]["items"].append(
            {"case_id": d["cases"][0]["id"], "position": 2**64, "purpose": "follow_up"}
        ),
        "$.meetings[0].items[",
        "sort des limites",
    ),
]


@pytest.mark.parametrize(("what", "change", "path", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_import_is_refused_with_the_field_and_imports_nothing(
    signed, export, tmp_path, what, change, path, words
):
    data = copy.deepcopy(export)
    raw = change(data)
    text = raw if isinstance(raw, str) else json.dumps(data)  # \ud800 written as an escape
    source = tmp_path / "hostile.json"
    source.write_text(text, encoding="utf-8")
    clean_failure(signed("import", str(source)), 1, path, words)
    assert signed("partners", "list").out == ""  # all or nothing: nothing


def test_the_sound_export_itself_imports(signed, export, tmp_path):
    """The control for the test above: only the change made it fail."""
    source = tmp_path / "sound.json"
    source.write_text(json.dumps(export), encoding="utf-8")
    result = signed("import", str(source))
    assert result.code == 0, result.err
    assert signed("partners", "list").out != ""


# --- files that never end, or are too large --------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("import",), ("partners", "import"), ("restore",)],
    ids=" ".join,
)
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_device_or_a_pipe_is_not_read(signed, tmp_path, args, special):
    if special == "fifo":
        special = str(tmp_path / "tube")
        os.mkfifo(special)
    clean_failure(signed(*args, special), 1, "pas un fichier ordinaire")


def test_a_file_over_the_limit_is_not_read(signed, tmp_path, monkeypatch):
    monkeypatch.setattr("casecell.fileio.MAX_INPUT", 1000)
    monkeypatch.setattr("casecell.documents.directory_csv.MAX_BYTES", 1000)
    big = tmp_path / "gros.json"
    big.write_bytes(b" " * 5000)
    clean_failure(signed("import", str(big)), 1, "trop volumineux")
    directory = tmp_path / "annuaire.csv"
    directory.write_bytes(b"Organisation;Type\n" + b"x;ccas\n" * 1000)
    clean_failure(signed("partners", "import", str(directory)), 1, "trop volumineux")


def test_a_csv_cell_over_the_csv_module_limit(signed, tmp_path):
    directory = tmp_path / "annuaire.csv"
    directory.write_text("Organisation;Type\nCCAS;ccas\nX;" + "a" * 140_000 + "\n", "utf-8")
    clean_failure(signed("partners", "import", str(directory)), 1, "ligne 3", "trop longue")
    assert signed("partners", "list").out == ""


# --- one rule for every text typed ----------------------------------------------------------


UNSAFE = [("Du\x00pont", "U+0000"), ("Dupont\u202etnopuD", "U+202E"), ("A\u2066B", "U+2066")]


@pytest.mark.parametrize(("text", "code"), UNSAFE)
def test_control_and_bidi_characters_are_refused_by_the_services(admin_ctx, text, code):
    from casecell.errors import ValidationError
    from casecell.services import settings

    with pytest.raises(ValidationError, match=code.replace("+", r"\+")) as refused:
        settings.set_cell_name(admin_ctx, text)
    assert "caractère de contrôle invisible" in str(refused.value)
    assert settings.cell_name(admin_ctx) != text


@pytest.mark.parametrize(
    ("text", "code"), [*UNSAFE, ("\udcff", "U+DCFF")]
)  # the last: a byte that is not UTF-8, as Python hands it over
def test_control_bidi_and_non_utf8_arguments_are_refused_by_the_parser(signed, text, code):
    result = signed("settings", "--cell-name", text)
    clean_failure(result, 2, "l’argument 3", code)


def test_a_passphrase_variable_that_is_not_utf8(signed):
    result = signed("check", CASECELL_PASSPHRASE="\udcff")
    clean_failure(result, 1, "CASECELL_PASSPHRASE", "UTF-8")


def test_a_closed_standard_input_is_not_a_terminal(signed, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)  # what Python gives for ``casecell check <&-``
    result = signed("check", CASECELL_USER="", CASECELL_PASSPHRASE="")
    clean_failure(result, 2, "--user")


def test_what_users_really_type_is_kept(signed):
    """Tricky but legitimate: joiners in emoji, Arabic, combining accents, a tab."""
    for text in ("Maison 🏠 famille 👨‍👩‍👧", "مريم بن علي", "été", "N° 42\tbis"):
        assert signed("settings", "--cell-name", text).code == 0


# --- read-only files and folders -------------------------------------------------------------

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _refuse_under(folder: Path, monkeypatch, error: int = errno.EROFS) -> None:
    """Python's own file calls fail under ``folder`` as on a read-only medium (root ignores
    permission bits, so chmod cannot show this when the tests run as root)."""
    real_open, real_unlink = os.open, Path.unlink

    def fake_open(path, *args, **kwargs):
        if str(path).startswith(str(folder)):
            raise OSError(error, os.strerror(error), str(path))
        return real_open(path, *args, **kwargs)

    def fake_unlink(self, *args, **kwargs):
        if str(self).startswith(str(folder)):
            raise OSError(error, os.strerror(error), str(self))
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(Path, "unlink", fake_unlink)


@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES])
@pytest.mark.parametrize(
    ("command", "name"),
    [(("backup",), "sauvegarde.zip"), (("export",), "registre.json"), (("aipd",), "aipd.pdf")],
)
def test_writing_into_a_read_only_folder(signed, tmp_path, monkeypatch, error, command, name):
    folder = tmp_path / "cle-usb"
    folder.mkdir()
    with monkeypatch.context() as m:
        _refuse_under(folder, m, error)
        result = signed(*command, "-o", str(folder / name))
    clean_failure(result, 1, "Impossible d’écrire", name)
    assert list(folder.iterdir()) == []


def test_a_vault_name_too_long_for_the_file_system(cli, tmp_path):
    result = cli("check", "--vault", str(tmp_path / ("a" * 300)), CASECELL_USER=ADMIN)
    clean_failure(result, 1, "Impossible d’accéder")


@pytest.mark.parametrize(
    "sqlite_says", ["unable to open database file", "attempt to write a readonly database"]
)
def test_a_vault_sqlite_cannot_write_is_read_only_not_damaged(signed, monkeypatch, sqlite_says):
    import sqlcipher3
    from sqlalchemy.exc import OperationalError

    def refuse(self, path=None):
        raise OperationalError("SELECT 1", {}, sqlcipher3.OperationalError(sqlite_says))

    monkeypatch.setattr("casecell.storage.vault.Vault._readable", refuse)
    result = signed("check")
    clean_failure(result, 1, "lecture seule")
    assert "endommagé" not in result.err


def test_an_unreadable_key_file_is_said_so(signed, vault_paths, monkeypatch):
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if Path(path) == vault_paths.keys:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = signed("check")
    clean_failure(result, 1, "Impossible de lire", "accès refusé")
    assert "endommagé" not in result.err


@pytest.mark.skipif(IS_ROOT, reason="root ignores permission bits: simulated above instead")
@pytest.mark.parametrize("what", ["folder", "vault file", "backup folder"])
def test_real_read_only_rights(signed, vault_paths, tmp_path, what):
    target = {
        "folder": vault_paths.folder,
        "vault file": vault_paths.vault,
        "backup folder": tmp_path / "sauvegardes",
    }[what]
    if what == "backup folder":
        target.mkdir()
    before = vault_paths.vault.read_bytes()
    mode = target.stat().st_mode
    target.chmod(0o500 if target.is_dir() else 0o400)
    try:
        args = ("backup", "-o", str(target / "b.zip")) if what == "backup folder" else ("check",)
        result = signed(*args)
    finally:
        target.chmod(mode)
    if what == "vault file" and result.code == 0:
        return  # reading needs no write: a check of a read-only vault file may succeed
    clean_failure(result, 1)
    assert "endommagé" not in result.err
    assert vault_paths.vault.read_bytes() == before


@pytest.mark.parametrize("where", ["/dev/null", "folder", "random bytes"])
def test_a_vault_that_is_not_one(cli, tmp_path, admin_ctx, where):
    accounts.sign_out(admin_ctx)
    if where == "folder":
        where = str(tmp_path / "vide")
        os.mkdir(where)
    elif where == "random bytes":
        where = str(tmp_path / "hasard.vault")
        Path(where).write_bytes(os.urandom(64 * 1024))
        Path(where).with_suffix(".keys").write_bytes(admin_ctx.vault.paths.keys.read_bytes())
    clean_failure(cli("check", "--vault", where, **AUTH), 1)
