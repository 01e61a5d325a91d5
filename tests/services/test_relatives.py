"""Relatives and household members as persons of the vault, a repeat referral that finds the
person already known (within need-to-know), and what the pseudonymised copy withholds."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text as sql

from casecell.domain.audit import AuditAction
from casecell.domain.cases import EventKind
from casecell.domain.minutes import Variant, free_texts
from casecell.domain.nomenclatures import Relation
from casecell.errors import NotShared, ValidationError
from casecell.services import accounts, cases, meetings, minutes, persons, relatives
from casecell.services.minutes import identities
from casecell.services.persons import PersonInput
from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.test_access import signed_in, world  # noqa: F401  (fixtures)
from tests.services.test_cases import AGREED, draft, orgs  # noqa: F401  (fixture)
from tests.services.test_interchange import fake_nir
from tests.services.test_meetings import cell  # noqa: F401  (fixture)
from tests.services.test_minutes import (  # noqa: F401  (fixtures)
    held,
    pdf_text,
    person_case,
    shown,
)

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}


def _trail(ctx, action: AuditAction) -> list[tuple[str, str, str]]:
    with ctx.reading() as uow:
        return [
            (e.record_type, e.record_id, e.detail)
            for e in uow.audit.entries()
            if e.action is action
        ]


def test_relatives_are_added_listed_and_removed_on_the_timeline_and_audited(
    admin_ctx,
    orgs,  # noqa: F811
):
    case = cases.register_referral(
        admin_ctx, PersonInput("Hélène", "Lefèvre", birth_year=1950), draft(orgs), AGREED
    )
    child = relatives.add_relative(
        admin_ctx,
        case.id,
        PersonInput("Léa", "Lefèvre", date(2012, 5, 4), phone="+33 1 99 00 12 34", nir=""),
        Relation.CHILD,
    )
    neighbour = relatives.add_relative(
        admin_ctx, case.id, PersonInput("Robert'); DROP TABLE cases;--", ""), Relation.NEIGHBOUR
    )
    assert child.person.phone == "01 99 00 12 34" and child.person.pseudonym.startswith("P-")
    listed = relatives.relatives_of(admin_ctx, case.id)
    assert [(r.person.first_name, r.relation) for r in listed] == [
        ("Léa", Relation.CHILD),
        ("Robert'); DROP TABLE cases;--", Relation.NEIGHBOUR),
    ]
    assert cases.case_details(admin_ctx, case.id).relatives == tuple(listed)
    rows, total = persons.find_persons(admin_ctx, "")  # the persons concerned, not relatives
    assert total == 1 and [r.first_name for r in rows] == ["Hélène"]

    with pytest.raises(ValidationError, match="NIR"):
        relatives.add_relative(
            admin_ctx, case.id, PersonInput("Léa", "X", nir="185019999900118"), Relation.OTHER
        )
    with pytest.raises(ValidationError, match="déjà partie"):
        relatives.add_relative(
            admin_ctx, case.id, PersonInput("Léa", "Lefèvre"), Relation.CHILD, child.person.id
        )
    relatives.remove_relative(admin_ctx, case.id, neighbour.person.id)
    with pytest.raises(ValidationError, match="n’est pas un proche"):
        relatives.remove_relative(admin_ctx, case.id, neighbour.person.id)
    assert [r.person.id for r in relatives.relatives_of(admin_ctx, case.id)] == [child.person.id]
    with admin_ctx.reading() as uow:  # nothing names the neighbour any more: they are gone
        assert uow.persons.get(neighbour.person.id) is None

    events = [e for e in cases.timeline(admin_ctx, case.id) if "relative" in e.kind.value]
    assert [e.describe() for e in events] == [
        "proche ajouté — enfant",
        "proche ajouté — voisin",
        "proche retiré — voisin",
    ]
    assert all("Léa" not in e.describe() and "Robert" not in e.describe() for e in events)
    writes = _trail(admin_ctx, AuditAction.WRITE)
    assert ("case", str(case.id), f"relative+{child.person.id}") in writes
    assert ("case", str(case.id), f"relative-{neighbour.person.id}") in writes
    assert ("case", str(case.id), "relatives") in _trail(admin_ctx, AuditAction.READ)


def test_a_repeat_referral_finds_the_person_and_reuses_them(admin_ctx, orgs):  # noqa: F811
    nir = fake_nir(7)
    first = cases.register_referral(
        admin_ctx,
        PersonInput("Zoë", "Łukasiewicz-Øberg", date(1975, 11, 2), nir=nir),
        draft(orgs),
        AGREED,
    )
    typed = PersonInput("ZOE", "lukasiewicz-oberg", birth_year=1975)
    found = persons.known_persons(admin_ctx, typed)
    assert [(k.person.id, k.references, k.same_nir) for k in found] == [
        (first.person.id, (first.reference,), False)
    ]
    assert persons.known_persons(admin_ctx, PersonInput("Zoë", "Łukasiewicz-Øberg")) == []
    other_day = PersonInput("Zoë", "Łukasiewicz-Øberg", date(1975, 11, 3))
    assert persons.known_persons(admin_ctx, other_day) == []
    by_nir = persons.known_persons(admin_ctx, PersonInput("Z.", "Ø", nir=nir[:7] + " " + nir[7:]))
    assert [(k.person.id, k.same_nir) for k in by_nir] == [(first.person.id, True)]

    with pytest.raises(ValidationError, match="déjà connue"):  # the same NIR: choose them
        cases.register_referral(
            admin_ctx, PersonInput("Zoé", "Oberg", nir=nir), draft(orgs), AGREED
        )
    again = cases.register_referral(
        admin_ctx,
        PersonInput("Zoë", "Łukasiewicz-Øberg", date(1975, 11, 2), phone="01 99 00 12 34", nir=nir),
        draft(orgs),
        AGREED,
        person_id=first.person.id,
    )
    assert again.person.id == first.person.id and again.reference != first.reference
    assert cases.get_case(admin_ctx, first.id).person.phone == "01 99 00 12 34"
    created = cases.timeline(admin_ctx, again.id)[0]
    assert created.kind is EventKind.CREATED
    assert created.describe() == "saisine enregistrée — personne déjà connue de la cellule"
    assert [k.references for k in persons.known_persons(admin_ctx, typed)] == [
        (first.reference, again.reference)
    ]
    found_by_search = cases.search(admin_ctx, "Lukasiewicz")
    assert set(found_by_search) == {first.reference, again.reference}


def test_a_member_is_offered_only_persons_of_their_organisations_situations(
    world,  # noqa: F811
    signed_in,  # noqa: F811
):
    # Zoë Martin (1950) is the CMP's; Paul Martin (1950) is the landlord's, shared with the CCAS.
    with signed_in("c.coord") as coordinator:
        cases.update_person(
            coordinator,
            world.theirs.id,
            PersonInput("Zoë", "Martin", birth_year=1950, nir=fake_nir(3)),
        )
    with signed_in("m.ccas") as ctx:
        assert persons.known_persons(ctx, PersonInput("Zoë", "Martin", birth_year=1950)) == []
        assert persons.known_persons(ctx, PersonInput("", "", nir=fake_nir(3))) == []
        seen = persons.known_persons(ctx, PersonInput("paul", "MARTIN", birth_year=1950))
        assert [k.references for k in seen] == [(world.shared.reference,)]
        draft_ccas = cases.CaseDraft(
            date(2026, 2, 1), world.ccas, problem_areas=world.mine.problem_areas
        )
        with pytest.raises(NotShared, match="aucune situation"):
            cases.register_referral(
                ctx, PersonInput("Zoë", "Martin"), draft_ccas, AGREED, world.theirs.person.id
            )
        with pytest.raises(NotShared):
            relatives.add_relative(
                ctx, world.mine.id, PersonInput("Zoë", "Martin"), Relation.SIBLING,
                world.theirs.person.id,
            )  # fmt: skip
        # A NIR only the CMP's situation holds is not revealed: the member records a person.
        made = cases.register_referral(
            ctx, PersonInput("Zoé", "Martin", nir=fake_nir(3)), draft_ccas, AGREED
        )
        assert made.person.id != world.theirs.person.id
    with signed_in("c.coord") as coordinator:
        both = persons.known_persons(coordinator, PersonInput("", "", nir=fake_nir(3)))
        assert {k.person.id for k in both} == {made.person.id, world.theirs.person.id}
        with coordinator.reading() as uow:
            denied = [e for e in uow.audit.entries() if e.detail == "denied"]
        assert {(e.record_type, e.record_id) for e in denied} == {
            ("person", str(world.theirs.person.id))
        }


def withheld_from(ctx, meeting_id: int) -> list:
    """Whom the pseudonymised minutes of ``meeting_id`` withhold (``identities``)."""
    content = minutes.get_minutes(ctx, meeting_id).content
    with ctx.reading() as uow:
        return identities(
            uow,
            [s.person for s in content.situations],
            free_texts(content),
            references=[s.reference for s in content.situations],
        )


def test_the_pseudonymised_minutes_withhold_relatives_and_carry_identifiers(
    admin_ctx,
    held,  # noqa: F811
):
    meeting, concerned, _orgs = held
    case = concerned[1]
    cases.update_person(
        admin_ctx,
        case.id,
        PersonInput(
            "Zoë", "Łukasiewicz-Øberg", date(1975, 11, 2),
            address="12 rue des Tilleuls", postcode="59650", phone="+33 1 99 00 12 34",
            email="zoe@example.invalid", nir=fake_nir(5),
        ),
    )  # fmt: skip
    relatives.add_relative(
        admin_ctx,
        case.id,
        PersonInput("Anatole", "Quenouille", date(2011, 4, 3), phone="01 99 00 45 67"),
        Relation.CHILD,
    )
    meetings.set_item_notes(
        admin_ctx, meeting.id, case.id, "Anatole Quenouille, né le 03/04/2011, va au collège."
    )
    who = withheld_from(admin_ctx, meeting.id)
    mine = next(i for i in who if i.label == case.person.pseudonym)
    assert mine.identifiers == (
        "12 rue des Tilleuls", "01 99 00 12 34", "zoe@example.invalid", fake_nir(5)
    )  # fmt: skip
    child = next(i for i in who if "Anatole Quenouille" in i.names)
    assert child.birth_dates == (date(2011, 4, 3),) and child.identifiers == ("01 99 00 45 67",)

    text = pdf_text(minutes.render_minutes(admin_ctx, meeting.id, Variant.PSEUDONYMISED)[1])
    flat = "".join(text.split()).casefold()
    assert "anatole" not in flat and "quenouille" not in flat
    assert "03/04/2011" not in text and "va au collège" in text


def test_relatives_from_the_command_line(cli, admin_ctx, orgs):  # noqa: F811
    case = cases.register_referral(
        admin_ctx, PersonInput("Hélène", "Lefèvre", birth_year=1950), draft(orgs), AGREED
    )
    admin_ctx.vault.close()
    added = cli(
        "case", "relative-add", case.reference, "--first-name", "Léa", "--last-name",
        "Lefèvre", "--relation", "child", "--birth", "2012", "--phone", "0199001234", **AUTH,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert f"Proche ajouté à {case.reference} : Léa LEFÈVRE (enfant)" in added.out
    bad = cli(
        "case", "relative-add", case.reference, "--last-name", "X", "--relation", "child",
        "--nir", "1 85 01 99 999 001 18", **AUTH,
    )  # fmt: skip
    assert bad.code == 1 and "clé du numéro de sécurité sociale" in bad.err
    assert "Traceback" not in bad.err and "185019999900118" not in bad.err
    usage = cli("case", "relative-add", case.reference, "--relation", "ami", **AUTH)
    assert usage.code == 2
    listed = cli("case", "relatives", case.reference, **AUTH)
    assert listed.code == 0, listed.err
    number, relation, name, born, phone, _email, _nir = listed.out.splitlines()[0].split("\t")
    assert (relation, name, born, phone) == ("enfant", "LEFÈVRE Léa", "2012", "01 99 00 12 34")
    shown_case = cli("case", "show", case.reference, **AUTH)
    assert "Proche : " in shown_case.out and "LEFÈVRE Léa" in shown_case.out
    removed = cli("case", "relative-remove", case.reference, "--person", number, **AUTH)
    assert removed.code == 0, removed.err
    assert cli("case", "relatives", case.reference, **AUTH).out == ""


def test_a_relatives_name_finds_their_situation(admin_ctx, orgs):  # noqa: F811
    case = cases.register_referral(
        admin_ctx, PersonInput("Hélène", "Lefèvre", birth_year=1950), draft(orgs), AGREED
    )
    assert cases.search(admin_ctx, "Quenouillard") == []
    relatives.add_relative(
        admin_ctx, case.id, PersonInput("Anatole", "Quenouillard"), Relation.NEIGHBOUR
    )
    assert cases.search(admin_ctx, "quenouillard") == [case.reference]


def test_relatives_of_other_situations_named_in_the_notes_are_withheld_whole(
    admin_ctx,
    held,  # noqa: F811
    cell,  # noqa: F811
):
    """Only the relatives a pair of the notes' words side by side may name are read, and
    their whole names are withheld — two-letter ones (Lê Da) too — whichever way round."""
    meeting, concerned, _orgs = held
    other = person_case(admin_ctx, cell, "Hélène", "Lefèvre", date(1950, 1, 1))
    for first, last in (("Lê", "Da"), ("Anatole", "Quenouillard"), ("Anatole", "Bertin")):
        relatives.add_relative(admin_ctx, other.id, PersonInput(first, last), Relation.CHILD)
    meetings.set_item_notes(
        admin_ctx,
        meeting.id,
        concerned[1].id,
        "Reçue avec Lê Da et QUENOUILLARD Anatole ; Anatole viendra seul.",
    )
    who = withheld_from(admin_ctx, meeting.id)
    others = {name for identity in who if identity.label == "[…]" for name in identity.names}
    assert {"le da", "quenouillard anatole", "anatole", "quenouillard"} <= others
    assert "anatole bertin" not in others and "bertin" not in others  # not in the notes
    text = pdf_text(minutes.render_minutes(admin_ctx, meeting.id, Variant.PSEUDONYMISED)[1])
    flat = " ".join(text.split())
    assert "Reçue avec […] et […] ; […] viendra seul." in flat


def test_an_index_built_before_it_held_relatives_is_rebuilt_at_the_next_sign_in(
    boot,
    admin_ctx,
    orgs,  # noqa: F811
):
    """Relatives joined the names column without a migration: an index built before (its
    version recorded as the fold's alone) is rebuilt, or the minutes would miss them."""
    case = cases.register_referral(
        admin_ctx, PersonInput("Hélène", "Lefèvre", birth_year=1950), draft(orgs), AGREED
    )
    relatives.add_relative(
        admin_ctx, case.id, PersonInput("Anatole", "Quenouillard"), Relation.NEIGHBOUR
    )
    with admin_ctx.writing() as uow:  # the row as an index built before held it
        uow.session.execute(sql("DELETE FROM case_search WHERE rowid = :id"), {"id": case.id})
        uow.session.execute(
            sql("UPDATE vault_meta SET value = '3' WHERE key = 'search_fold_version'")
        )
        uow.commit()
    assert cases.search(admin_ctx, "quenouillard") == []
    accounts.sign_out(admin_ctx)
    ctx = boot.sign_in(ADMIN, ADMIN_PASS)
    try:
        assert cases.search(ctx, "quenouillard") == [case.reference]
    finally:
        accounts.sign_out(ctx)
