"""Who may see and change what: the one access policy every read and write asks.

A person stands in one relation to a task (supervisor, its lead leader, a
member of its lead unit, a member of a cooperating unit, or unrelated), and
`TASK_RIGHTS` says what each relation may do. Reads go through `Scope`, the
same rules as SQL filters, so `/status`, lists, exports and digests agree with
what a person may change. The office's own tools (CLI, import, demo) act as
`SYSTEM`, which may do everything; an unbound caller is `None` and may do
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from bot.ledger.codes import typed_codes
from db.models import Person, Role, Task, task_cooperating_units


class Refusal(Exception):
    """A refused action; `str(refusal)` is a Chinese message to show as it is."""


class System:
    """The office's own tools acting without a person (CLI, import, demo)."""

    id: Final = None
    role: Final = Role.SUPERVISOR

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = System()
Actor = Person | System


def person_id(actor: Actor) -> int | None:
    """The id to record as who did it (None for the system)."""
    return actor.id


class TaskAction(StrEnum):
    VIEW = "view"
    REPORT_PROGRESS = "report_progress"  # a note, a percentage, a call for help, evidence
    REPORT_DONE = "report_done"  # 报完成
    REQUEST_EXTENSION = "request_extension"  # 申请延期
    VERIFY = "verify"  # 销号
    RETURN = "return"  # 退回
    DECIDE_EXTENSION = "decide_extension"
    EDIT = "edit"  # corrections: title, units, leader, deadline, milestones


class OfficeAction(StrEnum):
    """Actions on the office's records rather than on one task."""

    CREATE_TASK = "create_task"
    MAINTAIN_CALENDAR = "maintain_calendar"
    INVITE = "invite"
    MANAGE_UNITS = "manage_units"
    BULLETIN = "bulletin"  # the weekly 督查通报
    IMPORT_ROSTERS = "import_rosters"  # a whole county's duty rosters at once
    DUTY_LOG = "duty_log"  # every unit's 到岗确认 and 查岗 answers
    PENDING = "pending"  # what waits on the office, with its buttons
    IMPORT_LEDGER = "import_ledger"  # a ledger .xlsx sent in chat, imported on 确认导入


class Relation(StrEnum):
    SUPERVISOR = "supervisor"
    LEAD_LEADER = "lead_leader"  # 包联领导 of the task
    LEAD_UNIT = "lead_unit"  # a member of the 牵头单位
    COOPERATING_UNIT = "cooperating_unit"  # a member of a 配合单位
    UNRELATED = "unrelated"


_REPORTING = {TaskAction.VIEW, TaskAction.REPORT_PROGRESS}

# The whole policy for tasks. The lead unit answers for the task (done, more
# time); a cooperating unit and the lead leader report on their part.
TASK_RIGHTS: Final[dict[Relation, frozenset[TaskAction]]] = {
    Relation.SUPERVISOR: frozenset(TaskAction),
    Relation.LEAD_LEADER: frozenset(_REPORTING),
    Relation.LEAD_UNIT: frozenset(
        {*_REPORTING, TaskAction.REPORT_DONE, TaskAction.REQUEST_EXTENSION}
    ),
    Relation.COOPERATING_UNIT: frozenset(_REPORTING),
    Relation.UNRELATED: frozenset(),
}

# Office actions are the supervisors' alone.
OFFICE_RIGHTS: Final[dict[Role, frozenset[OfficeAction]]] = {
    Role.SUPERVISOR: frozenset(OfficeAction),
    Role.LEADER: frozenset(),
    Role.MEMBER: frozenset(),
}

ACTION_WORDS: Final[dict[TaskAction | OfficeAction, str]] = {
    TaskAction.VIEW: "查看",
    TaskAction.REPORT_PROGRESS: "报告进展",
    TaskAction.REPORT_DONE: "报完成",
    TaskAction.REQUEST_EXTENSION: "申请延期",
    TaskAction.VERIFY: "销号",
    TaskAction.RETURN: "退回",
    TaskAction.DECIDE_EXTENSION: "审批延期申请",
    TaskAction.EDIT: "修改督办事项",
    OfficeAction.CREATE_TASK: "新建督办事项",
    OfficeAction.MAINTAIN_CALENDAR: "维护节假日安排",
    OfficeAction.INVITE: "生成邀请码",
    OfficeAction.MANAGE_UNITS: "管理责任单位",
    OfficeAction.BULLETIN: "生成督查通报",
    OfficeAction.IMPORT_ROSTERS: "导入全县值班表",
    OfficeAction.DUTY_LOG: "查看各单位值班记录",
    OfficeAction.PENDING: "查看待督查室处理的事项",
    OfficeAction.IMPORT_LEDGER: "导入台账",
}


def relation(actor: Actor | None, task: Task) -> Relation:
    """How `actor` stands to `task`.

    Through the relationships, not the *_id columns: a task created in this
    transaction has its objects set but its foreign keys not yet flushed.
    """
    if actor is None or (isinstance(actor, Person) and not actor.active):
        return Relation.UNRELATED
    if actor.role == Role.SUPERVISOR:
        return Relation.SUPERVISOR
    if actor.role == Role.LEADER:
        leader = task.lead_leader
        return (
            Relation.LEAD_LEADER
            if leader is not None and leader.id == actor.id
            else (Relation.UNRELATED)
        )
    unit_id = actor.unit_id if isinstance(actor, Person) else None
    if unit_id is None:
        return Relation.UNRELATED
    if task.lead_unit.id == unit_id:
        return Relation.LEAD_UNIT
    if any(unit.id == unit_id for unit in task.cooperating_units):
        return Relation.COOPERATING_UNIT
    return Relation.UNRELATED


