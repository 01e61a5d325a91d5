"""JSON export → import → export, and every bad file refused with nothing changed."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from casecell.bootstrap import Bootstrap
from casecell.documents import interchange as document
from casecell.domain.cases import CaseDraft, EventKind, Sharing, Transition
from casecell.domain.nomenclatures import (
    ActionStatus,
    CarryOverReason,
    CaseStatus,
    ConsentStatus,
    LegalBasis,
    OrganisationKind,
    Outcome,
    ProblemArea,
    Relation,
    Urgency,
)
from casecell.domain.persons import nir_key
from casecell.domain.users import Role
from casecell.errors import PermissionDenied, ValidationError
from casecell.paths import VaultPaths
from casecell.services import accounts, cases, interchange, partners, relatives
from casecell.services.cases import ActionInput, PersonInput
from casecell.services.partners import ContactInput, OrganisationInput
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS, tricky_strings


def fake_nir(n: int) -> str:
    """A fictitious NIR with a valid key: born abroad (99) in a commune numbered 999."""
    body = f"1850199999{n:03d}"
    return f"{body}{nir_key(body):02d}"


def fill(ctx) -> None:
    """A small register whose text fields carry every tricky string."""
    tricky = [" ".join(t.split())[:190] for t in tricky_strings()]
    orgs = []
    for i, kind in enumerate((OrganisationKind.CCAS, OrganisationKind.CMP_HOSPITAL)):
        orgs.append(
            partners.add_organisation(
                ctx,
                OrganisationInput(
                    tricky[i],
                    kind,
                    "2A004",
                    tricky[i + 2],
                    "a@example.invalid",
                    "+33 6 00 00 00 00",
                    date(2025, 6, 1) if i == 0 else None,
                ),
            )
        )
    contact = partners.add_contact(ctx, ContactInput(orgs[1].id, tricky[4], tricky[5]))
    for i, name in enumerate(tricky):
        case = cases.register_referral(
            ctx,
            PersonInput(
                name,
                tricky[-1 - i],
                birth_date=date(1980, 2, 29) if i % 2 else None,
                address=tricky[i] if i % 3 == 0 else "",
                postcode="59650" if i % 3 == 0 else "",
                phone=f"01 99 00 12 {i:02d}" if i % 3 == 1 else "",
                email=f"personne.{i}@example.invalid" if i % 3 == 2 else "",
            ),
            CaseDraft(
                date(2023 + i % 3, 1 + i % 12, 1 + i),
                orgs[i % 2].id,
                contact.id if i % 2 else None,
                (ProblemArea.MENTAL_HEALTH, ProblemArea.HOUSING_HOARDING)[: 1 + i % 2],
                Urgency.URGENT,
                summary=tricky_strings()[i],
                participant_org_ids=(orgs[1].id,),
                lead_org_id=orgs[1].id,
            ),
            Sharing(LegalBasis.CONSENT, ConsentStatus.AGREED, date(2026, 1, 2), tricky[3]),
        )
        cases.add_note(ctx, case.id, tricky_strings()[-1 - i])
        if i % 5 == 1:
            relatives.add_relative(
                ctx,
                case.id,
                PersonInput(tricky[i + 1], name, phone=f"+33 1 99 00 00 {i:02d}", nir=fake_nir(i)),
                Relation.CHILD if i % 2 else Relation.SPOUSE,
            )
        action = cases.add_action(
            ctx, case.id, ActionInput(name, orgs[1].id, contact.id, date(2026, 3, 1))
        )
        if i % 3 == 0:
            cases.carry_over(ctx, action.id, CarryOverReason.SITUATION_CHANGED)
        if i % 4 == 0:
            cases.set_action_status(ctx, action.id, ActionStatus.DONE, date(2026, 2, 1))
        if i % 2 == 0:
            cases.change_status(ctx, case.id, Transition(CaseStatus.ELIGIBILITY))
            cases.change_status(
                ctx, case.id, Transition(CaseStatus.DECLINED, tricky[i], tricky[i - 1])
            )


@pytest.fixture
def filled(admin_ctx):
    fill(admin_ctx)
    return admin_ctx


@pytest.fixture
def empty_vault(tmp_path):
    folder = tmp_path / "autre"
    folder.mkdir()
    boot = Bootstrap(VaultPaths(folder / "casecell.vault"), kdf=FAST_KDF)
    ctx = boot.init(ADMIN, "Admin B", ADMIN_PASS)
    yield ctx
    ctx.vault.close()


def collections(data):
    return {name: data[name] for name in document.COLLECTIONS}


def test_export_import_export_gives_identical_collections(filled, empty_vault, tmp_path):
    first = tmp_path / "un.json"
    counts = interchange.export_to(filled, first)
    assert counts["cases"] == len(tricky_strings())
    assert interchange.import_from(empty_vault, first) == counts
    second = tmp_path / "deux.json"
    interchange.export_to(empty_vault, second)
    one, two = json.loads(first.read_text("utf-8")), json.loads(second.read_text("utf-8"))
    assert collections(one) == collections(two)
    for text in tricky_strings():
        assert json.dumps(text, ensure_ascii=False) in first.read_text("utf-8")


def test_identifiers_and_relatives_survive_the_round_trip_with_their_ids(
    filled, empty_vault, tmp_path
):
    target = tmp_path / "un.json"
    interchange.export_to(filled, target)
    exported = json.loads(target.read_text("utf-8"))
    persons = {p["id"]: p for p in exported["persons"]}
    assert persons[2]["phone"] == "01 99 00 12 01" and persons[1]["postcode"] == "59650"
    linked = [(c["id"], r) for c in exported["cases"] for r in c["relatives"]]
    assert len(linked) == 4
    case_id, relative = linked[0]
    assert relative["relation"] == "child"
    assert persons[relative["person_id"]]["nir"] == fake_nir(1)
    assert persons[relative["person_id"]]["phone"] == "01 99 00 00 01"
    interchange.import_from(empty_vault, target)
    found = relatives.relatives_of(empty_vault, case_id)
    assert [(r.person.id, r.relation, r.person.nir) for r in found] == [
        (relative["person_id"], Relation.CHILD, fake_nir(1))
    ]
    again = interchange.export_data(empty_vault)
    assert again["persons"] == exported["persons"] and again["cases"] == exported["cases"]


def test_an_import_stores_identifiers_in_their_one_spelling(good, empty_vault, tmp_path):
    data = copy.deepcopy(good)
    data["persons"][1].update(
        phone="+33 (0)1 99 00 12 34", email="Zoe@EXAMPLE.invalid", birth_year=None
    )
    assert data["persons"][1]["birth_date"] == "1980-02-29"
    source = tmp_path / "autre.json"
    source.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    interchange.import_from(empty_vault, source)
    person = interchange.export_data(empty_vault)["persons"][1]
    assert (person["phone"], person["email"]) == ("01 99 00 12 34", "Zoe@example.invalid")
    assert person["birth_year"] == 1980  # a repeat referral looks persons up by year


def test_an_imported_register_is_searchable_and_keeps_numbering(filled, empty_vault, tmp_path):
    target = tmp_path / "un.json"
    interchange.export_to(filled, target)
    interchange.import_from(empty_vault, target)
    exported = json.loads(target.read_text("utf-8"))
    some = exported["cases"][2]
    person = next(p for p in exported["persons"] if p["id"] == some["person_id"])
    assert some["reference"] in cases.search(empty_vault, person["pseudonym"])
    org_id = exported["organisations"][0]["id"]
    year = int(some["reference"][:4])
    new = cases.register_referral(
        empty_vault,
        PersonInput("Nouvelle", "Personne"),
        CaseDraft(date(year, 12, 31), org_id, problem_areas=(ProblemArea.OTHER,)),
    )
    used = {c["reference"] for c in exported["cases"]}
    assert new.reference not in used
    timeline = cases.timeline(empty_vault, some["id"])
    assert timeline[0].kind is EventKind.CREATED and timeline[0].author == "Alice Administratrice"


@pytest.fixture
def good(filled, tmp_path):
    target = tmp_path / "bon.json"
    interchange.export_to(filled, target)
    return json.loads(target.read_text("utf-8"))


def mutate(good, change):
    data = copy.deepcopy(good)
    change(data)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


BAD_FILES = {
    "truncated": (lambda good: json.dumps(good).encode()[:500], "pas un JSON valide"),
    "not-utf8": (lambda good: "é".encode("latin-1") + b"{}", "UTF-8"),
    "wrong-format": (
        lambda good: mutate(good, lambda d: d.update(format="excel")),
        "pas un export casecell",
    ),
    "wrong-version": (lambda good: mutate(good, lambda d: d.update(version=2)), "version 2"),
    "unknown-enum": (
        lambda good: mutate(good, lambda d: d["cases"][1].update(status="archived")),
        "$.cases[1].status : valeur inconnue",
    ),
    "dangling": (
        lambda good: mutate(good, lambda d: d["actions"][0].update(case_id=999)),
        "$.actions[0].case_id : renvoie à la situation 999",
    ),
    "duplicate-id": (
        lambda good: mutate(good, lambda d: d["persons"][1].update(id=d["persons"][0]["id"])),
        "$.persons[1].id : identifiant",
    ),
    "duplicate-reference": (
        lambda good: mutate(
            good,
            lambda d: d["cases"][1].update(
                reference=d["cases"][0]["reference"], referred_on=d["cases"][0]["referred_on"]
            ),
        ),
        "référence est utilisée deux fois",
    ),
    "impossible-date": (
        lambda good: mutate(good, lambda d: d["cases"][0].update(referred_on="2026-02-30")),
        '$.cases[0].referred_on : valeur invalide « "2026-02-30" »',
    ),
    "nir-key": (
        lambda good: mutate(good, lambda d: d["persons"][1].update(nir="185019999900118")),
        "$.persons[1].nir : La clé du numéro de sécurité sociale (NIR) ne correspond pas",
    ),
    "nir-length": (
        lambda good: mutate(good, lambda d: d["persons"][1].update(nir="1 85 01 99 999 001 17")),
        "$.persons[1].nir : un numéro de sécurité sociale (NIR) compte 15 caractères",
    ),
    "bad-phone": (
        lambda good: mutate(good, lambda d: d["persons"][1].update(phone="01 99 00")),
        "$.persons[1].phone : Numéro de téléphone invalide",
    ),
    "dangling-relative": (
        lambda good: mutate(good, lambda d: d["cases"][1]["relatives"][0].update(person_id=999)),
        "$.cases[1].relatives[0].person_id : renvoie à la personne 999",
    ),
    "unknown-relation": (
        lambda good: mutate(good, lambda d: d["cases"][1]["relatives"][0].update(relation="ami")),
        "$.cases[1].relatives[0].relation : valeur inconnue",
    ),
    "missing-field": (
        lambda good: mutate(good, lambda d: d["organisations"][0].pop("name")),
        "champ obligatoire « name » manquant",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_changes_nothing(good, empty_vault, tmp_path, name):
    make, message = BAD_FILES[name]
    bad = tmp_path / f"{name}.json"
    bad.write_bytes(make(good))
    before = interchange.export_data(empty_vault)
    with pytest.raises(ValidationError) as caught:
        interchange.import_from(empty_vault, bad)
    assert message in caught.value.message
    assert (
        "Rien n’a été modifié" in caught.value.message
        or "rien n’a été modifié" in caught.value.message
    )
    assert collections(interchange.export_data(empty_vault)) == collections(before)


def test_import_refuses_a_vault_that_already_has_a_register(filled, tmp_path):
    target = tmp_path / "un.json"
    interchange.export_to(filled, target)
    with pytest.raises(ValidationError, match="coffre neuf"):
        interchange.import_from(filled, target)


def test_the_shipped_schema_is_a_valid_2020_12_schema_and_both_validators_agree(good):
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(document.schema())
    reference = jsonschema.Draft202012Validator(
        document.schema(), format_checker=jsonschema.FormatChecker()
    )
    assert not list(reference.iter_errors(good))
    for name in ("unknown-enum", "impossible-date", "missing-field"):
        bad = json.loads(BAD_FILES[name][0](good))
        paths = {tuple(e.absolute_path) for e in reference.iter_errors(bad)}
        with pytest.raises(document.ImportErrors) as caught:
            document.parse(json.dumps(bad).encode())
        assert len(paths) == len(caught.value.problems) == 1
        assert document.json_path(next(iter(paths))) == caught.value.problems[0][0]


def test_the_shipped_schema_is_the_one_the_code_generates():
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "generate_schema.py"
    spec = importlib.util.spec_from_file_location("generate_schema", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = Path(__file__).resolve().parents[2] / "resources/schema/casecell.schema.json"
    assert shipped.read_text("utf-8") == module.rendered(), "run scripts/generate_schema.py"


def test_the_schema_knows_every_code_of_the_nomenclatures():
    defs = document.schema()["$defs"]
    assert defs["organisation"]["properties"]["kind"]["enum"] == [k.value for k in OrganisationKind]
    case = defs["case"]["properties"]
    assert case["status"]["enum"] == [s.value for s in CaseStatus]
    assert case["problem_areas"]["items"]["enum"] == [a.value for a in ProblemArea]
    assert case["outcome"]["enum"] == [o.value for o in Outcome] + [None]
    assert case["legal_basis"]["enum"] == [b.value for b in LegalBasis]
    assert defs["action"]["properties"]["status"]["enum"] == [s.value for s in ActionStatus]
    assert defs["event"]["properties"]["kind"]["enum"] == [k.value for k in EventKind]


def test_members_and_managers_cannot_export_or_import(filled, boot, tmp_path):
    accounts.add_user(filled, "m.membre", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    accounts.add_user(filled, "g.gestion", "", Role.MANAGER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(filled)
    for login in ("m.membre", "g.gestion"):
        ctx = boot.sign_in(login, OTHER_PASS)
        try:
            with pytest.raises(PermissionDenied):
                interchange.export_to(ctx, tmp_path / "x.json")
            with pytest.raises(PermissionDenied):
                interchange.import_from(ctx, tmp_path / "x.json")
        finally:
            accounts.sign_out(ctx)
    assert not (tmp_path / "x.json").exists()


def test_meetings_keep_their_calendar_uid_and_sequence_across_export_and_import(
    admin_ctx, empty_vault, tmp_path
):
    from casecell.services import meetings
    from casecell.services.meetings import MeetingInput

    first = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 60, "Mairie"))
    meetings.update_meeting(admin_ctx, first.id, MeetingInput("19/01/2027 14:00", 60, "Mairie"))
    meetings.plan_meeting(admin_ctx, MeetingInput("09/02/2027 14:00", 60, "Mairie"))
    target = tmp_path / "un.json"
    interchange.export_to(admin_ctx, target)
    data = json.loads(target.read_text("utf-8"))
    sent = [(m["uid"], m["sequence"]) for m in data["meetings"]]
    assert sent[0] == (first.uid, 1) and sent[1][1] == 0
    twice = copy.deepcopy(data)
    twice["meetings"][1]["uid"] = first.uid
    refused = tmp_path / "deux-fois.json"
    refused.write_text(json.dumps(twice), "utf-8")
    with pytest.raises(ValidationError, match=r"\$\.meetings\[1\]\.uid : une autre réunion"):
        interchange.import_from(empty_vault, refused)
    interchange.import_from(empty_vault, target)
    again = interchange.export_data(empty_vault)
    assert [(m["uid"], m["sequence"]) for m in again["meetings"]] == sent


def test_a_file_without_meeting_uids_gets_new_ones(admin_ctx, empty_vault, tmp_path):
    from casecell.services import meetings
    from casecell.services.meetings import MeetingInput

    for day in ("12/01/2027 14:00", "09/02/2027 14:00"):
        meetings.plan_meeting(admin_ctx, MeetingInput(day, 60, "Mairie"))
    data = interchange.export_data(admin_ctx)
    for meeting in data["meetings"]:
        del meeting["uid"], meeting["sequence"]
    older = tmp_path / "ancien.json"
    older.write_text(json.dumps(data), "utf-8")
    interchange.import_from(empty_vault, older)
    found = interchange.export_data(empty_vault)["meetings"]
    assert len({m["uid"] for m in found}) == 2 and all(m["uid"] for m in found)
    assert [m["sequence"] for m in found] == [0, 0]


def test_a_file_in_another_order_and_layout_imports_the_same(good, empty_vault, tmp_path):
    """Read a record at a time, the file may list its collections in any order (an action
    before the meeting that decided it) and be indented by an editor."""
    reordered = {name: good[name] for name in reversed(list(good))}
    source = tmp_path / "autre-ordre.json"
    source.write_text(json.dumps(reordered, ensure_ascii=False, indent=2), "utf-8")
    interchange.import_from(empty_vault, source)
    assert collections(interchange.export_data(empty_vault)) == collections(good)


def test_a_problem_in_the_last_record_undoes_what_was_already_written(good, empty_vault, tmp_path):
    bad = copy.deepcopy(good)
    bad["actions"][-1]["owner_org_id"] = 999
    source = tmp_path / "fin-fautive.json"
    source.write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    with pytest.raises(ValidationError, match="organisation 999"):
        interchange.import_from(empty_vault, source)
    assert interchange.export_data(empty_vault)["persons"] == []
    assert interchange.export_data(empty_vault)["organisations"] == []


def test_a_person_without_a_name_is_refused_unless_only_anonymised_situations_had_them(
    good, empty_vault, tmp_path
):
    """Retention blanks the identity of persons it is done with; a person a followed
    situation still refers to must have a name."""
    data = copy.deepcopy(good)
    case = data["cases"][0]
    person = next(p for p in data["persons"] if p["id"] == case["person_id"])
    person.update(first_name="", last_name="")
    source = tmp_path / "sans-nom.json"
    source.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    with pytest.raises(ValidationError, match="au moins un prénom ou un nom"):
        interchange.import_from(empty_vault, source)

    others = [c for c in data["cases"] if c["person_id"] == person["id"]]
    for situation in others:
        situation["anonymised_on"] = "2027-01-15"
    data["cases"] = [
        {**c, "relatives": [r for r in c["relatives"] if r["person_id"] != person["id"]]}
        for c in data["cases"]
    ]
    source.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    interchange.import_from(empty_vault, source)
    exported = interchange.export_data(empty_vault)
    assert {c["reference"] for c in exported["cases"] if c["anonymised_on"]} == {
        c["reference"] for c in others
    }
