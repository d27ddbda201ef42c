"""The summary on a small ledger whose every number was worked out by hand.

Now is Wednesday 2026-04-29 10:00 (Shanghai). Yellow = due within 3 working
days: 4-30, then the 劳动节 holiday 5-1..5-5, then 5-6 and 5-7, so open
tasks due up to 2026-05-07 23:59 are yellow.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.calendar.workcalendar import OFFICIAL_CALENDAR
from bot.core.access import SYSTEM
from bot.ledger.lights import Light, light_of, yellow_cutoff
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from bot.reports.render import summary_table, summary_text
from bot.reports.summary import Scope
from db.models import Person, Role, TaskState, Unit, UnitKind
from tests.conftest import SHANGHAI, local
from tests.factories import make_county, make_task

NOW = local(2026, 4, 29, 10)


@pytest.fixture
def ledger(session):  # type: ignore[no-untyped-def]
    county = make_county(session)
    session.add(Unit(name="东关镇", kind=UnitKind.TOWNSHIP))  # no tasks at all
    created = NOW - timedelta(days=10)
    town, dept = county.township, county.department

    def task(title, deadline, unit):  # type: ignore[no-untyped-def]
        return make_task(session, county, deadline=deadline, now=created, title=title, unit=unit)

    tasks = {
        "A": task("A 红", local(2026, 4, 28, 18), town),
        "B": task("B 红（一小时前到期）", local(2026, 4, 29, 9), town),
        "C": task("C 黄（第三个工作日）", local(2026, 5, 7, 18), town),
        "D": task("D 绿（第四个工作日）", local(2026, 5, 8, 18), town),
        "E": task("E 长期", None, town),
        "F": task("F 黄", local(2026, 5, 6, 18), dept),
        "G": task("G 已报完成", local(2026, 4, 20, 18), dept),
        "H": task("H 已销号", local(2026, 4, 1, 18), dept),
        "I": task("I 红", local(2026, 4, 27, 18), dept),
    }
    apply_action(session, tasks["G"], Action.REPORT_DONE, now=NOW - timedelta(days=9), actor=SYSTEM)
    apply_action(
        session, tasks["H"], Action.REPORT_DONE, now=NOW - timedelta(days=20), actor=SYSTEM
    )
    apply_action(session, tasks["H"], Action.VERIFY, now=NOW - timedelta(days=19), actor=SYSTEM)
    report_progress(session, tasks["C"], now=NOW - timedelta(days=3), actor=SYSTEM, text="过半")
    report_progress(session, tasks["I"], now=NOW - timedelta(days=8), actor=SYSTEM, text="推进中")
    return county, tasks


def summary_for(runtime, session, **kwargs):  # type: ignore[no-untyped-def]
    return runtime.summary(session, now=NOW, **kwargs)


def test_yellow_cutoff_skips_the_labour_day_holiday() -> None:
    cutoff = yellow_cutoff(NOW, OFFICIAL_CALENDAR, 3, SHANGHAI)
    assert cutoff.date().isoformat() == "2026-05-07"
    assert light_of(TaskState.OPEN, local(2026, 5, 7, 23, 59), NOW, cutoff) == Light.YELLOW
    assert light_of(TaskState.OPEN, local(2026, 5, 8, 0, 0), NOW, cutoff) == Light.GREEN
    assert light_of(TaskState.REPORTED_DONE, local(2026, 4, 1), NOW, cutoff) is None


def test_counts_per_unit_worst_first(runtime, session, ledger) -> None:
    summary = summary_for(runtime, session)
    rows = [
        (
            u.unit_name,
            u.counts.red,
            u.counts.yellow,
            u.counts.green,
            u.counts.reported_done,
            u.counts.verified,
        )
        for u in summary.units
    ]
    assert rows == [
        ("城关镇", 2, 1, 2, 0, 0),
        ("县住建局", 1, 1, 0, 1, 1),
        ("东关镇", 0, 0, 0, 0, 0),
    ]
    totals = summary.totals
    assert (totals.red, totals.yellow, totals.green, totals.reported_done, totals.verified) == (
        3,
        2,
        2,
        1,
        1,
    )
    assert totals.total == 9


def test_overdue_list_oldest_first_and_cut(runtime, session, ledger) -> None:
    summary = summary_for(runtime, session, overdue_limit=2)
    assert [t.title for t in summary.overdue] == ["I 红", "A 红"]
    assert summary.overdue_count == 3
    assert summary.overdue[0].leader_name == "王建国"
    text = summary_text(summary, SHANGHAI)
    assert "• DB-0009 I 红 · 县住建局 · 逾期2天 · 进度0%" in text
    assert "……另有 1 项逾期未列出" in text


def test_silent_units_are_those_without_a_report_on_open_tasks_for_a_week(
    runtime, session, ledger
) -> None:
    summary = summary_for(runtime, session)
    assert [(s.unit_name, s.last_report_at) for s in summary.silent_units] == [
        ("县住建局", NOW - timedelta(days=8))
    ]
    assert "• 县住建局（最近一次 4月21日）" in summary_text(summary, SHANGHAI)


def test_a_report_on_a_task_just_reported_done_counts(runtime, session, ledger) -> None:
    _, tasks = ledger
    report_progress(session, tasks["G"], now=NOW - timedelta(days=1), actor=SYSTEM, text="补充材料")
    assert summary_for(runtime, session).silent_units == []


def test_new_units_are_not_silent_before_a_week_has_passed(runtime, session) -> None:
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 6, 1, 18), now=NOW - timedelta(days=6))
    assert summary_for(runtime, session).silent_units == []


def test_scopes_count_only_the_leaders_or_units_tasks(runtime, session, ledger) -> None:
    county, tasks = ledger
    unit_view = summary_for(runtime, session, scope=Scope(unit_id=county.department.id))
    assert [u.unit_name for u in unit_view.units] == ["县住建局"]
    assert unit_view.totals.total == 4
    other = Person(name="李志强", role=Role.LEADER)
    session.add(other)
    tasks["F"].lead_leader = other
    session.commit()
    leader_view = summary_for(runtime, session, scope=Scope(leader_id=county.leader.id))
    assert leader_view.totals.total == 8
    assert summary_for(runtime, session, scope=Scope(leader_id=other.id)).totals.yellow == 1
    nobody = summary_for(runtime, session, scope=Scope(leader_id=county.member.id))
    assert nobody.totals.total == 0


def test_cli_table_lines_up(runtime, session, ledger) -> None:
    table = summary_table(summary_for(runtime, session), SHANGHAI)
    lines = table.splitlines()
    assert lines[0] == "督办事项总览（截至 2026-04-29（周三）10:00）"
    assert lines[2].split() == ["单位", "红灯", "黄灯", "绿灯", "已报完成", "已销号", "合计"]
    assert lines[4].split() == ["城关镇", "2", "1", "2", "0", "0", "5"]
    assert lines[7].split() == ["合计", "3", "2", "2", "1", "1", "9"]


def test_sql_lights_agree_with_light_of_on_a_random_ledger(runtime, session) -> None:
    """The summary counts lights in SQL; the digest and export use light_of. Same rules."""
    import random

    from db.models import Task

    county = make_county(session)
    rng = random.Random(7)
    for number in range(120):
        offset = timedelta(hours=rng.randint(-24 * 20, 24 * 20))
        deadline = None if number % 17 == 0 else NOW + offset
        task = make_task(session, county, deadline=deadline, now=NOW, title=f"事项{number}")
        task.state = rng.choice(
            [TaskState.OPEN] * 4 + [TaskState.REPORTED_DONE, TaskState.VERIFIED]
        )
    session.commit()
    summary = summary_for(runtime, session)
    cutoff = runtime.yellow_until(session, NOW)
    expected = {light: 0 for light in Light}
    for task in session.query(Task):
        light = light_of(task.state, task.deadline, NOW, cutoff)
        if light is not None:
            expected[light] += 1
    totals = summary.totals
    assert (totals.red, totals.yellow, totals.green) == (
        expected[Light.RED],
        expected[Light.YELLOW],
        expected[Light.GREEN],
    )
    assert min(expected.values()) > 0


def test_overdue_and_silent_units_agree_with_counting_by_hand_on_a_random_ledger(
    runtime, session
) -> None:  # type: ignore[no-untyped-def]
    """The overdue list and the silent units are asked of SQL the quick way round;
    here they are worked out task by task and report by report, in every scope."""
    import random

    from bot.ledger.changes import create_task
    from bot.reports.summary import ledger_summary
    from db.models import ProgressReport, Task

    county = make_county(session)
    rng = random.Random(3)
    units = [county.township, county.department]
    units += [Unit(name=f"第{i}乡镇", kind=UnitKind.TOWNSHIP) for i in range(5)]
    leaders = [county.leader, Person(name="李志强", role=Role.LEADER)]
    session.add_all(units + leaders)
    for number in range(90):
        created = NOW - timedelta(days=rng.randint(0, 40))
        lead = rng.choice(units[:-1])  # the last unit leads nothing
        task = create_task(
            session,
            title=f"事项{number}",
            lead_unit=lead,
            deadline=None if number % 13 == 0 else NOW + timedelta(hours=rng.randint(-600, 600)),
            now=created,
            actor=SYSTEM,
            lead_leader=rng.choice(leaders),
            cooperating_units=rng.sample([u for u in units if u is not lead], rng.randint(0, 2)),
            allow_past_deadline=True,
        )
        never_reports = lead is units[-2]
        for _ in range(0 if never_reports else rng.choice([0, 0, 1, 2])):
            at = created + (NOW - created) * rng.random()
            report_progress(session, task, now=at, actor=SYSTEM, text="推进中")
        task.state = rng.choice(
            [TaskState.OPEN] * 4 + [TaskState.REPORTED_DONE, TaskState.VERIFIED]
        )
    session.commit()

    tasks = session.scalars(select(Task)).all()
    reports = session.scalars(select(ProgressReport)).all()
    scopes = [Scope(county=True), *(Scope(leader_id=p.id) for p in leaders)]
    scopes += [Scope(unit_id=u.id) for u in units]
    for stale_days in (3, 7, 20):
        cutoff = NOW - timedelta(days=stale_days)
        for scope in scopes:
            summary = ledger_summary(
                session,
                now=NOW,
                yellow_until=runtime.yellow_until(session, NOW),
                stale_days=stale_days,
                scope=scope,
                overdue_limit=7,
            )

            red = [
                t
                for t in tasks
                if (_led(scope, t) or _cooperating(scope, t))
                and t.state == TaskState.OPEN
                and t.deadline is not None
                and t.deadline < NOW
            ]
            red.sort(key=lambda t: (t.deadline, t.code))
            assert [(o.code, o.cooperating) for o in summary.overdue] == [
                (t.code, _cooperating(scope, t)) for t in red[:7]
            ], scope
            expected = []
            for unit in units:
                own = [t for t in tasks if _led(scope, t) and t.lead_unit_id == unit.id]
                opened = [t.created_at for t in own if t.state == TaskState.OPEN]
                ids = {t.id for t in own}
                times = [r.created_at for r in reports if r.task_id in ids]
                last = max(times, default=None)
                if opened and min(opened) < cutoff and (last is None or last < cutoff):
                    expected.append((last is not None, last or NOW, unit.name, last))
            expected.sort(key=lambda row: row[:3])
            assert [(s.unit_name, s.last_report_at) for s in summary.silent_units] == [
                (name, last) for *_, name, last in expected
            ], (scope, stale_days)
    silent = [u for s in scopes for u in summary_for(runtime, session, scope=s).silent_units]
    assert {u.last_report_at is None for u in silent} == {True, False}  # both kinds were seen


def _led(scope: Scope, task) -> bool:  # type: ignore[no-untyped-def]
    if scope.county:
        return True
    if scope.leader_id is not None:
        return task.lead_leader_id == scope.leader_id
    return task.lead_unit_id == scope.unit_id


def _cooperating(scope: Scope, task) -> bool:  # type: ignore[no-untyped-def]
    return scope.unit_id is not None and scope.unit_id in {u.id for u in task.cooperating_units}
