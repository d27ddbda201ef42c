"""The outbox: write a message the bot will send on its own, or take back what is no longer due.

Rows are written by the features' planners (`jobs.scan`) and sent by `jobs.outbox`.
`enqueue` is idempotent on the row's key (INSERT … ON CONFLICT DO NOTHING), so
planning may run every scan and after any change; services call
`cancel_for_task` when a task moves on, inside the caller's unit of work.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, func, select, update
from sqlalchemy.orm import Session

from bot.core.access import Refusal
from bot.core.messages import Button
from db.keys import existing_keys, insert_new
from db.models import OutboxKind, OutboxMessage, OutboxState
from db.updates import updated_rows

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
    duty_check_id: int | None = None  # the check a duty prompt asks


def buttons_json(buttons: tuple[tuple[Button, ...], ...]) -> str | None:
    if not buttons:
        return None
    return json.dumps([[[b.label, b.data] for b in row] for row in buttons], ensure_ascii=False)


def buttons_of(encoded: str | None) -> tuple[tuple[Button, ...], ...]:
    """A row's `buttons` column back as buttons."""
    if not encoded:
        return ()
    return tuple(tuple(Button(label, data) for label, data in r) for r in json.loads(encoded))


def enqueue(session: Session, planned: Sequence[Planned], *, now: datetime) -> int:
    """Write the rows whose keys are new (a key another process wrote meanwhile is skipped).

    A Core insert on the table, not the ORM's bulk insert: planning writes
    thousands of rows a morning and nothing reads them back as objects. A task's
    rows in several chats share one buttons tuple, encoded once.
    """
    if not planned:
        return 0
    encoded: dict[int, str | None] = {}
    values = []
    for p in planned:
        buttons = encoded.get(id(p.buttons))
        if buttons is None:
            buttons = encoded[id(p.buttons)] = buttons_json(p.buttons)
        values.append(
            {
                "key": p.key,
                "channel": "telegram",
                "chat_id": p.chat_id,
                "kind": p.kind,
                "task_id": p.task_id,
                "text": p.text,
                "buttons": buttons,
                "reply_kind": None,
                "duty_check_id": p.duty_check_id,
                "due_at": p.due_at,
                "state": OutboxState.PENDING,
                "attempts": 0,
                "next_try_at": p.due_at,
                "created_at": now,
            }
        )
    insert_new(session, OutboxMessage, values)
    return len(values)


def enqueue_new(session: Session, planned: Sequence[Planned], *, now: datetime) -> int:
    """`enqueue` for callers that plan every scan without reading keys first: the rows
    already written are left out, so the count (and the scan's log) says what is new."""
    known = existing_keys(session, OutboxMessage.key, (p.key for p in planned))
    return enqueue(session, [p for p in planned if p.key not in known], now=now)


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


def cancel_for_chat(session: Session, chat_id: int, *, why: str) -> int:
    """Take back everything still waiting for a chat the bot must no longer write to
    (a person removed or moved, a group unbound); returns how many rows."""
    return updated_rows(
        session,
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.state.in_(WAITING))
        .values(state=OutboxState.CANCELLED, last_error=why)
        .execution_options(synchronize_session=False),
    )


def cancel_stale(
    session: Session,
    kinds: Sequence[OutboxKind],
    *,
    due_before: datetime,
    why: str,
    free_key: bool = False,
) -> None:
    """Take back rows of `kinds` still waiting that were due before `due_before`: what
    an earlier pass planned and could not send gives way to what is planned now.

    `free_key`: the row's id is added to its key, so the same key may be written again
    (an escalation is one per deadline, and is sent again saying how late it is today).
    """
    values: dict[str, object] = {"state": OutboxState.CANCELLED, "last_error": why}
    if free_key:
        values["key"] = OutboxMessage.key + ":" + cast(OutboxMessage.id, String)
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind.in_(kinds),
            OutboxMessage.state.in_(WAITING),
            OutboxMessage.due_at < due_before,
        )
        .values(values)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class OutboxOverview:
    counts: dict[OutboxState, int]
    rows: list[OutboxMessage]  # waiting, sending, failed and dead ones, oldest due first


def overview(session: Session, *, limit: int = 50) -> OutboxOverview:
    """What `python -m bot outbox` shows: counts by state, then the rows that need a look."""
    counts = dict(
        session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        ).all()
    )
    rows = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.state.in_([*WAITING, OutboxState.SENDING, OutboxState.DEAD]))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
    )
    return OutboxOverview(counts, rows)


def retry(session: Session, row_id: int, *, now: datetime) -> OutboxMessage:
    """Send a failed, dead or cancelled row again at the next scan."""
    row = session.get(OutboxMessage, row_id)
    if row is None:
        raise Refusal(f"没有编号为 {row_id} 的待发消息。")
    if row.state in (OutboxState.SENT, OutboxState.SENDING):
        raise Refusal(f"第 {row_id} 条{STATE_WORDS[row.state]}，不能重发。")
    row.state, row.next_try_at, row.attempts, row.claimed_until = (
        OutboxState.PENDING,
        now,
        0,
        None,
    )
    return row


def cancel(session: Session, row_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, row_id)
    if row is None:
        raise Refusal(f"没有编号为 {row_id} 的待发消息。")
    if row.state not in WAITING:
        raise Refusal(f"第 {row_id} 条{STATE_WORDS[row.state]}，无需取消。")
    row.state, row.last_error = OutboxState.CANCELLED, "由管理员取消"
    return row


STATE_WORDS = {
    OutboxState.PENDING: "待发送",
    OutboxState.SENDING: "正在发送",
    OutboxState.SENT: "已发送",
    OutboxState.FAILED: "失败待重试",
    OutboxState.DEAD: "已放弃",
    OutboxState.CANCELLED: "已取消",
}
KIND_WORDS = {
    OutboxKind.REMINDER: "催办提醒",
    OutboxKind.ESCALATION: "逾期报告",
    OutboxKind.DIGEST: "每日汇总",
    OutboxKind.BULLETIN: "督查通报",
    OutboxKind.ROSTER_REMINDER: "值班表催报",
    OutboxKind.DUTY_PROMPT: "到岗确认/查岗",
    OutboxKind.DUTY_ALARM: "查岗未应答告知",
    OutboxKind.DUTY_SUMMARY: "值班日报",
    OutboxKind.NOTICE: "通知",
    OutboxKind.ANNOUNCEMENT: "交办通知",
    OutboxKind.SIGN_CHASE: "签收催办",
    OutboxKind.UNREACHABLE: "单位无人绑定告知",
    OutboxKind.OFFICE_PENDING: "待督查室处理",
    OutboxKind.EDIT: "更新已发消息",
}
