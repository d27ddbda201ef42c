"""The ledger as it was at a past moment, from today's tasks and the audit trail.

A past week's bulletin counts that week as it was: the tasks created by its
end, each in the state, with the deadline and under the lead unit it had then.
A task no event has touched since the moment is counted as it is, in SQL, as
`ledger_summary` counts (one grouped query); the few touched since are read and
walked back through the `task_events` written after the moment (newest first,
each one's old value restored), and added. The work grows with the events since
the moment, not with the ledger. Silent units are read the same
way for any moment: units with open work and no report in the period before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Integer, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.reports.summary import Counts, LedgerSummary, OverdueTask, SilentUnit, UnitCounts
from db.models import Person, ProgressReport, Task, TaskEvent, TaskState, Unit

# The fields a bulletin's figures depend on; other events leave the counts alone.
_FIELDS = ("state", "deadline", "lead_unit")


@dataclass
class _Then:
    code: str
    title: str
    unit_id: int
    leader_id: int | None
    deadline: datetime | None
    state: TaskState
    percent: int


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; the audit's text is ISO with its offset."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _changed_since(moment: datetime) -> Select[int]:
    """The tasks whose state, deadline or lead unit changed at or after `moment`."""
    return (
        select(TaskEvent.task_id)
        .where(TaskEvent.created_at >= moment, TaskEvent.field.in_(_FIELDS))
        .distinct()
    )


def tasks_then(session: Session, moment: datetime) -> dict[int, _Then]:
    """The tasks created before `moment` and changed since, with their state, deadline
    and lead unit then."""
    tasks = {
        task_id: _Then(code, title, unit_id, leader_id, deadline, state, percent)
        for task_id, code, title, unit_id, leader_id, deadline, state, percent in session.execute(
            select(
                Task.id,
                Task.code,
                Task.title,
                Task.lead_unit_id,
                Task.lead_leader_id,
                Task.deadline,
                Task.state,
                Task.percent,
            ).where(Task.created_at < moment, Task.id.in_(_changed_since(moment)))
        )
    }
    later = session.execute(
        select(TaskEvent.task_id, TaskEvent.field, TaskEvent.old_value)
        .where(TaskEvent.created_at >= moment, TaskEvent.field.in_(_FIELDS))
        .order_by(TaskEvent.created_at.desc(), TaskEvent.id.desc())
    ).all()
    unit_ids: dict[str, int] = {}
    if any(field == "lead_unit" for _, field, _ in later):
        unit_ids = {name: unit_id for unit_id, name in session.execute(select(Unit.id, Unit.name))}
    for task_id, field, old in later:
        task = tasks.get(task_id)
        if task is None:
            continue
        if field == "state" and old is not None:
            task.state = TaskState(old)
        elif field == "deadline":
            task.deadline = None if old is None else datetime.fromisoformat(old)
        elif field == "lead_unit" and old in unit_ids:
            task.unit_id = unit_ids[old]
    return tasks


def _unchanged_counts(
    session: Session, moment: datetime, yellow_until: datetime, overdue_limit: int
) -> tuple[dict[int, Counts], list[tuple[datetime, str, _Then]], set[int]]:
    """Counts per unit, the first overdue and the units with open work, over the tasks
    created before `moment` that nothing changed since: as they are now, lit at `moment`."""
    unchanged = and_(Task.created_at < moment, Task.id.not_in(_changed_since(moment)))
    is_open = Task.state == TaskState.OPEN
    red = and_(is_open, Task.deadline < moment)

    def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)

    per_unit = (
        select(
            Task.lead_unit_id,
            count_where(red),
            count_where(and_(is_open, Task.deadline >= moment, Task.deadline <= yellow_until)),
            count_where(and_(is_open, or_(Task.deadline.is_(None), Task.deadline > yellow_until))),
            count_where(Task.state == TaskState.REPORTED_DONE),
            count_where(Task.state == TaskState.VERIFIED),
        )
        .where(unchanged)
        .group_by(Task.lead_unit_id)
    )
    counts = {unit_id: Counts(*numbers) for unit_id, *numbers in session.execute(per_unit)}
    overdue = [
        (_aware(deadline), code, _Then(code, title, unit, leader, deadline, TaskState.OPEN, pct))
        for code, title, unit, leader, deadline, pct in session.execute(
            select(
                Task.code,
                Task.title,
                Task.lead_unit_id,
                Task.lead_leader_id,
                Task.deadline,
                Task.percent,
            )
            .where(unchanged, red)
            .order_by(Task.deadline, Task.code)
            .limit(overdue_limit)
        )
        if deadline is not None  # always: a red task has one
    ]
    open_units = {unit for unit, c in counts.items() if c.open}
    return counts, overdue, open_units


def silent_units(
    session: Session, *, now: datetime, stale_days: int, open_units: set[int]
) -> list[SilentUnit]:
    """Units with open tasks at `now` and no report on any of their tasks in the
    `stale_days` before it: never reported first, then the longest silent."""
    cutoff = now - timedelta(days=stale_days)
    last = dict(
        session.execute(
            select(Task.lead_unit_id, func.max(ProgressReport.created_at))
            .join(ProgressReport, ProgressReport.task_id == Task.id)
            .where(ProgressReport.created_at < now)
            .group_by(Task.lead_unit_id)
        ).all()
    )
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(open_units))).all())
    silent = [
        SilentUnit(names[unit], last.get(unit))
        for unit in open_units
        if unit in names and (last.get(unit) is None or _aware(last[unit]) < cutoff)
    ]
    silent.sort(
        key=lambda s: (
            s.last_report_at is not None,
            _aware(s.last_report_at) if s.last_report_at else now,
            s.unit_name,
        )
    )
    return silent


def open_units_now(session: Session) -> set[int]:
    return set(
        session.scalars(select(Task.lead_unit_id).where(Task.state == TaskState.OPEN).distinct())
    )


def summary_then(
    session: Session,
    *,
    moment: datetime,
    yellow_until: datetime,
    stale_days: int,
    overdue_limit: int,
) -> LedgerSummary:
    """The county's `LedgerSummary` as it stood at `moment` (see the module's note)."""
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    counts, overdue, open_units = _unchanged_counts(session, moment, yellow_until, overdue_limit)
    for unit_id in names:
        counts.setdefault(unit_id, Counts())
    tasks = tasks_then(session, moment)
    for task in tasks.values():
        unit = counts.setdefault(task.unit_id, Counts())
        deadline = None if task.deadline is None else _aware(task.deadline)
        if task.state == TaskState.VERIFIED:
            unit.verified += 1
        elif task.state == TaskState.REPORTED_DONE:
            unit.reported_done += 1
        elif deadline is not None and deadline < moment:
            unit.red += 1
            overdue.append((deadline, task.code, task))
        elif deadline is not None and deadline <= yellow_until:
            unit.yellow += 1
        else:
            unit.green += 1
        if task.state == TaskState.OPEN:
            open_units.add(task.unit_id)
    units = [UnitCounts(unit_id, names.get(unit_id, "?"), c) for unit_id, c in counts.items()]
    units.sort(key=lambda u: (-u.counts.red, -u.counts.yellow, -u.counts.open, u.unit_name))
    totals = Counts()
    for unit_counts in units:
        totals.add(unit_counts.counts)
    overdue.sort(key=lambda item: (item[0], item[1]))
    leaders = {task.leader_id for _, _, task in overdue[:overdue_limit]} - {None}
    leader_names = dict(
        session.execute(select(Person.id, Person.name).where(Person.id.in_(leaders))).all()
    )
    listed = [
        OverdueTask(
            task.code,
            task.title,
            names.get(task.unit_id, "?"),
            leader_names.get(task.leader_id) if task.leader_id is not None else None,
            deadline,
            task.percent,
        )
        for deadline, _, task in overdue[:overdue_limit]
    ]
    return LedgerSummary(
        now=moment,
        totals=totals,
        units=units,
        overdue=listed,
        overdue_count=totals.red,
        silent_units=silent_units(
            session, now=moment, stale_days=stale_days, open_units=open_units
        ),
        stale_days=stale_days,
    )
