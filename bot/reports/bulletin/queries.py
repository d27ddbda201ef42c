"""The one thing the bulletin reads beyond the ledger summary: tasks verified in its week."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.access import COUNTY, Scope
from bot.reports.bulletin.figures import VerifiedTask
from bot.reports.bulletin.period import IsoWeek
from db.models import Person, Task, TaskEvent, TaskState, Unit


def tasks_verified_between(
    session: Session, *, start: datetime, end: datetime, scope: Scope = COUNTY
) -> list[VerifiedTask]:
    """Tasks verified (销号) in [start, end) and still verified at `end`, by the audit trail.

    A task's last state change before `end` must be its verification, made in the
    period: so a past week is read as it stood (a task reopened since still counts
    in the week it was verified; one verified after the week does not).
    """
    last = (
        select(TaskEvent.task_id, func.max(TaskEvent.created_at).label("at"))
        .where(TaskEvent.field == "state", TaskEvent.created_at < end)
        .group_by(TaskEvent.task_id)
    ).subquery()
    verified = (
        select(TaskEvent.task_id, last.c.at)
        .join(last, (last.c.task_id == TaskEvent.task_id) & (last.c.at == TaskEvent.created_at))
        .where(
            TaskEvent.field == "state",
            TaskEvent.new_value == TaskState.VERIFIED.value,
            last.c.at >= start,
        )
        .distinct()
    ).subquery()
    query = (
        select(Task.code, Task.title, Unit.name, Person.name, verified.c.at)
        .join(verified, verified.c.task_id == Task.id)
        .join(Unit, Task.lead_unit_id == Unit.id)
        .outerjoin(Person, Task.lead_leader_id == Person.id)
        .where(scope.tasks())
        .order_by(verified.c.at, Task.code)
    )
    return [VerifiedTask(*row) for row in session.execute(query)]


def tasks_verified_in_week(
    session: Session, week: IsoWeek, *, zone: ZoneInfo, scope: Scope = COUNTY
) -> list[VerifiedTask]:
    start, end = week.bounds(zone)
    return tasks_verified_between(session, start=start, end=end, scope=scope)
