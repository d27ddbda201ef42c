"""Reading tasks for a person: the `/tasks` list, `/overdue`, and one task's card.

Everything here is read through the caller's `bot.core.access.Scope`, so a list
never shows what its reader may not open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from bot.core.access import Actor, Scope, scope_of, visible_task
from bot.ledger.lights import Light, light_of
from db.models import (
    Attachment,
    ExtensionRequest,
    ExtensionState,
    Person,
    ProgressReport,
    Task,
    TaskEvent,
    TaskState,
    Unit,
)

LIST_LIMIT = 30


@dataclass(frozen=True)
class TaskLine:
    id: int
    code: str
    title: str
    unit_name: str
    deadline: datetime | None
    state: str
    percent: int
    needs_help: bool
    light: Light | None
    cooperating: bool


def _order(
    now: datetime, yellow_until: datetime
) -> tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...]:
    """Worst first: red, yellow, green, then reported done, then verified; by deadline."""
    rank = case(
        (Task.state == TaskState.VERIFIED, 5),
        (Task.state == TaskState.REPORTED_DONE, 4),
        (Task.deadline.is_(None), 3),
        (Task.deadline < now, 0),
        (Task.deadline <= yellow_until, 1),
        else_=2,
    )
    return (rank, Task.deadline.is_(None), Task.deadline, Task.code)


def task_lines(
    session: Session,
    scope: Scope,
    *,
    now: datetime,
    yellow_until: datetime,
    overdue_only: bool = False,
    include_verified: bool = False,
    limit: int = LIST_LIMIT,
) -> tuple[list[TaskLine], int]:
    """The reader's tasks worst first, at most `limit`, and how many there are in all."""
    conditions = [scope.tasks()]
    if overdue_only:
        conditions += [Task.state == TaskState.OPEN, Task.deadline < now]
    elif not include_verified:
        conditions.append(Task.state != TaskState.VERIFIED)
    total = session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0
    cooperating = scope.cooperating() if scope.unit_id is not None else None
    rows = session.execute(
        select(
            Task.id,
            Task.code,
            Task.title,
            Unit.name,
            Task.deadline,
            Task.state,
            Task.percent,
            Task.needs_help,
            *([cooperating] if cooperating is not None else []),
        )
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(*conditions)
        .order_by(*_order(now, yellow_until))
        .limit(limit)
    )
    lines = [
        TaskLine(
            *row[:8],
            light=light_of(row.state, row.deadline, now, yellow_until),
            cooperating=bool(row[8]) if cooperating is not None else False,
        )
        for row in rows
    ]
    return lines, total


@dataclass(frozen=True)
class ReportLine:
    at: datetime
    person_name: str | None
    text: str
    percent: int | None
    files: int


@dataclass
class TaskCard:
    task: Task
    light: Light | None
    reports: list[ReportLine]
    report_count: int
    evidence: list[Attachment]
    pending_extension: ExtensionRequest | None
    history: list[TaskEvent] = field(default_factory=list)


RECENT_REPORTS = 3


def task_card(
    session: Session,
    actor: Actor,
    code: str,
    *,
    now: datetime,
    yellow_until: datetime,
    with_history: bool = False,
) -> TaskCard:
    """One task as its card shows it, if the actor may see it."""
    task = visible_task(session, actor, code)
    return card_of(session, task, now=now, yellow_until=yellow_until, with_history=with_history)


def card_of(
    session: Session,
    task: Task,
    *,
    now: datetime,
    yellow_until: datetime,
    with_history: bool = False,
) -> TaskCard:
    reports = list(
        session.scalars(
            select(ProgressReport)
            .where(ProgressReport.task_id == task.id)
            .options(selectinload(ProgressReport.attachments), selectinload(ProgressReport.person))
            .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc())
            .limit(RECENT_REPORTS)
        )
    )
    report_count = session.scalar(select(func.count()).where(ProgressReport.task_id == task.id))
    evidence = evidence_of(session, task)
    pending = session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.task_id == task.id, ExtensionRequest.state == ExtensionState.PENDING
        )
    )
    history = []
    if with_history:
        history = list(
            session.scalars(
                select(TaskEvent)
                .where(TaskEvent.task_id == task.id)
                .options(selectinload(TaskEvent.actor))
                .order_by(TaskEvent.id)
            )
        )
    return TaskCard(
        task=task,
        light=light_of(task.state, task.deadline, now, yellow_until),
        reports=[
            ReportLine(
                r.created_at,
                r.person.name if r.person else None,
                r.text,
                r.percent,
                len(r.attachments),
            )
            for r in reports
        ],
        report_count=report_count or 0,
        evidence=evidence,
        pending_extension=pending,
        history=history,
    )


def evidence_of(session: Session, task: Task) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment)
            .join(ProgressReport, ProgressReport.id == Attachment.report_id)
            .where(ProgressReport.task_id == task.id)
            .order_by(Attachment.id)
        )
    )


def open_tasks_of(session: Session, actor: Person, *, limit: int = 8) -> list[Task]:
    """What a person can report on, soonest deadline first: the choice offered for a
    message that names no task."""
    scope = scope_of(actor)
    return list(
        session.scalars(
            select(Task)
            .where(scope.tasks(), Task.state == TaskState.OPEN)
            .order_by(Task.deadline.is_(None), Task.deadline, Task.code)
            .limit(limit)
        )
    )
