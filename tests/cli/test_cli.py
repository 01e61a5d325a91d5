"""The CLI contract of DESIGN.md section 4: commands, messages, exit codes 0/1/2/3."""

from __future__ import annotations

import errno

import pytest

from tests.conftest import ADMIN, ADMIN_PASS, OTHER_PASS

INIT_ENV = {"CASECELL_NEW_PASSPHRASE": ADMIN_PASS}
AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}


@pytest.fixture
def initialised(cli):
    result = cli("init", "--user", ADMIN, "--name", "Alice Administratrice", **INIT_ENV)
    assert result.code == 0, result.err
    return cli


def test_help_is_in_french_and_lists_the_commands(cli):
    result = cli("--help")
    assert result.code == 0
    for word in ("init", "user", "passwd", "backup", "restore", "check", "coffre"):
        assert word in result.out


def test_english_on_request(cli):
    result = cli("--lang", "en", "check", "--user", ADMIN, CASECELL_PASSPHRASE="x" * 12)
    assert result.code == 1
    assert "No vault at" in result.err


def test_usage_errors_exit_2(cli):
    assert cli("frobnicate").code == 2
    assert cli("user", "add", "x.y").code == 2  # --role missing
    assert cli("check").code == 2  # no login given anywhere
    result = cli("backup", "--user", ADMIN)
    assert result.code == 2 and "-o" in result.err


def test_init_creates_the_vault_and_refuses_to_overwrite_it(initialised, vault_paths):
    assert initialised("check", **AUTH).code == 0
    before = vault_paths.vault.read_bytes()
    result = initialised("init", "--user", "autre.admin", CASECELL_NEW_PASSPHRASE=OTHER_PASS)
    assert result.code == 1
    assert "existe déjà" in result.err and "Traceback" not in result.err
    assert vault_paths.vault.read_bytes() == before


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [("", "vide"), ("trop court", "trop courte")],
)
def test_init_refuses_a_weak_passphrase_and_leaves_nothing(cli, vault_paths, passphrase, message):
    result = cli("init", "--user", ADMIN, CASECELL_NEW_PASSPHRASE=passphrase)
    assert result.code == 1
    assert message in result.err
    assert (
        sorted(p.name for p in vault_paths.folder.iterdir() if not p.name.endswith(".lock")) == []
    )


def test_init_in_a_missing_folder(cli, tmp_path):
    missing = tmp_path / "nulle-part" / "casecell.vault"
    result = cli("init", "--vault", str(missing), "--user", ADMIN, **INIT_ENV)
    assert result.code == 1
    assert "n’existe pas" in result.err
    assert not missing.parent.exists()


def test_init_in_a_read_only_folder(cli, vault_paths, monkeypatch):
    # Tests may run as root, for whom chmod does not forbid writing: simulate the refusal
    # where the vault first writes (its lock file).
    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("filelock.FileLock.acquire", refuse)
    result = cli("init", "--user", ADMIN, **INIT_ENV)
    assert result.code == 1
    assert "droits insuffisants ou support en lecture seule" in result.err
    assert list(vault_paths.folder.iterdir()) == []


def test_wrong_passphrase_exits_3_without_traceback(initialised):
    result = initialised("check", "--user", ADMIN, CASECELL_PASSPHRASE="pas la bonne phrase")
    assert result.code == 3
    assert result.err.strip() == "casecell: Phrase de passe incorrecte."


def test_unknown_user_exits_3(initialised):
    result = initialised("check", "--user", "inconnu", CASECELL_PASSPHRASE=ADMIN_PASS)
    assert result.code == 3
    assert "inconnu" in result.err and "Traceback" not in result.err


def test_no_passphrase_and_no_terminal(initialised):
    result = initialised("check", "--user", ADMIN)
    assert result.code == 1
    assert "CASECELL_PASSPHRASE" in result.err


def test_check_on_a_healthy_vault(initialised):
    result = initialised("check", **AUTH)
    assert result.code == 0, result.err
    assert "Intégrité : correcte" in result.out
    assert "chaîne intacte" in result.out


def test_user_add_list_disable(initialised):
    added = initialised(
        "user",
        "add",
        "b.martin",
        "--role",
        "coordinator",
        "--name",
        "Bruno <Martin> & Cie",
        CASECELL_NEW_PASSPHRASE=OTHER_PASS,
        **AUTH,
    )
    assert added.code == 0, added.err
    assert "coordinateur" in added.out
    listed = initialised("user", "list", **AUTH)
    assert "b.martin\tcoordinateur\tactif\tBruno <Martin> & Cie" in listed.out
    bad_role = initialised("user", "add", "c.x", "--role", "chef", **AUTH)
    assert bad_role.code == 1 and "Rôle inconnu" in bad_role.err
    assert initialised("user", "disable", "b.martin", **AUTH).code == 0
    refused = initialised("check", "--user", "b.martin", CASECELL_PASSPHRASE=OTHER_PASS)
    assert refused.code == 3


