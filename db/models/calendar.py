"""Supervisors' additions to the official holiday calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
)

from db.models.base import Base, utcnow


class CalendarOverrideRow(Base):
    """A supervisor's holiday period or make-up working day(s) (调休上班)."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (
        CheckConstraint("first_day <= last_day", name="day_order"),
        UniqueConstraint("first_day", "last_day", "is_workday", name="uq_calendar_overrides_span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    first_day: Mapped[date] = mapped_column(index=True)
    last_day: Mapped[date]
    is_workday: Mapped[bool] = mapped_column(Boolean)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
