"""Entering tasks and deadlines in chat: `/newtask 单位 | 标题 | 截止 | 包联领导` and 申请延期.

A new task is read into a draft first and echoed with its resolved deadline
(`describe`, plus `calendar_warning` for an unpublished year); it is created
only when its author presses 确认. The draft travels in the confirmation
button's server-side payload, so it survives a restart.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar.deadlines import DeadlineError, calendar_warning, parse_deadline
from bot.calendar.workcalendar import WorkCalendar
from bot.core.access import Actor, OfficeAction, Refusal, require_office
from bot.core.timefmt import describe
from bot.ledger.changes import create_task
from db.models import Person, Role, Task, Unit, varchar_length

FIELD_SEPARATOR = re.compile(r"\s*[|｜]\s*")
TITLE_LENGTH = varchar_length(Task.title)
LEADER_LENGTH = varchar_length(Person.name)
NEW_TASK_FORMAT = "单位 | 标题 | 截止 | 包联领导"
NEW_TASK_EXAMPLE = "/newtask 城关镇 | 农村改厕1200户 | 下周五前 | 王建国"


@dataclass(frozen=True)
class TaskDraft:
    unit_id: int
    unit_name: str
    title: str
    deadline: str  # ISO, aware
    deadline_words: str
    leader_name: str | None
    leader_is_new: bool
    warning: str | None

    def payload(self) -> dict[str, Any]:
        return asdict(self)


def read_new_task(
    session: Session,
    *,
    actor: Actor,
    line: str,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
) -> TaskDraft:
    """Read one line into a draft, or refuse saying which field is wrong."""
    require_office(actor, OfficeAction.CREATE_TASK)
    fields = FIELD_SEPARATOR.split(line.strip())
    if len(fields) not in (3, 4):
        raise Refusal(f"请按“{NEW_TASK_FORMAT}”写一行，例如：\n{NEW_TASK_EXAMPLE}")
    unit_name, title, deadline_words = (field.strip() for field in fields[:3])
    leader_name = fields[3].strip() if len(fields) == 4 else ""
    if not unit_name or not title or not deadline_words:
        raise Refusal(f"单位、标题和截止时间都不能空着，例如：\n{NEW_TASK_EXAMPLE}")
    unit = session.scalar(select(Unit).where(Unit.name == unit_name))
    if unit is None:
        raise Refusal(f"没有名为“{unit_name[:30]}”的单位。发送 /units 查看单位名称。")
    if len(title) > TITLE_LENGTH:
        raise Refusal(f"标题超过 {TITLE_LENGTH} 个字，请精简。")
    try:
        deadline = parse_deadline(
            deadline_words, now.astimezone(zone), calendar=calendar, end_of_day=end_of_day
        )
    except DeadlineError as error:
        raise Refusal(str(error)) from None
    leader_is_new = False
    if leader_name:
        if len(leader_name) > LEADER_LENGTH:
            raise Refusal(f"包联领导姓名超过 {LEADER_LENGTH} 个字，请检查。")
        leader_is_new = _leader(session, leader_name) is None
    return TaskDraft(
        unit_id=unit.id,
        unit_name=unit.name,
        title=title,
        deadline=deadline.isoformat(),
        deadline_words=deadline_words,
        leader_name=leader_name or None,
        leader_is_new=leader_is_new,
        warning=calendar_warning(deadline, now.astimezone(zone), calendar),
    )


def _leader(session: Session, name: str) -> Person | None:
    return session.scalar(
        select(Person)
        .where(Person.name == name, Person.role.in_([Role.LEADER, Role.SUPERVISOR]))
        .order_by(Person.role != Role.LEADER, Person.id)
    )


def draft_text(draft: TaskDraft) -> str:
    leader = draft.leader_name or "未定"
    if draft.leader_is_new:
        leader += "（新登记，尚未绑定 Telegram）"
    lines = [
        "请核对后按“确认”：",
        f"牵头单位：{draft.unit_name}",
        f"事项：{draft.title}",
        f"截止：{describe(datetime.fromisoformat(draft.deadline))}（“{draft.deadline_words}”）",
        f"包联领导：{leader}",
    ]
    if draft.warning:
        lines.append(f"提醒：{draft.warning}")
    return "\n".join(lines)


def create_from_draft(
    session: Session, *, actor: Actor, payload: dict[str, Any], now: datetime
) -> Task:
    """Create the confirmed task; the office right is asked again at the press."""
    draft = TaskDraft(**payload)
    unit = session.get(Unit, draft.unit_id)
    if unit is None:
        raise Refusal("这个单位已不存在，请重新发送 /newtask。")
    leader = None
    if draft.leader_name:
        leader = _leader(session, draft.leader_name)
        if leader is None:
            leader = Person(name=draft.leader_name, role=Role.LEADER, created_at=now)
            session.add(leader)
    deadline = datetime.fromisoformat(draft.deadline)
    if deadline <= now:
        raise Refusal("确认得太晚，截止时间已经过去，请重新发送 /newtask。")
    return create_task(
        session,
        title=draft.title,
        lead_unit=unit,
        deadline=deadline,
        now=now,
        actor=actor,
        lead_leader=leader,
    )


def read_extension(
    text: str, *, now: datetime, zone: ZoneInfo, calendar: WorkCalendar, end_of_day: time
) -> datetime:
    """The new deadline an extension request names (the whole text is kept as its reason)."""
    try:
        return parse_deadline(text, now.astimezone(zone), calendar=calendar, end_of_day=end_of_day)
    except DeadlineError as error:
        raise Refusal(f"{error}\n请写明新的截止时间和理由，例如：6月30日前，设备到货推迟") from None
