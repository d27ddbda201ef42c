"""Morning digests: one message per recipient, built from a few queries.

Units get their red and yellow tasks, leaders the open tasks they lead,
supervisors the county summary plus what changed since the previous digest.
What each recipient is shown follows `bot.core.access.Scope`: a unit sees the tasks
it leads and, marked as such, those it cooperates on. A recipient with nothing
to act on gets nothing (the bot should lighten work).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.text import cut, cut_from
from bot.core.timefmt import local_day, local_time
from bot.ledger.lights import LIGHT_ICONS, Light, days_overdue, light_of
from bot.office.pending import pending_lines, waiting
from bot.reports.render import attention_sections, counts_line
from bot.reports.summary import LedgerSummary
from db.models import (
    ChatBinding,
    Person,
    Role,
    Task,
    TaskEvent,
    TaskState,
    Unit,
    task_cooperating_units,
)

LIST_LIMIT = 10  # task lines per digest before "……另有 N 项"


# A name ending in a title is addressed as it is: "张县长", never "张县长同志".
_TITLE = re.compile(
    r"(?:县长|书记|主任|局长|镇长|乡长|部长|主席|区长|市长|秘书长|组长|所长|站长|同志)$"
)


def addressed(name: str) -> str:
    """How a leader is addressed at the top of their digest: 王建国同志, or 张县长."""
    return name if _TITLE.search(name) else f"{name}同志"


class Audience(StrEnum):
    UNIT = "unit"
    LEADER = "leader"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Digest:
    audience: Audience
    recipient: str  # the unit's or the person's name, for logs and the demo
    unit_id: int | None
    person_id: int | None
    text: str


@dataclass(frozen=True)
class _OpenTask:
    code: str
    title: str
    unit_id: int
    unit_name: str
    leader_id: int | None
    deadline: datetime | None
    percent: int
    needs_help: bool


def _task_line(
    task: _OpenTask, light: Light, now: datetime, zone: ZoneInfo, *, cooperating: bool = False
) -> str:
    if task.deadline is None:
        due = "长期"
    elif light == Light.RED:
        due = f"逾期{days_overdue(task.deadline, now, zone)}天"
    else:
        due = f"截止 {local_time(task.deadline, zone)}"
    help_flag = " · 需协调" if task.needs_help else ""
    role = f" · {task.unit_name}牵头，本单位配合" if cooperating else ""
    return (
        f"{LIGHT_ICONS[light]} {task.code} {task.title} · {due} · 进度{task.percent}%"
        f"{help_flag}{role}"
    )


OPEN_TASKS_AT_A_TIME = 2_000  # rows fetched at once: a digest never holds the whole ledger
G = TypeVar("G")


class _Listing(Generic[G]):
    """One recipient's tasks as its digest lists them, without holding them all.

    A digest lists its tasks group by group (own red, own yellow, then those it
    cooperates on; or red, yellow, green), each in query order, cut after
    `limit` lines with a count of the rest. Of each group only its size and its
    first `limit` tasks can show, so that is all that is kept.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: Counter[G] = Counter()
        self.heads: dict[G, list[_OpenTask]] = {}

    def add(self, group: G, task: _OpenTask) -> None:
        self.counts[group] += 1
        head = self.heads.setdefault(group, [])
        if len(head) < self.limit:
            head.append(task)

    def lines(self, groups: Sequence[G], line: Callable[[G, _OpenTask], str]) -> list[str]:
        heads = [(group, task) for group in groups for task in self.heads.get(group, ())]
        shown = [line(group, task) for group, task in heads[: self.limit]]
        return cut_from(shown, self.counts.total())


_UNIT_GROUPS = (  # (cooperating?, light): own tasks first, red before yellow
    (False, Light.RED),
    (False, Light.YELLOW),
    (True, Light.RED),
    (True, Light.YELLOW),
)
_LEADER_GROUPS = (Light.RED, Light.YELLOW, Light.GREEN)


