"""Accounts, roles and what each role may do.

Role checks live here and are called by services, never by the UI alone. A manager sees
aggregates only: no service hands a manager a nominative field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from casecell.compat import StrEnum
from casecell.errors import PermissionDenied, ValidationError
from casecell.i18n import _

MIN_PASSPHRASE_LENGTH = 12
MAX_PASSPHRASE_LENGTH = 1024
_LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    MEMBER = "member"
    MANAGER = "manager"

    @property
    def label(self) -> str:
        return {
            Role.ADMIN: _("administrator"),
            Role.COORDINATOR: _("coordinator"),
            Role.MEMBER: _("member"),
            Role.MANAGER: _("manager"),
        }[self]


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_PARTNERS = "manage_partners"
    READ_NOMINATIVE = "read_nominative"
    WRITE_CASES = "write_cases"
    VIEW_REPORTS = "view_reports"
    EXPORT = "export"
    IMPORT = "import"
    BACKUP = "backup"
    RESTORE = "restore"
    VIEW_AUDIT = "view_audit"
    CHECK = "check"
    PLAN_MEETINGS = "plan_meetings"
    # Answer a person's right of access (RGPD art. 15): everything held about one person.
    ANSWER_ACCESS_REQUEST = "answer_access_request"
    # Draft the impact assessment (AIPD) from the vault's configuration.
    IMPACT_ASSESSMENT = "impact_assessment"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.COORDINATOR: frozenset(
        {
            Permission.READ_NOMINATIVE,
            Permission.WRITE_CASES,
            Permission.MANAGE_PARTNERS,
            Permission.PLAN_MEETINGS,
            Permission.VIEW_REPORTS,
            Permission.EXPORT,
            Permission.ANSWER_ACCESS_REQUEST,
            Permission.BACKUP,
            Permission.CHECK,
        }
    ),
    Role.MEMBER: frozenset({Permission.READ_NOMINATIVE, Permission.WRITE_CASES, Permission.CHECK}),
    Role.MANAGER: frozenset({Permission.VIEW_REPORTS, Permission.CHECK}),
}


@dataclass(frozen=True)
class User:
    id: int
    login: str
    display_name: str
    role: Role
    active: bool = True
    created_at: datetime | None = None
    organisation_id: int | None = None

    def can(self, permission: Permission) -> bool:
        return self.active and permission in ROLE_PERMISSIONS[self.role]

    @property
    def sees_names(self) -> bool:
        return self.can(Permission.READ_NOMINATIVE)

    @property
    def sees_all_cases(self) -> bool:
        """Coordinators and administrators see every situation; a member only those shared
        with their organisation (see ``domain/access.py``); a manager none."""
        return self.active and self.role in (Role.ADMIN, Role.COORDINATOR)


def require(user: User, permission: Permission) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may do ``permission``."""
    if not user.can(permission):
        raise PermissionDenied(
            _("Your role ({role}) does not allow this action.").format(role=user.role.label)
        )


def normalise_login(raw: str) -> str:
    """Logins are compared case-insensitively, in NFC, without surrounding spaces."""
    login = unicodedata.normalize("NFC", raw).strip().casefold()
    if not _LOGIN_RE.fullmatch(login):
        raise ValidationError(
            _(
                "Invalid login “{login}”: use 2 to 64 unaccented letters, digits, "
                "dots, dashes, underscores or @, starting with a letter or digit."
            ).format(login=raw.strip()[:64])
        )
    return login


def parse_role(raw: str) -> Role:
    try:
        return Role(raw.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError(
            _("Unknown role “{role}”. Choose one of: {choices}.").format(
                role=raw[:32], choices=choices
            )
        ) from None


def normalise_passphrase(raw: str) -> str:
    """NFC so that “é” typed precomposed or with a combining accent unlocks the same slot."""
    return unicodedata.normalize("NFC", raw)


def validate_new_passphrase(raw: str) -> str:
    """Return the normalised passphrase, or raise a message the user can act on."""
    passphrase = normalise_passphrase(raw)
    if not passphrase.strip():
        raise ValidationError(_("The passphrase is empty."))
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            _(
                "The passphrase is too short ({length} characters): use at least {minimum}, "
                "for example several words."
            ).format(length=len(passphrase), minimum=MIN_PASSPHRASE_LENGTH)
        )
    if len(passphrase) > MAX_PASSPHRASE_LENGTH:
        raise ValidationError(
            _("The passphrase is too long (at most {maximum} characters).").format(
                maximum=MAX_PASSPHRASE_LENGTH
            )
        )
    if len(set(passphrase)) < 4:
        raise ValidationError(_("The passphrase repeats too few different characters."))
    return passphrase


def strength_hint(raw: str) -> str:
    """A short hint shown while the passphrase is typed (not a security guarantee)."""
    passphrase = normalise_passphrase(raw)
    words = len(passphrase.split())
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return _("Too short: at least {minimum} characters.").format(minimum=MIN_PASSPHRASE_LENGTH)
    if len(passphrase) >= 20 and words >= 4:
        return _("Strong: a long sentence of several words.")
    if len(passphrase) >= 16:
        return _("Fair: a few more words would make it stronger.")
    return _("Acceptable: longer is stronger.")
