"""Integrity checks, the audit trail, backups and restores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from casecell.domain.audit import AuditAction, AuditEntry, anchor_problem
from casecell.domain.users import Permission, require
from casecell.errors import PermissionDenied
from casecell.i18n import _, ngettext
from casecell.services.context import Context
from casecell.storage import backup as backups

LEGACY_BROKEN = "audit_legacy_broken_at"  # written by migration 0007


@dataclass(frozen=True)
class CheckReport:
    integrity_problems: list[str]
    schema_current: str | None
    schema_head: str
    audit_entries: int
    audit_first_broken: int | None
    # Against the anchor in the key file (and a backup's, when one is given): "cut" when
    # anchored entries are gone, "rechained" when the anchored head has another hash.
    audit_anchor: str = ""
    audit_anchor_count: int = 0
    backup_anchor: str = ""
    backup_anchor_count: int = 0

    @property
    def ok(self) -> bool:
        return (
            not self.integrity_problems
            and self.schema_current == self.schema_head
            and self.audit_first_broken is None
            and not self.audit_anchor
            and not self.backup_anchor
        )

    def summary(self, max_problems: int = 20) -> list[str]:
        """The report as the lines a user reads (CLI and desktop alike)."""
        if self.integrity_problems:
            count = len(self.integrity_problems)
            lines = [
                ngettext("Integrity: {count} problem", "Integrity: {count} problems", count).format(
                    count=count
                )
            ]
            lines += [f"  {problem}" for problem in self.integrity_problems[:max_problems]]
        else:
            lines = [_("Integrity: ok")]
        if self.schema_current == self.schema_head:
            lines.append(_("Schema: up to date ({revision})").format(revision=self.schema_head))
        else:
            lines.append(
                _("Schema: {current}, expected {head}").format(
                    current=self.schema_current, head=self.schema_head
                )
            )
        if self.audit_first_broken is None:
            lines.append(
                _("Audit trail: {count} entries, chain intact").format(count=self.audit_entries)
            )
        else:
            lines.append(
                _("Audit trail: chain broken at entry {seq}").format(seq=self.audit_first_broken)
            )
        for problem, where, anchored in (
            (self.audit_anchor, _("the key file"), self.audit_anchor_count),
            (self.backup_anchor, _("the backup"), self.backup_anchor_count),
        ):
            if problem == "cut":
                lines.append(
                    _(
                        "Audit trail: entries were deleted at its end ({count} recorded in "
                        "{where}, {found} found)"
                    ).format(count=anchored, where=where, found=self.audit_entries)
                )
            elif problem == "rechained":
                lines.append(
                    _(
                        "Audit trail: rewritten (its head no longer matches what {where} recorded)"
                    ).format(where=where)
                )
        return lines


def check(ctx: Context, backup: Path | None = None) -> CheckReport:
    """Database integrity, migration state, the audit chain and its anchors (the key file's,
    and ``backup``'s when given); the check itself is audited."""
    require(ctx.user, Permission.CHECK)
    problems = ctx.vault.integrity()
    state = ctx.vault.migration_state()
    anchor = ctx.vault.anchor() if ctx.vault.nominative else None
    backup_anchor = backups.read_anchor(backup) if backup is not None else None
    with ctx.reading() as uow:
        broken = uow.audit.verify()
        legacy = uow.meta.get(LEGACY_BROKEN)
        if broken is None and legacy is not None and legacy.isdigit():
            broken = int(legacy)
        count, _head = uow.audit.head()
        first_kept = uow.audit.base()[0]
        against = (
            ""
            if anchor is None
            else anchor_problem(count, uow.audit.hash_at, (anchor.count, anchor.head), first_kept)
        )
        against_backup = (
            ""
            if backup_anchor is None
            else anchor_problem(count, uow.audit.hash_at, backup_anchor, first_kept)
        )
    report = CheckReport(
        problems,
        state.current,
        state.head,
        count,
        broken,
        against,
        anchor.count if anchor is not None else 0,
        against_backup,
        backup_anchor[0] if backup_anchor is not None else 0,
    )
    with ctx.writing() as uow:
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.CHECK, detail="ok" if report.ok else "failed"
        )
        uow.commit()
    return report


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: datetime
    actor: str
    action: AuditAction
    record: str


def audit_trail(ctx: Context, limit: int = 50) -> list[AuditLine]:
    """The latest entries, newest first, with the actor's login."""
    require(ctx.user, Permission.VIEW_AUDIT)
    with ctx.auditing_read() as uow:
        logins = {u.id: u.login for u in uow.users.list()}
        entries: list[AuditEntry] = uow.audit.latest(limit)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, "audit_log", str(limit))
        uow.commit()
    return [
        AuditLine(
            e.seq,
            e.at,
            logins.get(e.actor_id, "?") if e.actor_id is not None else "—",
            e.action,
            f"{e.record_type}:{e.record_id}" if e.record_type else "",
        )
        for e in entries
    ]


def backup(ctx: Context, destination: Path) -> backups.BackupInfo:
    """An encrypted copy of the vault and its key slots, taken while the vault is in use."""
    require(ctx.user, Permission.BACKUP)
    info = backups.write_backup(ctx.vault, destination)
    with ctx.writing() as uow:
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.BACKUP, detail=info.created_at)
        uow.commit()
    return info


def verify_backup_trail(ctx: Context, source: Path) -> None:
    """The backup's trail must extend the head its manifest recorded (else it was altered)."""
    anchor = backups.read_anchor(source)
    if anchor is None:
        return
    with ctx.reading() as uow:
        count, _head = uow.audit.head()
        first_kept = uow.audit.base()[0]
        if uow.audit.verify() is not None or anchor_problem(
            count, uow.audit.hash_at, anchor, first_kept
        ):
            raise backups.not_a_backup(source)


def record_restore(ctx: Context) -> None:
    """Called on the restored copy before it is swapped in: only an administrator restores."""
    if not ctx.user.can(Permission.RESTORE):
        raise PermissionDenied(_("Only an administrator of the backed-up vault can restore it."))
    with ctx.writing() as uow:
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.RESTORE)
        uow.commit()
