"""One chat's reminders of a sending pass, merged into as few messages as read well.

Registered for the reminder kind by `jobs.ledger`; the sender calls it with the
rows it claimed for one chat.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.timefmt import local_day
from bot.outbox.kinds import Claimed, Outgoing

MERGE_LIMIT = 8  # tasks per merged reminder (three buttons each)
REPLY_HINT = "直接回复本消息即可报告进展，或按下方按钮。"


def merge_reminders(rows: list[Claimed], now: datetime, zone: ZoneInfo) -> list[Outgoing]:
    """Each task a line under one dated header, its buttons below, eight tasks a message."""
    header = f"⏰ 督办提醒（{local_day(now, zone)}）"
    outgoing = []
    for start in range(0, len(rows), MERGE_LIMIT):
        batch = rows[start : start + MERGE_LIMIT]
        lines = [header, *(row.text for row in batch), "", REPLY_HINT]
        buttons = tuple(button_row for row in batch for button_row in row.buttons)
        task_ids = [row.task_id for row in batch if row.task_id]
        outgoing.append(Outgoing(batch[0].chat_id, batch, "\n".join(lines), buttons, task_ids))
    return outgoing