def build_digests(
    session: Session,
    *,
    summary: LedgerSummary,
    yellow_until: datetime,
    changes_since: datetime,
    zone: ZoneInfo,
    limit: int = LIST_LIMIT,
    duty_lines: Sequence[str] = (),
    units: Collection[int] | None = None,
    people: Collection[int] | None = None,
    since_of: Mapping[int, datetime] | None = None,
) -> list[Digest]:
    """Every digest due at `summary.now`, supervisors' first; `duty_lines` (the holiday
    rosters' status, from `bot.duty.storage.duty_status_lines`) go into the supervisors'.

    Given `units` or `people`, only those units' or those supervisors' and leaders'
    digests are built (planning builds none for a recipient it cannot reach).
    `since_of`: a supervisor's (person id) "自上次汇总以来" starts there (when the last
    digest delivered to them was planned) instead of at `changes_since`.
    Memory grows with the recipients, not the ledger: open tasks are read a few
    thousand at a time and each recipient keeps only what its digest can show.
    """
    now = summary.now
    helpers = _cooperating_units(session)
    rows = session.execute(
        select(
            Task.id,
            Task.code,
            Task.title,
            Unit.id,
            Unit.name,
            Task.lead_leader_id,
            Task.deadline,
            Task.percent,
            Task.needs_help,
        )
        .join(Unit, Task.lead_unit_id == Unit.id)
        .where(Task.state == TaskState.OPEN)
        # Standing tasks (no deadline) last on every database: SQLite and PostgreSQL
        # disagree on where NULL sorts.
        .order_by(Task.deadline.is_(None), Task.deadline, Task.code)
        .execution_options(yield_per=OPEN_TASKS_AT_A_TIME)
    )
    by_unit: defaultdict[tuple[int, str], _Listing[tuple[bool, Light]]]
    by_unit = defaultdict(lambda: _Listing(limit))
    by_leader: defaultdict[int, _Listing[Light]] = defaultdict(lambda: _Listing(limit))
    for row in rows:
        task = _OpenTask(*row[1:])
        light = light_of(TaskState.OPEN, task.deadline, now, yellow_until)
        assert light is not None
        if light != Light.GREEN:
            if units is None or task.unit_id in units:
                by_unit[(task.unit_id, task.unit_name)].add((False, light), task)
            for helper in helpers.get(row[0], ()):
                if units is None or helper[0] in units:
                    by_unit[helper].add((True, light), task)
        if task.leader_id is not None and (people is None or task.leader_id in people):
            by_leader[task.leader_id].add(light, task)

    query = select(Person).where(Person.role == Role.SUPERVISOR, Person.active)
    if people is not None:
        query = query.where(Person.id.in_(list(people)))
    supervisors = list(session.scalars(query.order_by(Person.id)))
    county_texts: dict[datetime, str] = {}  # supervisors whose last digests agree share one

    def county_text(since: datetime) -> str:
        if since not in county_texts:
            text = supervisor_digest_text(session, summary, since, zone, limit)
            county_texts[since] = text + ("\n\n" + "\n".join(duty_lines) if duty_lines else "")
        return county_texts[since]

    since_of = since_of or {}
    digests = [
        Digest(
            Audience.SUPERVISOR,
            person.name,
            None,
            person.id,
            county_text(since_of.get(person.id, changes_since)),
        )
        for person in supervisors
    ]
    for (unit_id, unit_name), listing in sorted(by_unit.items(), key=lambda item: item[0][1]):
        reds, yellows = listing.counts[(False, Light.RED)], listing.counts[(False, Light.YELLOW)]
        helping = listing.counts[(True, Light.RED)] + listing.counts[(True, Light.YELLOW)]
        also = f"；配合其他单位的 {helping} 项" if helping else ""
        lines = [
            f"📋 {unit_name} 今日督办提醒（{local_day(now, zone)}）",
            f"红灯 {reds} 项，黄灯 {yellows} 项{also}：",
            *listing.lines(
                _UNIT_GROUPS,
                lambda group, task: _task_line(task, group[1], now, zone, cooperating=group[0]),
            ),
            "",
            "如有进展或困难，请及时报县督查室。",
        ]
        digests.append(Digest(Audience.UNIT, unit_name, unit_id, None, "\n".join(lines)))

    leaders = {
        person.id: person
        for person in session.scalars(select(Person).where(Person.id.in_(list(by_leader))))
    }
    for leader_id, led in sorted(by_leader.items(), key=lambda item: leaders[item[0]].name):
        counts = led.counts
        name = addressed(leaders[leader_id].name)
        lines = [
            f"📌 {name}，您包联的督办事项（{counts.total()} 项推进中）",
            f"🔴 {counts[Light.RED]} · 🟡 {counts[Light.YELLOW]} · 🟢 {counts[Light.GREEN]}",
            *led.lines(
                _LEADER_GROUPS,
                lambda light, task: _task_line(task, light, now, zone) + f" · {task.unit_name}",
            ),
        ]
        digests.append(
            Digest(Audience.LEADER, leaders[leader_id].name, None, leader_id, "\n".join(lines))
        )
    return digests


