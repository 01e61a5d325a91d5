"""A person's identifiers as data: postal address, phone, e-mail, NIR — checked and normalised.

Each ``check_*`` takes what was typed and returns the form stored (``""`` for nothing), or
raises a :class:`ValidationError` in words. Error messages never repeat the number typed:
an identifier is personal data, and messages may be shown or reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from casecell.domain.nomenclatures import Relation
from casecell.domain.register import Person, clean_line
from casecell.errors import ValidationError
from casecell.i18n import _

NIR_LENGTH = 15  # 13 characters and a two-digit key
# sex, year, month, département (2A/2B for Corsica), commune, order number; then the key.
_NIR_RE = re.compile(r"^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}$")
# Corsica's départements count as 19 (2A) and 18 (2B) when the key is computed.
_CORSICA = {"2A": "19", "2B": "18"}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Overseas départements dial like metropolitan numbers once their prefix is taken off.
_FRENCH_PREFIXES = ("33", "262", "590", "594", "596")
_EMAIL_LOCAL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
)
_EMAIL_LABEL = re.compile(r"^[^\W_](?:[\w-]{0,61}[^\W_])?$")
_POSTCODE_RE = re.compile(r"^[0-9]{5}$")
MAX_ADDRESS = 200


def nir_key(body: str) -> int:
    """The key of a NIR's first 13 characters: 97 − (the number mod 97), Corsica counted as
    19 (2A) and 18 (2B)."""
    digits = body[:5] + _CORSICA.get(body[5:7], body[5:7]) + body[7:13]
    return 97 - int(digits) % 97


def check_nir(raw: str) -> str:
    """The NIR (numéro de sécurité sociale) typed, spaces removed and letters upper-cased:
    15 characters whose last two are the key of the first 13."""
    nir = _SPACES.sub("", raw).upper()
    if not nir:
        return ""
    if len(nir) != NIR_LENGTH:
        raise ValidationError(
            _(
                "The social security number (NIR) has 15 characters: 13 and a two-digit key "
                "({count} typed)."
            ).format(count=len(nir))
        )
    if not _NIR_RE.fullmatch(nir):
        raise ValidationError(
            _(
                "The social security number (NIR) holds digits only, except 2A or 2B for a "
                "birth in Corsica."
            )
        )
    if int(nir[13:]) != nir_key(nir[:13]):
        raise ValidationError(
            _(
                "The key of the social security number (NIR) does not match its first 13 "
                "characters: check the number."
            )
        )
    return nir


def format_nir(nir: str) -> str:
    """A stored NIR as people read it: « 2 84 09 99 900 043 65 »."""
    if len(nir) != NIR_LENGTH:
        return nir
    cuts = (0, 1, 3, 5, 7, 10, 13, 15)
    return " ".join(nir[a:b] for a, b in pairwise(cuts))


def check_person_phone(raw: str) -> str:
    """A phone number, stored as « 01 99 00 12 34 » for a French number (typed with any
    spacing, dots or dashes, with +33, 0033 or +33 (0)); other countries as + and digits."""
    text = raw.strip()
    if not text:
        return ""
    compact = re.sub(r"[\s\u00a0\u202f.\-/]", "", text).replace("(0)", "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    bad = ValidationError(
        _(
            "Invalid phone number: write ten digits such as 01 99 00 12 34, or an international "
            "number starting with +."
        )
    )
    if re.search(r"[^\d+]", compact) or "+" in compact[1:]:
        raise bad
    if compact.startswith("+"):
        digits = compact[1:]
        for prefix in _FRENCH_PREFIXES:
            if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
                national = digits[len(prefix) :]
                if national[0] == "0":
                    raise bad
                return _french("0" + national)
        if digits.startswith(("0", "33")) or not 8 <= len(digits) <= 15:
            raise bad
        return "+" + digits
    if len(compact) != 10 or compact[0] != "0" or compact[1] == "0":
        raise bad
    return _french(compact)


def _french(ten: str) -> str:
    return " ".join(ten[i : i + 2] for i in range(0, 10, 2))


def check_person_email(raw: str) -> str:
    """An e-mail address: one @, a local part without spaces or double dots, a domain of at
    least two labels; the domain is stored in lower case."""
    email = raw.strip()
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    labels = domain.split(".")
    if (
        not at
        or len(email) > 254
        or len(local) > 64
        or not _EMAIL_LOCAL.fullmatch(local)
        or len(labels) < 2
        or not all(_EMAIL_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            _("Invalid e-mail address: expected a form such as prenom.nom@example.fr.")
        )
    return f"{local}@{domain.lower()}"


def check_postcode(raw: str) -> str:
    code = _SPACES.sub("", raw)
    if code and not _POSTCODE_RE.fullmatch(code):
        raise ValidationError(_("Invalid postcode: five digits such as 59650."))
    return code


def check_address(raw: str) -> str:
    """The street line of a postal address (the commune is the person's INSEE code)."""
    return clean_line(raw, _("The street address"), limit=MAX_ADDRESS)


@dataclass(frozen=True)
class Identifiers:
    """A person's identifiers as stored (normalised), ``""`` when unknown."""

    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    nir: str = ""


def check_identifiers(
    address: str = "", postcode: str = "", phone: str = "", email: str = "", nir: str = ""
) -> Identifiers:
    return Identifiers(
        address=check_address(address),
        postcode=check_postcode(postcode),
        phone=check_person_phone(phone),
        email=check_person_email(email),
        nir=check_nir(nir),
    )


def identifiers_of(person: Person) -> tuple[str, ...]:
    """What typed text must not show of ``person`` besides names and birth date: street
    address, phone, e-mail, NIR (as stored; the scrubber finds them however spelt)."""
    return tuple(v for v in (person.address, person.phone, person.email, person.nir) if v)


@dataclass(frozen=True)
class Relative:
    """A member of the household or someone close, linked to a situation as a person of the
    vault (so the pseudonymised copies withhold their names and identifiers too)."""

    case_id: int
    person: Person
    relation: Relation


@dataclass(frozen=True)
class KnownPerson:
    """A person already in the register who may be the one being referred again."""

    person: Person
    references: tuple[str, ...]  # the situations (seen by the asker) they are part of
    same_nir: bool  # an identical NIR: certainly the same person
