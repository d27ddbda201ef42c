"""Holiday duty rosters, their shifts, and the checks on duty."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
    relationship,
)

from db.models.base import Base, EnumString, check_in, utcnow

if TYPE_CHECKING:
    from db.models.accounts import Unit


class DutyPost(StrEnum):
    """A post on a duty roster; the roster readers (`bot.duty`, as `Post`) use it too."""

    LEADER = "leader"  # 带班领导
    OFFICER = "officer"  # 值班员

    @property
    def label(self) -> str:
        """The post as rosters and messages name it."""
        return "带班领导" if self is DutyPost.LEADER else "值班员"


class DutyRoster(Base):
    """A unit's holiday duty roster (值班表) for one holiday period, one version of it.

    Resubmitting adds a version and keeps the old one (`current` false); at most
    one current roster per unit and period.
    """

    __tablename__ = "duty_rosters"
    __table_args__ = (
        Index(
            "uq_duty_rosters_current",
            "unit_id",
            "first_day",
            unique=True,
            sqlite_where=text("current"),
            postgresql_where=text("current"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    version: Mapped[int] = mapped_column(Integer, default=1)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    shifts: Mapped[list[RosterShift]] = relationship(
        back_populates="roster", order_by="RosterShift.starts_at", cascade="all, delete-orphan"
    )


class RosterShift(Base):
    """One line of a roster (班次): who holds which post from when to when."""

    __tablename__ = "duty_shifts"
    __table_args__ = (check_in("post", DutyPost),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(
        ForeignKey("duty_rosters.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    post: Mapped[DutyPost] = mapped_column(EnumString(DutyPost))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(40), default="")

    roster: Mapped[DutyRoster] = relationship(back_populates="shifts")


class DutyCheckKind(StrEnum):
    ARRIVAL = "arrival"  # 到岗确认: asked when a shift starts
    SPOT = "spot"  # 查岗: a random daytime moment, to be answered within the window


class DutyCheck(Base):
    """One duty prompt and what came of it: asked, answered, escalated, with the times.

    `key` makes planning idempotent and keeps a spot check's moment once drawn
    (a restart re-draws nothing). Who was asked is copied from the roster when
    the prompt is planned, so a roster resubmitted later does not rewrite the log.
    `chat_id` and `message_id` are set when the prompt is sent: a reply to that
    message answers it, and the answer window counts from `asked_at`.
    """

    __tablename__ = "duty_checks"
    __table_args__ = (
        check_in("kind", DutyCheckKind),
        Index("ix_duty_checks_message", "chat_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[DutyCheckKind] = mapped_column(EnumString(DutyCheckKind))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(index=True)  # the local day it belongs to
    at: Mapped[datetime]  # the shift's start, or the spot check's moment
    post: Mapped[DutyPost | None] = mapped_column(EnumString(DutyPost))
    name: Mapped[str | None] = mapped_column(String(50))  # who is on duty, as the roster says
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    asked_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    leader_told_at: Mapped[datetime | None]
    office_told_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)  # why nobody could be asked, and the like
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
