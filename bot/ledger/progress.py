"""Progress reports (进展) on a task, and the evidence (佐证材料) attached to them.

Reading a reply into a report is `bot.progress`; this records it on the task.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.access import Actor, TaskAction, person_id, require
from bot.core.messages import IncomingFile
from bot.ledger.changes import LedgerError, record_change, valid_percent
from db.models import Attachment, ProgressReport, ReportChannel, Task, TaskState


def report_progress(
    session: Session,
    task: Task,
    *,
    now: datetime,
    actor: Actor,
    text: str,
    percent: int | None = None,
    needs_help: bool | None = None,
    channel: ReportChannel = ReportChannel.COMMAND,
    evidence: Sequence[IncomingFile] = (),
) -> ProgressReport:
    """Record a progress report (a note, a percentage, a call for help) on an open task.

    `needs_help`: True raises 需协调, False clears it (the unit says it is solved, or
    the office or the leader clears it), None leaves it as it is: a later report that
    says nothing of the difficulty ("已完成三分之二") does not silently clear it.
    """
    require(actor, TaskAction.REPORT_PROGRESS, task)
    if task.state == TaskState.VERIFIED:
        raise LedgerError(f"{task.code} 已销号，无需再报进展。")
    if percent is not None:
        percent = valid_percent(percent)
        if percent != task.percent:
            record_change(session, task, actor, now, "percent", task.percent, percent)
            task.percent = percent
    if needs_help is not None and needs_help != task.needs_help:
        record_change(session, task, actor, now, "needs_help", task.needs_help, needs_help)
        task.needs_help = needs_help
    task.updated_at = now
    report = ProgressReport(
        task=task,
        person_id=person_id(actor),
        created_at=now,
        text=text.strip(),
        percent=percent,
        needs_help=bool(needs_help),
        channel=channel,
        attachments=evidence_rows(evidence),
    )
    session.add(report)
    return report


def evidence_rows(evidence: Sequence[IncomingFile]) -> list[Attachment]:
    """Evidence (佐证材料) as rows: Telegram keeps the files, the ledger their ids."""
    return [
        Attachment(
            kind=file.kind,
            telegram_file_id=file.file_id,
            file_name=file.file_name,
            file_size=file.file_size,
        )
        for file in evidence
    ]
