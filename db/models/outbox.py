"""The outbox: everything the bot sends on its own is a row here first."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
)

from db.models.base import Base, EnumString, check_in, utcnow


class OutboxKind(StrEnum):
    # Not a CHECK constraint: each step adds kinds (duty prompts next); none come from users.
    REMINDER = "reminder"  # 催办: a task or milestone near or past its due time
    ESCALATION = "escalation"  # the lead leader told of an overdue task
    DIGEST = "digest"  # the morning digest
    BULLETIN = "bulletin"  # the weekly 督查通报, built when it is sent
    ROSTER_REMINDER = "roster_reminder"  # a unit's holiday duty roster is missing or has gaps
    # Duty prompts: the one kind sent on days off and in quiet hours (a holiday is when
    # they matter). A prompt asks the person on duty; an alarm tells whoever is next.
    DUTY_PROMPT = "duty_prompt"  # 到岗确认 at a shift's start, or a 查岗 spot check
    DUTY_ALARM = "duty_alarm"  # a spot check unanswered: the 带班领导, then the supervisors
    DUTY_SUMMARY = "duty_summary"  # the supervisors' holiday-morning duty summary
    # What a handler tells a chat other than the caller's (an extension request to the
    # supervisors, a decision to the requester, a return to the unit): written in the
    # same unit of work as the change it reports, sent at once and retried like the rest.
    NOTICE = "notice"
    # 交办: a new task to its units and leader (merged per chat), and the one chase of a
    # party that has not signed for it a working day later.
    ANNOUNCEMENT = "announcement"
    SIGN_CHASE = "sign_chase"
    # To the supervisors: a task given to a unit nobody can reach, told the day it is given;
    # and what newly waits on the office (reported done, 需协调, unsigned), at most hourly.
    UNREACHABLE = "unreachable"
    OFFICE_PENDING = "office_pending"
    # An earlier message edited in place (`edit_of` names its row): a decided request's
    # copies show who decided, their buttons gone.
    EDIT = "edit"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender until `claimed_until`
    SENT = "sent"
    FAILED = "failed"  # will be tried again at `next_try_at`
    DEAD = "dead"  # given up: the chat blocked the bot, or too many failures
    CANCELLED = "cancelled"  # no longer due: the task moved on, or the row went stale


class OutboxMessage(Base):
    """Everything the bot sends on its own is a row here first (the outbox).

    `key` makes planning idempotent (task + milestone + kind + deadline + local
    day + chat); a sender claims due rows with a conditional UPDATE, sends, and
    records the Telegram message ids, or the error and the next try.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        check_in("state", OutboxState),
        Index("ix_outbox_state_next_try_at", "state", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(20), default="telegram")
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[OutboxKind] = mapped_column(EnumString(OutboxKind))
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[str | None] = mapped_column(Text)  # JSON [[label, data], ...]
    # What a reply to the sent message means (a MessageKind), when not the kind's default.
    reply_kind: Mapped[str | None] = mapped_column(String(20))
    # The duty check a prompt asks: the sender stamps it when Telegram takes the prompt.
    duty_check_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_checks.id", ondelete="SET NULL")
    )
    # An EDIT row: the row whose sent message it rewrites (its chat and message id).
    edit_of_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    due_at: Mapped[datetime]
    state: Mapped[OutboxState] = mapped_column(EnumString(OutboxState), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    # Who holds the claim: set with the lease, and every later change of the row is
    # conditional on it, so a sender that lost the row cannot write over another's outcome.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    message_ids: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SendPace(Base):
    """When the next message may go: for the whole bot (chat 0) and for a chat.

    Shared by every sender (the bot and each `python -m bot send`), so Telegram's
    ~30 messages/s per bot and 20 a minute per group hold whatever the number of
    workers, and a chat's 429 wait is honoured by all of them. Times are epoch
    seconds, so the arithmetic reads the same in SQLite and PostgreSQL.
    """

    __tablename__ = "send_pace"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    next_at: Mapped[float] = mapped_column(Float)
    # Telegram told this chat to wait until then (a 429); 0 when it never did.
    waited_until: Mapped[float] = mapped_column(Float, default=0.0)
