"""The ledger summary: per-unit counts by light and state, overdue tasks, silent units.

Three queries whatever the size of the ledger (never one per task or unit);
the lights are computed in SQL from the clock and the yellow cutoff.
The same `LedgerSummary` feeds `/status`, the CLI table and the digests.
What is counted is the reader's `bot.core.access.Scope`: a unit's own figures hold
the tasks it leads; tasks it cooperates on are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Integer, and_, case, exists, false, func, or_, select
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

    def count_where(condition):  # type: ignore[no-untyped-def]
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
    overdue = [OverdueTask(*row) for row in session.execute(overdue_query)]

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
    # Asked the other way round than "each unit's last report" (a join of every report
    # to its task, 300 ms at 100,000 of each on SQLite): which units have open work
    # that old (an index probe each, stopping at the first such task), minus those
    # with a report since (a scan of the reports' index), and only for the units left
    # the time of their last report.
    waiting = exists().where(
        Task.lead_unit_id == Unit.id,
        Task.state == TaskState.OPEN,
        Task.created_at < cutoff,
        scope.led(),
    )
    reported_since = select(Task.lead_unit_id).where(
        Task.id.in_(select(ProgressReport.task_id).where(ProgressReport.created_at >= cutoff)),
        scope.led(),
    )
    last_report = (
        select(func.max(ProgressReport.created_at))
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Task.lead_unit_id == Unit.id, scope.led())
        .scalar_subquery()
    )
    query = select(Unit.name, last_report).where(waiting, Unit.id.not_in(reported_since))
    silent = [SilentUnit(name, at) for name, at in session.execute(query)]
    # Never reported first, then the longest silent.
    silent.sort(key=lambda s: (s.last_report_at is not None, s.last_report_at or now, s.unit_name))
    return silent
