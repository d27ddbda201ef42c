"""The outbox: write a message the bot will send on its own, or take back what is no longer due.

Rows are written by planning (`jobs.planning`) and sent by `jobs.sending`.
`enqueue` is idempotent on the row's key (INSERT … ON CONFLICT DO NOTHING), so
planning may run every scan and after any change; services call
`cancel_for_task` when a task moves on, inside the caller's unit of work.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.messages import Button
from db.models import OutboxKind, OutboxMessage, OutboxState

WAITING = (OutboxState.PENDING, OutboxState.FAILED)


@dataclass(frozen=True)
class Planned:
    key: str
    chat_id: int
    kind: OutboxKind
    text: str
    due_at: datetime
    task_id: int | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()


def _buttons_json(buttons: tuple[tuple[Button, ...], ...]) -> str | None:
    if not buttons:
        return None
    return json.dumps([[[b.label, b.data] for b in row] for row in buttons], ensure_ascii=False)


def buttons_of(row: OutboxMessage) -> tuple[tuple[Button, ...], ...]:
    if not row.buttons:
        return ()
    return tuple(tuple(Button(label, data) for label, data in r) for r in json.loads(row.buttons))


def enqueue(session: Session, planned: Sequence[Planned], *, now: datetime) -> int:
    """Write the rows whose keys are new (a key another process wrote meanwhile is skipped)."""
    if not planned:
        return 0
    values = [
        {
            "key": p.key,
            "channel": "telegram",
            "chat_id": p.chat_id,
            "kind": p.kind,
            "task_id": p.task_id,
            "text": p.text,
            "buttons": _buttons_json(p.buttons),
            "due_at": p.due_at,
            "state": OutboxState.PENDING,
            "attempts": 0,
            "next_try_at": p.due_at,
            "created_at": now,
        }
        for p in planned
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(OutboxMessage).on_conflict_do_nothing(index_elements=["key"])
    for start in range(0, len(values), 500):
        session.execute(statement, values[start : start + 500])
    return len(values)


def cancel_for_task(session: Session, task_id: int | None, *, now: datetime, why: str) -> None:
    """Take back a task's reminders not yet sent: it was reported done, verified or re-dated."""
    if task_id is None:
        return
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.task_id == task_id,
            OutboxMessage.kind.in_([OutboxKind.REMINDER, OutboxKind.ESCALATION]),
            OutboxMessage.state.in_(WAITING),
        )
        .values(state=OutboxState.CANCELLED, last_error=why)
        .execution_options(synchronize_session=False)
    )
