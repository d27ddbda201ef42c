"""交办: what a new task's announcement says, and how one chat's announcements merge.

Written by the office's planner (`jobs.office`) for every task not announced
yet, however it was entered (/newtask, an import, the CLI), so a process with
no bot (the CLI) leaves rows the running bot's scan sends. One chat's rows
claimed together become one message: an import of forty tasks is one notice a
chat, each task with its 签收 button (the first `BUTTONS`; a reply “收到” signs
for all of them).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.messages import Button
from bot.core.text import cut
from bot.core.timefmt import local_time, short_date
from bot.office.signoffs import Party
from bot.outbox.kinds import Claimed, Outgoing
from db.models import Task

BUTTONS = 20  # 签收 buttons under one merged notice; the rest sign by a reply “收到”
DETAILED = 3  # up to this many tasks in one notice are shown whole, more as one line each
HINT_ONE = "请按“签收”确认收到；直接回复本消息可报告进展。"
HINT_MANY = "请逐项按“签收”，或回复本消息“收到”全部签收。"


def announcement_text(task: Task, party: Party, zone: ZoneInfo) -> str:
    """One task as its announcement tells it; the first line alone serves a long list."""
    due = local_time(task.deadline, zone) if task.deadline else "长期坚持"
    role = "" if party.lead else ("（您为包联领导）" if party.leader_id else "（贵单位为配合单位）")
    lines = [f"{task.code} {task.title}{role} · 截止 {due}"]
    units = f"牵头单位：{task.lead_unit.name}"
    if task.cooperating_units:
        units += f"；配合单位：{'、'.join(u.name for u in task.cooperating_units)}"
    lines.append(units)
    lines.append(f"包联领导：{task.lead_leader.name if task.lead_leader else '未定'}")
    if task.source:
        lines.append(f"来源：{task.source}")
    if task.milestones:
        lines.append(
            "节点："
            + "；".join(f"{short_date(m.due_at, zone)} {m.title}" for m in task.milestones[:5])
        )
    return "\n".join(lines)


def chase_text(task: Task, party: Party) -> str:
    return f"{task.code} {task.title}（{party.name}）"


def unreachable_text(task: Task, unit_name: str, lead: bool) -> str:
    role = "牵头" if lead else "配合"
    return f"• {unit_name}（{role}）：{task.code} {task.title} → /invite {unit_name} 成员"


def _buttons(rows: list[Claimed]) -> tuple[tuple[Button, ...], ...]:
    buttons = [row.buttons for row in rows[:BUTTONS] if row.buttons]
    return tuple(line for group in buttons for line in group)


def _merged(rows: list[Claimed], head: str, one: str, many: str) -> Outgoing:
    rows = sorted(rows, key=lambda r: r.id)
    task_ids = [row.task_id for row in rows if row.task_id is not None]
    if len(rows) == 1:
        text = f"{head}\n{rows[0].text}\n\n{one}"
    else:
        if len(rows) <= DETAILED:
            items = [f"{n}. {row.text}" for n, row in enumerate(rows, 1)]
            body = "\n\n".join(items)
        else:
            lines = [f"{n}. {row.text.splitlines()[0]}" for n, row in enumerate(rows, 1)]
            body = "\n".join(cut(lines, 40, "项"))
        text = f"{head.rstrip('：')} {len(rows)} 项：\n{body}\n\n{many}"
    return Outgoing(rows[0].chat_id, rows, text, _buttons(rows), task_ids)


def merge_announcements(rows: list[Claimed], now: datetime, zone: ZoneInfo) -> list[Outgoing]:
    return [_merged(rows, "📌 督查室交办新任务：", HINT_ONE, HINT_MANY)]


def merge_chases(rows: list[Claimed], now: datetime, zone: ZoneInfo) -> list[Outgoing]:
    return [
        _merged(
            rows,
            "✍️ 交办已满一个工作日，以下事项尚未签收：",
            "请按“签收”确认收到。",
            HINT_MANY,
        )
    ]


def merge_unreachable(rows: list[Claimed], now: datetime, zone: ZoneInfo) -> list[Outgoing]:
    """The office told, in one message, of today's tasks whose unit nobody can reach."""
    rows = sorted(rows, key=lambda r: r.id)
    lines = cut([row.text for row in rows], 30, "项")
    text = "\n".join(
        [
            "⚠️ 以下新交办事项的单位还没有人绑定，通知无法送达：",
            *lines,
            "",
            "请发送 /invite 单位 成员 生成邀请码，转给该单位联络员（单位工作群可在群里发送 "
            "/bind 单位 绑定）。未送达的单位会一直列在 /pending 里。",
        ]
    )
    return [Outgoing(rows[0].chat_id, rows, text, (), [])]
