"""People, units and the chats the bot may write to; invitations that bind them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    String,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
    relationship,
)

from db.models.base import Base, EnumString, check_in, utcnow


class UnitKind(StrEnum):
    TOWNSHIP = "township"  # 乡镇
    DEPARTMENT = "department"  # 县直部门
    OTHER = "other"


class Role(StrEnum):
    SUPERVISOR = "supervisor"  # 督查室
    LEADER = "leader"  # 县领导 / 包联领导
    MEMBER = "member"  # 单位联络员


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (check_in("kind", UnitKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[UnitKind] = mapped_column(EnumString(UnitKind), default=UnitKind.OTHER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[Person]] = relationship(back_populates="unit")
    chats: Mapped[list[ChatBinding]] = relationship(back_populates="unit")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (check_in("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[Role] = mapped_column(EnumString(Role))
    title: Mapped[str | None] = mapped_column(String(50))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship(back_populates="members")


class ChatBinding(Base):
    """A Telegram chat (a unit's work group, or a private chat) the bot may write to."""

    __tablename__ = "chat_bindings"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    # Set when Telegram says the bot was blocked or removed: never retried until rebound.
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship(back_populates="chats")


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (check_in("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[Role] = mapped_column(EnumString(Role))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # The invited person's name as the supervisor wrote it (leaders, supervisors).
    name: Mapped[str | None] = mapped_column(String(50))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    # Spent without binding anyone: revoked by a supervisor, or seen in a group chat.
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(20))

    unit: Mapped[Unit | None] = relationship()


class AccessEventKind(StrEnum):
    BOUND = "bound"  # a person bound their account with a code
    GROUP_BOUND = "group_bound"  # a group became a unit's work group
    REMOVED = "removed"
    MOVED = "moved"  # another unit or role
    GROUP_UNBOUND = "group_unbound"  # /unbind, a supervisor, or the bot removed from it
    CODE_LEAKED = "code_leaked"  # a code shown in a group: spent at once
    CODE_REVOKED = "code_revoked"


class AccessEvent(Base):
    """The access log: who may reach the bot, and every change to it, one line each."""

    __tablename__ = "access_events"
    __table_args__ = (check_in("kind", AccessEventKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[AccessEventKind] = mapped_column(EnumString(AccessEventKind))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # None: the terminal
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(String(500))  # the line shown, in Chinese
