"""A reply in chat becomes a progress report: the words are read by `bot.progress.parsing`.

"已完成" from the lead unit reports the task done; a percentage, a call for
help or any other words are a progress report; a photo or a file is attached
as evidence. The text is always kept whole. Which task a message is about is
decided by the caller (the replied-to message, or a code in the text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import Actor, TaskAction, may, visible_task
from bot.core.messages import IncomingFile
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from bot.progress.parsing import parse_progress
from db.models import ReportChannel, Task, TaskState

# A task code written in a message: DB-0012, or an imported ledger's own (DB-2026-07).
CODE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,6}-\d[\dA-Za-z-]{0,20})(?![A-Za-z0-9])")


def record_reply(
    session: Session,
    task: Task,
    *,
    actor: Actor,
    text: str,
    evidence: Sequence[IncomingFile],
    now: datetime,
    channel: ReportChannel = ReportChannel.REPLY,
) -> Task:
    """Record what the person wrote (and sent) about `task`."""
    progress = parse_progress(text)
    done = (
        progress.done and task.state == TaskState.OPEN and may(actor, TaskAction.REPORT_DONE, task)
    )
    if done:
        apply_action(
            session,
            task,
            Action.REPORT_DONE,
            now=now,
            actor=actor,
            reason=progress.note,
            channel=channel,
            evidence=evidence,
        )
        return task
    # A cooperating unit's "已完成" is its part done: kept as a note for the lead unit.
    report_progress(
        session,
        task,
        now=now,
        actor=actor,
        text=progress.note,
        percent=progress.percent,
        needs_help=progress.needs_help,
        channel=channel,
        evidence=evidence,
    )
    return task


def task_named_in(session: Session, actor: Actor, text: str) -> Task | None:
    """The one visible task whose code the text names; None if it names none.

    Codes are matched against the ledger, so an unknown code-like word is not a
    task; naming a task one may not see is refused like an unknown code.
    """
    candidates = [match.upper() for match in CODE_IN_TEXT.findall(text)][:5]
    if not candidates:
        return None
    known = list(session.scalars(select(Task.code).where(Task.code.in_(candidates))))
    if not known:
        return None
    return visible_task(session, actor, known[0])