def test_passwd(initialised):
    short = initialised("passwd", CASECELL_NEW_PASSPHRASE="court", **AUTH)
    assert short.code == 1 and "trop courte" in short.err
    changed = initialised("passwd", CASECELL_NEW_PASSPHRASE=OTHER_PASS, **AUTH)
    assert changed.code == 0, changed.err
    assert initialised("check", **AUTH).code == 3
    assert initialised("check", "--user", ADMIN, CASECELL_PASSPHRASE=OTHER_PASS).code == 0


def test_backup_and_restore(initialised, tmp_path):
    target = tmp_path / "copie.zip"
    result = initialised("backup", "-o", str(target), **AUTH)
    assert result.code == 0, result.err
    assert target.exists() and "Sauvegarde écrite" in result.out
    restored = initialised("restore", str(target), **AUTH)
    assert restored.code == 0, restored.err
    assert "Coffre restauré" in restored.out and "conservés" in restored.out
    assert initialised("check", **AUTH).code == 0


def test_restore_of_a_missing_file(initialised, tmp_path):
    result = initialised("restore", str(tmp_path / "absent.zip"), **AUTH)
    assert result.code == 1 and "n’existe pas" in result.err


def test_audit_lists_logins_and_failures(initialised):
    initialised("check", "--user", ADMIN, CASECELL_PASSPHRASE="pas la bonne phrase")
    result = initialised("audit", **AUTH)
    assert result.code == 0
    actions = [line.split("\t")[3] for line in result.out.splitlines()]
    assert actions[:2] == ["connexion", "échec de connexion"]


def test_a_bug_is_reported_as_unexpected_with_a_log(initialised, monkeypatch, isolated_home):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("casecell.services.maintenance.check", boom)
    result = initialised("check", **AUTH)
    assert result.code == 70
    assert "erreur inattendue" in result.err and "Traceback" not in result.err
    logs = list(isolated_home.rglob("casecell.log"))
    assert logs and "ZeroDivisionError" in logs[0].read_text()
    assert ADMIN_PASS not in logs[0].read_text()


def test_init_on_the_default_location_creates_the_data_folder(monkeypatch, isolated_home):
    monkeypatch.delenv("CASECELL_VAULT", raising=False)
    from casecell import app

    monkeypatch.setenv("CASECELL_NEW_PASSPHRASE", ADMIN_PASS)
    assert app.main(["init", "--user", ADMIN]) == 0
    assert list(isolated_home.rglob("casecell.vault"))


def test_export_search_import_through_the_cli(initialised, tmp_path, vault_paths):
    from casecell.bootstrap import Bootstrap
    from tests.services.test_interchange import fill

    ctx = Bootstrap(vault_paths).sign_in(ADMIN, ADMIN_PASS)
    fill(ctx)
    from casecell.services import accounts

    accounts.sign_out(ctx)
    exported = initialised("export", "-o", str(tmp_path / "registre.json"), **AUTH)
    assert exported.code == 0, exported.err
    assert "données nominatives en clair" in exported.err
    found = initialised("search", "Łukasiewicz", **AUTH)
    assert found.code == 0 and found.out.split()  # first name of one, last name of another
    none = initialised("search", "introuvable", **AUTH)
    assert none.code == 0 and none.out == "" and "Aucune situation" in none.err

    other = tmp_path / "autre" / "casecell.vault"
    other.parent.mkdir()
    init_other = initialised("init", "--vault", str(other), "--user", ADMIN, **INIT_ENV)
    assert init_other.code == 0
    truncated = tmp_path / "tronque.json"
    truncated.write_bytes((tmp_path / "registre.json").read_bytes()[:1000])
    bad = initialised("import", "--vault", str(other), str(truncated), **AUTH)
    assert bad.code == 1 and "tronqué" in bad.err and "Traceback" not in bad.err
    good = initialised("import", "--vault", str(other), str(tmp_path / "registre.json"), **AUTH)
    assert good.code == 0, good.err
    assert "Importé" in good.out
    again = initialised("search", "--vault", str(other), "Łukasiewicz", **AUTH)
    assert again.out == found.out


