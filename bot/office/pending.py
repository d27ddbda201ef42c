"""What waits on the office (`/pending`, the head of the supervisors' digest, the hourly push).

Reported done (销号 · 退回), extension requests (批准 · 驳回), 需协调 flags, tasks
not signed for a working day after 交办, and units nobody can reach that have
open tasks. Each item says since when it waits, so the push tells only what is
new since the supervisor was last told.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session, selectinload

from bot.accounts.binding import unit_chats
from bot.core.access import Actor
from bot.core.buttons import Choice, choice_buttons, task_button
from bot.core.messages import Button, Message
from bot.core.text import cut
from bot.core.timefmt import local_time, short_date
from bot.ledger.extensions import DECIDE
from bot.office.signoffs import signoffs_of, unsigned
from db.models import (
    ExtensionRequest,
    ExtensionState,
    Person,
    ProgressReport,
    Task,
    TaskEvent,
    TaskState,
    Unit,
    task_cooperating_units,
)

SHOWN = 10  # items a section lists with buttons; the rest are counted
SIGNING_WINDOW = timedelta(days=30)  # an unsigned task is listed this long after it fell due
VERIFY, RETURN = "verify", "return"  # the ledger's task buttons (bot.ledger.cards)


class Section(StrEnum):
    DONE = "已报完成，待销号"
    EXTENSION = "延期申请，待审批"
    HELP = "需协调"
    UNSIGNED = "交办满一个工作日仍未签收"
    UNREACHABLE = "无人绑定、通知不到的单位"


# What the hourly push tells: extension requests reach the supervisors at once with their
# buttons, and an unreachable unit is told the day its task is given.
PUSHED = (Section.DONE, Section.HELP, Section.UNSIGNED)


@dataclass(frozen=True)
class Waiting:
    section: Section
    line: str
    since: datetime
    task: Task | None = None
    request_id: int | None = None


def waiting(session: Session, *, now: datetime, zone: ZoneInfo) -> list[Waiting]:
    """Everything that waits on the office now, section by section, oldest first."""
    return [
        *_reported_done(session),
        *_extensions(session, zone),
        *_needing_help(session),
        *_unsigned(session, now),
        *_unreachable(session, now),
    ]


def _latest_event(field: str, new: str) -> Subquery:
    return (
        select(TaskEvent.task_id, func.max(TaskEvent.created_at).label("at"))
        .where(TaskEvent.field == field, TaskEvent.new_value == new)
        .group_by(TaskEvent.task_id)
        .subquery()
    )


def _reported_done(session: Session) -> list[Waiting]:
    event = _latest_event("state", TaskState.REPORTED_DONE.value)
    rows = session.execute(
        select(Task, event.c.at)
        .outerjoin(event, event.c.task_id == Task.id)
        .where(Task.state == TaskState.REPORTED_DONE)
        .options(selectinload(Task.lead_unit))
        .order_by(event.c.at, Task.code)
    ).all()
    return [
        Waiting(Section.DONE, f"{task.code} {task.title} · {task.lead_unit.name}", at, task)
        for task, at in rows
    ]


def _extensions(session: Session, zone: ZoneInfo) -> list[Waiting]:
    rows = session.execute(
        select(ExtensionRequest, Person.name)
        .outerjoin(Person, Person.id == ExtensionRequest.requested_by_id)
        .where(ExtensionRequest.state == ExtensionState.PENDING)
        .options(selectinload(ExtensionRequest.task).selectinload(Task.lead_unit))
        .order_by(ExtensionRequest.created_at)
    ).all()
    items = []
    for request, name in rows:
        task = request.task
        until = local_time(request.proposed_deadline, zone)
        why = f"{name or '督查室'}：{request.reason[:40]}"
        line = f"{task.code} {task.title} · {task.lead_unit.name} · 申请延至 {until}（{why}）"
        items.append(Waiting(Section.EXTENSION, line, request.created_at, task, request.id))
    return items


def _needing_help(session: Session) -> list[Waiting]:
    event = _latest_event("needs_help", "True")
    rows = session.execute(
        select(Task, event.c.at)
        .outerjoin(event, event.c.task_id == Task.id)
        .where(Task.state == TaskState.OPEN, Task.needs_help)
        .options(selectinload(Task.lead_unit))
        .order_by(event.c.at, Task.code)
    ).all()
    said = dict(
        session.execute(
            select(ProgressReport.task_id, ProgressReport.text)
            .where(ProgressReport.task_id.in_([t.id for t, _ in rows]), ProgressReport.needs_help)
            .order_by(ProgressReport.created_at)
        ).all()
    )  # the latest call for help of each, as the later rows overwrite the earlier ones
    items = []
    for task, at in rows:
        words = f"：{said[task.id][:40]}" if said.get(task.id) else ""
        line = f"{task.code} {task.title} · {task.lead_unit.name}{words}"
        items.append(Waiting(Section.HELP, line, at or task.updated_at, task))
    return items


def _unsigned(session: Session, now: datetime) -> list[Waiting]:
    tasks = list(
        session.scalars(
            select(Task)
            .where(
                Task.state == TaskState.OPEN,  # a task reported done was received
                Task.sign_due_at <= now,
                Task.sign_due_at > now - SIGNING_WINDOW,
            )
            .options(
                selectinload(Task.lead_unit),
                selectinload(Task.cooperating_units),
                selectinload(Task.lead_leader),
            )
            .order_by(Task.sign_due_at, Task.code)
        )
    )
    signed = signoffs_of(session, [task.id for task in tasks])
    items = []
    for task in tasks:
        missing = unsigned(task, signed.get(task.id, []))
        if missing:
            names = "、".join(party.name for party in missing)
            assert task.sign_due_at is not None
            line = f"{task.code} {task.title}：{names} 未签收"
            items.append(Waiting(Section.UNSIGNED, line, task.sign_due_at, task))
    return items


def _unreachable(session: Session, now: datetime) -> list[Waiting]:
    """Units with open tasks and no chat the bot can write to (no member, no group bound)."""
    reachable = {unit for unit, chats in unit_chats(session, set()).items() if chats}
    is_open = Task.state == TaskState.OPEN
    counts: Counter[int] = Counter(
        dict(
            session.execute(
                select(Task.lead_unit_id, func.count()).where(is_open).group_by(Task.lead_unit_id)
            ).all()
        )
    )
    counts.update(
        dict(
            session.execute(
                select(task_cooperating_units.c.unit_id, func.count())
                .join(Task, Task.id == task_cooperating_units.c.task_id)
                .where(is_open)
                .group_by(task_cooperating_units.c.unit_id)
            ).all()
        )
    )
    missing = [unit for unit in counts if unit not in reachable]
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(missing))).all())
    return [
        Waiting(
            Section.UNREACHABLE,
            f"{names[unit]}（{counts[unit]} 项推进中）：发送 /invite {names[unit]} 成员 生成邀请码",
            now,
        )
        for unit in sorted(missing, key=lambda u: names[u])
    ]


def pending_lines(items: list[Waiting], zone: ZoneInfo, *, limit: int = SHOWN) -> list[str]:
    """The list as text, section by section (the digest's head, the push)."""
    lines = []
    for section in Section:
        mine = [item for item in items if item.section == section]
        if mine:
            lines.append(f"【{section.value}】{len(mine)} 项")
            lines += cut([f"• {item.line}{_since(item, zone)}" for item in mine], limit, "项")
    return lines


def _since(item: Waiting, zone: ZoneInfo) -> str:
    if item.section in (Section.UNREACHABLE, Section.EXTENSION):
        return ""
    return f"（{short_date(item.since, zone)}起）"


def pending_message(
    session: Session, actor: Actor, items: list[Waiting], *, now: datetime, zone: ZoneInfo
) -> Message:
    """`/pending`: the list, and under it the buttons to act on each shown item."""
    if not items:
        return Message("目前没有待督查室处理的事项。")
    buttons: list[tuple[Button, ...]] = []
    for section in (Section.DONE, Section.EXTENSION):
        for item in [i for i in items if i.section == section][:SHOWN]:
            task = item.task
            assert task is not None
            if section == Section.DONE:
                buttons.append(
                    (
                        task_button(session, task, VERIFY, f"{task.code} 销号"),
                        task_button(session, task, RETURN, f"{task.code} 退回"),
                    )
                )
            else:
                choices = [
                    Choice(
                        DECIDE,
                        f"{task.code} {label}",
                        {"request": item.request_id, "approve": ok},
                        task,
                    )
                    for ok, label in ((True, "批准"), (False, "驳回"))
                ]
                buttons.append(
                    tuple(choice_buttons(session, owner=actor, choices=choices, now=now))
                )
    head = f"🗂 待督查室处理（共 {len(items)} 项）："
    text = "\n".join([head, *pending_lines(items, zone), "", "发送 /task 编号 查看详情。"])
    return Message(text, buttons=tuple(buttons))
