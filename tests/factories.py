"""Small builders for a hand-checked ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.ledger.changes import create_task
from db.models import Person, Role, Task, Unit, UnitKind


@dataclass
class County:
    township: Unit
    department: Unit
    supervisor: Person
    leader: Person
    member: Person  # of the township
    outsider: Person  # a member of the department


def make_county(session: Session) -> County:
    township = Unit(name="城关镇", kind=UnitKind.TOWNSHIP)
    department = Unit(name="县住建局", kind=UnitKind.DEPARTMENT)
    supervisor = Person(name="周明", role=Role.SUPERVISOR, telegram_user_id=1)
    leader = Person(name="王建国", role=Role.LEADER, telegram_user_id=2)
    member = Person(name="李娜", role=Role.MEMBER, unit=township, telegram_user_id=3)
    outsider = Person(name="赵强", role=Role.MEMBER, unit=department, telegram_user_id=4)
    session.add_all([township, department, supervisor, leader, member, outsider])
    session.commit()
    return County(township, department, supervisor, leader, member, outsider)


def make_task(
    session: Session,
    county: County,
    *,
    deadline: datetime | None,
    now: datetime,
    title: str = "农村改厕1200户",
    unit: Unit | None = None,
    announced: bool = True,
) -> Task:
    """A task, committed: the test is the caller that owns the transaction.

    `announced`: given out (交办) when it was made, as a ledger kept before the bot's
    announcements; False leaves it for the next scan to announce."""
    task = create_task(
        session,
        title=title,
        lead_unit=unit or county.township,
        deadline=deadline,
        now=now,
        actor=county.supervisor,
        lead_leader=county.leader,
        allow_past_deadline=True,
    )
    if announced:
        task.announced_at = now
    session.commit()
    return task
