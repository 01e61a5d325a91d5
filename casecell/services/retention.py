"""Retention: what is due (dry run), anonymising it, purging old audit entries, the reminder.

Only administrators review and apply retention. Applying is one transaction: every due
situation is anonymised (storage/retention.py says what is kept), each one audited, then
audit entries older than the configured months are purged and the chain's new base recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from casecell.compat import UTC
from casecell.domain import retention as rules
from casecell.domain.audit import AuditAction
from casecell.domain.users import Permission, require
from casecell.i18n import _, ngettext
from casecell.services.context import Context
from casecell.storage import retention as store
from casecell.storage.uow import UnitOfWork

MONTHS_KEY = "retention_months"
DECLINED_MONTHS_KEY = "retention_declined_months"
AUDIT_MONTHS_KEY = "audit_retention_months"
REVIEWED_KEY = "retention_reviewed_on"
RECORD = "retention"

Progress = Callable[[int, int], None]


def _int(stored: str | None, default: int) -> int:
    return int(stored) if stored and stored.isdigit() else default


def policy_in(uow: UnitOfWork) -> rules.RetentionPolicy:
    return rules.RetentionPolicy(
        _int(uow.meta.get(MONTHS_KEY), rules.DEFAULT_MONTHS_AFTER_LAST_CONTACT),
        _int(uow.meta.get(DECLINED_MONTHS_KEY), rules.DEFAULT_MONTHS_AFTER_DECLINED),
        _int(uow.meta.get(AUDIT_MONTHS_KEY), rules.DEFAULT_AUDIT_MONTHS),
    )


def policy(ctx: Context) -> rules.RetentionPolicy:
    with ctx.reading() as uow:
        return policy_in(uow)


def write_policy(uow: UnitOfWork, chosen: rules.RetentionPolicy) -> None:
    """Store the three periods (the caller checked them, audits and commits)."""
    for key, value in (
        (MONTHS_KEY, chosen.months_after_last_contact),
        (DECLINED_MONTHS_KEY, chosen.months_after_declined),
        (AUDIT_MONTHS_KEY, chosen.audit_months),
    ):
        uow.meta.set(key, str(value))


def _chosen(value: int | None, current: int) -> int:
    return current if value is None else value


def set_policy(
    ctx: Context,
    months_after_last_contact: int | None = None,
    months_after_declined: int | None = None,
    audit_months: int | None = None,
) -> rules.RetentionPolicy:
    """Change the retention settings (administrators); checked as a whole, then audited."""
    require(ctx.user, Permission.MANAGE_USERS)
    with ctx.writing() as uow:
        current = policy_in(uow)
        chosen = rules.RetentionPolicy(
            _chosen(months_after_last_contact, current.months_after_last_contact),
            _chosen(months_after_declined, current.months_after_declined),
            _chosen(audit_months, current.audit_months),
        )
        write_policy(uow, chosen)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "setting", RECORD)
        uow.commit()
    return chosen


@dataclass(frozen=True)
class Review:
    """What retention would do today (the dry run)."""

    policy: rules.RetentionPolicy
    today: date
    due: list[rules.Due]
    audit_before: date
    audit_entries_due: int
    reviewed_on: date | None

    def summary(self) -> tuple[str, str]:
        """What is due, in two sentences (the CLI and the window say the same)."""
        count = len(self.due)
        return (
            ngettext(
                "{count} situation to anonymise.", "{count} situations to anonymise.", count
            ).format(count=count),
            ngettext(
                "{count} audit entry older than {day:%d/%m/%Y} to purge.",
                "{count} audit entries older than {day:%d/%m/%Y} to purge.",
                self.audit_entries_due,
            ).format(count=self.audit_entries_due, day=self.audit_before),
        )

    @property
    def reminder_due(self) -> bool:
        """Once a year, administrators are asked to review what is due."""
        if self.reviewed_on is None:
            return bool(self.due or self.audit_entries_due)
        return (self.today - self.reviewed_on).days >= rules.REMINDER_DAYS


def _moment(day: date) -> str:
    return datetime.combine(day, time(), tzinfo=UTC).isoformat()


def _review(ctx: Context, uow: UnitOfWork) -> Review:
    today = ctx.today()
    chosen = policy_in(uow)
    facts = store.situation_facts(uow.session)
    before = rules.audit_cutoff(chosen, today)
    old = uow.session.connection().exec_driver_sql(
        "SELECT count(*) FROM audit_log WHERE at < ?", (_moment(before),)
    )
    reviewed = uow.meta.get(REVIEWED_KEY)
    return Review(
        chosen,
        today,
        rules.due(facts, chosen, today),
        before,
        int(old.scalar_one()),
        date.fromisoformat(reviewed) if reviewed else None,
    )


def review(ctx: Context) -> Review:
    """The dry run: situations due for anonymisation and audit entries due for purging."""
    require(ctx.user, Permission.MANAGE_USERS)
    with ctx.auditing_read() as uow:
        found = _review(ctx, uow)
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.READ, RECORD, "", f"due:{len(found.due)}"
        )
        uow.commit()
    return found


@dataclass(frozen=True)
class Applied:
    situations: int
    persons: int
    audit_entries: int

    def summary(self) -> tuple[str, str, str]:
        """What was done, in three sentences (the CLI and the window say the same)."""
        return (
            ngettext(
                "{count} situation anonymised.", "{count} situations anonymised.", self.situations
            ).format(count=self.situations),
            ngettext(
                "{count} person anonymised.", "{count} persons anonymised.", self.persons
            ).format(count=self.persons),
            ngettext(
                "{count} audit entry purged.", "{count} audit entries purged.", self.audit_entries
            ).format(count=self.audit_entries),
        )


def apply(ctx: Context, progress: Progress | None = None) -> Applied:
    """Anonymise every situation due and purge old audit entries, all at once or not at all."""
    require(ctx.user, Permission.MANAGE_USERS)
    with ctx.writing() as uow:
        found = _review(ctx, uow)
        ids = [d.case_id for d in found.due]
        persons = store.anonymise(uow.session, ids, found.today, _("[anonymised]"), progress)
        uow.search.refresh(ids)
        at = ctx.clock()
        for due in found.due:
            uow.audit.append(
                at, ctx.user.id, AuditAction.WRITE, "case", str(due.case_id), "anonymised"
            )
        purged = store.audit_purge(uow.session, _moment(found.audit_before))
        if purged is not None:
            count, first_kept, prev_hash = purged
            uow.audit.set_base(first_kept, prev_hash)
            uow.audit.append(
                at, ctx.user.id, AuditAction.WRITE, "audit_log", str(first_kept), f"purged:{count}"
            )
        uow.meta.set(REVIEWED_KEY, found.today.isoformat())
        uow.audit.append(at, ctx.user.id, AuditAction.WRITE, RECORD, "", f"anonymised:{len(ids)}")
        uow.commit()
    return Applied(len(ids), len(persons), purged[0] if purged else 0)


def reminder_due(ctx: Context) -> int:
    """For the home page: how many situations are due when the yearly review is due, else 0
    (administrators only; nobody else is reminded)."""
    if not ctx.user.can(Permission.MANAGE_USERS) or not ctx.vault.nominative:
        return 0
    with ctx.reading() as uow:
        reviewed = uow.meta.get(REVIEWED_KEY)
        if reviewed and (ctx.today() - date.fromisoformat(reviewed)).days < rules.REMINDER_DAYS:
            return 0
        found = _review(ctx, uow)
    if not found.reminder_due:
        return 0
    return max(len(found.due), 1 if found.audit_entries_due else 0)
