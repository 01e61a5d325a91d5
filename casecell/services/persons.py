"""The persons concerned: found by name or pseudonym, with the situations they are in.

A person only enters the register through a referral, and is corrected from one of their
situations (so the change is in that situation's timeline); this list is for finding them.
"""

from __future__ import annotations

from casecell.domain.audit import AuditAction
from casecell.domain.text import fts_query
from casecell.domain.users import Permission, require
from casecell.services.context import Context
from casecell.storage import listing
from casecell.storage.listing import PersonListRow

PERSON_LIST_LIMIT = 200

__all__ = ["PERSON_LIST_LIMIT", "PersonListRow", "find_persons"]


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
