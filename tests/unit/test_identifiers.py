"""What the pseudonymised copy withholds whoever it belongs to (phones, NIR, e-mails, postal
addresses, dates, ages), a person's stored identifiers however spelt, and the review step's
words to confirm — each with the ordinary text it must leave alone."""

from __future__ import annotations

import re

import pytest

from casecell.domain.identifiers import Kind, StoredIdentifiers, identifier_pattern, nir_key_valid
from casecell.domain.minutes import Identity, Scrubber, name_forms
from casecell.domain.review import known_words, words_to_confirm
from casecell.domain.text import fold

W, D = "[…]", "[date masquée]"
MARKS = {
    Kind.PHONE: "[tel]", Kind.NIR: "[nir]", Kind.EMAIL: "[mail]",
    Kind.ADDRESS: "[adr]", Kind.DATE: D, Kind.AGE: "[age]",
}  # fmt: skip


def scrub(text: str, *identities: Identity) -> str:
    return Scrubber(list(identities), W, D, kind_marks=MARKS)(text)


@pytest.mark.parametrize(
    "phone",
    ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
     "+33612345678", "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78", "01 23 45 67 89"],
)  # fmt: skip
def test_french_phone_numbers_in_every_spacing(phone):
    assert scrub(f"Tél. {phone}, le soir.") == "Tél. [tel], le soir."


def test_nir_with_its_key_with_or_without_spaces_corsica_included():
    assert nir_key_valid("2 87 03 75 123 456 87") and nir_key_valid("187037512345652") is False
    assert nir_key_valid("2 87 03 2A 123 456 47") and not nir_key_valid("2870 32B1 2345 647")
    assert nir_key_valid("2870 32B1 2345 674")
    for nir in (
        "287037512345687",
        "2 87 03 75 123 456 87",
        "2 87 03 2A 123 456 47",
        "287032b12345674",
    ):
        assert scrub(f"NIR {nir}.") == "NIR [nir].", nir
    assert scrub("Dossier 287037512345600.") == "Dossier 287037512345600."  # wrong key, unspaced


def test_email_addresses():
    assert scrub("Écrire à Jeanne.D+cell@mairie-exemple.fr.") == "Écrire à [mail]."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Vit au 12 rue des Lilas depuis mai.", "Vit au [adr] depuis mai."),
        ("Vit 3 bis, avenue Victor Hugo, 75011 Paris.", "Vit [adr]."),
        ("Au 7 chemin de la croix a été vu.", "Au [adr] a été vu."),
        ("Au 2 bd Voltaire", "Au [adr]"),
        ("Au 5 place Bellecour, 69002 Lyon", "Au [adr]"),
        ("Il donne 3 cours de français ; 2 places libres ; 4 routes.", None),
    ],
)
def test_postal_addresses_need_a_number_and_a_street(typed, expected):
    assert scrub(typed) == (expected or typed)


@pytest.mark.parametrize(
    "day",
    ["04/03/1987", "4-3-1987", "04.03.87", "04 03 1987", "04031987", "4 mars 1987",
     "1er mars 1987", "mars 1987", "4 MARS 1987", "1987-03-04", "4 févr. 1987"],
)  # fmt: skip
def test_dates_in_every_common_french_form(day):
    assert scrub(f"Née le {day}, sans suite.") == f"Née le {D}, sans suite."


