"""Export the whole register as JSON, and import it back: all of it, or nothing.

The import checks the file against the shipped JSON Schema, then against the register's own
rules (references between records, duplicates, dates, the workflow), and only then writes —
in one transaction, into a register that must still be empty.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casecell import __version__
from casecell.documents import interchange as document
from casecell.domain.audit import AuditAction
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.fileio import atomic_writer, check_output, open_input
from casecell.i18n import _
from casecell.services.context import Context
from casecell.services.import_rules import (  # noqa: F401 - the module's public face
    Problems,
    Rules,
    check_rules,
    normalise_person,
    normalise_persons,
)
from casecell.storage import interchange as tables


def export_data(ctx: Context) -> dict[str, Any]:
    """The register as the interchange structure, in memory (audited as an export; a large
    register is written by :func:`export_to`, a record at a time)."""
    require(ctx.user, Permission.EXPORT)
    with ctx.auditing() as uow:
        collections = tables.read_all(uow.session)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.EXPORT, "register", "json")
        uow.commit()
    return {**_header(ctx), **collections}


def _header(ctx: Context) -> dict[str, Any]:
    return {
        "format": document.FORMAT,
        "version": document.VERSION,
        "exported_at": ctx.clock().isoformat(timespec="seconds"),
        "app_version": __version__,
    }


def export_to(
    ctx: Context, target: Path, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Write the export file; returns how many records of each kind it holds.

    The records are read from the vault as they are written, never all in memory. If
    ``progress`` raises (the user cancelled), no file is left behind.
    """
    require(ctx.user, Permission.EXPORT)
    check_output(target, ctx.vault.paths)
    if progress is not None:
        progress(_("Reading"), 0, 1)
    with ctx.auditing() as uow:
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.EXPORT, "register", "json")
        uow.commit()
    writing = _("Writing")
    with ctx.reading() as uow, atomic_writer(target) as handle:
        total = sum(tables.counts(uow.session).values())
        return document.write_records(
            handle,
            _header(ctx),
            tables.records(uow.session),
            total,
            None if progress is None else lambda done, total: progress(writing, done, total),
        )


def import_from(
    ctx: Context, source: Path, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Read the file a record at a time — each checked against the schema and the register's
    rules, then written — in one transaction, committed only if the whole file is sound.

    A file of 100,000 situations is never held in memory: the records are let go once
    written. ``progress(stage, done, total)`` is told how far the reading is (in bytes); if
    it raises (the user cancelled), the transaction rolls back and nothing is imported.
    """
    require(ctx.user, Permission.IMPORT)
    try:
        return _import(ctx, source, progress)
    except (OverflowError, UnicodeEncodeError) as exc:  # what the checks would miss
        raise ValidationError(
            _(
                "The file holds a value the vault cannot store ({problem}). Nothing was changed."
            ).format(problem=type(exc).__name__)
        ) from exc


def _import(
    ctx: Context, source: Path, progress: Callable[[str, int, int], None] | None
) -> dict[str, int]:
    with open_input(source) as handle, ctx.writing() as uow:
        _check_empty(uow.session)
        size = os.fstat(handle.fileno()).st_size
        stage = _("Writing")
        rules = Rules(ctx.today(), ctx.clock())
        writer = tables.RegisterWriter(uow.session, ctx.clock())
        header: dict[str, Any] = {}
        present: set[str] = set()
        schema: Problems = []
        unsafe: Problems = []  # characters no text accepts
        found = document.members(handle)
        for n, (name, index, value) in enumerate(found):
            if progress is not None and n % 2000 == 0:
                progress(stage, handle.tell(), size)
            if index is None:
                present.add(name)
                continue
            if found.suspect and len(unsafe) <= document.MAX_ERRORS:
                unsafe += document.unsafe_strings(value, (name,) if index < 0 else (name, index))
            if index < 0:
                header[name] = value
                if name == "format" and value != document.FORMAT:
                    raise document.not_casecell()
            elif len(schema) <= document.MAX_ERRORS and not unsafe:
                schema += document.record_problems(
                    name, index, value, document.MAX_ERRORS + 1 - len(schema)
                )
                if not schema:
                    rules.add(name, index, value)
                    if not rules.problems:
                        if name == "persons":
                            normalise_person(value)
                        writer.add(name, value)
        problems = document.envelope_problems(header, present, document.MAX_ERRORS + 1)
        if unsafe:
            raise document.ImportErrors(sorted(unsafe))
        problems += schema
        if problems:
            raise document.ImportErrors(
                problems[: document.MAX_ERRORS], more=len(problems) > document.MAX_ERRORS
            )
        problems = rules.finish()
        if problems:
            raise document.ImportErrors(problems)
        if progress is not None:
            progress(stage, size, size)
        written = writer.finish()
        _index_and_audit(ctx, uow, progress)
        uow.commit()
    return {name: written[name] for name in document.COLLECTIONS}


def _check_empty(session: Any) -> None:
    if not tables.register_is_empty(session):
        raise ValidationError(
            _(
                "This vault already holds partners or situations: import into a new, empty "
                "vault. Nothing was changed."
            )
        )


def _index_and_audit(
    ctx: Context, uow: Any, progress: Callable[[str, int, int], None] | None
) -> None:
    indexing = _("Indexing")
    uow.session.flush()
    uow.search.rebuild(
        None if progress is None else lambda done, total: progress(indexing, done, total)
    )
    uow.search.ensure_current()
    uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "register", "import")


def write_register(
    ctx: Context,
    data: dict[str, Any],
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Write checked records into an empty register, in one transaction, and index them."""
    require(ctx.user, Permission.IMPORT)
    with ctx.writing() as uow:
        _check_empty(uow.session)
        writing = _("Writing")
        tables.write_all(
            uow.session,
            data,
            ctx.clock(),
            None if progress is None else lambda done, total: progress(writing, done, total),
        )
        _index_and_audit(ctx, uow, progress)
        uow.commit()
    return {name: len(data.get(name, [])) for name in document.COLLECTIONS}
