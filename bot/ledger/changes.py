"""Create and change tasks; every change leaves a `TaskEvent`, every refusal a `LedgerError`.

Services take plain values and a session and know nothing of Telegram. They
never commit: the caller (a handler, a job, a CLI command) owns the
transaction (`bot.core.transaction.unit_of_work`). Who may do what is asked of
`bot.core.access`. Every change to a task leaves a `TaskEvent` (who, when,
old → new) through `record_change`. A refused action raises `LedgerError` with
a Chinese message that can be shown to the user as it is.

The rest of the ledger's changes build on this: `codes` (DB-N), `states` (the
state machine), `progress` (reports and evidence), `extensions` (申请延期).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
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
from bot.ledger.codes import CODE_LENGTH, DrawnCode, next_task_code, reserve_codes
from bot.outbox.rows import cancel_for_task
from db.models import Milestone, Person, Task, TaskEvent, TaskState, Unit, UnitKind


class LedgerError(Refusal):
    """A refused ledger action; `str(error)` is a Chinese message for the user."""


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    due_at: datetime


def record_change(
    session: Session,
    task: Task,
    actor: Actor,
    now: datetime,
    field: str,
    old: object,
    new: object,
    note: str | None = None,
) -> None:
    """Leave the audit trail's row for one field of `task`: who, when, old → new (as text)."""
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
    record_change(session, task, actor, now, "created", None, code)
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
            new = valid_percent(new)
            if old == new:
                continue
        elif field == "milestones":
            wanted = sorted((m.due_at, m.title) for m in new)  # type: ignore[attr-defined]
            if sorted((m.due_at, m.title) for m in old) == wanted:
                continue
            old = _milestones_text(old)
            task.milestones = [Milestone(title=title, due_at=due) for due, title in wanted]
            new_text = _milestones_text(task.milestones)
            record_change(session, task, actor, now, field, old, new_text, note)
            changed.append(field)
            continue
        elif old == new or (isinstance(old, str) and isinstance(new, str) and old == new.strip()):
            continue
        setattr(task, field, new)
        record_change(session, task, actor, now, field, old, new, note)
        changed.append(field)
    if changed:
        task.updated_at = now
    if "deadline" in changed or "state" in changed:
        cancel_for_task(session, task.id, now=now, why="截止时间或状态已调整")
    return changed


def _milestones_text(milestones: Iterable[Milestone | MilestoneInput]) -> str:
    return "；".join(f"{_as_text(m.due_at)} {m.title}" for m in milestones)


def valid_percent(value: object) -> int:
    if not isinstance(value, int) or not 0 <= value <= 100:
        raise LedgerError("进度应为 0 到 100 之间的整数。")
    return value


def task_history(session: Session, task: Task) -> list[TaskEvent]:
    return list(
        session.scalars(
            select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id)
        )
    )
