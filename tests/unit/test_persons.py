"""A person's identifiers: NIR key (Corsica too), French phones in every spelling, e-mails."""

from __future__ import annotations

import pytest

from casecell.domain.persons import (
    check_identifiers,
    check_nir,
    check_person_email,
    check_person_phone,
    check_postcode,
    format_nir,
    nir_key,
)
from casecell.errors import ValidationError

# Fictitious numbers: born abroad (99) in commune 999, or an unknown birth month (20).
NIR = "185019999900117"
NIR_2A = "160082A00412368"
NIR_2B = "160082B03312301"


def test_the_key_is_97_minus_the_number_mod_97():
    assert nir_key("2550814168025") == 38  # the example INSEE gives
    assert nir_key("1850199999001") == 17


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (NIR, NIR),
        ("1 85 01 99 999 001 17", NIR),
        ("  1 85 01\u00a099 999 001\u202f17 ", NIR),
        ("1 60 08 2a 004 123 68", NIR_2A),
        (NIR_2B, NIR_2B),
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_nir_is_stored_without_spaces(typed, stored):
    assert check_nir(typed) == stored


def test_a_nir_reads_in_groups():
    assert format_nir(NIR) == "1 85 01 99 999 001 17"
    assert format_nir(NIR_2A) == "1 60 08 2A 004 123 68"
    assert check_nir(format_nir(NIR)) == NIR


def test_corsica_counts_as_19_and_18_for_the_key():
    assert nir_key("1600819004123") == nir_key(NIR_2A[:13])
    assert nir_key("1600818033123") == nir_key(NIR_2B[:13])
    with pytest.raises(ValidationError, match="clé"):
        check_nir("160082A00412301")  # 2B's key on a 2A number


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        (NIR[:-1] + "8", "clé"),
        ("185019999900118", "clé"),
        ("1850199999001", "15 caractères"),
        ("18501999990011700", "15 caractères"),
        ("1850199X9900117", "chiffres"),
        ("160082C00412368", "Corse"),
    ],
)
def test_a_bad_nir_is_refused_in_french_without_repeating_it(typed, words):
    with pytest.raises(ValidationError, match=words) as raised:
        check_nir(typed)
    assert typed not in raised.value.message and "NIR" in raised.value.message


@pytest.mark.parametrize(
    "typed",
    [
        "01 99 00 12 34",
        "0199001234",
        "01.99.00.12.34",
        "01-99-00-12-34",
        "01 99 00 12 34 ",
        "+33 1 99 00 12 34",
        "+33199001234",
        "+33 (0)1 99 00 12 34",
        "0033 1 99 00 12 34",
        "+33\u00a01\u00a099\u00a000\u00a012\u00a034",
    ],
)
def test_a_french_phone_in_any_spelling_is_stored_one_way(typed):
    assert check_person_phone(typed) == "01 99 00 12 34"


def test_overseas_and_foreign_numbers():
    assert check_person_phone("+262 692 00 12 34") == "06 92 00 12 34"
    assert check_person_phone("+32 2 123 45 67") == "+3221234567"
    assert check_person_phone("") == ""


@pytest.mark.parametrize(
    "typed",
    ["01 99 00 12", "1 99 00 12 34", "+0 99 00 12 34", "09 9 00 12 34", "+33 1 99 00 12",
     "01 99 OO 12 34", "+33 0 1 99 00 12 34", "=HYPERLINK(1)", "+1"],
)  # fmt: skip
def test_a_bad_phone_is_refused_in_french(typed):
    with pytest.raises(ValidationError, match="01 99 00 12 34"):
        check_person_phone(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("zoe.oberg@example.invalid", "zoe.oberg@example.invalid"),
        (" Zoe.O-Connor+cell@Example.INVALID ", "Zoe.O-Connor+cell@example.invalid"),
        ("o'connor@mairie-villebourg.example.fr", "o'connor@mairie-villebourg.example.fr"),
        ("", ""),
    ],
)
def test_an_email_is_checked_and_its_domain_lower_cased(typed, stored):
    assert check_person_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["zoe", "zoe@", "@example.fr", "zoe@example", "zo e@example.fr", "zoe..x@example.fr",
     ".zoe@example.fr", "zoe@-example.fr", "zoe@example..fr", "zoe@@example.fr",
     "zoe@example.123", "Robert'); DROP TABLE cases;--@example.fr"],
)  # fmt: skip
def test_a_bad_email_is_refused_in_french(typed):
    with pytest.raises(ValidationError, match="Adresse électronique invalide"):
        check_person_email(typed)


def test_postcode_and_street_line():
    assert check_postcode("59 650") == "59650"
    with pytest.raises(ValidationError, match="Code postal invalide"):
        check_postcode("5965")
    ids = check_identifiers(address="  12 rue des Tilleuls <b>bis</b> ", postcode="59650")
    assert ids.address == "12 rue des Tilleuls <b>bis</b>"
    with pytest.raises(ValidationError, match="une seule ligne"):
        check_identifiers(address="12 rue\ndes Tilleuls")
