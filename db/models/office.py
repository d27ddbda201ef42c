"""The office's loop around a task: who signed for it (签收) and a leader's word on it (批示)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, utcnow

if TYPE_CHECKING:
    from db.models.accounts import Person, Unit


class TaskSignoff(Base):
    """A unit (lead or cooperating) or the lead leader acknowledged a new task (签收).

    One row per task and party: a unit's or a leader's, never both. The unique
    constraints make two members pressing 签收 at once one signature.
    """

    __tablename__ = "task_signoffs"
    __table_args__ = (
        UniqueConstraint("task_id", "unit_id", name="uq_task_signoffs_task_unit"),
        UniqueConstraint("task_id", "leader_id", name="uq_task_signoffs_task_leader"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    signed_by: Mapped[Person | None] = relationship(foreign_keys=[signed_by_id])


class TaskInstruction(Base):
    """A 包联领导's word on a task (批示): kept apart from the unit's progress reports."""

    __tablename__ = "task_instructions"
    __table_args__ = (Index("ix_task_instructions_task_created", "task_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")

    leader: Mapped[Person | None] = relationship()