def test_a_lone_year_after_en_and_ages():
    assert scrub("Née en 1987 ; arrivée en 2019.") == f"Née en {D} ; arrivée en {D}."
    assert scrub("Elle a 39 ans, âgée de 39 ans ; 101 ans ; 6ans.") == (
        "Elle a [age], [age] ; [age] ; [age]."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Situation 2026-014 revue ; réf. 2027-001.",
        "Dette de 1 234,56 € et 12 000 € ; 45,5 %.",
        "Rendez-vous à 14h30, à 14:30 ou 9 h ; réunion de 2 h, 120 minutes.",
        "Code postal 75011 seul ; Paris 11e.",
        "Suivi depuis 3 ans ; mesure pour 5 ans ; 2 ans de suivi ; dans 2 ans.",
        "En 2 mois, 3 visites ; 12 enfants ; 150 ans d'histoire ; 42 ; 31/02/1980.",
        "Né en mars ; le 12 mai ; le 1er.",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert scrub(text) == text


def test_a_stored_identifier_is_found_however_it_is_spelt():
    person = Identity(
        "P-AAAAAA",
        name_forms("Ysaline", "Quenouillère"),
        identifiers=("06 48 21 73 95", "Y.Q@Courriel.test", "2 87 03 75 123 456 87",
                     "14 rue des Aubépines 75011 Paris"),
    )  # fmt: skip
    text = (
        "Appeler 06 4821 7395 ou +33 (0)6.48.21.73.95 ; y.q@COURRIEL.TEST ; "
        "28703 75123 45687 ; vit 14, r. des Aubepines ; 64 rue des Aubépines est ailleurs."
    )
    assert Scrubber([person], W, D, patterns=False, kind_marks=MARKS)(text) == (
        "Appeler [tel] ou [tel] ; [mail] ; [nir] ; vit [adr] ; 64 rue des Aubépines est ailleurs."
    )
    assert identifier_pattern("  ") is None and identifier_pattern("rue sans numéro") is not None
    assert identifier_pattern("3, Les Tilleuls") == (
        Kind.ADDRESS,
        r"(?<!\d)3(?!\d)[^\n]{0,40}?(?<!\w)tilleuls(?!\w)",
    )
    assert identifier_pattern("Bâtiment 3") is None  # no street name after the number


STORED = (
    "06 48 21 73 95", "+33 1 44 55 66 77", "0590 12 34", "Y.Q@Courriel.test",
    "2 87 03 2A 123 456 87", "14 rue des Aubépines 75011 Paris", "Lieu-dit Les Hauts Prés",
    "3, Les Tilleuls",
)  # fmt: skip
TEXTS = (
    "Appeler 06 4821 7395 ou +33 (0)6.48.21.73.95 ; y.q@COURRIEL.TEST",
    "01 44 55 66 77 puis 0590-12-34 ; 2 87 03 2a 123 456 87 ; 28703 2A123 45687",
    "vit 14, r. des Aubepines ; lieu dit les hauts pres ; 3 bis, les Tilleuls",
    "64 rue des Aubépines est ailleurs ; Tilleuls ; 06 48 21 ; rien de tout cela",
    "né le 12/03/1987, 39 ans ; réf 906482173951 ; Tilleuls",
)


def test_stored_identifiers_search_only_what_a_text_may_hold():
    """Each pattern is tried only on texts holding its clue: never a match lost (every
    pattern that matches a text is among that text's candidates), and a text that holds no
    clue gets none."""
    stored = StoredIdentifiers(STORED)
    every = [re.compile(p) for _kind, p in filter(None, map(identifier_pattern, STORED))]
    for text in TEXTS:
        folded = fold(text)
        tried = {pattern.pattern for pattern, _kind in stored.candidates(folded)}
        matching = {p.pattern for p in every if p.search(folded)}
        assert matching <= tried, text
    assert matching == set()  # the last text holds none: a test that could not fail otherwise
    assert len(tried) == 2  # though it holds two clues: the phone's digits, a street's name
    assert stored.candidates(fold("Rien à signaler, échanges entre partenaires.")) == []
    assert not StoredIdentifiers(["  ", "Bâtiment 3"])


def test_overlapping_finds_are_withheld_whole():
    person = Identity("P-AAAAAA", name_forms("Marie", "Martin"))
    assert scrub("marie.martin@exemple.fr et Marie", person) == "[mail] et P-AAAAAA"
    assert scrub("12 rue Marie Martin", person) == "[adr]"


def test_a_professional_keeps_a_name_someone_else_in_the_vault_has():
    others = Identity(W, ("Paul", "Lefort"))
    concerned = Identity("P-AAAAAA", name_forms("Alix", "Lefort"))
    scrubber = Scrubber([concerned, others], W, D, professionals=["Paul Durand"])
    assert scrubber("Paul Durand (CCAS) a vu Paul.") == "Paul Durand (CCAS) a vu […]."
    # "Jean P-AAAAAA" would tell that P-AAAAAA is a Lefort: a professional's name stays whole.
    pro = Scrubber([concerned], W, D, professionals=["Jean Lefort", "Lefort Alix", "Lefort"])
    assert pro("Jean Lefort a vu Lefort.") == "Jean Lefort a vu P-AAAAAA."
    assert pro("Alix Lefort ; Lefort Alix") == "P-AAAAAA ; P-AAAAAA"  # the same whole name


def test_words_to_confirm_are_unknown_capitalised_words():
    known = known_words(["CCAS de Villebourg", "Paul Durand", "Association O'Connor-Saint-Just"])
    texts = [
        "Visite chez P-AAAAAA avec Mme Bérangère ; L'Hôpital de Villebourg et la CAF.",
        "Ysalinne dite « Ysa » ; [date masquée] ; bérangère ; Durand ; RSA ; Aujourd'hui.",
        "Плохо : Дмитрий. مريم ; O’Connor-Saint-Just.",
    ]
    found = words_to_confirm(texts, {"visite", "chez", "avec", "hopital", "aujourd'hui"}, known)
    assert found == ("Bérangère", "Ysalinne", "Ysa", "Плохо", "Дмитрий", "مريم")
    assert words_to_confirm([], {"x"}, known) == ()


def test_an_address_typed_as_a_dash_holds_nothing_to_look_for():
    """ "-" or "?" for an unknown address: nothing to withhold, and no failure."""
    for value in ("-", "?", "—", "/", "..."):
        assert identifier_pattern(value) is None
    person = Identity("P-AAAAAA", name_forms("Marie", "Martin"), identifiers=("-", "?"))
    assert Scrubber([person], W, D, patterns=False)("Marie Martin, adresse : -") == (
        "P-AAAAAA, adresse : -"
    )


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        ("12bis rue Victor Hugo", "Elle vit au 12bis Victor-Hugo depuis mars."),
        ("12B rue des Lilas", "Visite au 12B, les Lilas, avec la PMI."),
        ("7 ter avenue des Pins", "au 7 ter des Pins"),
    ],
)
def test_a_street_number_with_its_suffix_is_found(stored, text):
    person = Identity("P-AAAAAA", name_forms("Marie", "Martin"), identifiers=(stored,))
    scrubbed = Scrubber([person], W, D, patterns=False, kind_marks=MARKS)(text)
    assert "[adr]" in scrubbed and not any(w in scrubbed for w in ("Hugo", "Lilas", "Pins"))
