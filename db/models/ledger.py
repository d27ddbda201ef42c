"""The task ledger: tasks, milestones, reports with evidence, the audit, extensions, codes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
    relationship,
)

from db.models.accounts import Unit
from db.models.base import Base, EnumString, check_in, utcnow

if TYPE_CHECKING:
    from db.models.accounts import Person


class TaskState(StrEnum):
    OPEN = "open"  # 推进中
    REPORTED_DONE = "reported_done"  # 已报完成
    VERIFIED = "verified"  # 已销号


class ExtensionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class ReportChannel(StrEnum):
    REPLY = "reply"
    BUTTON = "button"
    COMMAND = "command"
    IMPORT = "import"


task_cooperating_units = Table(
    "task_cooperating_units",
    Base.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True, index=True),
)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        check_in("state", TaskState),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
        # The summary groups open tasks of a unit by deadline; this covers it.
        Index("ix_tasks_lead_unit_state_deadline", "lead_unit_id", "state", "deadline"),
        Index("ix_tasks_state_deadline", "state", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    lead_leader_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # None: a standing task (长期坚持) with no deadline; it is never red or yellow.
    deadline: Mapped[datetime | None]
    # The words an imported deadline was read from (下周五前), None for a date: a
    # re-import of the same words keeps the date they resolved to the first time.
    deadline_text: Mapped[str | None] = mapped_column(String(200))
    percent: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[TaskState] = mapped_column(EnumString(TaskState), default=TaskState.OPEN)
    needs_help: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # 交办: set when the announcement rows are written (None: not announced yet, so the
    # next scan announces it, however the task was entered); a task not signed for by
    # `sign_due_at` (one working day later) is chased once and listed to the office.
    announced_at: Mapped[datetime | None] = mapped_column(index=True)
    sign_due_at: Mapped[datetime | None] = mapped_column(index=True)

    lead_unit: Mapped[Unit] = relationship(foreign_keys=[lead_unit_id])
    lead_leader: Mapped[Person | None] = relationship(foreign_keys=[lead_leader_id])
    cooperating_units: Mapped[list[Unit]] = relationship(
        secondary=task_cooperating_units, order_by="Unit.name"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task", order_by="Milestone.due_at", cascade="all, delete-orphan"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="task", order_by="ProgressReport.created_at"
    )
    events: Mapped[list[TaskEvent]] = relationship(
        back_populates="task", order_by="TaskEvent.id", cascade="all, delete-orphan"
    )
    # Optimistic locking: every UPDATE says "WHERE version = what I read", so of two
    # people changing one task at once the second is refused instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    # Read-only, so it is no mutable class default (ruff) and needs no ClassVar, which
    # mypy refuses over DeclarativeBase's own declaration of `__mapper_args__`.
    __mapper_args__ = MappingProxyType({"version_id_col": version})


class Milestone(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime] = mapped_column(index=True)
    done_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship(back_populates="milestones")


class ProgressReport(Base):
    __tablename__ = "progress_reports"
    __table_args__ = (
        check_in("channel", ReportChannel),
        Index("ix_progress_reports_task_created", "task_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")
    percent: Mapped[int | None]
    state_change: Mapped[TaskState | None] = mapped_column(EnumString(TaskState))
    needs_help: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[ReportChannel] = mapped_column(
        EnumString(ReportChannel), default=ReportChannel.COMMAND
    )

    task: Mapped[Task] = relationship(back_populates="reports")
    person: Mapped[Person | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )


class Attachment(Base):
    """Evidence (佐证材料): a Telegram file id, so the file stays on Telegram's side."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # photo | document
    telegram_file_id: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)

    report: Mapped[ProgressReport] = relationship(back_populates="attachments")


class TaskEvent(Base):
    """Audit trail: every change to a task, who made it and old → new."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship(back_populates="events")
    actor: Mapped[Person | None] = relationship()


class ExtensionRequest(Base):
    __tablename__ = "extension_requests"
    __table_args__ = (
        check_in("state", ExtensionState),
        # At most one request waits for a decision per task, whoever asks at once.
        Index(
            "uq_extension_requests_pending",
            "task_id",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    old_deadline: Mapped[datetime | None]
    proposed_deadline: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ExtensionState] = mapped_column(
        EnumString(ExtensionState), default=ExtensionState.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    task: Mapped[Task] = relationship()

    __mapper_args__ = MappingProxyType({"version_id_col": version})


class CodeCounter(Base):
    """The last number handed out per code series (`task` → DB-NNNN).

    Codes come from `UPDATE … SET value = value + 1 RETURNING value`, so two
    processes creating tasks at once can never draw the same number.
    """

    __tablename__ = "code_counters"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
