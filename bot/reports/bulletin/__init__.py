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
        last_week=week_before(runtime, session, summary),
        issue_number=issue_number(session, str(week)),  # take_issue_number when sent
        week=week,
        verified_this_week=tasks_verified_in_week(session, week, zone=runtime.zone),
        zone=runtime.zone,
    )
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
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
from bot.reports.bulletin.past import open_units_now, silent_units, summary_then
from bot.reports.bulletin.period import IsoWeek, bulletin_moment
from bot.reports.bulletin.queries import tasks_verified_between, tasks_verified_in_week
from bot.reports.snapshots import summary_on
from bot.reports.summary import LedgerSummary
from bot.runtime import Runtime
from db.models import Task

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
    """The ledger summary a week's bulletin shows: the running week as of now, a past
    week as it stood at its end (the tasks, states and deadlines then, from the audit).
    Silent units are those with open work and no report in the days before that moment."""
    now = runtime.now()
    moment = bulletin_moment(week, now, runtime.zone)
    stale_days = runtime.settings.stale_report_days
    if moment < now and scope.county:
        return summary_then(
            session,
            moment=moment,
            yellow_until=runtime.yellow_until(session, moment),
            stale_days=stale_days,
            overdue_limit=overdue_limit,
        )
    summary = runtime.summary(session, scope=scope, now=moment, overdue_limit=overdue_limit)
    if scope.county:
        summary.silent_units = silent_units(
            session, now=moment, stale_days=stale_days, open_units=open_units_now(session)
        )
    return summary


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


def week_before(runtime: Runtime, session: Session, summary: LedgerSummary) -> LedgerSummary | None:
    """What the bulletin compares with: last week's snapshot, or, when none was taken,
    the ledger as it stood a week before (from the audit); None when nothing existed then."""
    found = last_week_summary(session, summary, runtime.zone)
    if found is not None:
        return found
    moment = summary.now - timedelta(days=7)
    if session.scalar(select(Task.id).where(Task.created_at < moment).limit(1)) is None:
        return None
    return summary_then(
        session,
        moment=moment,
        yellow_until=runtime.yellow_until(session, moment),
        stale_days=runtime.settings.stale_report_days,
        overdue_limit=0,
    )


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
    "week_before",
    "write_bulletin",
]
