"""Finding persons by name or pseudonym, as a coordinator does before recording a referral."""

from __future__ import annotations

import pytest

from casecell.domain.users import Role
from casecell.errors import PermissionDenied
from casecell.services import accounts, cases, maintenance, persons
from casecell.services.cases import PersonInput
from tests.conftest import FAST_KDF, OTHER_PASS, tricky_strings
from tests.services.test_cases import AGREED, draft, orgs  # noqa: F401  (fixture)


def refer(ctx, orgs, first, last):  # noqa: F811
    return cases.register_referral(ctx, PersonInput(first, last), draft(orgs), AGREED)


def test_found_by_folded_name_or_pseudonym_with_their_situations(admin_ctx, orgs):  # noqa: F811
    one = refer(admin_ctx, orgs, "Élodie", "Lefèvre")
    two = refer(admin_ctx, orgs, "Marc", "Dubois")
    refer(admin_ctx, orgs, "Zoé", "Zénith")

    rows, total = persons.find_persons(admin_ctx, "LEFEVRE")
    assert total == 1 and [r.last_name for r in rows] == ["Lefèvre"]
    assert rows[0].cases == ((one.id, one.reference, "received"),)

    rows, total = persons.find_persons(admin_ctx, two.person.pseudonym.lower())
    assert [r.first_name for r in rows] == ["Marc"]

    rows, total = persons.find_persons(admin_ctx, "")
    assert total == 3
    assert [r.last_name for r in rows] == ["Zénith", "Dubois", "Lefèvre"]  # latest first

    rows, total = persons.find_persons(admin_ctx, "", limit=2)
    assert (len(rows), total) == (2, 3)

    refer(admin_ctx, orgs, "Émile", "Duval")
    rows, total = persons.find_persons(admin_ctx, "du")  # each word a prefix; sorted by name
    assert [r.last_name for r in rows] == ["Dubois", "Duval"] and total == 2
    rows, _total = persons.find_persons(admin_ctx, "emile duv")
    assert [r.first_name for r in rows] == ["Émile"]


def test_search_syntax_is_plain_text_and_other_columns_do_not_match(admin_ctx, orgs):  # noqa: F811
    case = refer(admin_ctx, orgs, "Anne", "Martin")
    cases.add_note(admin_ctx, case.id, "Voisine de Mme Bernard")
    for query in ('"', "*", "NEAR(a b)", "Martin OR", "names : x", "-", "%"):
        persons.find_persons(admin_ctx, query)  # no FTS5 syntax error reaches the user
    assert persons.find_persons(admin_ctx, "bernard") == ([], 0)  # notes are not names
    assert persons.find_persons(admin_ctx, "Martin OR")[1] == 0  # "or" is a word to find


def test_tricky_names_are_found_as_typed(admin_ctx, orgs):  # noqa: F811
    for text in tricky_strings():
        line = " ".join(text.split())[:200]
        if not any(ch.isalnum() for ch in line):
            continue
        refer(admin_ctx, orgs, line, "X")
        rows, _total = persons.find_persons(admin_ctx, line)
        assert line in [r.first_name for r in rows], repr(line)


def test_audited_without_the_query_and_refused_to_managers(admin_ctx, orgs, boot):  # noqa: F811
    refer(admin_ctx, orgs, "Paul", "Secret")
    persons.find_persons(admin_ctx, "Secret")
    lines = maintenance.audit_trail(admin_ctx, 5)
    assert any(line.record.startswith("person_list") for line in lines)
    assert not any("Secret" in repr(line) for line in lines)
    accounts.add_user(admin_ctx, "m.gestion", "", Role.MANAGER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    manager = boot.sign_in("m.gestion", OTHER_PASS)
    try:
        with pytest.raises(PermissionDenied):
            persons.find_persons(manager, "")
    finally:
        accounts.sign_out(manager)
