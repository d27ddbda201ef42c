"""签收: each party a new task is given to acknowledges it once.

The parties are the lead unit, each cooperating unit and the lead leader. A
unit signs through any of its members (a press in its work group counts), the
leader in person. Who has and has not signed shows on the card and in
`/status 编号`; who has not by `Task.sign_due_at` is chased once and listed to
the office (`bot.office.pending`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.access import Actor, Refusal, Relation, relation
from bot.core.timefmt import short_date
from bot.ledger.changes import record_change
from db.models import Person, Task, TaskSignoff, TaskState

SIGN = "sign"  # the 签收 button's action
# A reply that only acknowledges (to an announcement it signs; elsewhere it says nothing).
ACKNOWLEDGEMENTS = frozenset(
    {"收到", "已收到", "签收", "已签收", "好的", "好", "明白", "已阅", "ok", "OK", "👍", "收到。"}
)


def is_acknowledgement(text: str) -> bool:
    words = text.strip().rstrip("!！。.~～")
    if not words:
        return False
    return words in ACKNOWLEDGEMENTS or words.removeprefix("收到").strip("，, ") in ("", "谢谢")


@dataclass(frozen=True)
class Party:
    """Who must sign for a task: a unit (lead or cooperating) or the lead leader."""

    name: str
    unit_id: int | None = None
    leader_id: int | None = None
    lead: bool = False  # the lead unit


def parties_of(task: Task) -> list[Party]:
    parties = [Party(task.lead_unit.name, unit_id=task.lead_unit.id, lead=True)]
    parties += [Party(unit.name, unit_id=unit.id) for unit in task.cooperating_units]
    if task.lead_leader is not None:
        parties.append(Party(task.lead_leader.name, leader_id=task.lead_leader.id))
    return parties


def signoffs_of(session: Session, task_ids: Iterable[int]) -> dict[int, list[TaskSignoff]]:
    found: dict[int, list[TaskSignoff]] = defaultdict(list)
    ids = list(task_ids)
    if ids:
        for row in session.scalars(select(TaskSignoff).where(TaskSignoff.task_id.in_(ids))):
            found[row.task_id].append(row)
    return found


def _signed(party: Party, rows: list[TaskSignoff]) -> TaskSignoff | None:
    for row in rows:
        if party.unit_id is not None and row.unit_id == party.unit_id:
            return row
        if party.leader_id is not None and row.leader_id == party.leader_id:
            return row
    return None


def unsigned(task: Task, rows: list[TaskSignoff]) -> list[Party]:
    return [party for party in parties_of(task) if _signed(party, rows) is None]


def signing_line(session: Session, task: Task, zone: ZoneInfo) -> str | None:
    """`签收：乡镇A ✓（李娜 4月29日）· 乡镇B 未签收`, for the card; None before 交办."""
    if task.announced_at is None or task.state == TaskState.VERIFIED:
        return None
    rows = signoffs_of(session, [task.id]).get(task.id, [])
    parts = []
    for party in parties_of(task):
        row = _signed(party, rows)
        if row is None:
            parts.append(f"{party.name} 未签收")
        else:
            who = row.signed_by.name if row.signed_by and party.unit_id else ""
            when = short_date(row.signed_at, zone)
            parts.append(f"{party.name} ✓（{who + ' ' if who else ''}{when}）")
    return "签收：" + " · ".join(parts)


def party_of(actor: Actor, task: Task) -> Party:
    """The party `actor` signs for, or a refusal saying who signs."""
    held = relation(actor, task)
    if held == Relation.LEAD_LEADER and isinstance(actor, Person):
        return Party(actor.name, leader_id=actor.id)
    if held in (Relation.LEAD_UNIT, Relation.COOPERATING_UNIT) and isinstance(actor, Person):
        unit = actor.unit
        assert unit is not None
        return Party(unit.name, unit_id=unit.id, lead=held == Relation.LEAD_UNIT)
    if held == Relation.SUPERVISOR:
        raise Refusal("签收由责任单位和包联领导进行，督查室无需签收。")
    raise Refusal(f"没有找到 {task.code}，或它不在您的范围内。")


def sign(session: Session, task: Task, *, actor: Actor, now: datetime) -> tuple[Party, bool]:
    """Sign for `task` as the actor's party; returns the party and whether it was new.

    The unique constraints settle two members signing at once: one row, no error.
    """
    party = party_of(actor, task)
    rows = signoffs_of(session, [task.id]).get(task.id, [])
    if _signed(party, rows) is not None:
        return party, False
    signer = actor.id if isinstance(actor, Person) else None
    try:
        with session.begin_nested():
            session.add(
                TaskSignoff(
                    task_id=task.id,
                    unit_id=party.unit_id,
                    leader_id=party.leader_id,
                    signed_by_id=signer,
                    signed_at=now,
                )
            )
    except IntegrityError:  # signed a moment ago by another member
        return party, False
    record_change(session, task, actor, now, "signoff", None, party.name)
    return party, True


def already_signed_text(session: Session, task: Task, party: Party, zone: ZoneInfo) -> str:
    row = _signed(party, signoffs_of(session, [task.id]).get(task.id, []))
    when = f"于{short_date(row.signed_at, zone)}" if row is not None else ""
    return f"{task.code} {party.name}已{when}签收，无需重复签收。"
