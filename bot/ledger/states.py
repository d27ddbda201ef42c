"""The task state machine: 推进中 → 已报完成 → 已销号, and 退回 back to 推进中.

`TRANSITIONS` is the whole machine; `REFUSALS` says, in the user's words, why
any other (state, action) is refused. `apply_action` is the one way a unit or
a supervisor moves a task through it (corrections and imports set the state
through `change_task`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.core.access import Actor, TaskAction, person_id, require
from bot.core.messages import IncomingFile
from bot.ledger.changes import LedgerError, record_change
from bot.ledger.progress import evidence_rows
from bot.outbox.rows import cancel_for_task
from db.models import ProgressReport, ReportChannel, Task, TaskState

STATE_LABELS = {
    TaskState.OPEN: "推进中",
    TaskState.REPORTED_DONE: "已报完成",
    TaskState.VERIFIED: "已销号",
}


class Action(StrEnum):
    REPORT_DONE = "report_done"  # the unit says it is finished
    VERIFY = "verify"  # 销号
    RETURN = "return"  # 退回


# The whole state machine: (state, action) → new state. Anything else is refused.
TRANSITIONS: dict[tuple[TaskState, Action], TaskState] = {
    (TaskState.OPEN, Action.REPORT_DONE): TaskState.REPORTED_DONE,
    (TaskState.REPORTED_DONE, Action.VERIFY): TaskState.VERIFIED,
    (TaskState.REPORTED_DONE, Action.RETURN): TaskState.OPEN,
}

# Why an action is refused in a given state, in the user's words.
REFUSALS: dict[tuple[TaskState, Action], str] = {
    (TaskState.REPORTED_DONE, Action.REPORT_DONE): "已报完成，正在等待督查室销号，无需重复上报。",
    (TaskState.VERIFIED, Action.REPORT_DONE): "已销号，无需再报完成。",
    (TaskState.OPEN, Action.VERIFY): "仍在推进中，责任单位报完成后才能销号。",
    (TaskState.VERIFIED, Action.VERIFY): "已经销号。",
    (TaskState.OPEN, Action.RETURN): "仍在推进中，只有已报完成的事项才能退回。",
    (TaskState.VERIFIED, Action.RETURN): "已销号，不能退回。",
}


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
    require(actor, TaskAction(action.value), task)
    state = TaskState(task.state)
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
