"""Notices: what a handler tells a chat other than the caller's, written as outbox rows.

The handler wrapper calls `write_notices` inside the update's unit of work, so a
notice exists exactly when the change it reports was committed. The wrapper then
asks the sender to deliver those rows at once; if that fails or the process dies
first, the next scan sends them. A recipient that blocked the bot is marked by
the sender and does not stop the others.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.messages import Message
from bot.outbox.rows import buttons_json
from db.models import OutboxKind, OutboxMessage, OutboxState


def write_notices(session: Session, messages: Sequence[Message], *, now: datetime) -> list[int]:
    """One outbox row per message (each has `to_chat`); returns the rows' ids."""
    rows = []
    for message in messages:
        assert message.to_chat is not None
        if message.document is not None or message.image is not None or message.resend:
            raise ValueError("a notice to another chat carries text and buttons only")
        if len(message.about) > 1:
            raise ValueError("a notice to another chat is about one task at most")
        row = OutboxMessage(
            key=f"n:{secrets.token_hex(8)}",  # written once, with the change: no planning key
            chat_id=message.to_chat,
            kind=OutboxKind.NOTICE,
            task_id=message.about[0] if message.about else None,
            text=message.text,
            buttons=buttons_json(message.buttons),
            reply_kind=message.reply_kind,
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
