"""The ledger as it was at a past moment, from today's tasks and the audit trail.

A past week's bulletin counts that week as it was: the tasks created by its
end, each in the state, with the deadline and under the lead unit it had then.
Today's rows are walked back through the `task_events` written since the
moment (newest first, each one's old value restored), so only the events after
the moment are read, however long the trail. Silent units are read the same
way for any moment: units with open work and no report in the period before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
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


def tasks_then(session: Session, moment: datetime) -> dict[int, _Then]:
    """Every task created before `moment`, with its state, deadline and lead unit then."""
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
            ).where(Task.created_at < moment)
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
    tasks = tasks_then(session, moment)
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    counts: dict[int, Counts] = {unit_id: Counts() for unit_id in names}
    overdue: list[tuple[datetime, str, _Then]] = []
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
    open_units = {task.unit_id for task in tasks.values() if task.state == TaskState.OPEN}
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
