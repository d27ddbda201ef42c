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
    """Tasks whose verification (销号) in the audit trail falls in [start, end) and still stands.

    One query: the state events grouped per task (a task verified twice counts
    once, at its last verification), joined to the task, its unit and leader.
    """
    verified = (
        select(TaskEvent.task_id, func.max(TaskEvent.created_at).label("at"))
        .where(
            TaskEvent.field == "state",
            TaskEvent.new_value == TaskState.VERIFIED.value,
            TaskEvent.created_at >= start,
            TaskEvent.created_at < end,
        )
        .group_by(TaskEvent.task_id)
    ).subquery()
    query = (
        select(Task.code, Task.title, Unit.name, Person.name, verified.c.at)
        .join(verified, verified.c.task_id == Task.id)
        .join(Unit, Task.lead_unit_id == Unit.id)
        .outerjoin(Person, Task.lead_leader_id == Person.id)
        .where(Task.state == TaskState.VERIFIED, scope.tasks())
        .order_by(verified.c.at, Task.code)
    )
    return [VerifiedTask(*row) for row in session.execute(query)]


def tasks_verified_in_week(
    session: Session, week: IsoWeek, *, zone: ZoneInfo, scope: Scope = COUNTY
) -> list[VerifiedTask]:
    start, end = week.bounds(zone)
    return tasks_verified_between(session, start=start, end=end, scope=scope)
