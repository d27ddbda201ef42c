"""What the bot's sent messages and buttons mean, kept on the server."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
)

from db.models.base import Base, EnumString, check_in, utcnow


class MessageKind(StrEnum):
    """What a reply to one of the bot's messages means."""

    CARD = "card"  # a task card or an answer about a task: the reply is a progress report
    REMINDER = "reminder"  # likewise, from the schedule
    DIGEST = "digest"
    EXTENSION = "extension"  # "reply with the new deadline and a reason"
    RETURN = "return"  # "reply with the reason for returning it"
    NEW_TASK = "new_task"  # "reply with 单位 | 标题 | 截止 | 包联领导" (no task yet)
    ANNOUNCEMENT = "announcement"  # 交办: "收到" signs for its tasks; other words report
    DENIAL = "denial"  # "reply with the reason for denying the extension"


class TaskMessage(Base):
    """A message the bot sent, and what a reply to it is about (a task, and what for).

    One message may be about several tasks (a merged reminder); a reply to it
    then asks which one. `channel` leaves room for chat channels besides Telegram.
    """

    __tablename__ = "task_messages"
    __table_args__ = (
        check_in("kind", MessageKind),
        UniqueConstraint(
            "channel", "chat_id", "message_id", "task_id", name="uq_task_messages_message_task"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="telegram")
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MessageKind] = mapped_column(EnumString(MessageKind), default=MessageKind.CARD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ButtonRef(Base):
    """What a button means, kept on the server; the button's callback data is only `token`.

    A task button (a task and an action) is reused by every card of that task;
    a confirmation (e.g. a new task waiting for 确认) carries its values in
    `payload`, belongs to the person who asked, and is used once. Whoever
    presses, the access policy is asked again, so copied data changes nothing.
    """

    __tablename__ = "button_refs"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    action: Mapped[str] = mapped_column(String(30))
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    payload: Mapped[str | None] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
