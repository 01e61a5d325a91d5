"""The person concerned takes part in the review of their situation, and may object: a
coordinator records how they took part and their own words, prints them in the minutes
(scrubbed in the pseudonymised copy), and sees an objection or a refusal take effect — off
every agenda to come, not put back, left out of every copy of the minutes. Fixed clock."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from casecell.compat import UTC
from casecell.domain.audit import AuditAction
from casecell.domain.cases import EventKind, Sharing, SharingBlock
from casecell.domain.meetings import ItemPurpose, MeetingStatus, PersonParticipation
from casecell.domain.minutes import Variant
from casecell.domain.nomenclatures import ConsentStatus, LegalBasis
from casecell.errors import ValidationError
from casecell.services import cases, interchange, meetings, minutes, opposition
from casecell.services.cases import PersonInput
from casecell.services.meetings import ItemInput, MeetingInput, ParticipationInput
from tests.services.test_cases import orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import accepted, cell  # noqa: F401  (fixture)
from tests.services.test_minutes import pdf_text

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # Wednesday 10 March 2027, 10:00 in Paris
WORDS = "Hélène Lefèvre dit : « je veux rester chez moi, avec mon chat <Minou> & mes livres »."


@pytest.fixture
def clocked(admin_ctx):
    admin_ctx.clock = lambda: NOW
    return admin_ctx


def plan(ctx, start: str, *case_ids: int):
    meeting = meetings.plan_meeting(ctx, MeetingInput(start, 120, "Mairie, salle 2"))
    meetings.set_agenda(ctx, meeting.id, [ItemInput(c, ItemPurpose.REVIEW) for c in case_ids])
    return meeting


@pytest.fixture
def calendar(clocked, cell):  # noqa: F811
    """Hélène Lefèvre's situation (and another) on a held meeting, one under way, two to come
    and a cancelled one."""
    helene = accepted(clocked, cell)
    other = accepted(clocked, cell, first="Paul", last="Martin")
    held = plan(clocked, "09/03/2027 14:00", helene.id, other.id)
    meetings.set_item_notes(clocked, held.id, helene.id, "Hélène Lefèvre refuse l’aide.", "Visite")
    meetings.set_status(clocked, held.id, MeetingStatus.HELD)
    under_way = plan(clocked, "10/03/2027 09:30", helene.id)
    soon = plan(clocked, "16/03/2027 14:00", other.id, helene.id)
    later = plan(clocked, "13/04/2027 14:00", helene.id)
    cancelled = plan(clocked, "20/04/2027 14:00", helene.id)
    meetings.set_status(clocked, cancelled.id, MeetingStatus.CANCELLED)
    return helene, other, held, under_way, soon, later, cancelled


def agenda(ctx, meeting_id: int) -> list[int]:
    return [i.case_id for i in meetings.get_meeting(ctx, meeting_id).meeting.items]


def written(ctx, case_id: int) -> list[str]:
    with ctx.reading() as uow:
        return [
            e.detail
            for e in uow.audit.entries()
            if e.action is AuditAction.WRITE and str(case_id) in e.detail.split(":")
        ]


# -- participation ---------------------------------------------------------------------------
def test_participation_and_words_print_in_the_minutes_and_are_scrubbed_when_pseudonymised(
    calendar, clocked
):
    helene, _other, held, *_rest = calendar
    meetings.set_participation(
        clocked,
        held.id,
        helene.id,
        ParticipationInput(PersonParticipation.REPRESENTED, "Maître Dupont <Fils> & Cie", WORDS),
    )
    item = next(i for i in meetings.get_meeting(clocked, held.id).items if i.case_id == helene.id)
    assert item.participation is PersonParticipation.REPRESENTED
    assert (item.represented_by, item.person_words) == ("Maître Dupont <Fils> & Cie", WORDS)

    _view, data = minutes.render_minutes(clocked, held.id)
    text = " ".join(pdf_text(data).split())
    assert "La personne concernée" in text
    assert "Représentée par Maître Dupont <Fils> & Cie." in text
    assert "Ses propres mots sur les décisions :" in text
    assert "Hélène Lefèvre dit : « je veux rester chez moi, avec mon chat <Minou> & mes" in text

    _view, data = minutes.render_minutes(clocked, held.id, Variant.PSEUDONYMISED)
    text = " ".join(pdf_text(data).split())
    assert "je veux rester chez moi" in text
    assert "Hélène" not in text and "Lefèvre" not in text
    assert f"{helene.person.pseudonym} dit" in text


def test_participation_statuses_read_in_french_and_bad_input_changes_nothing(calendar, clocked):
    helene, other, _held, under_way, *_rest = calendar
    meetings.set_participation(
        clocked, under_way.id, helene.id, ParticipationInput(PersonParticipation.ATTENDED)
    )
    with pytest.raises(ValidationError, match="qui a représenté la personne"):
        meetings.set_participation(
            clocked, under_way.id, helene.id, ParticipationInput(PersonParticipation.REPRESENTED)
        )
    with pytest.raises(ValidationError, match="« représenté »"):
        meetings.set_participation(
            clocked, under_way.id, helene.id,
            ParticipationInput(PersonParticipation.INFORMED, "Sa fille"),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="pas à l’ordre du jour"):
        meetings.set_participation(
            clocked, under_way.id, other.id, ParticipationInput(PersonParticipation.ATTENDED)
        )
    item = meetings.get_meeting(clocked, under_way.id).items[0]
    assert item.participation is PersonParticipation.ATTENDED and item.represented_by == ""
    assert f"participation:{helene.id}:attended" in written(clocked, helene.id)
    # Reordering the agenda keeps what was recorded.
    meetings.set_agenda(clocked, under_way.id, [ItemInput(helene.id, ItemPurpose.FOLLOW_UP)])
    kept = meetings.get_meeting(clocked, under_way.id).items[0]
    assert kept.participation is PersonParticipation.ATTENDED
    assert PersonParticipation.HEARD_THROUGH_PROFESSIONAL.label == (
        "entendue par l’intermédiaire d’un professionnel"
    )


def test_a_new_version_says_the_participation_changed(calendar, clocked):
    helene, _other, held, *_rest = calendar
    minutes.validate_minutes(clocked, held.id)
    minutes.new_version(clocked, held.id, "Oubli de la participation")
    meetings.set_participation(
        clocked, held.id, helene.id, ParticipationInput(PersonParticipation.INFORMED)
    )
    second = minutes.validate_minutes(clocked, held.id)
    assert f"situation {helene.reference} : participation de la personne" in second.changes


# -- objection and refusal -------------------------------------------------------------------
def test_an_objection_takes_the_situation_off_every_meeting_to_come(calendar, clocked):
    helene, other, held, under_way, soon, later, cancelled = calendar
    result = opposition.record_opposition(clocked, helene.id, "Ne veut pas que la mairie sache")

    assert [m.id for m in result.unplanned] == [soon.id, later.id]
    assert result.case.sharing.block is SharingBlock.OPPOSED
    assert result.case.sharing.opposed_on == date(2027, 3, 10)
    assert agenda(clocked, soon.id) == [other.id]
    assert agenda(clocked, later.id) == []
    for kept in (held, under_way, cancelled):  # what happened stays; what is under way too
        assert helene.id in agenda(clocked, kept.id)
    events = cases.timeline(clocked, helene.id)
    unplanned = [e for e in events if e.kind is EventKind.UNPLANNED]
    assert [e.describe() for e in unplanned] == [
        "retirée d’un ordre du jour — réunion du 16/03/2027 — la personne s’est opposée au "
        "partage de sa situation",
        "retirée d’un ordre du jour — réunion du 13/04/2027 — la personne s’est opposée au "
        "partage de sa situation",
    ]
    objection = next(e for e in events if e.kind is EventKind.OPPOSITION)
    assert objection.describe() == (
        "opposition au partage — notée — Ne veut pas que la mairie sache"
    )
    details = written(clocked, helene.id)
    assert f"unplanned:{helene.id}:opposed" in details
    with clocked.reading() as uow:
        meetings_touched = {
            e.record_id for e in uow.audit.entries() if e.detail == f"unplanned:{helene.id}:opposed"
        }
    assert meetings_touched == {str(soon.id), str(later.id)}


def test_a_refused_consent_takes_it_off_the_next_agenda_and_it_cannot_come_back(calendar, clocked):
    helene, other, _held, _under_way, soon, *_rest = calendar
    refused = Sharing(LegalBasis.CONSENT, ConsentStatus.REFUSED, date(2027, 3, 9), "A. Assistante")
    cases.set_sharing(clocked, helene.id, refused)
    assert agenda(clocked, soon.id) == [other.id]

    with pytest.raises(ValidationError, match="n’a pas accepté que sa situation soit partagée"):
        meetings.set_agenda(
            clocked, soon.id,
            [ItemInput(other.id, ItemPurpose.REVIEW), ItemInput(helene.id, ItemPurpose.REVIEW)],
        )  # fmt: skip
    assert agenda(clocked, soon.id) == [other.id]
    proposal = meetings.propose_agenda(clocked, soon.id)
    assert helene.id not in [c.case_id for c in proposal.items]


def test_an_opposed_situation_cannot_be_put_on_an_agenda_again_until_withdrawn(calendar, clocked):
    helene, other, _held, under_way, soon, *_rest = calendar
    # On the legal basis of L.121-6-2 CASF no consent is needed: the objection still stops it.
    basis = Sharing(LegalBasis.CASF_L121_6_2, ConsentStatus.NOT_ASKED)
    cases.set_sharing(clocked, helene.id, basis)
    opposition.record_opposition(clocked, helene.id, "Opposition écrite")
    with pytest.raises(ValidationError, match="s’est opposée au partage"):
        meetings.add_proposal(clocked, soon.id, [_candidate(helene.id)])
    with pytest.raises(ValidationError, match="déjà notée"):
        opposition.record_opposition(clocked, helene.id, "Encore")
    with pytest.raises(ValidationError, match="s’est opposée"):
        meetings.plan_emergency(clocked, helene.id, MeetingInput("11/03/2027 10:00", 60, "CCAS"))
    # The meeting under way keeps it, and may still be reordered.
    meetings.set_agenda(clocked, under_way.id, [ItemInput(helene.id, ItemPurpose.FOLLOW_UP)])

    case = opposition.withdraw_opposition(clocked, helene.id, "Lettre du 9 mars")
    assert case.sharing.allowed
    meetings.set_agenda(
        clocked, soon.id,
        [ItemInput(other.id, ItemPurpose.REVIEW), ItemInput(helene.id, ItemPurpose.REVIEW)],
    )  # fmt: skip
    assert agenda(clocked, soon.id) == [other.id, helene.id]
    with pytest.raises(ValidationError, match="Aucune opposition"):
        opposition.withdraw_opposition(clocked, helene.id, "Encore")


def _candidate(case_id):
    from casecell.domain.meetings import Candidate
    from casecell.domain.nomenclatures import Urgency

    return Candidate(case_id, "", "", ItemPurpose.REVIEW, Urgency.NORMAL, date(2027, 1, 1), True)


def test_an_objection_needs_a_reason_and_a_sensible_day(calendar, clocked):
    helene, *_rest = calendar
    for reason, on, message in (
        ("  ", None, "motif"),
        ("Par téléphone", date(2027, 3, 11), "futur"),
        ("Par téléphone", date(2025, 12, 31), "précéder la saisine"),
    ):
        with pytest.raises(ValidationError, match=message):
            opposition.record_opposition(clocked, helene.id, reason, on)
    assert cases.get_case(clocked, helene.id).sharing.allowed


def test_every_copy_of_the_minutes_leaves_out_a_situation_nothing_may_be_shared_about(
    calendar, clocked
):
    helene, other, held, *_rest = calendar
    opposition.record_opposition(clocked, helene.id, "Refus de la cellule")
    for variant in Variant:
        view, data = minutes.render_minutes(clocked, held.id, variant)
        text = " ".join(pdf_text(data).split())
        assert view.withheld == ((helene.reference, "opposed"),)
        assert (
            f"{helene.reference} — omise de cet exemplaire : la personne s’est opposée au "
            "partage de sa situation ; rien n’en est partagé." in text
        )
        assert "Lefèvre" not in text and "refuse l’aide" not in text
        assert helene.person.pseudonym not in text
        assert other.reference in text
    # What the vault keeps is untouched: the meeting still lists it for the cell itself.
    assert helene.id in agenda(clocked, held.id)


def test_rectifying_the_person_records_the_fields_and_the_reason(calendar, clocked):
    helene, *_rest = calendar
    person = PersonInput("Hélène", "Lefèvre-Martin", birth_year=1950)
    case = cases.rectify_person(clocked, helene.id, person, "Nom d’usage signalé par l’intéressée")
    assert case.person.last_name == "Lefèvre-Martin"
    event = cases.timeline(clocked, helene.id)[-1]
    assert event.describe() == (
        "données de la personne rectifiées — nom — Nom d’usage signalé par l’intéressée"
    )
    assert _rectified(clocked, helene.id)
    with pytest.raises(ValidationError, match="Rien ne diffère"):
        cases.rectify_person(clocked, helene.id, person, "Encore")
    with pytest.raises(ValidationError, match="motif"):
        cases.rectify_person(clocked, helene.id, PersonInput("Hélène", "Lefèvre"), " ")
    assert cases.get_case(clocked, helene.id).person.last_name == "Lefèvre-Martin"
    assert cases.search(clocked, "Lefèvre-Martin") == [helene.reference]


def _rectified(ctx, case_id: int) -> bool:
    with ctx.reading() as uow:
        return any(
            e.detail == "rectified" and e.record_id == str(case_id) for e in uow.audit.entries()
        )


def test_the_interchange_keeps_participation_and_objection(calendar, clocked):
    helene, _other, held, under_way, *_rest = calendar
    meetings.set_participation(
        clocked, held.id, helene.id,
        ParticipationInput(PersonParticipation.HEARD_THROUGH_PROFESSIONAL, words=WORDS),
    )  # fmt: skip
    opposition.record_opposition(clocked, helene.id, "Opposition écrite")
    data = interchange.export_data(clocked)
    case = next(c for c in data["cases"] if c["id"] == helene.id)
    assert (case["opposed_on"], case["opposition_reason"]) == ("2027-03-10", "Opposition écrite")
    item = next(i for m in data["meetings"] if m["id"] == held.id for i in m["items"])
    assert item["participation"] == "heard_through_professional"
    assert item["person_words"] == WORDS
    # A held meeting (or one under way) may hold it; a meeting to come may not.
    assert interchange.check_rules(data, NOW.date(), NOW) == []
    future = next(m for m in data["meetings"] if m["id"] == under_way.id)
    future["starts_at"] = "2027-03-30T12:00:00+00:00"
    problems = interchange.check_rules(data, NOW.date(), NOW)
    assert [p for _where, p in problems] == [
        "le partage n’est pas autorisé pour cette situation : elle ne peut pas être inscrite à "
        "l’ordre du jour"
    ]
