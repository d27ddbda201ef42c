"""Ledger services: create and change tasks, the state machine, extension requests.

Services take plain values and a session and know nothing of Telegram. They
never commit: the caller (a handler, a job, a CLI command) owns the
transaction (`bot.core.transaction.unit_of_work`). Who may do what is asked of
`bot.core.access`. Every change to a task leaves a `TaskEvent` (who, when,
old → new). A refused action raises `LedgerError` with a Chinese message that
can be shown to the user as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.access import (
    Actor,
    OfficeAction,
    Refusal,
    TaskAction,
    person_id,
    require,
    require_office,
)
from bot.core.messages import IncomingFile
from bot.outbox.rows import cancel_for_task
from db.models import (
    Attachment,
    CodeCounter,
    ExtensionRequest,
    ExtensionState,
    Milestone,
    Person,
    ProgressReport,
    ReportChannel,
    Task,
    TaskEvent,
    TaskState,
    Unit,
    UnitKind,
)

STATE_LABELS = {
    TaskState.OPEN: "推进中",
    TaskState.REPORTED_DONE: "已报完成",
    TaskState.VERIFIED: "已销号",
}
CODE_PREFIX = "DB-"
CODE_LENGTH = Task.__table__.c.code.type.length
TASK_CODES = "task"  # the CodeCounter row behind DB-NNNN
_NUMBERED = re.compile(rf"{CODE_PREFIX}(\d{{1,12}})")


class LedgerError(Refusal):
    """A refused ledger action; `str(error)` is a Chinese message for the user."""


class Action(StrEnum):
    REPORT_DONE = "report_done"  # the unit says it is finished
    VERIFY = "verify"  # 销号
    RETURN = "return"  # 退回


# The whole state machine: (state, action) → new state. Anything else is refused.
TRANSITIONS: dict[tuple[TaskState, Action], TaskState] = {
    (TaskState.OPEN, Action.REPORT_DONE): TaskState.REPORTED_DONE,
    (TaskState.REPORTED_DONE, Action.VERIFY): TaskState.VERIFIED,
    (TaskState.REPORTED_DONE, Action.RETURN): TaskState.OPEN,
}

# Why an action is refused in a given state, in the user's words.
REFUSALS: dict[tuple[TaskState, Action], str] = {
    (TaskState.REPORTED_DONE, Action.REPORT_DONE): "已报完成，正在等待督查室销号，无需重复上报。",
    (TaskState.VERIFIED, Action.REPORT_DONE): "已销号，无需再报完成。",
    (TaskState.OPEN, Action.VERIFY): "仍在推进中，责任单位报完成后才能销号。",
    (TaskState.VERIFIED, Action.VERIFY): "已经销号。",
    (TaskState.OPEN, Action.RETURN): "仍在推进中，只有已报完成的事项才能退回。",
    (TaskState.VERIFIED, Action.RETURN): "已销号，不能退回。",
}


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    due_at: datetime


def _record(
    session: Session,
    task: Task,
    actor: Actor,
    now: datetime,
    field: str,
    old: object,
    new: object,
    note: str | None = None,
) -> None:
    session.add(
        TaskEvent(
            task=task,
            actor_id=person_id(actor),
            created_at=now,
            field=field,
            old_value=_as_text(old),
            new_value=_as_text(new),
            note=note,
        )
    )


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()  # the audit trail speaks UTC, like the columns
    if isinstance(value, Unit | Person):
        return value.name
    if isinstance(value, list | tuple):
        return "、".join(str(_as_text(item)) for item in value)
    return str(value)


def _other_units(units: Iterable[Unit], lead_unit: Unit) -> list[Unit]:
    """Cooperating units: each once, never the lead unit itself."""
    return list({id(u): u for u in units if u is not lead_unit}.values())


def guess_unit_kind(name: str) -> UnitKind:
    if name.endswith(("镇", "乡", "街道", "街道办", "街道办事处")):
        return UnitKind.TOWNSHIP
    if name.endswith(("局", "委", "办", "院", "所", "中心", "部", "会", "队", "监委", "处")):
        return UnitKind.DEPARTMENT
    return UnitKind.OTHER


def _highest_numbered_code(session: Session) -> int:
    """The highest N among existing `DB-N` codes (imported codes like DB-2026-07 do not count)."""
    codes = session.scalars(select(Task.code).where(Task.code.like(f"{CODE_PREFIX}%")))
    return max((int(m[1]) for code in codes if (m := _NUMBERED.fullmatch(code))), default=0)


def _ensure_counter(session: Session) -> None:
    """Start the DB-N counter after the highest existing code, once per database."""
    if session.scalar(select(CodeCounter.value).where(CodeCounter.name == TASK_CODES)) is not None:
        return
    highest = _highest_numbered_code(session)
    try:
        with session.begin_nested():
            session.execute(insert(CodeCounter).values(name=TASK_CODES, value=highest))
    except IntegrityError:
        pass  # another process started it at the same moment: theirs counts


def next_task_code(session: Session) -> str:
    """The next `DB-NNNN` code (growing past four digits), never handed out twice.

    The counter is bumped in the database (`UPDATE … RETURNING`), whose row lock
    keeps two processes apart; a number whose code is already taken (a ledger
    imported with its own codes) is skipped.
    """
    with session.no_autoflush:  # a bulk import flushes once at the end, not per row
        _ensure_counter(session)
        while True:
            number = session.execute(
                update(CodeCounter)
                .where(CodeCounter.name == TASK_CODES)
                .values(value=CodeCounter.value + 1)
                .returning(CodeCounter.value)
                .execution_options(synchronize_session=False)
            ).scalar_one()
            code = f"{CODE_PREFIX}{number:04d}"
            if session.scalar(select(Task.id).where(Task.code == code)) is None:
                return code


class DrawnCode(str):
    """A code the counter handed out: unique already, so `create_task` need not check it."""


def next_task_codes(session: Session, count: int) -> list[DrawnCode]:
    """`count` fresh codes with one counter bump (a ledger import draws them all at once)."""
    codes: list[DrawnCode] = []
    with session.no_autoflush:
        _ensure_counter(session)
        while len(codes) < count:
            wanted = count - len(codes)
            last = session.execute(
                update(CodeCounter)
                .where(CodeCounter.name == TASK_CODES)
                .values(value=CodeCounter.value + wanted)
                .returning(CodeCounter.value)
                .execution_options(synchronize_session=False)
            ).scalar_one()
            block = [f"{CODE_PREFIX}{n:04d}" for n in range(last - wanted + 1, last + 1)]
            taken = set(session.scalars(select(Task.code).where(Task.code.in_(block))))
            codes += [DrawnCode(code) for code in block if code not in taken]
    return codes


def reserve_codes(session: Session, codes: Iterable[str]) -> None:
    """Move the counter past `DB-N` codes given by hand, so it never draws them later."""
    highest = max((int(m[1]) for code in codes if (m := _NUMBERED.fullmatch(code))), default=0)
    if not highest:
        return
    with session.no_autoflush:
        _ensure_counter(session)
        session.execute(
            update(CodeCounter)
            .where(CodeCounter.name == TASK_CODES, CodeCounter.value < highest)
            .values(value=highest)
            .execution_options(synchronize_session=False)
        )


def create_task(
    session: Session,
    *,
    title: str,
    lead_unit: Unit,
    deadline: datetime | None,
    now: datetime,
    actor: Actor,
    lead_leader: Person | None = None,
    cooperating_units: Sequence[Unit] = (),
    details: str = "",
    source: str = "",
    milestones: Iterable[MilestoneInput] = (),
    code: str | None = None,
    allow_past_deadline: bool = False,
) -> Task:
    """Create a task. A deadline in the past is refused unless importing an existing ledger."""
    require_office(actor, OfficeAction.CREATE_TASK)
    title = title.strip()
    if not title:
        raise LedgerError("事项标题不能为空。")
    if deadline is not None and deadline <= now and not allow_past_deadline:
        raise LedgerError("截止时间已经过去，请给一个将来的时间。")
    if isinstance(code, DrawnCode):
        pass  # drawn from the counter just now: clear of every other code
    else:
        code = _given_code(session, code) if code else next_task_code(session)
    task = Task(
        code=code,
        title=title,
        details=details.strip(),
        source=source.strip(),
        lead_unit=lead_unit,
        lead_leader=lead_leader,
        cooperating_units=_other_units(cooperating_units, lead_unit),
        deadline=deadline,
        state=TaskState.OPEN,
        percent=0,
        created_by_id=person_id(actor),
        created_at=now,
        updated_at=now,
        milestones=[Milestone(title=m.title, due_at=m.due_at) for m in milestones],
    )
    session.add(task)
    _record(session, task, actor, now, "created", None, code)
    return task


def _given_code(session: Session, code: str) -> str:
    """A code written by hand (an imported ledger's own), checked and kept clear of the counter.

    The unique constraint is the rule; the look-up only lets the common case
    explain itself with the code in the message.
    """
    code = code.strip().upper()
    if len(code) > CODE_LENGTH:
        raise LedgerError(f"编号 {code[:12]}… 超过 {CODE_LENGTH} 个字符，请改短。")
    with session.no_autoflush:  # a bulk import flushes once at the end, not per row
        taken = session.scalar(select(Task.id).where(Task.code == code)) is not None
    if taken:
        raise LedgerError(f"编号 {code} 已被使用。")
    reserve_codes(session, [code])
    return code


# Fields `change_task` may set. State is here for corrections and imports only;
# units and supervisors move a task through `apply_action`.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "details",
        "source",
        "lead_unit",
        "lead_leader",
        "cooperating_units",
        "deadline",
        "percent",
        "needs_help",
        "state",
        "milestones",
    }
)


def change_task(
    session: Session,
    task: Task,
    *,
    now: datetime,
    actor: Actor,
    note: str | None = None,
    **changes: object,
) -> list[str]:
    """Set the given fields, recording an event for each one that really changes.

    Returns the names of the changed fields. Deadlines change here only for
    corrections; a unit asking for more time goes through `request_extension`.
    """
    require(actor, TaskAction.EDIT, task)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed: list[str] = []
    for field, new in changes.items():
        old = getattr(task, field)
        if field == "cooperating_units":
            # task.lead_unit, not lead_unit_id: a lead unit set in this call is not flushed yet.
            new = sorted(_other_units(new, task.lead_unit), key=lambda u: u.name)  # type: ignore[arg-type]
            # As sets: the database's collation may order names differently from Python.
            if {u.id for u in old} == {u.id for u in new}:
                continue
            old = list(old)
        elif field == "percent":
            new = _valid_percent(new)
            if old == new:
                continue
        elif field == "milestones":
            wanted = sorted((m.due_at, m.title) for m in new)  # type: ignore[attr-defined]
            if sorted((m.due_at, m.title) for m in old) == wanted:
                continue
            old = _milestones_text(old)
            task.milestones = [Milestone(title=title, due_at=due) for due, title in wanted]
            _record(session, task, actor, now, field, old, _milestones_text(task.milestones), note)
            changed.append(field)
            continue
        elif old == new or (isinstance(old, str) and isinstance(new, str) and old == new.strip()):
            continue
        setattr(task, field, new)
        _record(session, task, actor, now, field, old, new, note)
        changed.append(field)
    if changed:
        task.updated_at = now
    if "deadline" in changed or "state" in changed:
        cancel_for_task(session, task.id, now=now, why="截止时间或状态已调整")
    return changed


def _milestones_text(milestones: Iterable[Milestone | MilestoneInput]) -> str:
    return "；".join(f"{_as_text(m.due_at)} {m.title}" for m in milestones)


def _valid_percent(value: object) -> int:
    if not isinstance(value, int) or not 0 <= value <= 100:
        raise LedgerError("进度应为 0 到 100 之间的整数。")
    return value


def apply_action(
    session: Session,
    task: Task,
    action: Action,
    *,
    now: datetime,
    actor: Actor,
    reason: str = "",
    channel: ReportChannel = ReportChannel.COMMAND,
    evidence: Sequence[IncomingFile] = (),
) -> Task:
    """Move a task through the state machine, or refuse with the reason in Chinese.

    Reporting done leaves a progress report, with any evidence attached to it.
    """
    require(actor, TaskAction(action.value), task)
    state = TaskState(task.state)
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise LedgerError(f"{task.code} {REFUSALS[(state, action)]}")
    reason = reason.strip()
    if action == Action.RETURN and not reason:
        raise LedgerError("退回需要写明原因，例如：佐证材料不全。")
    task.state = target
    task.updated_at = now
    _record(session, task, actor, now, "state", state.value, target.value, reason or None)
    if target != TaskState.OPEN:  # the unit is done with it: no more chasing
        cancel_for_task(session, task.id, now=now, why=f"事项{STATE_LABELS[target]}")
    if action == Action.REPORT_DONE:
        if task.percent != 100:
            _record(session, task, actor, now, "percent", task.percent, 100)
            task.percent = 100
        session.add(
            ProgressReport(
                task=task,
                person_id=person_id(actor),
                created_at=now,
                text=reason or "已完成",
                percent=100,
                state_change=target.value,
                channel=channel,
                attachments=_attachments(evidence),
            )
        )
    return task


def report_progress(
    session: Session,
    task: Task,
    *,
    now: datetime,
    actor: Actor,
    text: str,
    percent: int | None = None,
    needs_help: bool = False,
    channel: ReportChannel = ReportChannel.COMMAND,
    evidence: Sequence[IncomingFile] = (),
) -> ProgressReport:
    """Record a progress report (a note, a percentage, a call for help) on an open task."""
    require(actor, TaskAction.REPORT_PROGRESS, task)
    if task.state == TaskState.VERIFIED:
        raise LedgerError(f"{task.code} 已销号，无需再报进展。")
    if percent is not None:
        percent = _valid_percent(percent)
        if percent != task.percent:
            _record(session, task, actor, now, "percent", task.percent, percent)
            task.percent = percent
    if needs_help != task.needs_help:
        _record(session, task, actor, now, "needs_help", task.needs_help, needs_help)
        task.needs_help = needs_help
    task.updated_at = now
    report = ProgressReport(
        task=task,
        person_id=person_id(actor),
        created_at=now,
        text=text.strip(),
        percent=percent,
        needs_help=needs_help,
        channel=channel,
        attachments=_attachments(evidence),
    )
    session.add(report)
    return report


def _attachments(evidence: Sequence[IncomingFile]) -> list[Attachment]:
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


def request_extension(
    session: Session,
    task: Task,
    *,
    now: datetime,
    actor: Actor,
    proposed_deadline: datetime,
    reason: str,
    zone: ZoneInfo,
) -> ExtensionRequest:
    """A unit asks for a later deadline (申请延期); a supervisor decides.

    The database keeps "one pending request per task" (a partial unique index),
    so two people asking at once get one request and one refusal.
    """
    require(actor, TaskAction.REQUEST_EXTENSION, task)
    if task.state != TaskState.OPEN:
        raise LedgerError(f"{task.code} {STATE_LABELS[TaskState(task.state)]}，不能申请延期。")
    if not reason.strip():
        raise LedgerError("申请延期需要写明理由。")
    if proposed_deadline <= now:
        raise LedgerError("申请的新截止时间已经过去，请给一个将来的时间。")
    if task.deadline is not None and proposed_deadline <= task.deadline:
        current = task.deadline.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        raise LedgerError(f"新截止时间应晚于现在的截止时间（{current}）。")
    pending = session.scalar(
        select(ExtensionRequest.id).where(
            ExtensionRequest.task_id == task.id, ExtensionRequest.state == ExtensionState.PENDING
        )
    )
    if pending is not None:
        raise LedgerError(f"{task.code} 已有一条延期申请在等待督查室审批。")
    request = ExtensionRequest(
        task=task,
        requested_by_id=person_id(actor),
        created_at=now,
        old_deadline=task.deadline,
        proposed_deadline=proposed_deadline,
        reason=reason.strip(),
        state=ExtensionState.PENDING,
    )
    session.add(request)
    _record(session, task, actor, now, "extension_request", None, proposed_deadline, reason)
    return request


def decide_extension(
    session: Session,
    request: ExtensionRequest,
    *,
    now: datetime,
    actor: Actor,
    approve: bool,
    note: str = "",
) -> ExtensionRequest:
    """Approve (the deadline moves; the old one stays in the history) or deny a request."""
    require(actor, TaskAction.DECIDE_EXTENSION, request.task)
    if request.state != ExtensionState.PENDING:
        raise LedgerError("这条延期申请已经处理过了。")
    task = request.task
    request.state = ExtensionState.APPROVED if approve else ExtensionState.DENIED
    request.decided_by_id = person_id(actor)
    request.decided_at = now
    request.decision_note = note.strip() or None
    _record(session, task, actor, now, "extension_request", "pending", request.state, note or None)
    if approve:
        _record(session, task, actor, now, "deadline", task.deadline, request.proposed_deadline)
        task.deadline = request.proposed_deadline
        task.updated_at = now
        cancel_for_task(session, task.id, now=now, why="延期已批准")
    return request


def task_history(session: Session, task: Task) -> list[TaskEvent]:
    return list(
        session.scalars(
            select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id)
        )
    )