def test_partner_directory_import_dry_run_then_apply(initialised, tmp_path):
    source = tmp_path / "annuaire.csv"
    source.write_text(
        "Structure;Type;Nom du contact\nCAF du Nord;CAF;Inès Benali\nCMP Ouest;CMP;\n",
        encoding="utf-8-sig",
    )
    dry = initialised("partners", "import", str(source), "--dry-run", **AUTH)
    assert dry.code == 0, dry.err
    assert "Simulation" in dry.out and "organisations créées : 2" in dry.out
    assert initialised("partners", "list", **AUTH).out == ""
    done = initialised("partners", "import", str(source), **AUTH)
    assert done.code == 0 and "Importé" in done.out
    listed = initialised("partners", "list", **AUTH).out
    assert "CAF du Nord\tCaisse d’allocations familiales (CAF)" in listed
    bad = tmp_path / "mauvais.csv"
    bad.write_text("Structure;Type\nX;inconnu\n", encoding="utf-8")
    refused = initialised("partners", "import", str(bad), **AUTH)
    assert refused.code == 1 and "ligne 2" in refused.err


@pytest.fixture
def good_export(initialised, tmp_path, vault_paths):
    from casecell.bootstrap import Bootstrap
    from casecell.services import accounts, interchange
    from tests.services.test_interchange import fill

    ctx = Bootstrap(vault_paths).sign_in(ADMIN, ADMIN_PASS)
    try:
        fill(ctx)
        return interchange.export_data(ctx)
    finally:
        accounts.sign_out(ctx)


@pytest.mark.parametrize(
    "name",
    [
        "truncated", "wrong-format", "wrong-version", "unknown-enum", "dangling",
        "duplicate-id", "duplicate-reference", "impossible-date",
    ],
)  # fmt: skip
def test_every_bad_import_exits_1_in_french_and_changes_nothing(
    initialised, good_export, tmp_path, name
):
    from tests.services.test_interchange import BAD_FILES

    other = tmp_path / "vide" / "casecell.vault"
    other.parent.mkdir()
    assert initialised("init", "--vault", str(other), "--user", ADMIN, **INIT_ENV).code == 0
    before = initialised(
        "export", "--vault", str(other), "-o", str(tmp_path / "avant.json"), **AUTH
    )
    assert before.code == 0
    make, message = BAD_FILES[name]
    bad = tmp_path / f"{name}.json"
    bad.write_bytes(make(good_export))
    result = initialised("import", "--vault", str(other), str(bad), **AUTH)
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err
    assert initialised("search", "--vault", str(other), "a", **AUTH).out == ""
    after = initialised("export", "--vault", str(other), "-o", str(tmp_path / "apres.json"), **AUTH)
    assert after.code == 0 and "0 situations" in after.out


def test_the_idle_lock_setting(initialised):
    shown = initialised("settings", **AUTH)
    assert shown.code == 0 and "10 min" in shown.out
    assert "5 min" in initialised("settings", "--idle-lock", "5", **AUTH).out
    refused = initialised("settings", "--idle-lock", "0", **AUTH)
    assert refused.code == 1 and "entre 1 et 120" in refused.err


def test_settings_are_all_saved_or_none(initialised):
    refused = initialised(
        "settings", "--cell-name", "Cellule de Villebourg", "--idle-lock", "5",
        "--organiser-email", "cellule@@villebourg", **AUTH,
    )  # fmt: skip
    assert refused.code == 1 and "Adresse électronique invalide" in refused.err
    shown = initialised("settings", **AUTH).out
    assert "Villebourg" not in shown and "10 min" in shown


def test_retention_from_the_command_line(initialised):
    assert initialised("demo", "--help").code == 0
    settings = initialised(
        "settings", "--retention-months", "18", "--declined-retention-months", "6", **AUTH
    )
    assert settings.code == 0, settings.err
    assert "18 mois après le dernier contact, 6 pour une saisine refusée" in settings.out
    absurd = initialised("settings", "--audit-retention-months", "36", **AUTH)
    assert absurd.code == 1 and "entre 6 et 12 mois" in absurd.err
    dry = initialised("retention", "--dry-run", **AUTH)
    assert dry.code == 0, dry.err
    assert "0 situation à anonymiser." in dry.out
    applied = initialised("retention", "--apply", **AUTH)
    assert applied.code == 0 and "0 situation anonymisée." in applied.out
    both = initialised("retention", "--dry-run", "--apply", **AUTH)
    assert both.code == 2
