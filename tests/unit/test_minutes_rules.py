"""The pure rules of the minutes: what the pseudonymised copy withholds, how versions differ,
and the frozen JSON."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from casecell.domain.meetings import PARIS
from casecell.domain.minutes import (
    ActionLine,
    Identity,
    MinutesContent,
    PersonConcerned,
    Present,
    Scrubber,
    SituationMinutes,
    changes,
    dates_in,
    from_json,
    name_forms,
    pseudonymise,
    to_json,
    vault_names,
    word_sequences,
)

W, D = "[…]", "[date masquée]"


def scrubber(*identities: Identity, patterns: bool = False) -> Scrubber:
    """Names and birth dates of the identities only (the patterns have their own tests)."""
    return Scrubber(list(identities), W, D, patterns=patterns)


def test_names_are_found_whatever_the_case_accents_hyphens_and_apostrophes():
    scrub = scrubber(Identity("P-AAAAAA", name_forms("Hélène", "O'Connor-Lefèvre")))
    text = "Vu HELENE o’connor lefevre puis Hélène seule, et Mme Lefèvre ; Lefebvre n'est pas elle."
    assert scrub(text) == (
        "Vu P-AAAAAA puis P-AAAAAA seule, et Mme P-AAAAAA ; Lefebvre n'est pas elle."
    )
    combining = "He\u0301le\u0300ne"  # typed with combining accents
    assert scrub(f"{combining} est venue") == "P-AAAAAA est venue"
    assert scrub("Hélènes et Lefèvreville") == "Hélènes et Lefèvreville"  # whole words only


def test_names_shared_by_two_persons_concerned_get_a_neutral_mark():
    scrub = scrubber(
        Identity("P-AAAAAA", name_forms("Marie", "Martin")),
        Identity("P-BBBBBB", name_forms("Paul", "Martin")),
        Identity(W, ("Marie",)),  # someone else of the vault
    )
    assert scrub("Marie Martin et Paul ; Martin absent ; Marie") == (
        "P-AAAAAA et P-BBBBBB ; […] absent ; P-AAAAAA"
    )


def test_birth_dates_in_every_written_form_and_adjacent_marks_merge():
    born = date(1980, 3, 1)
    scrub = scrubber(Identity(W, ("Gaspard", "Vermillon"), (born,)))
    text = "Né le 01/03/1980 (1980-03-01, 1/3/80, 1er mars 1980) ; 02/03/1980 n'est pas lui."
    assert scrub(text) == f"Né le {D} ({D}, {D}, {D}) ; 02/03/1980 n'est pas lui."
    every_date = scrubber(Identity(W, ("Gaspard",)), patterns=True)
    assert every_date(text) == f"Né le {D} ({D}, {D}, {D}) ; {D} n'est pas lui."
    assert scrub("Gaspard Vermillon est passé") == "[…] est passé"
    assert [d for _s, _e, d in dates_in("31/02/1980 et 29/02/2024")] == [date(2024, 2, 29)]


def test_other_persons_names_are_kept_only_when_whole_and_not_common_words():
    sequences = word_sequences(["Le voisin Jean Lê et la famille Da Silva sont venus."])
    found = vault_names([("Jean", "Lê"), ("Ana", "Da Silva"), ("Le", "Roux")], sequences)
    assert found == ("da silva", "jean", "jean le", "silva")


CONTENT = MinutesContent(
    cell="Cellule de cas complexes",
    heading="Plénière",
    kind="plenary",
    starts=datetime(2028, 2, 29, 14, tzinfo=PARIS),  # a leap day
    ends=datetime(2028, 2, 29, 16, tzinfo=PARIS),
    place="Mairie",
    chair="Contact 1 (CCAS)",
    secretary="",
    attendance=(Present("CCAS", "Contact 1", "present", undertaking_signed=True),),
    previous=(
        ActionLine(
            "2028-001", "Appeler Hélène", "CMP", date(2028, 2, 1), "todo", "partner_did_not_act"
        ),
    ),
    situations=(
        SituationMinutes(
            "2028-001",
            PersonConcerned("P-AAAAAA", "Hélène", "Lefèvre", date(1950, 1, 2)),
            "new_referral",
            "Hélène, née le 02/01/1950, refuse.",
            "Visite <b>conjointe</b>",
            (ActionLine("2028-001", "Voir Hélène", "CCAS", None, "todo"),),
            "CCAS",
            date(2028, 3, 14),
        ),
    ),
    next_meeting=datetime(2028, 3, 14, 14, tzinfo=PARIS),
)


def test_frozen_json_reads_back_exactly():
    assert from_json(to_json(CONTENT)) == CONTENT


def test_pseudonymise_keeps_only_the_pseudonym():
    situation = CONTENT.situations[0]
    scrub = scrubber(
        Identity("P-AAAAAA", name_forms("Hélène", "Lefèvre"), (situation.person.birth_date,))
    )
    done = pseudonymise(CONTENT, scrub)
    assert done.situations[0].person == PersonConcerned("P-AAAAAA")
    assert done.situations[0].summary == f"P-AAAAAA, née le {D}, refuse."
    assert done.situations[0].actions[0].title == "Voir P-AAAAAA"
    assert done.previous[0].title == "Appeler P-AAAAAA"
    assert "Hélène" not in to_json(done) and "1950-01-02" not in to_json(done)


def test_changes_name_the_sections_not_the_text():
    situation = CONTENT.situations[0]
    later = replace(
        CONTENT,
        place="Salle B",
        situations=(replace(situation, summary="Autre", next_review_on=None),),
    )
    assert changes(CONTENT, later) == (
        "en-tête (date, lieu, présidence ou secrétariat)",
        "situation 2028-001 : synthèse, prochaine revue",
    )
    assert changes(CONTENT, replace(CONTENT, situations=())) == ("situation 2028-001 retirée",)
    assert changes(CONTENT, CONTENT) == ()


def test_a_name_with_its_own_punctuation_is_matched_whole():
    scrub = scrubber(Identity("P-CCCCCC", ("Dupont <Fils> & Cie",)))
    assert scrub("Chez DUPONT  <fils> & cie, rien.") == "Chez P-CCCCCC, rien."
    assert scrub("Dupont, Fils et Cie") == "Dupont, Fils et Cie"  # not that name
