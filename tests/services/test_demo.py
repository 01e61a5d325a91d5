"""Demo data: reproducible, consistent with every rule of the register, fictitious."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest

from casecell.documents import interchange as document
from casecell.domain.nomenclatures import CaseStatus, ProblemArea
from casecell.domain.persons import check_nir
from casecell.errors import ValidationError
from casecell.services import cases, demo, interchange

AS_OF = date(2026, 3, 31)


def test_same_seed_same_data_other_seed_other_data():
    assert demo.generate(200, 7, AS_OF) == demo.generate(200, 7, AS_OF)
    assert demo.generate(200, 7, AS_OF) != demo.generate(200, 8, AS_OF)


def test_demo_data_passes_the_schema_and_every_register_rule():
    data = demo.generate(1500, 3, AS_OF)
    assert interchange.check_rules(data, AS_OF) == []
    document.parse(document.dump({"format": "casecell", "version": 1, **data, "meetings": []}))


def test_demo_data_looks_like_a_real_cell():
    data = demo.generate(1500, 3, AS_OF)
    assert 35 <= len(data["organisations"]) <= 45
    assert len({o["kind"] for o in data["organisations"]}) >= 8
    assert len({o["commune"] for o in data["organisations"]}) >= 3
    statuses = Counter(c["status"] for c in data["cases"])
    assert set(statuses) == {s.value for s in CaseStatus}
    assert {a for c in data["cases"] for a in c["problem_areas"]} == {a.value for a in ProblemArea}
    days = sorted(date.fromisoformat(c["referred_on"]) for c in data["cases"])
    assert (AS_OF - days[0]).days > 2 * 365 and days[-1] <= AS_OF
    late = [
        a
        for a in data["actions"]
        if a["status"] in ("todo", "doing") and a["due_on"] < AS_OF.isoformat()
    ]
    assert late, "some actions are late"
    assert any(not o["charter_signed_on"] for o in data["organisations"])


def test_the_demo_fills_a_vault_with_progress(admin_ctx):
    seen: list[tuple[str, int, int]] = []
    counts = demo.fill(admin_ctx, 400, 5, AS_OF, lambda *step: seen.append(step))
    assert counts["cases"] == 400
    assert {stage for stage, _, _ in seen} == {"Écriture", "Indexation"}
    assert seen[-1][1] == seen[-1][2]
    exported = interchange.export_data(admin_ctx)
    some = exported["cases"][123]
    person = next(p for p in exported["persons"] if p["id"] == some["person_id"])
    assert some["reference"] in cases.search(
        admin_ctx, f"{person['first_name']} {person['last_name']}", 1000
    )


def test_the_demo_refuses_silly_sizes(admin_ctx):
    with pytest.raises(ValidationError, match="entre 1 et 1 000 000"):
        demo.fill(admin_ctx, 0, 1, AS_OF)


def test_the_cli_creates_the_demo_vault_apart(cli, isolated_home, monkeypatch):
    monkeypatch.delenv("CASECELL_VAULT", raising=False)
    from casecell import app

    assert app.main(["demo", "--cases", "50", "--seed", "2", "--as-of", "2026-01-15"]) == 0
    vaults = list(isolated_home.rglob("casecell.vault"))
    assert len(vaults) == 1 and vaults[0].parent.name == "demo"
    assert app.main(["demo", "--cases", "50"]) == 1  # never overwritten


def test_the_demo_holds_only_names_from_its_lists():
    data = demo.generate(300, 11, AS_OF)
    known_first = set(demo.FIRST_NAMES) | {f for f, _ in demo.SCRIPTED_NAMES}
    known_last = set(demo.LAST_NAMES) | {last for _, last in demo.SCRIPTED_NAMES}
    assert all(
        p["first_name"] in known_first and p["last_name"] in known_last for p in data["persons"]
    )
    assert all(o["email"].endswith("@exemple.invalid") for o in data["organisations"])
    emails = [p for p in data["persons"] if p.get("email")]
    assert emails and all(p["email"].endswith("@exemple.invalid") for p in emails)
    assert json.dumps(data, ensure_ascii=False).count("@") == len(data["organisations"]) + len(
        data["contacts"]
    ) + len(emails)


def test_the_demo_identifiers_are_fictitious_and_valid():
    data = demo.generate(300, 11, AS_OF)
    persons = data["persons"]
    phones = [p["phone"] for p in persons if p.get("phone")]
    nirs = [p["nir"] for p in persons if p.get("nir")]
    assert len(phones) > 100 and all(re.fullmatch(r"01 99 00 \d\d \d\d", n) for n in phones)
    assert len(nirs) > 50 and len(set(nirs)) == len(nirs)
    assert all(check_nir(n) == n and n[5:8] == "999" for n in nirs)  # born in no country
    relatives = [r for c in data["cases"] for r in c["relatives"]]
    assert len(relatives) > 50
    ids = {p["id"] for p in persons}
    assert all(r["person_id"] in ids for r in relatives)


def test_about_two_meetings_a_month_with_agendas_attendance_and_decisions():
    data = demo.generate(600, 4, AS_OF)
    meetings = data["meetings"]
    assert 70 <= len(meetings) <= 80  # three years and six weeks, two a month
    held = [m for m in meetings if m["status"] == "held"]
    planned = [m for m in meetings if m["status"] == "planned"]
    assert planned and all(m["starts_at"] > AS_OF.isoformat() for m in planned)
    assert all(m["participants"] for m in meetings)  # permanent members at least
    assert all(p["attendance"] for m in held for p in m["participants"])
    assert not any(p["attendance"] for m in planned for p in m["participants"])
    assert all(
        p["undertaking_signed"] == (p["attendance"] != "absent")
        for m in held
        for p in m["participants"]
    )
    permanent = {o["id"] for o in data["organisations"] if o["permanent_member"]}
    assert len(permanent) == 3
    assert all(permanent <= {p["organisation_id"] for p in m["participants"]} for m in meetings)
    first = meetings[0]["series"]
    assert first["rule"] == "FREQ=MONTHLY;BYDAY=+2TU,+4TU" and first["first_local"].endswith(
        "T14:00"
    )
    assert all(i["slot_minutes"] in (10, 15) for m in meetings for i in m["items"])
    on_agenda = {i["case_id"] for m in meetings for i in m["items"]}
    by_id = {c["id"]: c for c in data["cases"]}
    assert on_agenda and all(by_id[c]["first_review_on"] for c in on_agenda)
    first_reviews = {m["starts_at"][:10] for m in meetings}
    assert all(c["first_review_on"] in first_reviews for c in data["cases"] if c["first_review_on"])
    decided = [e for c in data["cases"] for e in c["timeline"] if e["kind"] == "decision"]
    assert decided and all(a["meeting_id"] for a in data["actions"])


def test_a_demo_register_with_meetings_round_trips(admin_ctx, tmp_path):
    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths
    from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF

    demo.fill(admin_ctx, 250, 9, AS_OF)
    target = tmp_path / "demo.json"
    interchange.export_to(admin_ctx, target)
    (tmp_path / "b").mkdir()
    other = Bootstrap(VaultPaths(tmp_path / "b" / "casecell.vault"), FAST_KDF).init(
        ADMIN, "B", ADMIN_PASS
    )
    try:
        interchange.import_from(other, target)
        again = interchange.export_data(other)
    finally:
        other.vault.close()
    first = json.loads(target.read_text("utf-8"))
    assert first["meetings"] and again["meetings"] == first["meetings"]
    assert again["cases"] == first["cases"] and again["actions"] == first["actions"]


def test_a_situation_without_lawful_sharing_cannot_be_on_an_agenda_to_come():
    data = demo.generate(300, 3, AS_OF)
    meeting = next(m for m in data["meetings"] if m["items"])
    case = next(c for c in data["cases"] if c["id"] == meeting["items"][0]["case_id"])
    case.update(legal_basis="consent", consent="refused")
    meeting.update(status="held", starts_at="2020-01-07T13:00:00+00:00")
    assert interchange.check_rules(data, AS_OF) == []  # what was discussed then stays
    meeting.update(status="planned", starts_at="2099-01-06T13:00:00+00:00")
    problems = interchange.check_rules(data, AS_OF)
    assert any("ne peut pas être inscrite" in message for _path, message in problems)
