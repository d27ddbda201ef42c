"""Notices: what a handler tells a chat other than the caller's, written as outbox rows.

The handler wrapper calls `write_notices` inside the update's unit of work, so a
notice exists exactly when the change it reports was committed. The wrapper then
asks the sender to deliver those rows at once; if that fails or the process dies
first, the next scan sends them. A recipient that blocked the bot is marked by
the sender and does not stop the others.

A notice may carry a key, so a later notice can rewrite it in place (`edits`):
the earlier message is edited where it was sent, or, not sent yet, taken back
(its recipient never saw what it no longer says).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.messages import Message
from bot.outbox.rows import WAITING, buttons_json
from db.models import OutboxKind, OutboxMessage, OutboxState

REPLACED = "已由更新的内容代替"


def write_notices(session: Session, messages: Sequence[Message], *, now: datetime) -> list[int]:
    """One outbox row per message (each has `to_chat`); returns the rows' ids."""
    rows = []
    for message in messages:
        assert message.to_chat is not None
        if message.document is not None or message.image is not None or message.resend:
            raise ValueError("a notice to another chat carries text and buttons only")
        if len(message.about) > 1:
            raise ValueError("a notice to another chat is about one task at most")
        edit_of = None
        if message.edits is not None:
            edit_of = _edited(session, message.edits)
            if edit_of is None:
                continue
        row = OutboxMessage(
            # written once, with the change: no planning key unless the handler names one
            key=message.key or f"n:{secrets.token_hex(8)}",
            chat_id=message.to_chat,
            kind=OutboxKind.EDIT if edit_of is not None else OutboxKind.NOTICE,
            task_id=message.about[0] if message.about else None,
            text=message.text,
            buttons=buttons_json(message.buttons),
            reply_kind=message.reply_kind,
            edit_of_id=edit_of,
            due_at=now,
            state=OutboxState.PENDING,
            attempts=0,
            next_try_at=now,
            created_at=now,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return [row.id for row in rows]


def _edited(session: Session, key: str) -> int | None:
    """The row an edit rewrites, if its message was (or is being) sent; a row still
    waiting is cancelled instead, and one given up needs nothing."""
    target = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if target is None:
        return None
    if target.state in WAITING:
        target.state, target.last_error = OutboxState.CANCELLED, REPLACED
        return None
    if target.state in (OutboxState.SENT, OutboxState.SENDING):
        return target.id
    return None
