"""The ledger's tables as SQLAlchemy 2 typed models.

Times are stored as naive UTC (`UTCDateTime`) so SQLite and PostgreSQL hold the
same values; code always sees aware datetimes. Enumerations are stored as short
English strings (`open`, `leader`, …) in VARCHAR columns with CHECK constraints, so
the schema stays portable and readable in a SQL shell, and are typed (and read
back) as their `StrEnum` (`EnumString`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    QueryableAttribute,
    mapped_column,
    relationship,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


E = TypeVar("E", bound=StrEnum)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class EnumString(TypeDecorator[E]):
    """A `StrEnum` column stored as its value in a VARCHAR, read back as the member.

    Not `sqlalchemy.Enum`: the schema stays the plain VARCHAR the migrations made,
    and each table declares its own CHECK (or none, as for outbox kinds). Strings
    are accepted on the way in (`'open'` as well as `TaskState.OPEN`) but must be
    one of the values, so a typo fails before it reaches the database.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 20) -> None:
        super().__init__(length)
        self.enum = enum
        self.length = length

    def process_bind_param(self, value: E | str | None, dialect: object) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: object) -> E | None:
        return None if value is None else self.enum(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, date: Date}


def varchar_length(attribute: QueryableAttribute[Any]) -> int:
    """The length a string column is declared with, so input checks follow the schema."""
    type_ = attribute.expression.type
    if not isinstance(type_, String) or type_.length is None:
        raise TypeError(f"{attribute} is not a VARCHAR with a length")
    return type_.length


class UnitKind(StrEnum):
    TOWNSHIP = "township"  # 乡镇
    DEPARTMENT = "department"  # 县直部门
    OTHER = "other"


class Role(StrEnum):
    SUPERVISOR = "supervisor"  # 督查室
    LEADER = "leader"  # 县领导 / 包联领导
    MEMBER = "member"  # 单位联络员


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


def _check_in(column: str, values: type[StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (_check_in("kind", UnitKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[UnitKind] = mapped_column(EnumString(UnitKind), default=UnitKind.OTHER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[Person]] = relationship(back_populates="unit")
    chats: Mapped[list[ChatBinding]] = relationship(back_populates="unit")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (_check_in("role", Role),)

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


task_cooperating_units = Table(
    "task_cooperating_units",
    Base.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True, index=True),
)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        _check_in("state", TaskState),
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
    percent: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[TaskState] = mapped_column(EnumString(TaskState), default=TaskState.OPEN)
    needs_help: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

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
        _check_in("channel", ReportChannel),
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
        _check_in("state", ExtensionState),
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


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (_check_in("role", Role),)

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


class CodeCounter(Base):
    """The last number handed out per code series (`task` → DB-NNNN).

    Codes come from `UPDATE … SET value = value + 1 RETURNING value`, so two
    processes creating tasks at once can never draw the same number.
    """

    __tablename__ = "code_counters"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class MessageKind(StrEnum):
    """What a reply to one of the bot's messages means."""

    CARD = "card"  # a task card or an answer about a task: the reply is a progress report
    REMINDER = "reminder"  # likewise, from the schedule
    DIGEST = "digest"
    EXTENSION = "extension"  # "reply with the new deadline and a reason"
    RETURN = "return"  # "reply with the reason for returning it"
    NEW_TASK = "new_task"  # "reply with 单位 | 标题 | 截止 | 包联领导" (no task yet)


class TaskMessage(Base):
    """A message the bot sent, and what a reply to it is about (a task, and what for).

    One message may be about several tasks (a merged reminder); a reply to it
    then asks which one. `channel` leaves room for chat channels besides Telegram.
    """

    __tablename__ = "task_messages"
    __table_args__ = (
        _check_in("kind", MessageKind),
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
        _check_in("state", OutboxState),
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
    due_at: Mapped[datetime]
    state: Mapped[OutboxState] = mapped_column(EnumString(OutboxState), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_ids: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    """A weekly 督查通报: its ISO week and its issue number (期), which grows by one a week."""

    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10), unique=True)  # 2026-W47
    number: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    __table_args__ = (_check_in("post", DutyPost),)

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
        _check_in("kind", DutyCheckKind),
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
