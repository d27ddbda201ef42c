"""Buttons whose meaning stays on the server: the callback data is only a token.

A task button (报告进展, 已完成, 申请延期, 销号, 退回) is one `ButtonRef` row per
task and action, reused by every card. A confirmation (确认 a new task, 批准 an
extension) carries its values, belongs to one person and is spent once, with
a conditional UPDATE so a double press acts once. Pressing always goes back
through `bot.core.access` with the presser, so copied or forged data changes nothing.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from bot.core.access import Actor, Refusal, person_id
from bot.core.messages import Button
from db.models import ButtonRef, Task
from db.updates import updated_rows

PREFIX = "b:"
CANCEL = "cancel"  # 取消 under a confirmation: spends its buttons and does nothing else
STALE_BUTTON = "这个按钮已失效，请重新发送命令。"
USED_BUTTON = "这组按钮已经按过了，不能再按。"
CONFIRMATION_HOURS = 24
TOGETHER = "_together"  # a one-time button's payload: the tokens spent with it
CHUNK = 500  # task ids a query asks about, button rows an insert writes


def _token() -> str:
    return secrets.token_urlsafe(12)  # 16 characters; callback data may hold 64 bytes


def task_button(session: Session, task: Task, action: str, label: str) -> Button:
    """The button for `action` on `task`, the same row for every card."""
    with session.no_autoflush:
        ref = session.scalar(
            select(ButtonRef).where(
                ButtonRef.task_id == task.id,
                ButtonRef.action == action,
                ButtonRef.payload.is_(None),
            )
        )
    if ref is None:
        ref = ButtonRef(token=_token(), action=action, task_id=task.id)
        session.add(ref)
    return Button(label, PREFIX + ref.token)


def task_buttons(
    session: Session, task_ids: set[int], actions: tuple[str, ...]
) -> dict[int, list[tuple[str, str]]]:
    """For many tasks at once (planning reminders): task id → [(action, callback data)]."""
    refs: dict[tuple[int | None, str], str] = {}
    ids = sorted(task_ids)
    for start in range(0, len(ids), CHUNK):
        for task_id, action, token in session.execute(
            select(ButtonRef.task_id, ButtonRef.action, ButtonRef.token).where(
                ButtonRef.task_id.in_(ids[start : start + CHUNK]),
                ButtonRef.action.in_(actions),
                ButtonRef.payload.is_(None),
            )
        ):
            refs.setdefault((task_id, action), token)
    missing = [(t, a) for t in ids for a in actions if (t, a) not in refs]
    # Written 500 at a time: a first morning's 27,000 rows in one statement cost 34 MB.
    for start in range(0, len(missing), CHUNK):
        chunk = [(_token(), t, a) for t, a in missing[start : start + CHUNK]]
        # A Core insert on the table: the ORM's bulk insert costs more, nothing reads them back.
        session.execute(
            insert(cast(Table, ButtonRef.__table__)),
            [{"token": k, "task_id": t, "action": a} for k, t, a in chunk],
        )
        refs.update({(t, a): k for k, t, a in chunk})
    return {t: [(a, PREFIX + refs[(t, a)]) for a in actions] for t in ids}


@dataclass(frozen=True)
class Choice:
    """One of one-time buttons offered together: 确认 · 取消, 批准 · 驳回, tasks to pick."""

    action: str
    label: str
    payload: dict[str, Any] = field(default_factory=dict)
    task: Task | None = None


def choice_buttons(
    session: Session, *, owner: Actor | None, choices: list[Choice], now: datetime
) -> list[Button]:
    """One-time buttons for `owner` alone, valid for a day; pressing one spends them all,
    so a cancelled draft cannot be confirmed and one message is filed on one task.
    Without an owner (a prompt in a unit's group) the access policy alone decides."""
    tokens = [_token() for _ in choices]
    for token, choice in zip(tokens, choices, strict=True):
        session.add(
            ButtonRef(
                token=token,
                action=choice.action,
                task_id=choice.task.id if choice.task is not None else None,
                person_id=person_id(owner) if owner is not None else None,
                payload=json.dumps({**choice.payload, TOGETHER: tokens}, ensure_ascii=False),
                created_at=now,
                expires_at=now + timedelta(hours=CONFIRMATION_HOURS),
            )
        )
    return [
        Button(choice.label, PREFIX + token) for token, choice in zip(tokens, choices, strict=True)
    ]


@dataclass(frozen=True)
class Pressed:
    ref_id: int
    action: str
    task: Task | None
    payload: dict[str, Any] | None
    one_time: bool
    together: tuple[str, ...] = ()  # the tokens spent with this one


def pressed(session: Session, data: str | None, *, presser: Actor, now: datetime) -> Pressed:
    """What a press means, or a refusal when the button is unknown, expired, used or not yours."""
    if not data or not data.startswith(PREFIX):
        raise Refusal(STALE_BUTTON)
    ref = session.scalar(select(ButtonRef).where(ButtonRef.token == data[len(PREFIX) :]))
    if ref is None:
        raise Refusal(STALE_BUTTON)
    if ref.used_at is not None:
        raise Refusal(USED_BUTTON)
    if ref.expires_at is not None and ref.expires_at <= now:
        raise Refusal(STALE_BUTTON)
    if ref.person_id is not None and ref.person_id != person_id(presser):
        raise Refusal("这个按钮是发给别人的，您不能代为操作。")
    task = session.get(Task, ref.task_id) if ref.task_id is not None else None
    if ref.task_id is not None and task is None:
        raise Refusal(STALE_BUTTON)
    payload = json.loads(ref.payload) if ref.payload else None
    together = tuple(payload.pop(TOGETHER, ())) if payload else ()
    return Pressed(ref.id, ref.action, task, payload, ref.payload is not None, together)


def spend(session: Session, press: Pressed, *, now: datetime) -> None:
    """Use a one-time button and the ones offered with it: of two presses, one gets through."""
    if not press.one_time:
        return
    tokens = press.together
    spent = updated_rows(
        session,
        update(ButtonRef)
        .where(ButtonRef.token.in_(tokens), ButtonRef.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False),
    )
    if spent != len(tokens):
        raise Refusal(USED_BUTTON)


def drop_payloads(session: Session, press: Pressed) -> None:
    """Forget what a spent button and those offered with it carried (a ledger file's
    bytes), once confirmed or cancelled."""
    session.execute(
        update(ButtonRef)
        .where(ButtonRef.token.in_(press.together) | (ButtonRef.id == press.ref_id))
        .values(payload=None)
        .execution_options(synchronize_session=False)
    )
