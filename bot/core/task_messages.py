"""Which task a message of the bot's is about, so a reply to it lands on that task.

Cards now; reminders and digests (the outbox) record their messages here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import MessageKind, TaskMessage

TELEGRAM = "telegram"


def remember(
    session: Session,
    *,
    chat_id: int,
    message_id: int,
    task_ids: Iterable[int | None],
    kind: MessageKind,
    now: datetime,
    channel: str = TELEGRAM,
) -> None:
    for task_id in dict.fromkeys(task_ids):
        session.add(
            TaskMessage(
                channel=channel,
                chat_id=chat_id,
                message_id=message_id,
                task_id=task_id,
                kind=kind,
                created_at=now,
            )
        )


def tasks_of_message(
    session: Session, *, chat_id: int, message_id: int, channel: str = TELEGRAM
) -> list[tuple[int | None, str]]:
    """(task id, kind) for each task a message is about; empty if it is none of the bot's."""
    return list(
        session.execute(
            select(TaskMessage.task_id, TaskMessage.kind)
            .where(
                TaskMessage.channel == channel,
                TaskMessage.chat_id == chat_id,
                TaskMessage.message_id == message_id,
            )
            .order_by(TaskMessage.id)
        )
    )
