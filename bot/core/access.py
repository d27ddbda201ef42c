"""Who may see and change what: the one access policy every read and write asks.

A person stands in one relation to a task (supervisor, its lead leader, a
member of its lead unit, a member of a cooperating unit, or unrelated), and
`TASK_RIGHTS` says what each relation may do. Reads go through `Scope`, the
same rules as SQL filters, so `/status`, lists, exports and digests agree with
what a person may change. The office's own tools (CLI, import, demo) act as
`SYSTEM`, which may do everything; an unbound caller is `None` and may do
nothing.

Where a request is answered matters as much as who asks: in a group, every
member of the group reads the answer. The wrapper states the chat once per
update (`answering_in`), and `relation`, `scope_of`, `require_office` and
`require_unit` read it here, so no handler checks the chat itself: a unit's
work group sees that unit's tasks whoever asks, a group bound to no unit sees
nothing about tasks, and office work (county-wide answers and files,
invitations, people) happens only in private chats.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


@dataclass(frozen=True)
class Place:
    """Where an answer is read: a private chat (also the CLI and jobs), or a group."""

    group: bool = False
    unit_id: int | None = None  # the unit whose work group it is, if any


PRIVATE: Final = Place()
# Set by the handler wrapper for one update; outside an update (CLI, jobs) it is PRIVATE.
_place: ContextVar[Place] = ContextVar("place", default=PRIVATE)


@contextmanager
def answering_in(place: Place) -> Iterator[None]:
    """Every access decision made meanwhile (in this thread) holds for `place`."""
    token = _place.set(place)
    try:
        yield
    finally:
        _place.reset(token)


def current_place() -> Place:
    return _place.get()


GROUP_NOT_BOUND = "本群还没有绑定责任单位，这里不显示督办事项。单位联络员可在本群发送 /bind 绑定。"
PRIVATE_ONLY = "此功能涉及全县或人员信息，请在与机器人的私聊中使用。"


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
    MANAGE_PEOPLE = "manage_people"  # remove, move, unbind, revoke; the access log
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
    OfficeAction.MANAGE_PEOPLE: "管理人员、工作群和邀请码",
    OfficeAction.IMPORT_LEDGER: "导入台账",
}


def relation(actor: Actor | None, task: Task) -> Relation:
    """How `actor` stands to `task`, where the answer is read.

    In a group, only the tasks of the group's unit are related to anyone:
    a supervisor's card buttons act there only on that unit's tasks.
    """
    place = _place.get()
    if place.group and isinstance(actor, Person) and not _concerns(task, place.unit_id):
        return Relation.UNRELATED
    return _relation(actor, task)


def _concerns(task: Task, unit_id: int | None) -> bool:
    """Whether `unit_id` leads or cooperates on `task`.

    Through the relationships, not the *_id columns: a task created in this
    transaction has its objects set but its foreign keys not yet flushed.
    """
    if unit_id is None:
        return False
    return task.lead_unit.id == unit_id or any(u.id == unit_id for u in task.cooperating_units)


def _relation(actor: Actor | None, task: Task) -> Relation:
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
    if _concerns(task, unit_id):
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
    """Whether `actor` may do an office action (supervisors only; the place is not asked)."""
    return (
        actor is not None
        and (not isinstance(actor, Person) or actor.active)
        and action in OFFICE_RIGHTS[actor.role]
    )


def require_office(actor: Actor | None, action: OfficeAction) -> None:
    """Refuse unless `actor` may do an office action (supervisors only, in private)."""
    if isinstance(actor, Person) and _place.get().group:
        raise Refusal(PRIVATE_ONLY)
    if not may_office(actor, action):
        raise Refusal(f"只有督查室可以{ACTION_WORDS[action]}。")


def require_unit(actor: Actor | None, unit_id: int, what: str) -> None:
    """A unit's own business (its duty roster): its members and the supervisors,
    in a private chat or in that unit's own work group."""
    if actor is None or (isinstance(actor, Person) and not actor.active):
        raise Refusal(f"只有本单位联络员和督查室可以{what}。")
    place = _place.get()
    if isinstance(actor, Person) and place.group and place.unit_id != unit_id:
        raise Refusal(f"本群不是该单位的工作群，请在私聊中{what}。")
    if actor.role == Role.SUPERVISOR:
        return
    if actor.role == Role.MEMBER and isinstance(actor, Person) and actor.unit_id == unit_id:
        return
    raise Refusal(f"只有本单位联络员和督查室可以{what}。")


def require_unbind(actor: Actor | None, unit_id: int | None, *, chat_admin: bool) -> None:
    """A work group is unbound by the group's own administrator, the unit's liaison, or
    the office (in the group, or from /people in private)."""
    if chat_admin or actor is SYSTEM:
        return
    if isinstance(actor, Person) and actor.active:
        if actor.role == Role.SUPERVISOR:
            return
        if actor.role == Role.MEMBER and unit_id is not None and actor.unit_id == unit_id:
            return
    raise Refusal("只有本群管理员、本单位联络员或督查室可以解绑本群。")


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
    """What `actor` may read where the answer is read.

    In a group everyone present reads the answer, so a bound person asking
    there gets what the group's unit sees, whoever they are; a group bound to
    no unit sees nothing.
    """
    held = _scope_of(actor)
    place = _place.get()
    if not place.group or not isinstance(actor, Person) or not actor.active:
        return held
    return Scope(unit_id=place.unit_id) if place.unit_id is not None else NOTHING


def no_scope_text() -> str:
    """What to say when `scope_of` sees nothing."""
    if _place.get().group:
        return GROUP_NOT_BOUND
    return "您的账号还没有关联责任单位，请联系县督查室。"


def _scope_of(actor: Actor | None) -> Scope:
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
