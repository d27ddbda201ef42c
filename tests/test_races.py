"""Two sessions racing on one rule: the database decides, the loser gets a Chinese refusal.

Each race is played out step by step with two real sessions on PostgreSQL (no
sleeps): both pass the friendly look-up before either commits, as two bot
processes would, and the constraint or the version column refuses the second
writer. SQLite cannot interleave them (a unit of work that writes begins
IMMEDIATE, so writers queue), which the threaded code race checks on both.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.calendar.overrides import add_holiday
from bot.core.access import SYSTEM, Refusal
from bot.core.transaction import CONFLICTS, STALE, unit_of_work
from bot.ledger.changes import create_task
from bot.ledger.extensions import request_extension
from bot.ledger.states import Action, apply_action
from db.models import CalendarOverrideRow, ExtensionRequest, Task, Unit
from tests.conftest import SHANGHAI, local

NOW = local(2026, 4, 29, 10)


@pytest.fixture
def postgres(engine) -> None:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite queues writers: two units of work cannot interleave")


@pytest.fixture
def task_code(sessions) -> str:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as session:
        unit = Unit(name="城关镇")
        session.add(unit)
        task = create_task(
            session,
            title="农村改厕1200户",
            lead_unit=unit,
            deadline=local(2026, 5, 8, 18),
            now=NOW,
            actor=SYSTEM,
        )
        return task.code


def _task(session: Session, code: str) -> Task:
    return session.scalars(select(Task).where(Task.code == code)).one()


def test_racing_task_creators_get_distinct_codes(sessions) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as session:
        session.add(Unit(name="城关镇"))
    writers, tasks_each = 4, 10
    start = threading.Barrier(writers)
    codes: list[str] = []
    failures: list[BaseException] = []

    def create_some() -> None:
        start.wait()
        try:
            for number in range(tasks_each):
                with unit_of_work(sessions) as session:
                    task = create_task(
                        session,
                        title=f"事项{number}",
                        lead_unit=session.scalars(select(Unit)).one(),
                        deadline=None,
                        now=NOW,
                        actor=SYSTEM,
                    )
                    codes.append(task.code)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=create_some) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    expected = [f"DB-{n:04d}" for n in range(1, writers * tasks_each + 1)]
    assert sorted(codes) == expected
    with sessions() as session:
        assert sorted(session.scalars(select(Task.code))) == expected


def test_racing_extension_requests_give_one_request_and_one_refusal(
    sessions, task_code, postgres
) -> None:  # type: ignore[no-untyped-def]
    first = unit_of_work(sessions)
    second = unit_of_work(sessions)
    a, b = first.__enter__(), second.__enter__()
    for session, reason in ((a, "设备到货推迟"), (b, "人手不足")):
        request_extension(
            session,
            _task(session, task_code),
            now=NOW,
            actor=SYSTEM,
            proposed_deadline=local(2026, 6, 8, 18),
            reason=reason,
            zone=SHANGHAI,
        )
    first.__exit__(None, None, None)  # the first one commits
    with pytest.raises(Refusal) as refused:
        second.__exit__(None, None, None)
    assert str(refused.value) == CONFLICTS["uq_extension_requests_pending"]
    with sessions() as session:
        reasons = session.scalars(select(ExtensionRequest.reason)).all()
    assert reasons == ["设备到货推迟"]


def test_racing_holiday_entries_give_one_row_and_one_refusal(sessions, postgres) -> None:  # type: ignore[no-untyped-def]
    first = unit_of_work(sessions)
    second = unit_of_work(sessions)
    a, b = first.__enter__(), second.__enter__()
    span = {"name": "春节", "first_day": date(2027, 2, 6), "last_day": date(2027, 2, 13)}
    for session in (a, b):  # both look, find nothing, and add
        add_holiday(session, **span, now=NOW, actor=SYSTEM)
    first.__exit__(None, None, None)
    with pytest.raises(Refusal) as refused:
        second.__exit__(None, None, None)
    assert str(refused.value) == CONFLICTS["uq_calendar_overrides_span"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(CalendarOverrideRow)) == 1


def test_two_supervisors_verifying_at_once_change_the_task_once(
    sessions, task_code, postgres
) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as session:
        apply_action(session, _task(session, task_code), Action.REPORT_DONE, now=NOW, actor=SYSTEM)
    first = unit_of_work(sessions)
    second = unit_of_work(sessions)
    a, b = first.__enter__(), second.__enter__()
    tasks = [_task(a, task_code), _task(b, task_code)]  # both read "reported done"
    apply_action(a, tasks[0], Action.VERIFY, now=NOW, actor=SYSTEM)
    apply_action(b, tasks[1], Action.RETURN, now=NOW, actor=SYSTEM, reason="材料不全")
    first.__exit__(None, None, None)
    with pytest.raises(Refusal) as refused:
        second.__exit__(None, None, None)
    assert str(refused.value) == STALE
    with sessions() as session:
        assert _task(session, task_code).state == "verified"
