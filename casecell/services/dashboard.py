"""The home page's "what needs doing": reviews due, late actions, the next meeting.

Read in one read-only unit of work, then audited as one read of the situations it names
(references and pseudonyms only: the home page shows no name). Its queries take a few hundred
milliseconds on a large register: read under the vault's write lock, as an audited read
begins, they would hold up every other audited read meanwhile — the situations list's rows,
fetched at sign-in at the same time, waited for them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from casecell.domain.audit import AuditAction
from casecell.domain.meetings import Meeting, MeetingStatus
from casecell.domain.users import Permission, require
from casecell.services.context import Context
from casecell.storage import access as visible
from casecell.storage import listing
from casecell.storage.listing import CaseListRow, LateActionRow

REVIEW_WINDOW_DAYS = 14  # a review due within two weeks is shown on the home page
SHOWN = 8  # rows of each list; the count says how many more


@dataclass(frozen=True)
class Dashboard:
    today: date
    reviews: list[CaseListRow]  # next review on or before today + REVIEW_WINDOW_DAYS
    reviews_count: int
    late_actions: list[LateActionRow]
    late_count: int
    next_meeting: Meeting | None

    def review_late(self, row: CaseListRow) -> bool:
        return row.next_review_on is not None and row.next_review_on < self.today


def dashboard(ctx: Context, limit: int = SHOWN) -> Dashboard:
    """What a coordinator or a member should see first when they sign in."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    today = ctx.today()
    by = today + timedelta(days=REVIEW_WINDOW_DAYS)
    with ctx.reading() as uow:
        reviews, reviews_count = listing.reviews_due(uow.session, by, limit, ctx.scope)
        late, late_count = listing.late_actions(uow.session, today, limit, ctx.scope)
        upcoming = uow.meetings.between(ctx.clock(), ctx.clock() + timedelta(days=366))
        following = next((m for m in upcoming if m.status is MeetingStatus.PLANNED), None)
        if following is not None and ctx.scope.restricted:  # its agenda as this user sees it
            seen = visible.visible_among(
                uow.session, ctx.scope, [i.case_id for i in following.items]
            )
            following = replace(
                following, items=tuple(i for i in following.items if i.case_id in seen)
            )
    with ctx.auditing_read() as uow:  # shown only once audited
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.READ, "dashboard", str(len(reviews) + len(late))
        )
        uow.commit()
    return Dashboard(today, reviews, reviews_count, late, late_count, following)
