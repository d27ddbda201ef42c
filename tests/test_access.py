"""The access policy, role × action × relation: what the table says, the services do,
and the read scopes show exactly the tasks one may see."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import (
    SYSTEM,
    Actor,
    OfficeAction,
    Refusal,
    Relation,
    TaskAction,
    may,
    relation,
    require_office,
    scope_of,
    visible_task,
)
from bot.ledger.changes import change_task, create_task
from bot.ledger.extensions import decide_extension, request_extension
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from db.models import Person, Role, Task, Unit, UnitKind
from tests.conftest import SHANGHAI, local

NOW = local(2026, 4, 29, 10)
A = TaskAction

# Written out by hand, independently of bot.core.access.TASK_RIGHTS: who may do what on
# task DB-0001 (led by 城关镇, with 县住建局 cooperating, 王建国 its lead leader).
EXPECTED: dict[str, set[TaskAction]] = {
    "supervisor": set(TaskAction),
    "system": set(TaskAction),
    "lead_leader": {A.VIEW, A.REPORT_PROGRESS},
    "other_leader": set(),
    "lead_member": {A.VIEW, A.REPORT_PROGRESS, A.REPORT_DONE, A.REQUEST_EXTENSION},
    "cooperating_member": {A.VIEW, A.REPORT_PROGRESS},
    "unrelated_member": set(),
    "member_without_unit": set(),
    "inactive_lead_member": set(),
    "nobody": set(),
}
RELATIONS = {
    "supervisor": Relation.SUPERVISOR,
    "system": Relation.SUPERVISOR,
    "lead_leader": Relation.LEAD_LEADER,
    "other_leader": Relation.UNRELATED,
    "lead_member": Relation.LEAD_UNIT,
    "cooperating_member": Relation.COOPERATING_UNIT,
    "unrelated_member": Relation.UNRELATED,
    "member_without_unit": Relation.UNRELATED,
    "inactive_lead_member": Relation.UNRELATED,
    "nobody": Relation.UNRELATED,
}
# Which of the three tasks each one sees (DB-0002 is 县住建局's own, led by 李伟;
# DB-0003 is 县水利局's, with 城关镇 cooperating).
VISIBLE = {
    "supervisor": {"DB-0001", "DB-0002", "DB-0003"},
    "system": {"DB-0001", "DB-0002", "DB-0003"},
    "lead_leader": {"DB-0001", "DB-0003"},
    "other_leader": {"DB-0002"},
    "lead_member": {"DB-0001", "DB-0003"},
    "cooperating_member": {"DB-0001", "DB-0002"},
    "unrelated_member": {"DB-0003"},  # 县水利局 leads it
    "member_without_unit": set(),
    "inactive_lead_member": set(),
    "nobody": set(),
}


@dataclass
class World:
    actors: dict[str, Actor | None]
    tasks: dict[str, Task]


@pytest.fixture
def world(session: Session) -> World:
    township = Unit(name="城关镇", kind=UnitKind.TOWNSHIP)
    housing = Unit(name="县住建局", kind=UnitKind.DEPARTMENT)
    water = Unit(name="县水利局", kind=UnitKind.DEPARTMENT)
    people = {
        "supervisor": Person(name="周明", role=Role.SUPERVISOR),
        "lead_leader": Person(name="王建国", role=Role.LEADER),
        "other_leader": Person(name="李伟", role=Role.LEADER),
        "lead_member": Person(name="李娜", role=Role.MEMBER, unit=township),
        "cooperating_member": Person(name="赵强", role=Role.MEMBER, unit=housing),
        "unrelated_member": Person(name="孙丽", role=Role.MEMBER, unit=water),
        "member_without_unit": Person(name="钱七", role=Role.MEMBER),
        "inactive_lead_member": Person(name="吴六", role=Role.MEMBER, unit=township, active=False),
    }
    session.add_all([township, housing, water, *people.values()])
    task = create_task(
        session,
        title="农村改厕1200户",
        lead_unit=township,
        cooperating_units=[housing],
        lead_leader=people["lead_leader"],
        deadline=local(2026, 5, 8, 18),
        now=NOW,
        actor=SYSTEM,
    )
    own = create_task(
        session,
        title="老旧小区改造",
        lead_unit=housing,
        lead_leader=people["other_leader"],
        deadline=None,
        now=NOW,
        actor=SYSTEM,
    )
    water_task = create_task(
        session,
        title="河道清淤",
        lead_unit=water,
        cooperating_units=[township],
        lead_leader=people["lead_leader"],
        deadline=None,
        now=NOW,
        actor=SYSTEM,
    )
    session.commit()
    actors: dict[str, Actor | None] = {**people, "system": SYSTEM, "nobody": None}
    return World(actors, {t.code: t for t in (task, own, water_task)})


def test_the_table_of_rights_is_what_the_office_expects(world: World) -> None:
    task = world.tasks["DB-0001"]
    for name, actor in world.actors.items():
        assert relation(actor, task) == RELATIONS[name], name
        allowed = {action for action in TaskAction if may(actor, action, task)}
        assert allowed == EXPECTED[name], name


def _attempt(session: Session, world: World, actor: Actor | None, action: TaskAction) -> None:
    """Do `action` on DB-0001 as `actor` through the real service, from the state it needs."""
    task = world.tasks["DB-0001"]
    if action == A.VIEW:
        visible_task(session, actor, "db-0001")
    elif action == A.REPORT_PROGRESS:
        report_progress(session, task, now=NOW, actor=actor, text="完成选址", percent=30)
    elif action == A.REPORT_DONE:
        apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=actor)
    elif action == A.REQUEST_EXTENSION:
        request_extension(
            session,
            task,
            now=NOW,
            actor=actor,
            proposed_deadline=local(2026, 6, 8, 18),
            reason="设备到货推迟",
            zone=SHANGHAI,
        )
    elif action in (A.VERIFY, A.RETURN):
        apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=SYSTEM)
        state_action = Action.VERIFY if action == A.VERIFY else Action.RETURN
        apply_action(session, task, state_action, now=NOW, actor=actor, reason="材料不全")
    elif action == A.DECIDE_EXTENSION:
        request = request_extension(
            session,
            task,
            now=NOW,
            actor=SYSTEM,
            proposed_deadline=local(2026, 6, 8, 18),
            reason="设备到货推迟",
            zone=SHANGHAI,
        )
        decide_extension(session, request, now=NOW, actor=actor, approve=True)
    elif action == A.EDIT:
        change_task(session, task, now=NOW, actor=actor, title="农村改厕1300户")
    else:  # a new action must be added here and to EXPECTED
        raise AssertionError(f"no attempt written for {action}")


@pytest.mark.parametrize("action", list(TaskAction))
def test_every_service_asks_the_policy(session: Session, world: World, action) -> None:
    for name, actor in world.actors.items():
        try:
            _attempt(session, world, actor, action)
        except Refusal as refusal:
            assert action not in EXPECTED[name], f"{name} refused {action}: {refusal}"
        else:
            assert action in EXPECTED[name], f"{name} was allowed {action}"
        finally:
            session.rollback()


def test_refusals_say_why_without_revealing_other_units_tasks(
    session: Session, world: World
) -> None:
    task = world.tasks["DB-0001"]
    actors = world.actors
    with pytest.raises(Refusal) as stranger:
        apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=actors["unrelated_member"])
    assert str(stranger.value) == (
        "没有找到 DB-0001，或它不在您的范围内。发送 /status 可查看您范围内的事项。"
    )
    with pytest.raises(Refusal) as helper:
        apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=actors["cooperating_member"])
    assert str(helper.value) == "DB-0001 由城关镇牵头，报完成请由牵头单位提出。"
    with pytest.raises(Refusal) as member:
        change_task(session, task, now=NOW, actor=actors["lead_member"], title="改")
    assert str(member.value) == "只有督查室可以修改督办事项。"
    # An unknown code and a hidden one read the same.
    with pytest.raises(Refusal) as unknown:
        visible_task(session, actors["unrelated_member"], "DB-0999")
    assert str(unknown.value).startswith("没有找到 DB-0999，或它不在您的范围内。")


def test_read_scopes_show_exactly_the_visible_tasks(session: Session, world: World) -> None:
    for name, actor in world.actors.items():
        shown = set(session.scalars(select(Task.code).where(scope_of(actor).tasks())))
        allowed = {code for code, task in world.tasks.items() if may(actor, A.VIEW, task)}
        assert shown == allowed == VISIBLE[name], name


@pytest.mark.parametrize("action", list(OfficeAction))
def test_office_actions_are_the_supervisors_alone(world: World, action) -> None:
    for name, actor in world.actors.items():
        try:
            require_office(actor, action)
        except Refusal as refusal:
            assert name not in ("supervisor", "system"), f"{name}: {refusal}"
            assert str(refusal).startswith("只有督查室可以")
        else:
            assert name in ("supervisor", "system"), f"{name} was allowed {action}"


def test_a_unit_counts_its_cooperating_tasks_apart(runtime, session: Session, world) -> None:
    helper = world.actors["cooperating_member"]
    summary = runtime.summary(session, scope=scope_of(helper), now=local(2026, 5, 12, 10))
    # Its own figures: the task it leads (no deadline, so green).
    assert [(u.unit_name, u.counts.total) for u in summary.units] == [("县住建局", 1)]
    assert (summary.totals.total, summary.totals.green) == (1, 1)
    # The task it cooperates on is overdue by then: counted apart, listed as such.
    assert summary.cooperating is not None
    assert (summary.cooperating.total, summary.cooperating.red) == (1, 1)
    assert [(t.code, t.cooperating) for t in summary.overdue] == [("DB-0001", True)]
    county = runtime.summary(session, now=local(2026, 5, 12, 10))
    housing = next(u for u in county.units if u.unit_name == "县住建局")
    assert housing.counts.total == 1  # the county counts DB-0001 under 城关镇 only
    assert county.cooperating is None
