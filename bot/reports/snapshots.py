"""Daily per-unit snapshots of the counts by light and state, and the bulletin's issue number.

Taken once a day by the scan (and on demand), so a report can compare with
the week before without reconstructing the past from the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.reports.summary import Counts, LedgerSummary, UnitCounts
from db.models import Bulletin, Unit, UnitSnapshot


def _insert(session: Session) -> Callable[..., Any]:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def take_snapshot(session: Session, summary: LedgerSummary, day: date) -> int:
    """Store (or replace) `day`'s counts for every unit in the county summary."""
    rows = [
        {
            "day": day,
            "unit_id": unit.unit_id,
            "red": unit.counts.red,
            "yellow": unit.counts.yellow,
            "green": unit.counts.green,
            "reported_done": unit.counts.reported_done,
            "verified": unit.counts.verified,
            "taken_at": summary.now,
        }
        for unit in summary.units
    ]
    if not rows:
        return 0
    statement = _insert(session)(UnitSnapshot)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "unit_id"],
        set_={
            name: statement.excluded[name]
            for name in ("red", "yellow", "green", "reported_done", "verified", "taken_at")
        },
    )
    for start in range(0, len(rows), 500):
        session.execute(statement, rows[start : start + 500])
    return len(rows)


def has_snapshot(session: Session, day: date) -> bool:
    return (
        session.scalar(select(UnitSnapshot.id).where(UnitSnapshot.day == day).limit(1)) is not None
    )


def summary_on(session: Session, day: date) -> LedgerSummary | None:
    """The county's counts as snapshotted on `day` (units and totals only), if taken."""
    rows = session.execute(
        select(
            UnitSnapshot.unit_id,
            Unit.name,
            UnitSnapshot.red,
            UnitSnapshot.yellow,
            UnitSnapshot.green,
            UnitSnapshot.reported_done,
            UnitSnapshot.verified,
            UnitSnapshot.taken_at,
        )
        .join(Unit, Unit.id == UnitSnapshot.unit_id)
        .where(UnitSnapshot.day == day)
    ).all()
    if not rows:
        return None
    totals = Counts()
    units = []
    for unit_id, name, *numbers, _taken in rows:
        counts = Counts(*numbers)
        totals.add(counts)
        units.append(UnitCounts(unit_id, name, counts))
    units.sort(key=lambda u: (-u.counts.red, -u.counts.yellow, -u.counts.open, u.unit_name))
    taken: datetime = max(row.taken_at for row in rows)
    return LedgerSummary(
        now=taken, totals=totals, units=units, overdue=[], overdue_count=totals.red
    )


def issue_number(session: Session, week: str) -> int:
    """The issue number (期) `week`'s bulletin has, or would have if it were sent now,
    without taking it: its stored number, else one more than the year's last sent
    issue before that week."""
    existing = session.scalar(select(Bulletin.number).where(Bulletin.week == week))
    if existing is not None:
        return existing
    before = session.scalar(
        select(func.max(Bulletin.number)).where(
            Bulletin.year == int(week[:4]), Bulletin.week < week
        )
    )
    return (before or 0) + 1


class IssueTaken(ValueError):
    """A later week of the year already holds the number this week would take."""


def take_issue_number(session: Session, week: str) -> int:
    """Take `week`'s issue number for a bulletin being sent: the same on every call.

    Numbers go in week order: a week earlier than one already sent cannot be
    numbered after it (`IssueTaken`), since the later issue is already out.
    """
    number = issue_number(session, week)
    if session.scalar(select(Bulletin.id).where(Bulletin.week == week)) is not None:
        return number
    year = int(week[:4])
    holder = session.scalar(
        select(Bulletin.week).where(Bulletin.year == year, Bulletin.number == number)
    )
    if holder is not None:
        raise IssueTaken(f"{year}年第{number}期已是 {holder} 的通报，{week} 不能再编入。")
    session.add(Bulletin(week=week, year=year, number=number))
    session.flush()  # the unique week and (year, number) settle two writers racing
    return number
