"""The questions a report asks before it changes a task's state, as messages with buttons.

已完成 (a button or a typed "已完成") is asked to be confirmed, with the offer to
attach evidence; once reported it can be withdrawn until the office verifies. A
figure below 100% on a task already reported done asks which is true. The answers
are one-time buttons whose payload keeps the message, so nothing is recorded until
the person chooses (`handlers.progress` registers what each button does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core.access import Actor, TaskAction, require
from bot.core.buttons import CANCEL, Choice, choice_buttons, task_button
from bot.core.messages import IncomingFile, Message
from bot.ledger.cards import ACTION_LABELS, WITHDRAW, state_line
from bot.ledger.changes import LedgerError
from bot.ledger.states import REFUSALS, Action
from db.models import ReportChannel, Task, TaskState

CONFIRM_DONE = "confirm_done"  # 确认已完成 (one-time)
KEEP_DONE = "keep_done"  # 已报完成 stands; the message is kept as a note (one-time)
TAKE_FIGURE = "take_figure"  # the new figure is true: 已完成 withdrawn (one-time)
EVIDENCE_HINT = "如有佐证材料（照片、文件），可回复本消息发送。"


def message_payload(
    text: str, files: Sequence[IncomingFile], channel: ReportChannel
) -> dict[str, Any]:
    """A message kept in a button until the person answers the question."""
    return {
        "text": text,
        "files": [[f.kind, f.file_id, f.file_name, f.file_size] for f in files],
        "channel": channel.value,
    }


def payload_files(payload: dict[str, Any]) -> list[IncomingFile]:
    return [IncomingFile(*file) for file in payload.get("files", [])]


def payload_channel(payload: dict[str, Any]) -> ReportChannel:
    return ReportChannel(payload.get("channel", ReportChannel.REPLY.value))


def done_question(
    session: Session,
    task: Task,
    *,
    actor: Actor,
    now: datetime,
    text: str = "",
    files: Sequence[IncomingFile] = (),
    channel: ReportChannel = ReportChannel.BUTTON,
) -> Message:
    """确认 · 取消 before a task is reported done; refused at once if it cannot be."""
    require(actor, TaskAction.REPORT_DONE, task)
    state = task.state
    if state != TaskState.OPEN:
        raise LedgerError(f"{task.code} {REFUSALS[(state, Action.REPORT_DONE)]}")
    confirm, cancel = choice_buttons(
        session,
        owner=actor,
        choices=[
            Choice(CONFIRM_DONE, "确认已完成", message_payload(text, files, channel), task),
            Choice(CANCEL, "取消"),
        ],
        now=now,
    )
    attached = f"（已附佐证材料 {len(files)} 份）" if files else ""
    return Message(
        f"确认 {task.code} {task.title} 已全部完成、报请督查室销号吗？{attached}\n"
        f"确认后，在督查室销号前仍可撤回。{EVIDENCE_HINT}",
        buttons=((confirm, cancel),),
        about=(task.id,),
    )


def reported_done(session: Session, task: Task) -> Message:
    """The answer to a confirmed 已完成: the state, the offer of evidence, 撤回完成."""
    withdraw = task_button(session, task, WITHDRAW, ACTION_LABELS[WITHDRAW])
    return Message(
        f"已报完成：{state_line(task)}，等待督查室销号。\n{EVIDENCE_HINT}报错了可按“撤回完成”。",
        buttons=((withdraw,),),
        about=(task.id,),
    )


def contradiction_question(
    session: Session,
    task: Task,
    *,
    actor: Actor,
    now: datetime,
    percent: int,
    text: str,
    files: Sequence[IncomingFile],
    channel: ReportChannel,
) -> Message:
    """已报完成, and now "实际完成80%": which is true? Nothing is recorded until answered."""
    payload = message_payload(text, files, channel)
    keep, take = choice_buttons(
        session,
        owner=actor,
        choices=[
            Choice(KEEP_DONE, "仍为已完成", payload, task),
            Choice(TAKE_FIGURE, f"以{percent}%为准，撤回完成", payload, task),
        ],
        now=now,
    )
    return Message(
        f"{task.code} {task.title} 已报完成，这条消息说进度是 {percent}%。以哪个为准？\n"
        "选“仍为已完成”，这条消息记为备注；选另一个，撤回完成报告并记录新进度。",
        buttons=((keep,), (take,)),
        about=(task.id,),
    )
