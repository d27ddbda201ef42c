"""批示: a 包联领导's word on a task, kept as its own kind (who, when, what), shown on
the card apart from the unit's reports, and forwarded to the lead unit, whose reply
to the forward is its report on the task."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.core.access import Refusal
from bot.core.messages import Message
from bot.ledger.changes import record_change
from bot.office.decisions import unit_chats_of
from db.models import Person, Task, TaskInstruction

SHOWN_ON_CARD = 3


def record_instruction(
    session: Session, task: Task, *, leader: Person, text: str, now: datetime
) -> TaskInstruction:
    text = text.strip()
    if not text:
        raise Refusal("批示内容是空的，请直接回复文字。")
    instruction = TaskInstruction(task_id=task.id, leader_id=leader.id, created_at=now, text=text)
    session.add(instruction)
    record_change(session, task, leader, now, "instruction", None, text[:200])
    return instruction


def forwarded(session: Session, task: Task, *, leader: Person, text: str) -> list[Message]:
    """The 批示 to the lead unit's chats; a reply to it lands on the task as a report."""
    words = (
        f"📝 {leader.name}同志对 {task.code} {task.title} 的批示：\n{text.strip()[:1500]}\n\n"
        "请抓好落实，直接回复本消息报告落实情况。"
    )
    return [Message(words, to_chat=chat, about=(task.id,)) for chat in unit_chats_of(session, task)]


def recent_instructions(session: Session, task_id: int) -> list[TaskInstruction]:
    return list(
        session.scalars(
            select(TaskInstruction)
            .where(TaskInstruction.task_id == task_id)
            .options(selectinload(TaskInstruction.leader))
            .order_by(TaskInstruction.created_at.desc(), TaskInstruction.id.desc())
            .limit(SHOWN_ON_CARD)
        )
    )
