"""The ledger summary: per-unit counts by light and state, overdue tasks, silent units.

Three aggregate queries whatever the size of the ledger (never one per task or
unit); the lights are computed in SQL from the clock and the yellow cutoff.
The same `LedgerSummary` feeds `/status`, the CLI table and the digests.
What is counted is the reader's `bot.core.access.Scope`: a unit's own figures hold
the tasks it leads; tasks it cooperates on are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Integer, Select, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session

from bot.core.access import COUNTY, Scope
from db.models import Person, ProgressReport, Task, TaskState, Unit


@dataclass
class Counts:
    red: int = 0
    yellow: int = 0
    green: int = 0
    reported_done: int = 0
    verified: int = 0

    @property
    def open(self) -> int:
        return self.red + self.yellow + self.green

    @property
    def total(self) -> int:
        return self.open + self.reported_done + self.verified

    def add(self, other: Counts) -> None:
        self.red += other.red
        self.yellow += other.yellow
        self.green += other.green
        self.reported_done += other.reported_done
        self.verified += other.verified


@dataclass(frozen=True)
class UnitCounts:
    unit_id: int
    unit_name: str
    counts: Counts


@dataclass(frozen=True)
class OverdueTask:
    code: str
    title: str
    unit_name: str
    leader_name: str | None
    deadline: datetime
    percent: int
    cooperating: bool = False  # the reader's unit cooperates on it; another unit leads


@dataclass(frozen=True)
class SilentUnit:
    unit_name: str
    last_report_at: datetime | None  # None: never reported on any open task


@dataclass
class LedgerSummary:
    now: datetime
    totals: Counts
    units: list[UnitCounts]  # worst first
    overdue: list[OverdueTask]  # oldest deadline first, cut at `overdue_limit`
    overdue_count: int
    silent_units: list[SilentUnit] = field(default_factory=list)
    stale_days: int = 7
    cooperating: Counts | None = None  # a unit's reader: the tasks it cooperates on


def ledger_summary(
    session: Session,
    *,
    now: datetime,
    yellow_until: datetime,
    stale_days: int = 7,
    scope: Scope = COUNTY,
    overdue_limit: int = 50,
) -> LedgerSummary:
    """Summarise the ledger as of `now`; open tasks due by `yellow_until` are yellow."""
    is_open = Task.state == TaskState.OPEN
    red = and_(is_open, Task.deadline < now)
    yellow = and_(is_open, Task.deadline >= now, Task.deadline <= yellow_until)

    def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)

    by_light_and_state = (
        count_where(red),
        count_where(yellow),
        count_where(and_(is_open, or_(Task.deadline.is_(None), Task.deadline > yellow_until))),
        count_where(Task.state == TaskState.REPORTED_DONE),
        count_where(Task.state == TaskState.VERIFIED),
    )
    per_unit = (
        select(Unit.id, Unit.name, *by_light_and_state)
        .select_from(Unit)
        .outerjoin(Task, Task.lead_unit_id == Unit.id)
        .where(scope.led())
        .group_by(Unit.id, Unit.name)
    )
    units: list[UnitCounts] = []
    totals = Counts()
    for unit_id, name, *numbers in session.execute(per_unit):
        counts = Counts(*numbers)
        totals.add(counts)
        units.append(UnitCounts(unit_id, name, counts))
    # Worst first: most red, then most yellow, then the largest open load.
    units.sort(key=lambda u: (-u.counts.red, -u.counts.yellow, -u.counts.open, u.unit_name))

    cooperating = None
    if scope.unit_id is not None:
        cooperating = Counts(
            *session.execute(select(*by_light_and_state).where(scope.cooperating())).one()
        )

    # The overdue tasks are picked by (state, deadline) first: joined to the units at
    # once, SQLite walked every unit's tasks to keep 50 (40 ms at 100,000 tasks).
    first_overdue = (
        select(Task.id)
        .where(red, scope.tasks())
        .order_by(Task.deadline, Task.code)
        .limit(overdue_limit)
    )
    overdue_query = (
        select(
            Task.code,
            Task.title,
            Unit.name,
            Person.name,
            Task.deadline,
            Task.percent,
            scope.cooperating() if scope.unit_id is not None else false(),
        )
        .join(Unit, Task.lead_unit_id == Unit.id)
        .outerjoin(Person, Task.lead_leader_id == Person.id)
        .where(Task.id.in_(first_overdue))
        .order_by(Task.deadline, Task.code)
    )
    overdue = [
        OverdueTask(code, title, unit, leader, deadline, percent, cooperating)
        for code, title, unit, leader, deadline, percent, cooperating in session.execute(
            overdue_query
        )
        if deadline is not None  # always: a red task has one
    ]

    return LedgerSummary(
        now=now,
        totals=totals,
        units=units,
        overdue=overdue,
        overdue_count=totals.red + (cooperating.red if cooperating else 0),
        silent_units=_silent_units(session, now=now, stale_days=stale_days, scope=scope),
        stale_days=stale_days,
        cooperating=cooperating,
    )


def _silent_units(
    session: Session, *, now: datetime, stale_days: int, scope: Scope
) -> list[SilentUnit]:
    """Units with open tasks that have not reported on any task for `stale_days` days.

    Any report counts (one on a task just reported done, too). A unit whose
    oldest open task is younger than that is not silent yet: it has not had
    the time to report.
    """
    cutoff = now - timedelta(days=stale_days)
    query = _silent_in_county(cutoff) if scope.county else _silent_in(scope, cutoff)
    silent = [SilentUnit(name, at) for name, at in session.execute(query)]
    # Never reported first, then the longest silent.
    silent.sort(key=lambda s: (s.last_report_at is not None, s.last_report_at or now, s.unit_name))
    return silent


def _silent_in_county(cutoff: datetime) -> Select[str, datetime | None]:
    """Unit by unit: grouping every task and every report of the county took 250 ms at
    100,000 of each on SQLite, where this takes a few. Each unit stops at its first
    open task older than the cutoff and at its first report since; only the units
    left look for their last report."""
    waiting = exists().where(
        Task.lead_unit_id == Unit.id, Task.state == TaskState.OPEN, Task.created_at < cutoff
    )
    reported_since = exists().where(
        ProgressReport.task_id == Task.id,
        Task.lead_unit_id == Unit.id,
        ProgressReport.created_at >= cutoff,
    )
    last_report = (
        select(func.max(ProgressReport.created_at))
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Task.lead_unit_id == Unit.id)
        .scalar_subquery()
    )
    return select(Unit.name, last_report).where(waiting, ~reported_since)


def _silent_in(scope: Scope, cutoff: datetime) -> Select[str, datetime | None]:
    """Grouped over the scope's tasks: a leader's or a unit's are few, and found by
    their own index (unit by unit, each unit's tasks would be walked for the few)."""
    open_work = (
        select(Task.lead_unit_id.label("unit_id"), func.min(Task.created_at).label("since"))
        .where(Task.state == TaskState.OPEN, scope.led())
        .group_by(Task.lead_unit_id)
    ).subquery()
    last_report = (
        select(Task.lead_unit_id.label("unit_id"), func.max(ProgressReport.created_at).label("at"))
        .join(ProgressReport, ProgressReport.task_id == Task.id)
        .where(scope.led())
        .group_by(Task.lead_unit_id)
    ).subquery()
    return (
        select(Unit.name, last_report.c.at)
        .join(open_work, open_work.c.unit_id == Unit.id)
        .outerjoin(last_report, last_report.c.unit_id == Unit.id)
        .where(
            open_work.c.since < cutoff,
            or_(last_report.c.at.is_(None), last_report.c.at < cutoff),
        )
    )