def _cooperating_units(session: Session) -> dict[int, list[tuple[int, str]]]:
    """Open task id → the (id, name) of each unit cooperating on it."""
    rows = session.execute(
        select(task_cooperating_units.c.task_id, Unit.id, Unit.name)
        .join(Unit, Unit.id == task_cooperating_units.c.unit_id)
        .join(Task, Task.id == task_cooperating_units.c.task_id)
        .where(Task.state == TaskState.OPEN)
    )
    helpers: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, name in rows:
        helpers[task_id].append((unit_id, name))
    return helpers


# How changes read in the supervisors' digest: (field, new value) → label.
CHANGE_LABELS = {
    ("created", None): "新交办",
    ("state", TaskState.REPORTED_DONE.value): "报完成",
    ("state", TaskState.VERIFIED.value): "销号",
    ("state", TaskState.OPEN.value): "退回",
    ("extension_request", None): "申请延期",
    ("deadline", None): "调整期限",
}


def supervisor_digest_text(
    session: Session, summary: LedgerSummary, since: datetime, zone: ZoneInfo, limit: int
) -> str:
    lines = [f"🗂 督查室每日汇总（{local_day(summary.now, zone)}）"]
    # What waits on the office heads the morning message (the same list as /pending).
    waits = waiting(session, now=summary.now, zone=zone)
    if waits:
        lines += [f"待督查室处理（{len(waits)} 项，发送 /pending 逐项处理）："]
        lines += pending_lines(waits, zone, limit=min(limit, 5))
        lines.append("")
    lines.append(f"共 {summary.totals.total} 项：{counts_line(summary.totals)}")
    worst = [unit for unit in summary.units if unit.counts.red or unit.counts.yellow][:5]
    if worst:
        lines += ["", "进度靠后的单位："]
        lines += [
            f"• {unit.unit_name} 🔴{unit.counts.red} 🟡{unit.counts.yellow}" for unit in worst
        ]
    lines += attention_sections(summary, zone, limit)
    changes = _changes_since(session, since, summary.now)
    lines += ["", "自上次汇总以来：" + (changes or "无变化")]
    blocked = _blocked_chats(session)
    if blocked:
        lines += ["", f"收不到提醒的对话（已屏蔽机器人或移出群聊，{len(blocked)} 个）："]
        lines += cut([f"• {name}" for name in blocked], limit, "个")
    return "\n".join(lines)


def _blocked_chats(session: Session) -> list[str]:
    """Chats Telegram refused (403): named by group title, or the person whose chat it is."""
    rows = session.execute(
        select(ChatBinding.chat_id, ChatBinding.title, Unit.name)
        .outerjoin(Unit, Unit.id == ChatBinding.unit_id)
        .where(ChatBinding.disabled_at.is_not(None))
        .order_by(ChatBinding.id)
    ).all()
    people = {
        user: (name, unit)
        for user, name, unit in session.execute(
            select(Person.telegram_user_id, Person.name, Unit.name)
            .outerjoin(Unit, Unit.id == Person.unit_id)
            .where(Person.telegram_user_id.in_([row.chat_id for row in rows]))
        )
    }
    names = []
    for chat_id, title, unit in rows:
        if chat_id in people:
            person, person_unit = people[chat_id]
            names.append(f"{person}（{person_unit}）" if person_unit else person)
        else:
            group = title or f"群聊 {chat_id}"
            names.append(f"{group}（{unit}）" if unit else group)
    return names


def _changes_since(session: Session, since: datetime, until: datetime) -> str:
    events = session.execute(
        select(TaskEvent.field, TaskEvent.new_value, TaskEvent.old_value).where(
            TaskEvent.created_at >= since,
            TaskEvent.created_at < until,
            TaskEvent.field.in_(["created", "state", "extension_request", "deadline"]),
        )
    )
    counts: Counter[str] = Counter()
    for field, new, old in events:
        key = (field, new) if field == "state" else (field, None)
        if field == "extension_request" and old is not None:
            continue  # a decision, not a new request
        label = CHANGE_LABELS.get(key)
        if label:
            counts[label] += 1
    return "，".join(
        f"{label} {counts[label]} 项" for label in CHANGE_LABELS.values() if counts[label]
    )
