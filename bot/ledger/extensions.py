"""Extension requests (申请延期): a unit asks for a later deadline, a supervisor decides.

Approving moves the deadline (the old one stays in the task's history) and
stops the reminders planned for the old one.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import Actor, TaskAction, person_id, require
from bot.ledger.changes import LedgerError, record_change
from bot.ledger.states import STATE_LABELS
from bot.outbox.rows import cancel_for_task
from db.models import ExtensionRequest, ExtensionState, Person, Task, TaskState

DECIDE = "decide_extension"  # 批准 · 驳回 under a request: payload {"request": id, "approve": …}


def check_extension_allowed(session: Session, task: Task, *, actor: Actor) -> None:
    """Refuse at once what a request would be refused for anyway: someone else's task,
    a task no longer open (a stale 申请延期 button), a request already waiting."""
    require(actor, TaskAction.REQUEST_EXTENSION, task)
    if task.state != TaskState.OPEN:
        raise LedgerError(f"{task.code} {STATE_LABELS[task.state]}，不能申请延期。")
    pending = session.scalar(
        select(ExtensionRequest.id).where(
            ExtensionRequest.task_id == task.id, ExtensionRequest.state == ExtensionState.PENDING
        )
    )
    if pending is not None:
        raise LedgerError(f"{task.code} 已有一条延期申请在等待督查室审批。")


def request_extension(
    session: Session,
    task: Task,
    *,
    now: datetime,
    actor: Actor,
    proposed_deadline: datetime,
    reason: str,
    zone: ZoneInfo,
) -> ExtensionRequest:
    """A unit asks for a later deadline (申请延期); a supervisor decides.

    The database keeps "one pending request per task" (a partial unique index),
    so two people asking at once get one request and one refusal.
    """
    check_extension_allowed(session, task, actor=actor)
    if not reason.strip():
        raise LedgerError("申请延期需要写明理由。")
    if proposed_deadline <= now:
        raise LedgerError("申请的新截止时间已经过去，请给一个将来的时间。")
    if task.deadline is not None and proposed_deadline <= task.deadline:
        current = task.deadline.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        raise LedgerError(f"新截止时间应晚于现在的截止时间（{current}）。")
    request = ExtensionRequest(
        task=task,
        requested_by_id=person_id(actor),
        created_at=now,
        old_deadline=task.deadline,
        proposed_deadline=proposed_deadline,
        reason=reason.strip(),
        state=ExtensionState.PENDING,
    )
    session.add(request)
    record_change(session, task, actor, now, "extension_request", None, proposed_deadline, reason)
    return request


def refuse_if_decided(session: Session, request: ExtensionRequest) -> None:
    """A request decided already is refused saying by whom and how (another supervisor's
    copy pressed late)."""
    if request.state == ExtensionState.PENDING:
        return
    decider = session.get(Person, request.decided_by_id) if request.decided_by_id else None
    verdict = "批准" if request.state == ExtensionState.APPROVED else "驳回"
    raise LedgerError(f"这条延期申请已由{decider.name if decider else '督查室'}{verdict}。")


def decide_extension(
    session: Session,
    request: ExtensionRequest,
    *,
    now: datetime,
    actor: Actor,
    approve: bool,
    note: str = "",
) -> ExtensionRequest:
    """Approve (the deadline moves; the old one stays in the history) or deny a request."""
    require(actor, TaskAction.DECIDE_EXTENSION, request.task)
    refuse_if_decided(session, request)
    task = request.task
    request.state = ExtensionState.APPROVED if approve else ExtensionState.DENIED
    request.decided_by_id = person_id(actor)
    request.decided_at = now
    request.decision_note = note.strip() or None
    record_change(
        session, task, actor, now, "extension_request", "pending", request.state, note or None
    )
    if approve:
        record_change(
            session, task, actor, now, "deadline", task.deadline, request.proposed_deadline
        )
        task.deadline = request.proposed_deadline
        task.updated_at = now
        cancel_for_task(session, task.id, now=now, why="延期已批准")
    return request
