"""The persons concerned: what is recorded of them, finding them by name or pseudonym, and
recognising someone already known when they are referred again.

A person only enters the register through a referral (or as a relative of a situation's
person), and is corrected from one of their situations (so the change is in that
situation's timeline); this list is for finding them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casecell.domain.audit import AuditAction
from casecell.domain.persons import KnownPerson, check_identifiers, check_nir
from casecell.domain.register import check_person
from casecell.domain.text import fts_query
from casecell.domain.users import Permission, require
from casecell.errors import NotShared, ValidationError
from casecell.i18n import _
from casecell.services.context import Context
from casecell.storage import listing
from casecell.storage import persons as known
from casecell.storage.listing import PersonListRow
from casecell.storage.uow import UnitOfWork

PERSON_LIST_LIMIT = 200

__all__ = [
    "PERSON_LIST_LIMIT",
    "KnownPerson",
    "PersonInput",
    "PersonListRow",
    "find_persons",
    "known_persons",
]


@dataclass(frozen=True)
class PersonInput:
    """A person as typed in a form or on the command line (checked by :func:`person_fields`)."""

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


def person_fields(data: PersonInput, today: date) -> dict[str, object]:
    """The person's columns, checked and normalised (a :class:`ValidationError` otherwise)."""
    first, last, year, commune = check_person(
        data.first_name, data.last_name, data.birth_date, data.birth_year, data.commune, today
    )
    ids = check_identifiers(data.address, data.postcode, data.phone, data.email, data.nir)
    return {
        "first_name": first,
        "last_name": last,
        "birth_date": data.birth_date,
        "birth_year": year,
        "commune": commune,
        "address": ids.address,
        "postcode": ids.postcode,
        "phone": ids.phone,
        "email": ids.email,
        "nir": ids.nir,
    }


def check_nir_free(uow: UnitOfWork, ctx: Context, nir: object, person_id: int | None) -> None:
    """An identical NIR is the same person: refuse to record it for anyone else the user
    sees (they must choose the known person). A person only another organisation sees is
    not revealed: need-to-know comes before de-duplication."""
    if not nir:
        return
    for other in uow.persons.with_nir(str(nir)):
        if other != person_id and known.sees_person(uow.session, ctx.scope, other):
            raise ValidationError(
                _(
                    "A person with this social security number (NIR) is already known: "
                    "choose them instead of recording them again."
                )
            )


def check_person_seen(uow: UnitOfWork, ctx: Context, person_id: int) -> None:
    """The person exists and is part of a situation the user sees."""
    if known.sees_person(uow.session, ctx.scope, person_id):
        return
    if ctx.scope.restricted:
        raise NotShared(
            person_id, "person", _("This person is not part of a situation you can see.")
        )
    raise ValidationError(_("Unknown person."))


def known_persons(ctx: Context, person: PersonInput) -> list[KnownPerson]:
    """Persons already in the register whom ``person`` may be (same NIR, or same folded names
    and birth year), among the situations the user sees; audited (names are shown), the
    typed details are never logged."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    try:
        nir = check_nir(person.nir)
    except ValidationError:
        nir = ""  # still being typed
    with ctx.auditing_read() as uow:
        found = known.known_persons(
            uow.session,
            ctx.scope,
            person.first_name,
            person.last_name,
            person.birth_date,
            person.birth_year,
            nir,
        )
        if found:
            uow.audit.append(
                ctx.clock(), ctx.user.id, AuditAction.READ, "person_lookup", str(len(found))
            )
            uow.commit()
    return found


def find_persons(
    ctx: Context, text: str = "", limit: int = PERSON_LIST_LIMIT
) -> tuple[list[PersonListRow], int]:
    """Up to ``limit`` persons whose names or pseudonym match ``text`` word by word (each word
    as a prefix, accents and case ignored), by name; with no text, the latest registered.
    Also returns how many matched in all.

    Names are shown: audited, and refused to roles that see no names. The text is never logged.
    """
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        rows, total = listing.person_page(uow.session, fts_query(text), limit, ctx.scope)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, "person_list", str(len(rows)))
        uow.commit()
    return rows, total
