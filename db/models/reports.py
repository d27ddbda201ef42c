"""Daily per-unit snapshots and the weekly bulletins' issue numbers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
)

from db.models.base import Base, utcnow


class UnitSnapshot(Base):
    """One unit's counts by light and state on one day, so reports compare with last week."""

    __tablename__ = "unit_snapshots"
    __table_args__ = (UniqueConstraint("day", "unit_id", name="uq_unit_snapshots_day_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    red: Mapped[int] = mapped_column(Integer)
    yellow: Mapped[int] = mapped_column(Integer)
    green: Mapped[int] = mapped_column(Integer)
    reported_done: Mapped[int] = mapped_column(Integer)
    verified: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)


class Bulletin(Base):
    """A weekly 督查通报 that was sent: its ISO week and its issue number (期).

    Numbers count per year (the ISO week's) and go to weeks in week order; a
    preview takes none (see `bot.reports.snapshots.issue_number`).
    """

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_bulletins_year_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10), unique=True)  # 2026-W47
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
