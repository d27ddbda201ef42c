"""A reply in chat becomes a progress report: the words are read by `bot.progress.parsing`.

"已完成" from the lead unit is asked to be confirmed, then reports the task
done (and can be withdrawn until the office verifies); a percentage, a call for
help or any other words are a progress report; a photo or a file is attached
as evidence. The text is always kept whole. Which task a message is about is
decided by the caller (the replied-to message, or a code in the text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import Actor, TaskAction, may, visible_task
from bot.core.messages import IncomingFile
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from bot.progress.parsing import Progress, parse_progress
from db.models import ReportChannel, Task, TaskState

# A task code written in a message: DB-0012, or an imported ledger's own (DB-2026-07).
CODE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,6}-\d[\dA-Za-z-]{0,20})(?![A-Za-z0-9])")
MAX_NAMED = 10  # codes one message may report on at once


class Reading(StrEnum):
    """What a reply would do to its task, decided before anything is recorded."""

    REPORT = "report"  # a note, a percentage, a call for help: recorded at once
    CONFIRM_DONE = "confirm_done"  # "已完成" from the lead unit: asked before it is reported
    CONTRADICTS_DONE = "contradicts_done"  # 已报完成, and the reply says less than 100%


def reading_of(task: Task, actor: Actor, progress: Progress) -> Reading:
    """Done is asked, not assumed; a figure below 100 on a task reported done is a
    contradiction to settle, not a note beside "已报完成 · 80%"."""
    if not may(actor, TaskAction.REPORT_DONE, task):
        return Reading.REPORT  # a cooperating unit's "已完成" is its part done: a note
    if progress.done and task.state == TaskState.OPEN:
        return Reading.CONFIRM_DONE
    if (
        task.state == TaskState.REPORTED_DONE
        and progress.percent is not None
        and progress.percent < 100
    ):
        return Reading.CONTRADICTS_DONE
    return Reading.REPORT


def record_reply(
    session: Session,
    task: Task,
    *,
    actor: Actor,
    text: str,
    evidence: Sequence[IncomingFile],
    now: datetime,
    channel: ReportChannel = ReportChannel.REPLY,
    keep_percent: bool = False,
) -> Task:
    """Record what the person wrote (and sent) about `task` as a progress report.

    Never reports the task done (that is `confirm_done`, after the person confirms).
    `keep_percent`: the figure in the text is not taken (the person said the task's
    已报完成 stands). 需协调 is raised by a difficulty, cleared by words that it is
    solved, and otherwise left as it was.
    """
    progress = parse_progress(text)
    needs_help = True if progress.needs_help else (False if progress.solved else None)
    report_progress(
        session,
        task,
        now=now,
        actor=actor,
        text=progress.note,
        percent=None if keep_percent else progress.percent,
        needs_help=needs_help,
        channel=channel,
        evidence=evidence,
    )
    return task


def confirm_done(
    session: Session,
    task: Task,
    *,
    actor: Actor,
    text: str,
    evidence: Sequence[IncomingFile],
    now: datetime,
    channel: ReportChannel,
) -> Task:
    """The person confirmed: the task is reported done (已报完成), the text its report."""
    apply_action(
        session,
        task,
        Action.REPORT_DONE,
        now=now,
        actor=actor,
        reason=text.strip() or "已完成",
        channel=channel,
        evidence=evidence,
    )
    return task


def withdraw_done(session: Session, task: Task, *, actor: Actor, now: datetime) -> Task:
    """The unit takes its 已完成 back (allowed until the office verifies)."""
    return apply_action(session, task, Action.WITHDRAW, now=now, actor=actor, reason="撤回完成")


def task_named_in(session: Session, actor: Actor, text: str) -> Task | None:
    """The first visible task whose code the text names; None if it names none.

    Codes are matched against the ledger, so an unknown code-like word is not a
    task; naming a task one may not see is refused like an unknown code.
    """
    named = tasks_named_in(session, actor, text)
    return named[0] if named else None


def tasks_named_in(session: Session, actor: Actor, text: str) -> list[Task]:
    """Every task the text names by code, in the order written ("DB-0006和DB-0002")."""
    candidates = codes_in(text)[:MAX_NAMED]
    if not candidates:
        return []
    known = set(session.scalars(select(Task.code).where(Task.code.in_(candidates))))
    return [visible_task(session, actor, code) for code in candidates if code in known]


def codes_in(text: str) -> list[str]:
    """The code-like words of a text, upper-cased, in order (not checked against the ledger)."""
    return list(dict.fromkeys(match.upper() for match in CODE_IN_TEXT.findall(text)))
