"""The task state machine: 推进中 → 已报完成 → 已销号, and 退回 (or 撤回) back to 推进中.

`TRANSITIONS` is the whole machine; `REFUSALS` says, in the user's words, why
any other (state, action) is refused. `apply_action` is the one way a unit or
a supervisor moves a task through it (corrections and imports set the state
through `change_task`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import Actor, TaskAction, person_id, require
from bot.core.messages import IncomingFile
from bot.ledger.changes import LedgerError, record_change
from bot.ledger.progress import evidence_rows
from bot.outbox.rows import cancel_for_task
from db.models import ProgressReport, ReportChannel, Task, TaskEvent, TaskState

STATE_LABELS = {
    TaskState.OPEN: "推进中",
    TaskState.REPORTED_DONE: "已报完成",
    TaskState.VERIFIED: "已销号",
}


class Action(StrEnum):
    REPORT_DONE = "report_done"  # the unit says it is finished
    VERIFY = "verify"  # 销号
    RETURN = "return"  # 退回
    WITHDRAW = "withdraw"  # 撤回: the unit takes its 已完成 back before the office verifies


# The whole state machine: (state, action) → new state. Anything else is refused.
TRANSITIONS: dict[tuple[TaskState, Action], TaskState] = {
    (TaskState.OPEN, Action.REPORT_DONE): TaskState.REPORTED_DONE,
    (TaskState.REPORTED_DONE, Action.VERIFY): TaskState.VERIFIED,
    (TaskState.REPORTED_DONE, Action.RETURN): TaskState.OPEN,
    (TaskState.REPORTED_DONE, Action.WITHDRAW): TaskState.OPEN,
}

# Why an action is refused in a given state, in the user's words.
REFUSALS: dict[tuple[TaskState, Action], str] = {
    (TaskState.REPORTED_DONE, Action.REPORT_DONE): "已报完成，正在等待督查室销号，无需重复上报。",
    (TaskState.VERIFIED, Action.REPORT_DONE): "已销号，无需再报完成。",
    (TaskState.OPEN, Action.VERIFY): "仍在推进中，责任单位报完成后才能销号。",
    (TaskState.VERIFIED, Action.VERIFY): "已经销号。",
    (TaskState.OPEN, Action.RETURN): "仍在推进中，只有已报完成的事项才能退回。",
    (TaskState.VERIFIED, Action.RETURN): "已销号，不能退回。",
    (TaskState.OPEN, Action.WITHDRAW): "仍在推进中，没有待撤回的完成报告。",
    (TaskState.VERIFIED, Action.WITHDRAW): "已销号，不能再撤回完成报告；如有问题请联系督查室。",
}
# Who may take an action: its own right, except that withdrawing 已完成 is the right of
# whoever may report it.
RIGHTS: dict[Action, TaskAction] = {Action.WITHDRAW: TaskAction.REPORT_DONE}


def apply_action(
    session: Session,
    task: Task,
    action: Action,
    *,
    now: datetime,
    actor: Actor,
    reason: str = "",
    channel: ReportChannel = ReportChannel.COMMAND,
    evidence: Sequence[IncomingFile] = (),
) -> Task:
    """Move a task through the state machine, or refuse with the reason in Chinese.

    Reporting done leaves a progress report, with any evidence attached to it.
    """
    require(actor, RIGHTS.get(action) or TaskAction(action.value), task)
    state = task.state
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise LedgerError(f"{task.code} {REFUSALS[(state, action)]}")
    reason = reason.strip()
    if action == Action.RETURN and not reason:
        raise LedgerError("退回需要写明原因，例如：佐证材料不全。")
    task.state = target
    task.updated_at = now
    record_change(session, task, actor, now, "state", state.value, target.value, reason or None)
    if target != TaskState.OPEN:  # the unit is done with it: no more chasing
        cancel_for_task(session, task.id, now=now, why=f"事项{STATE_LABELS[target]}")
    if action == Action.WITHDRAW:
        _restore_percent(session, task, actor, now)
    if action == Action.REPORT_DONE:
        if task.percent != 100:
            record_change(session, task, actor, now, "percent", task.percent, 100)
            task.percent = 100
        session.add(
            ProgressReport(
                task=task,
                person_id=person_id(actor),
                created_at=now,
                text=reason or "已完成",
                percent=100,
                state_change=target.value,
                channel=channel,
                attachments=evidence_rows(evidence),
            )
        )
    return task


def _restore_percent(session: Session, task: Task, actor: Actor, now: datetime) -> None:
    """A withdrawn 已完成 gives back the percent the task had before it was reported."""
    last = session.scalars(
        select(TaskEvent)
        .where(TaskEvent.task_id == task.id, TaskEvent.field == "percent")
        .order_by(TaskEvent.created_at.desc(), TaskEvent.id.desc())
        .limit(1)
    ).first()
    if last is None or last.new_value != "100" or last.old_value is None:
        return
    before = int(last.old_value)
    record_change(session, task, actor, now, "percent", task.percent, before, "撤回完成")
    task.percent = before
