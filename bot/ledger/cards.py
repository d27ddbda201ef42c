"""Tasks as chat messages: the card with its buttons, the one-line state, the lists.

Buttons are offered only for what the reader may do (the access policy), and
each press is checked again, so a card forwarded elsewhere gives nothing away.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core.access import Actor, TaskAction, may
from bot.core.buttons import task_button
from bot.core.messages import Button, IncomingFile, Message
from bot.core.text import cut
from bot.core.timefmt import local_time, short_date
from bot.ledger.lights import LIGHT_ICONS, LIGHT_LABELS, Light, days_overdue
from bot.ledger.queries import TaskCard, TaskLine, evidence_of
from bot.ledger.states import STATE_LABELS
from bot.office.instructions import recent_instructions
from bot.office.signoffs import signing_line
from db.models import Task, TaskEvent, TaskState

# Button actions (what a ButtonRef's `action` says) and their labels.
PROGRESS, DONE, EXTEND, VERIFY, RETURN = "progress", "done", "extend", "verify", "return"
HISTORY, EVIDENCE = "history", "evidence"
WITHDRAW, CLEAR_HELP = "withdraw_done", "clear_help"  # 撤回完成, 解除需协调 (bot.progress)
ACTION_LABELS = {
    PROGRESS: "报告进展",
    DONE: "已完成",
    EXTEND: "申请延期",
    VERIFY: "销号",
    RETURN: "退回",
    HISTORY: "变更记录",
    EVIDENCE: "佐证材料",
    WITHDRAW: "撤回完成",
    CLEAR_HELP: "解除需协调",
}
ACTION_RIGHTS = {
    PROGRESS: TaskAction.REPORT_PROGRESS,
    DONE: TaskAction.REPORT_DONE,
    EXTEND: TaskAction.REQUEST_EXTENSION,
    VERIFY: TaskAction.VERIFY,
    RETURN: TaskAction.RETURN,
    HISTORY: TaskAction.VIEW,
    EVIDENCE: TaskAction.VIEW,
    WITHDRAW: TaskAction.REPORT_DONE,
    CLEAR_HELP: TaskAction.REPORT_PROGRESS,
}
# Which buttons make sense in which state (a verified task takes no report).
STATE_ACTIONS = {
    TaskState.OPEN: (PROGRESS, DONE, EXTEND),
    TaskState.REPORTED_DONE: (PROGRESS, VERIFY, RETURN),
    TaskState.VERIFIED: (),
}
REPLY_HINT = "直接回复本消息即可报告进展（如：完成60%，已完成选址；可附照片）。"


def state_line(task: Task) -> str:
    """`DB-0012 农村改厕 · 60% · 推进中 · 需协调`: the answer to every report."""
    parts = [f"{task.code} {task.title}", f"{task.percent}%", STATE_LABELS[task.state]]
    if task.needs_help and task.state == TaskState.OPEN:
        parts.append("需协调")
    return " · ".join(parts)


def due_text(deadline: datetime | None, light: Light | None, now: datetime, zone: ZoneInfo) -> str:
    if deadline is None:
        return "长期"
    due = local_time(deadline, zone)
    if light == Light.RED:
        return f"{due}（已逾期{days_overdue(deadline, now, zone)}天）"
    return due


def task_buttons(session: Session, task: Task, actor: Actor) -> tuple[tuple[Button, ...], ...]:
    actions = [a for a in STATE_ACTIONS[task.state] if may(actor, ACTION_RIGHTS[a], task)]
    # The unit may take its 已完成 back until verified (the office returns instead), and
    # 需协调 is cleared on purpose: by the unit, its leader or the office.
    if task.state == TaskState.REPORTED_DONE and not may(actor, TaskAction.VERIFY, task):
        actions += [WITHDRAW] if may(actor, TaskAction.REPORT_DONE, task) else []
    if task.needs_help and task.state == TaskState.OPEN and may(actor, TaskAction.VIEW, task):
        actions += [CLEAR_HELP] if may(actor, TaskAction.REPORT_PROGRESS, task) else []
    rows = []
    if actions:
        rows.append(tuple(task_button(session, task, a, ACTION_LABELS[a]) for a in actions))
    return tuple(rows)


def card_message(
    session: Session, card: TaskCard, actor: Actor, *, now: datetime, zone: ZoneInfo
) -> Message:
    task = card.task
    icon = LIGHT_ICONS[card.light] if card.light else ("✅" if task.state == "verified" else "📮")
    lines = [f"{icon} {task.code} {task.title}"]
    state = f"状态：{STATE_LABELS[task.state]} · 进度 {task.percent}%"
    if card.light:
        state += f" · {LIGHT_LABELS[card.light]}"
    if task.needs_help and task.state == TaskState.OPEN:
        state += " · 需协调"
    lines.append(state)
    lines.append(f"截止：{due_text(task.deadline, card.light, now, zone)}")
    units = f"牵头单位：{task.lead_unit.name}"
    if task.cooperating_units:
        units += f"　配合单位：{'、'.join(u.name for u in task.cooperating_units)}"
    lines.append(units)
    lines.append(f"包联领导：{task.lead_leader.name if task.lead_leader else '未定'}")
    if task.source:
        lines.append(f"来源：{task.source}")
    if task.details:
        lines.append(f"内容：{task.details[:500]}{'…' if len(task.details) > 500 else ''}")
    if task.milestones:
        lines.append("节点：")
        lines += cut(
            [
                f"  {'✓' if m.done_at else '•'} {local_time(m.due_at, zone)} {m.title}"
                for m in task.milestones
            ],
            10,
            "个节点",
        )
    signing = signing_line(session, task, zone)
    if signing:
        lines.append(signing)
    if card.pending_extension is not None:
        request = card.pending_extension
        lines.append(f"延期申请：延至 {local_time(request.proposed_deadline, zone)}，待督查室审批")
    instructions = recent_instructions(session, task.id)
    if instructions:  # the leader's word, apart from the unit's reports
        lines.append("领导批示：")
        for said in instructions:
            who = said.leader.name if said.leader else "包联领导"
            text = said.text if len(said.text) <= 200 else said.text[:200] + "…"
            lines.append(f"  {short_date(said.created_at, zone)} {who}：{text}")
    if card.reports:
        lines.append(f"最近进展（共 {card.report_count} 条）：")
        for report in card.reports:
            who = report.person_name or "督查室"
            percent = f"（{report.percent}%）" if report.percent is not None else ""
            files = f" 📎{report.files}" if report.files else ""
            text = report.text if len(report.text) <= 200 else report.text[:200] + "…"
            text = text or ("（附件）" if report.files else "（无文字）")
            lines.append(f"  {short_date(report.at, zone)} {who}：{text}{percent}{files}")
    else:
        lines.append("尚无进展报告。")
    if card.evidence:
        lines.append(f"佐证材料：{len(card.evidence)} 份")
    if task.state != TaskState.VERIFIED and may(actor, TaskAction.REPORT_PROGRESS, task):
        lines.append("")
        lines.append(REPLY_HINT)
    if card.history:
        lines.append("")
        lines.append("变更记录：")
        lines += cut([_event_line(event, zone) for event in card.history], 30, "条")
    buttons = list(task_buttons(session, task, actor))
    extra = [task_button(session, task, HISTORY, ACTION_LABELS[HISTORY])]
    if card.evidence:
        label = f"{ACTION_LABELS[EVIDENCE]}（{len(card.evidence)}）"
        extra.append(task_button(session, task, EVIDENCE, label))
    buttons.append(tuple(extra))
    return Message("\n".join(lines), buttons=tuple(buttons), about=(task.id,))


FIELD_LABELS = {
    "created": "新建",
    "state": "状态",
    "percent": "进度",
    "needs_help": "需协调",
    "deadline": "截止时间",
    "extension_request": "延期申请",
    "title": "标题",
    "lead_unit": "牵头单位",
    "lead_leader": "包联领导",
    "cooperating_units": "配合单位",
    "milestones": "节点",
    "details": "内容",
    "source": "来源",
    "signoff": "签收",
    "instruction": "批示",
}
VALUE_LABELS = {
    **{state.value: label for state, label in STATE_LABELS.items()},
    "pending": "待审批",
    "approved": "已批准",
    "denied": "已驳回",
    "True": "是",
    "False": "否",
}


def _value(text: str | None, zone: ZoneInfo) -> str:
    if text is None:
        return "—"
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":
        try:
            return local_time(datetime.fromisoformat(text), zone)
        except ValueError:
            pass
    return VALUE_LABELS.get(text, text if len(text) <= 60 else text[:60] + "…")


def _event_line(event: TaskEvent, zone: ZoneInfo) -> str:
    who = event.actor.name if event.actor else "系统"
    field = FIELD_LABELS.get(event.field, event.field)
    when = short_date(event.created_at, zone)
    if event.field == "created":
        return f"{when} {who} 新建 {event.new_value}"
    note = f"（{event.note[:40]}）" if event.note else ""
    old, new = _value(event.old_value, zone), _value(event.new_value, zone)
    return f"{when} {who} {field}：{old} → {new}{note}"


def list_message(
    lines: list[TaskLine], total: int, *, title: str, now: datetime, zone: ZoneInfo, empty: str
) -> Message:
    if not lines:
        return Message(empty)
    text = [f"{title}（共 {total} 项，按紧急程度排列）："]
    for line in lines:
        icon = (
            LIGHT_ICONS[line.light] if line.light else ("✅" if line.state == "verified" else "📮")
        )
        state = "" if line.light else f" · {STATE_LABELS[TaskState(line.state)]}"
        role = " · 配合" if line.cooperating else ""
        text.append(
            f"{icon} {line.code} {line.title} · {line.unit_name} · "
            f"{due_text(line.deadline, line.light, now, zone)}{state}{role}"
        )
    if total > len(lines):
        text.append(f"……另有 {total - len(lines)} 项未列出")
    text.append("")
    text.append("发送 /task 编号 查看详情和操作按钮。")
    return Message("\n".join(text), about=tuple(line.id for line in lines))


def evidence_message(session: Session, task: Task) -> Message:
    """The task's evidence, sent again by Telegram file id (the files stay on Telegram)."""
    files = tuple(
        IncomingFile(a.kind, a.telegram_file_id, a.file_name) for a in evidence_of(session, task)
    )
    if not files:
        return Message(f"{task.code} 还没有佐证材料。")
    return Message(f"{task.code} 的佐证材料共 {len(files)} 份：", resend=files)
