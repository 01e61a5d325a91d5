"""The partner directory: organisations (with their confidentiality charter) and contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casecell.domain.audit import AuditAction
from casecell.domain.nomenclatures import OrganisationKind
from casecell.domain.register import (
    Contact,
    Organisation,
    check_email,
    check_organisation,
    check_phone,
    clean_line,
)
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.context import Context


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    kind: OrganisationKind
    commune: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    charter_signed_on: date | None = None


@dataclass(frozen=True)
class ContactInput:
    organisation_id: int
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""
    bound_by_secrecy: bool = True


def organisation_fields(data: OrganisationInput, today: date) -> dict[str, object]:
    """Checked, cleaned column values for an organisation (shared by forms and imports)."""
    name, email, phone, commune = check_organisation(
        data.name, data.email, data.phone, data.commune
    )
    if data.charter_signed_on is not None and data.charter_signed_on > today:
        raise ValidationError(_("The charter signature date cannot be in the future."))
    return {
        "name": name,
        "kind": OrganisationKind(data.kind).value,
        "commune": commune,
        "address": clean_line(data.address, _("The address"), limit=500),
        "email": email,
        "phone": phone,
        "charter_signed_on": data.charter_signed_on,
    }


def contact_fields(data: ContactInput) -> dict[str, object]:
    return {
        "organisation_id": data.organisation_id,
        "name": clean_line(data.name, _("The contact's name"), required=True),
        "function": clean_line(data.function, _("The function")),
        "email": check_email(data.email),
        "phone": check_phone(data.phone),
        "bound_by_secrecy": bool(data.bound_by_secrecy),
    }


def add_organisation(ctx: Context, data: OrganisationInput) -> Organisation:
    require(ctx.user, Permission.MANAGE_PARTNERS)
    fields = organisation_fields(data, ctx.today())
    with ctx.writing() as uow:
        organisation = uow.organisations.add(**fields)
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.WRITE, "organisation", str(organisation.id)
        )
        uow.commit()
    return organisation


def update_organisation(
    ctx: Context, organisation_id: int, data: OrganisationInput
) -> Organisation:
    require(ctx.user, Permission.MANAGE_PARTNERS)
    fields = organisation_fields(data, ctx.today())
    with ctx.writing() as uow:
        if uow.organisations.get(organisation_id) is None:
            raise ValidationError(_("Unknown organisation."))
        organisation = uow.organisations.update(organisation_id, **fields)
        uow.search.refresh(uow.search.cases_of_organisation(organisation_id))
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.WRITE, "organisation", str(organisation_id)
        )
        uow.commit()
    return organisation


def list_organisations(ctx: Context) -> list[Organisation]:
    """Institutions, not people: every role may list them (managers for their reports)."""
    with ctx.reading() as uow:
        return uow.organisations.list()


def add_contact(ctx: Context, data: ContactInput) -> Contact:
    require(ctx.user, Permission.MANAGE_PARTNERS)
    fields = contact_fields(data)
    with ctx.writing() as uow:
        if uow.organisations.get(data.organisation_id) is None:
            raise ValidationError(_("Unknown organisation."))
        contact = uow.contacts.add(**fields)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "contact", str(contact.id))
        uow.commit()
    return contact


def update_contact(ctx: Context, contact_id: int, data: ContactInput) -> Contact:
    require(ctx.user, Permission.MANAGE_PARTNERS)
    fields = contact_fields(data)
    with ctx.writing() as uow:
        if uow.contacts.get(contact_id) is None:
            raise ValidationError(_("Unknown contact."))
        if uow.organisations.get(data.organisation_id) is None:
            raise ValidationError(_("Unknown organisation."))
        contact = uow.contacts.update(contact_id, **fields)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "contact", str(contact_id))
        uow.commit()
    return contact


def contacts_of(ctx: Context, organisation_id: int) -> list[Contact]:
    """Professionals' names and details are personal data: not for managers."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        contacts = uow.contacts.of_organisation(organisation_id)
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.READ, "contacts", str(organisation_id)
        )
        uow.commit()
    return contacts
