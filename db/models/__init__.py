"""The tables as SQLAlchemy 2 typed models, one module per domain.

Importing this package imports them all, so the metadata (Alembic, tests) is complete
and `from db.models import Task` works wherever a model is needed.
"""

from __future__ import annotations

from db.models.accounts import (
    AccessEvent,
    AccessEventKind,
    ChatBinding,
    Invitation,
    Person,
    Role,
    Unit,
    UnitKind,
)
from db.models.base import NAMING_CONVENTION, Base, EnumString, UTCDateTime, utcnow, varchar_length
from db.models.calendar import CalendarOverrideRow
from db.models.duty import DutyCheck, DutyCheckKind, DutyPost, DutyRoster, RosterShift
from db.models.ledger import (
    Attachment,
    CodeCounter,
    ExtensionRequest,
    ExtensionState,
    Milestone,
    ProgressReport,
    ReportChannel,
    Task,
    TaskEvent,
    TaskState,
    task_cooperating_units,
)
from db.models.messages import ButtonRef, MessageKind, TaskMessage
from db.models.office import TaskInstruction, TaskSignoff
from db.models.outbox import OutboxKind, OutboxMessage, OutboxState, SendPace
from db.models.reports import Bulletin, UnitSnapshot

__all__ = [
    "NAMING_CONVENTION",
    "AccessEvent",
    "AccessEventKind",
    "Attachment",
    "Base",
    "Bulletin",
    "ButtonRef",
    "CalendarOverrideRow",
    "ChatBinding",
    "CodeCounter",
    "DutyCheck",
    "DutyCheckKind",
    "DutyPost",
    "DutyRoster",
    "EnumString",
    "ExtensionRequest",
    "ExtensionState",
    "Invitation",
    "MessageKind",
    "Milestone",
    "OutboxKind",
    "OutboxMessage",
    "OutboxState",
    "Person",
    "ProgressReport",
    "ReportChannel",
    "Role",
    "RosterShift",
    "SendPace",
    "Task",
    "TaskEvent",
    "TaskInstruction",
    "TaskMessage",
    "TaskSignoff",
    "TaskState",
    "UTCDateTime",
    "Unit",
    "UnitKind",
    "UnitSnapshot",
    "task_cooperating_units",
    "utcnow",
    "varchar_length",
]
