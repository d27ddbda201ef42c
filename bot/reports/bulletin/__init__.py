"""The weekly 督查通报: figures, the week it covers, the one extra query, the .docx.

`figures` ranks and compares, `period` is the ISO week, `queries` finds the tasks
verified in it; `document` is what the bulletin says, section by section,
`layout` how it looks (GB/T 9704), `word` the python-docx mechanics under both.

A `/bulletin` handler or `python -m bot bulletin FILE.docx [--week YYYY-Www]` does:

    week = IsoWeek.parse(arg) if arg else IsoWeek.of(runtime.now(), runtime.zone)
    summary = bulletin_summary(runtime, session, week)
    write_bulletin(
        target,
        summary=summary,
        last_week=last_week_summary(session, summary, runtime.zone),
        issue_number=bot.reports.snapshots.bulletin_number(session, str(week)),
        week=week,
        verified_this_week=tasks_verified_in_week(session, week, zone=runtime.zone),
        zone=runtime.zone,
    )
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core.access import COUNTY, Scope
from bot.reports.bulletin.document import bulletin_chart, bulletin_title, write_bulletin
from bot.reports.bulletin.figures import (
    Change,
    UnitRow,
    VerifiedTask,
    outcome_order,
    overall_changes,
    ranked_units,
)
from bot.reports.bulletin.period import IsoWeek, bulletin_moment
from bot.reports.bulletin.queries import tasks_verified_between, tasks_verified_in_week
from bot.reports.snapshots import summary_on
from bot.reports.summary import LedgerSummary
from bot.runtime import Runtime

# The bulletin lists the longest overdue tasks; the rest are counted, not printed.
BULLETIN_OVERDUE_LIMIT = 100


def bulletin_summary(
    runtime: Runtime,
    session: Session,
    week: IsoWeek,
    *,
    scope: Scope = COUNTY,
    overdue_limit: int = BULLETIN_OVERDUE_LIMIT,
) -> LedgerSummary:
    """The ledger summary a week's bulletin shows: as of now, or the end of a past week."""
    now = bulletin_moment(week, runtime.now(), runtime.zone)
    return runtime.summary(session, scope=scope, now=now, overdue_limit=overdue_limit)


def last_week_summary(
    session: Session, summary: LedgerSummary, zone: ZoneInfo
) -> LedgerSummary | None:
    """The stored snapshot of a week before `summary` (the same weekday; if the bot was down
    that day, the nearest earlier day of that week), or None before the first one."""
    day = summary.now.astimezone(zone).date()
    for back in range(7, 14):
        found = summary_on(session, day - timedelta(days=back))
        if found is not None:
            return found
    return None


__all__ = [
    "BULLETIN_OVERDUE_LIMIT",
    "Change",
    "IsoWeek",
    "UnitRow",
    "VerifiedTask",
    "bulletin_chart",
    "bulletin_moment",
    "bulletin_summary",
    "bulletin_title",
    "last_week_summary",
    "outcome_order",
    "overall_changes",
    "ranked_units",
    "tasks_verified_between",
    "tasks_verified_in_week",
    "write_bulletin",
]
