"""The working morning's one message a chat: its digest, that day's reminders (each task
with its buttons), a leader's escalations and a unit's roster chase, merged.

Registered by `jobs.reports` for the morning family (`bot.outbox.kinds.MORNING`); the
sender calls it with one chat's claimed rows of the digest, reminder, escalation and
roster-reminder kinds. Reminders are planned in the pass that plans the digests, so a
chat's rows of the morning are claimed together. A task both in the digest and in the
reminders (or escalations) is listed once, under the reminders with its buttons. A
chat's reminders alone (planned later in the day) read as they always did.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.messages import Button
from bot.ledger.reminders import REPLY_HINT, merge_reminders
from bot.outbox.kinds import Claimed, Outgoing, hooks_of
from db.models import MessageKind, OutboxKind

BUTTONED = 20  # reminded tasks with their buttons (three each; Telegram takes 100 buttons)
ESCALATED = 15  # overdue tasks listed to a leader before "……另有 N 项"
MAX_BUTTON_ROWS = 90  # Telegram takes 100 buttons a message


def _code(line: str) -> str:
    """A task line's code: lines read `{icon} {code} {title} · …`."""
    parts = line.split(" ", 2)
    return parts[1] if len(parts) > 1 else ""


HEAD = 2  # a unit's or leader's digest opens with its title and its counts


def _other_lines(lines: list[str], codes: set[str]) -> list[str]:
    """The digest's lines but those of tasks listed again with their buttons."""
    return [line for line in lines if not any(f" {code} " in line for code in codes)]


def merge_morning(rows: list[Claimed], now: datetime, zone: ZoneInfo) -> list[Outgoing]:
    by_kind: dict[str, list[Claimed]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    reminders = by_kind.pop(OutboxKind.REMINDER, [])
    if not by_kind:
        return merge_reminders(reminders, now, zone)  # later in the day: as it always was
    digests = by_kind.pop(OutboxKind.DIGEST, [])
    escalations = by_kind.pop(OutboxKind.ESCALATION, [])
    if not (digests or reminders or escalations) and len(by_kind) == 1:
        ((kind, alone),) = by_kind.items()  # one kind alone (a chase): as it reads alone
        merge = hooks_of(kind).merge
        if merge is not None:
            return merge(alone, now, zone)
    shown = reminders[:BUTTONED]
    listed = {_code(row.text) for row in (*reminders, *escalations)}
    digest = digests[0].text.split("\n") if digests else []
    lines = digest[:HEAD]
    if reminders:
        lines += [f"⏰ 今日提醒（{len(reminders)} 项）：", *(row.text for row in shown)]
        if len(reminders) > len(shown):
            lines.append(f"……另有 {len(reminders) - len(shown)} 项提醒，发送 /tasks 查看")
    if escalations:
        lines += [f"⚠️ 已逾期、请您督促（{len(escalations)} 项）："]
        lines += [row.text for row in escalations[:ESCALATED]]
        if len(escalations) > ESCALATED:
            lines.append(f"……另有 {len(escalations) - ESCALATED} 项，发送 /overdue 查看")
    rest = _other_lines(digest[HEAD:], listed)
    if (reminders or escalations) and any(line.strip() for line in rest[:1]):
        lines.append("其他事项：")
    lines += rest
    extra_buttons: list[tuple[Button, ...]] = []
    extra_tasks: list[int] = []
    for kind, others in by_kind.items():  # the roster chase, the 签收 chase, any other kind
        merge = hooks_of(kind).merge
        if merge is None:
            lines += ["", *(row.text for row in others)]
            continue
        for part in merge(others, now, zone):  # as the kind reads alone, its buttons kept
            lines += ["", part.text]
            extra_buttons += part.buttons
            extra_tasks += part.task_ids
    for extra in digests[1:]:  # two digests for one chat (a person in two roles)
        lines += ["", extra.text]
    if shown:
        lines += [REPLY_HINT]
    task_ids = [row.task_id for row in (*shown, *escalations) if row.task_id] + extra_tasks
    buttons = tuple(button_row for row in shown for button_row in row.buttons)
    buttons += tuple(extra_buttons[: max(0, MAX_BUTTON_ROWS - len(buttons))])
    return [
        Outgoing(
            rows[0].chat_id,
            rows,
            "\n".join(lines).strip("\n"),
            buttons,
            task_ids,
            MessageKind.REMINDER if task_ids else None,
        )
    ]
