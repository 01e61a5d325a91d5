"""The partner directory: organisations (with their confidentiality charter) and contacts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from casecell.documents import directory_csv
from casecell.documents.interchange import ImportErrors
from casecell.domain.audit import AuditAction
from casecell.domain.nomenclatures import OrganisationKind, kind_from_text
from casecell.domain.register import (
    Contact,
    Organisation,
    check_email,
    check_organisation,
    check_phone,
    clean_line,
)
from casecell.domain.text import fold
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.fileio import read_input
from casecell.i18n import _
from casecell.services.context import Context
from casecell.storage.uow import UnitOfWork


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    kind: OrganisationKind
    commune: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    charter_signed_on: date | None = None
    permanent_member: bool | None = None  # None: left as it is (a directory import)


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
    fields: dict[str, object] = {
        "name": name,
        "kind": OrganisationKind(data.kind).value,
        "commune": commune,
        "address": clean_line(data.address, _("The address"), limit=500),
        "email": email,
        "phone": phone,
        "charter_signed_on": data.charter_signed_on,
    }
    if data.permanent_member is not None:
        fields["permanent_member"] = data.permanent_member
    return fields


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


def contact_choices(ctx: Context) -> dict[int, str]:
    """Every contact as “Name (Organisation)”, by name: to choose a chair or a secretary."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        names = {o.id: o.name for o in uow.organisations.list()}
        choices = {c.id: f"{c.name} ({names[c.organisation_id]})" for c in uow.contacts.all()}
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, "contacts", "all")
        uow.commit()
    return choices


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


# -- directory import (annuaire CSV) ------------------------------------------------------


@dataclass
class DirectoryReport:
    """What an import did — or, in a dry run, would do."""

    applied: bool
    organisations_created: list[str] = field(default_factory=list)
    organisations_updated: list[str] = field(default_factory=list)
    contacts_created: list[str] = field(default_factory=list)
    contacts_updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self, max_names: int = 15) -> list[str]:
        """The report as lines a user reads (CLI and desktop alike)."""
        lines = []
        for label, names in (
            (_("organisations created"), self.organisations_created),
            (_("organisations updated"), self.organisations_updated),
            (_("contacts created"), self.contacts_created),
            (_("contacts updated"), self.contacts_updated),
        ):
            lines.append(f"{label} : {len(names)}")
            lines += [f"    {name}" for name in names[:max_names]]
            if len(names) > max_names:
                lines.append("    …")
        lines.append(_("contacts unchanged: {count}").format(count=self.unchanged))
        return lines


def _parse_day(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        _("Invalid date “{value}”: write it as 31/12/2025.").format(value=raw[:20])
    )


def _yes_no(raw: str) -> bool:
    value = fold(raw).strip()
    if value in ("", "oui", "o", "yes", "y", "1", "vrai", "true", "x"):
        return True
    if value in ("non", "n", "no", "0", "faux", "false"):
        return False
    raise ValidationError(_("Expected “oui” or “non”, not “{value}”.").format(value=raw[:20]))


def import_directory(ctx: Context, source: Path, *, apply: bool) -> DirectoryReport:
    """Create or update organisations and contacts from a CSV directory: all lines or none.

    Organisations are matched by name (ignoring case and accents) and commune; contacts by
    name within their organisation. With ``apply=False`` nothing is written.
    """
    require(ctx.user, Permission.MANAGE_PARTNERS)
    raw = read_input(source, directory_csv.MAX_BYTES)
    lines = directory_csv.parse(raw)
    problems: list[tuple[str, str]] = []
    with ctx.writing() as uow:
        plan = _DirectoryPlan(uow, ctx.today(), apply)
        for line in lines:
            try:
                plan.add(line)
            except ValidationError as exc:
                problems.append((_("line {number}").format(number=line.line), exc.message))
        if problems:
            raise ImportErrors(problems)
        if apply:
            uow.session.flush()
            uow.search.refresh(
                {case for org in plan.touched() for case in uow.search.cases_of_organisation(org)}
            )
            uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "directory", "import")
            uow.commit()
    return plan.report


class _DirectoryPlan:
    """Decides, line by line, what to create or update; writes only when applying."""

    def __init__(self, uow: UnitOfWork, today: date, apply: bool) -> None:
        self._uow = uow
        self._today = today
        self._apply = apply
        self.report = DirectoryReport(applied=apply)
        self._known = {(fold(o.name), o.commune): o for o in uow.organisations.list()}
        self._orgs: dict[tuple[str, str], int | None] = {}  # None: would be created
        self._contacts: set[tuple[tuple[str, str], str]] = set()

    def touched(self) -> set[int]:
        return {org_id for org_id in self._orgs.values() if org_id}

    def add(self, line: directory_csv.DirectoryLine) -> None:
        key, org_name = self._organisation(line)
        if line.get("contact"):
            self._contact(line, key, org_name)

    def _organisation(self, line: directory_csv.DirectoryLine) -> tuple[tuple[str, str], str]:
        kind = kind_from_text(fold(line.get("kind")))
        if kind is None:
            raise ValidationError(
                _("unknown organisation type “{value}”").format(value=line.get("kind")[:40])
            )
        data = OrganisationInput(
            name=line.get("organisation"),
            kind=kind,
            commune=line.get("commune"),
            address=line.get("address"),
            charter_signed_on=_parse_day(line.get("charter")),
        )
        fields = organisation_fields(data, self._today)
        name = str(fields["name"])
        key = (fold(name), str(fields["commune"]))
        if key in self._orgs:
            return key, name
        existing = self._known.get(key)
        if existing is None:
            self.report.organisations_created.append(name)
            self._orgs[key] = self._uow.organisations.add(**fields).id if self._apply else None
            return key, name
        self._orgs[key] = existing.id
        changed = {k: v for k, v in fields.items() if v and v != getattr(existing, k)}
        if changed:
            self.report.organisations_updated.append(existing.name)
            if self._apply:
                self._uow.organisations.update(existing.id, **changed)
        return key, name

    def _contact(
        self, line: directory_csv.DirectoryLine, key: tuple[str, str], org_name: str
    ) -> None:
        org_id = self._orgs[key]
        values = contact_fields(
            ContactInput(
                organisation_id=org_id or 0,
                name=line.get("contact"),
                function=line.get("function"),
                email=line.get("email"),
                phone=line.get("phone"),
                bound_by_secrecy=_yes_no(line.get("secrecy")),
            )
        )
        folded = fold(str(values["name"]))
        if (key, folded) in self._contacts:
            return
        self._contacts.add((key, folded))
        known = (
            {fold(c.name): c for c in self._uow.contacts.of_organisation(org_id)} if org_id else {}
        )
        match = known.get(folded)
        label = f"{values['name']} ({org_name})"
        if match is None:
            self.report.contacts_created.append(label)
            if self._apply:
                self._uow.contacts.add(**values)
        elif any(values[k] != getattr(match, k) for k in values if k != "organisation_id"):
            self.report.contacts_updated.append(label)
            if self._apply:
                self._uow.contacts.update(match.id, **values)
        else:
            self.report.unchanged += 1