def may(actor: Actor | None, action: TaskAction, task: Task) -> bool:
    return action in TASK_RIGHTS[relation(actor, task)]


def not_found(code: str) -> Refusal:
    """The refusal for a task one may not see: it does not say whether the task exists."""
    return Refusal(f"没有找到 {code[:30]}，或它不在您的范围内。发送 /status 可查看您范围内的事项。")


def require(actor: Actor | None, action: TaskAction, task: Task) -> None:
    """Refuse unless `actor` may do `action` on `task`, saying why in Chinese."""
    held = relation(actor, task)
    if action in TASK_RIGHTS[held]:
        return
    if held == Relation.UNRELATED:
        raise not_found(task.code)
    what = ACTION_WORDS[action]
    if action in TASK_RIGHTS[Relation.LEAD_UNIT]:
        raise Refusal(f"{task.code} 由{task.lead_unit.name}牵头，{what}请由牵头单位提出。")
    raise Refusal(f"只有督查室可以{what}。")


def may_office(actor: Actor | None, action: OfficeAction) -> bool:
    """Whether `actor` may do an office action (supervisors only)."""
    return (
        actor is not None
        and (not isinstance(actor, Person) or actor.active)
        and action in OFFICE_RIGHTS[actor.role]
    )


def require_office(actor: Actor | None, action: OfficeAction) -> None:
    """Refuse unless `actor` may do an office action."""
    if not may_office(actor, action):
        raise Refusal(f"只有督查室可以{ACTION_WORDS[action]}。")


def require_unit(actor: Actor | None, unit_id: int, what: str) -> None:
    """A unit's own business (its duty roster): its members and the supervisors."""
    if actor is None or (isinstance(actor, Person) and not actor.active):
        raise Refusal(f"只有本单位联络员和督查室可以{what}。")
    if actor.role == Role.SUPERVISOR:
        return
    if actor.role == Role.MEMBER and isinstance(actor, Person) and actor.unit_id == unit_id:
        return
    raise Refusal(f"只有本单位联络员和督查室可以{what}。")


def require_duty_answer(actor: Actor | None, *, unit_id: int, asked_id: int | None) -> None:
    """A duty prompt is answered by the person it asked, or, asked in the unit's work
    group, by one of the unit's members: never by someone else on their behalf."""
    if isinstance(actor, Person) and actor.active:
        if asked_id is not None and actor.id == asked_id:
            return
        if asked_id is None and actor.role == Role.MEMBER and actor.unit_id == unit_id:
            return
    if asked_id is None:
        raise Refusal("只有值班单位本单位的人员可以应答这条值班提醒。")
    raise Refusal("这条值班提醒须由值班人员本人应答。")


def duty_phones_visible(
    actor: Actor | None, unit_id: int, *, group_unit_id: int | None, in_group: bool, on_roster: bool
) -> bool:
    """Whether a unit's duty phone numbers may be shown (else masked, 138****8000).

    Personal data: supervisors, the unit's own members and the people on its
    roster see them, in a private chat or in the unit's own work group; any
    other group never does, whoever asks there.
    """
    if in_group and group_unit_id != unit_id:
        return False
    if actor is None or (isinstance(actor, Person) and not actor.active):
        return False
    if actor.role == Role.SUPERVISOR or on_roster:
        return True
    return isinstance(actor, Person) and actor.unit_id == unit_id


@dataclass(frozen=True)
class Scope:
    """The tasks a reader sees, as SQL: the read side of `TASK_RIGHTS`.

    `county` sees everything; a leader the tasks they lead; a unit's member
    the tasks their unit leads (its own figures) and those it cooperates on
    (shown and counted as such); anyone else nothing.
    """

    county: bool = False
    leader_id: int | None = None
    unit_id: int | None = None

    def tasks(self) -> ColumnElement[bool]:
        """Every task the reader may see."""
        if self.unit_id is not None:
            return or_(self.led(), self.cooperating())
        return self.led()

    def led(self) -> ColumnElement[bool]:
        """The tasks that count in the reader's own figures."""
        if self.county:
            return true()
        if self.leader_id is not None:
            return Task.lead_leader_id == self.leader_id
        if self.unit_id is not None:
            return Task.lead_unit_id == self.unit_id
        return false()

    def cooperating(self) -> ColumnElement[bool]:
        """Tasks another unit leads and the reader's unit cooperates on."""
        if self.unit_id is None:
            return false()
        return Task.id.in_(
            select(task_cooperating_units.c.task_id).where(
                task_cooperating_units.c.unit_id == self.unit_id
            )
        )

    @property
    def sees_nothing(self) -> bool:
        return not self.county and self.leader_id is None and self.unit_id is None


COUNTY: Final = Scope(county=True)
NOTHING: Final = Scope()


def scope_of(actor: Actor | None) -> Scope:
    """What `actor` may read, matching `relation` row for row."""
    if actor is None or (isinstance(actor, Person) and not actor.active):
        return NOTHING
    if actor.role == Role.SUPERVISOR:
        return COUNTY
    if actor.role == Role.LEADER:
        return Scope(leader_id=actor.id)
    unit_id = actor.unit_id if isinstance(actor, Person) else None
    return Scope(unit_id=unit_id) if unit_id is not None else NOTHING


def visible_task(session: Session, actor: Actor | None, code: str) -> Task:
    """The task with this code if `actor` may see it; otherwise one refusal for both cases."""
    wanted = typed_codes(code)
    found = {t.code: t for t in session.scalars(select(Task).where(Task.code.in_(wanted)))}
    task = next((found[c] for c in wanted if c in found), None)
    if task is None or not may(actor, TaskAction.VIEW, task):
        raise not_found(code.strip())
    return task
