"""Partners (organisations and their contacts) and the persons concerned, minimised."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from casecell.domain.nomenclatures import OrganisationKind
from casecell.domain.text import unsafe_character
from casecell.errors import ValidationError
from casecell.i18n import _

INSEE_RE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[\d .()-]{6,25}$")
MAX_NAME = 200
MAX_TEXT = 2000


def check_characters(raw: str, what: str) -> str:
    """``raw`` itself, unless it holds a character no text accepts (see
    :func:`casecell.domain.text.unsafe_character`): one rule for every field."""
    code = unsafe_character(raw)
    if code is not None:
        raise ValidationError(
            _("{what} holds an invisible control character ({code}) that is not accepted.").format(
                what=what, code=code
            )
        )
    return raw


def clean_line(raw: str, what: str, *, required: bool = False, limit: int = MAX_NAME) -> str:
    """One line of user text: outer spaces removed, otherwise kept exactly as typed (combining
    accents stay combining: search folds both forms, so nothing needs rewriting)."""
    text = check_characters(raw, what).strip()
    if "\n" in text or "\r" in text:
        raise ValidationError(_("{what}: one line only.").format(what=what))
    if required and not text:
        raise ValidationError(_("{what} is required.").format(what=what))
    if len(text) > limit:
        raise ValidationError(
            _("{what} is too long (at most {limit} characters).").format(what=what, limit=limit)
        )
    return text


def clean_text(raw: str, what: str, *, limit: int = 20_000) -> str:
    """A multi-line text (notes, summaries): line breaks kept (Windows ones made plain)."""
    text = check_characters(raw, what).replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValidationError(
            _("{what} is too long (at most {limit} characters).").format(what=what, limit=limit)
        )
    return text


def check_insee(code: str) -> str:
    code = code.strip().upper()
    if code and not INSEE_RE.fullmatch(code):
        raise ValidationError(
            _(
                "Invalid INSEE commune code “{code}”: five characters such as 75056 or 2A004."
            ).format(code=code[:16])
        )
    return code


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    kind: OrganisationKind
    commune: str = ""  # INSEE code
    address: str = ""
    email: str = ""
    phone: str = ""
    charter_signed_on: date | None = None
    permanent_member: bool = False  # invited to every plenary meeting

    @property
    def charter_signed(self) -> bool:
        return self.charter_signed_on is not None


@dataclass(frozen=True)
class Contact:
    id: int
    organisation_id: int
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""
    bound_by_secrecy: bool = True


@dataclass(frozen=True)
class Person:
    """Only what the cell needs: names, birth date or year, commune, a pseudonym, and the
    identifiers partners use to reach or recognise the person (``domain/persons.py``)."""

    id: int
    pseudonym: str
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    commune: str = ""
    address: str = ""  # street line
    postcode: str = ""
    phone: str = ""
    email: str = ""
    nir: str = ""

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name.upper()) if part)


def check_organisation(
    name: str, email: str, phone: str, commune: str
) -> tuple[str, str, str, str]:
    name = clean_line(name, _("The organisation's name"), required=True)
    return name, check_email(email), check_phone(phone), check_insee(commune)


def check_email(email: str) -> str:
    email = email.strip()
    if email and not EMAIL_RE.fullmatch(email):
        raise ValidationError(_("Invalid e-mail address “{email}”.").format(email=email[:100]))
    return email


def check_phone(phone: str) -> str:
    phone = phone.strip()
    if phone and not PHONE_RE.fullmatch(phone):
        raise ValidationError(_("Invalid phone number “{phone}”.").format(phone=phone[:40]))
    return phone


def check_person(
    first_name: str,
    last_name: str,
    birth_date: date | None,
    birth_year: int | None,
    commune: str,
    today: date,
) -> tuple[str, str, int | None, str]:
    first = clean_line(first_name, _("The first name"))
    last = clean_line(last_name, _("The last name"))
    if not (first or last):
        raise ValidationError(_("Give at least a first name or a last name."))
    if birth_date is not None:
        if birth_date > today:
            raise ValidationError(_("The birth date cannot be in the future."))
        if birth_year is not None and birth_year != birth_date.year:
            raise ValidationError(_("The birth year does not match the birth date."))
        birth_year = birth_date.year
    if birth_year is not None and not (1900 <= birth_year <= today.year):
        raise ValidationError(_("Implausible birth year {year}.").format(year=birth_year))
    return first, last, birth_year, check_insee(commune)
