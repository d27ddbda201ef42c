"""The task state machine, extension requests and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.access import SYSTEM, Refusal
from bot.ledger.changes import LedgerError, change_task, create_task, task_history
from bot.ledger.codes import next_task_code
from bot.ledger.extensions import decide_extension, request_extension
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from db.models import ExtensionState, ProgressReport, TaskState
from tests.conftest import SHANGHAI, local
from tests.factories import make_county, make_task

NOW = local(2026, 4, 29, 10)


@pytest.fixture
def county(session):  # type: ignore[no-untyped-def]
    return make_county(session)


@pytest.fixture
def task(session, county):  # type: ignore[no-untyped-def]
    return make_task(session, county, deadline=local(2026, 5, 8, 18), now=NOW)


def test_new_tasks_get_sequential_codes_and_a_created_event(session, county, task) -> None:
    second = make_task(session, county, deadline=local(2026, 6, 30, 18), now=NOW, title="街巷硬化")
    assert (task.code, second.code) == ("DB-0001", "DB-0002")
    assert next_task_code(session) == "DB-0003"
    events = task_history(session, task)
    assert [(e.field, e.new_value, e.actor_id) for e in events] == [
        ("created", "DB-0001", county.supervisor.id)
    ]


def test_codes_keep_growing_past_four_digits(session, county) -> None:
    create_task(
        session,
        title="x",
        lead_unit=county.township,
        deadline=None,
        now=NOW,
        actor=SYSTEM,
        code="DB-9999",
    )
    grown = create_task(
        session, title="y", lead_unit=county.township, deadline=None, now=NOW, actor=SYSTEM
    )
    assert grown.code == "DB-10000"
    assert next_task_code(session) == "DB-10001"


def test_creating_a_task_with_a_past_deadline_is_refused(session, county) -> None:
    with pytest.raises(LedgerError, match="已经过去"):
        create_task(
            session,
            title="引进亿元以上项目",
            lead_unit=county.township,
            deadline=local(2026, 4, 28, 18),
            now=NOW,
            actor=county.supervisor,
        )


def test_only_supervisors_create_tasks(session, county) -> None:
    with pytest.raises(Refusal, match="只有督查室"):
        create_task(
            session,
            title="x",
            lead_unit=county.township,
            deadline=None,
            now=NOW,
            actor=county.member,
        )


def test_full_path_open_reported_done_verified(session, county, task) -> None:
    apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=county.member, reason="已办结")
    assert (task.state, task.percent) == (TaskState.REPORTED_DONE, 100)
    apply_action(session, task, Action.VERIFY, now=NOW, actor=county.supervisor)
    assert task.state == TaskState.VERIFIED
    history = [(e.field, e.old_value, e.new_value) for e in task_history(session, task)]
    assert history == [
        ("created", None, "DB-0001"),
        ("state", "open", "reported_done"),
        ("percent", "0", "100"),
        ("state", "reported_done", "verified"),
    ]
    report = session.scalar(select(ProgressReport).where(ProgressReport.task_id == task.id))
    assert (report.text, report.state_change, report.person_id) == (
        "已办结",
        "reported_done",
        county.member.id,
    )


def test_return_sends_the_task_back_with_the_reason(session, county, task) -> None:
    apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=county.member)
    apply_action(
        session, task, Action.RETURN, now=NOW, actor=county.supervisor, reason="佐证材料不全"
    )
    assert task.state == TaskState.OPEN
    last = task_history(session, task)[-1]
    assert (last.old_value, last.new_value, last.note) == ("reported_done", "open", "佐证材料不全")


def test_return_needs_a_reason(session, county, task) -> None:
    apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=county.member)
    with pytest.raises(LedgerError, match="原因"):
        apply_action(session, task, Action.RETURN, now=NOW, actor=county.supervisor, reason=" ")
    assert task.state == TaskState.REPORTED_DONE


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        (TaskState.OPEN, Action.VERIFY, "报完成后才能销号"),
        (TaskState.OPEN, Action.RETURN, "只有已报完成的事项才能退回"),
        (TaskState.REPORTED_DONE, Action.REPORT_DONE, "无需重复上报"),
        (TaskState.VERIFIED, Action.REPORT_DONE, "已销号"),
        (TaskState.VERIFIED, Action.VERIFY, "已经销号"),
        (TaskState.VERIFIED, Action.RETURN, "不能退回"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    session, county, task, state, action, message
) -> None:
    task.state = state
    session.commit()
    events_before = len(task_history(session, task))
    with pytest.raises(LedgerError, match=message) as refused:
        apply_action(session, task, action, now=NOW, actor=county.supervisor, reason="原因")
    assert str(refused.value).startswith("DB-0001 ")
    session.refresh(task)
    assert task.state == state
    assert len(task_history(session, task)) == events_before


def test_members_cannot_verify_or_report_for_other_units(session, county, task) -> None:
    with pytest.raises(Refusal, match="没有找到 DB-0001，或它不在您的范围内"):
        apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=county.outsider)
    apply_action(session, task, Action.REPORT_DONE, now=NOW, actor=county.member)
    with pytest.raises(Refusal, match="只有督查室"):
        apply_action(session, task, Action.VERIFY, now=NOW, actor=county.member)


def test_cooperating_unit_members_may_report(session, county, task) -> None:
    change_task(
        session, task, now=NOW, actor=county.supervisor, cooperating_units=[county.department]
    )
    report = report_progress(
        session, task, now=NOW, actor=county.outsider, text="已完成选址", percent=30
    )
    assert report.percent == 30
    assert task.percent == 30


def test_progress_report_records_percent_and_help_flag(session, county, task) -> None:
    report_progress(
        session, task, now=NOW, actor=county.member, text="卡在征地，需协调", needs_help=True
    )
    report_progress(session, task, now=NOW, actor=county.member, text="完成六成", percent=60)
    assert (task.percent, task.needs_help) == (60, True)  # a report silent on it keeps 需协调
    report_progress(
        session, task, now=NOW, actor=county.member, text="征地已解决", needs_help=False
    )
    assert task.needs_help is False
    fields = [e.field for e in task_history(session, task)]
    assert fields == ["created", "needs_help", "percent", "needs_help"]


def test_extension_approved_moves_the_deadline_and_keeps_the_old_one(session, county, task) -> None:
    request = request_extension(
        session,
        task,
        now=NOW,
        actor=county.member,
        proposed_deadline=local(2026, 5, 29, 18),
        reason="设备到货推迟",
        zone=SHANGHAI,
    )
    with pytest.raises(LedgerError, match="已有一条延期申请"):
        request_extension(
            session,
            task,
            now=NOW,
            actor=county.member,
            proposed_deadline=local(2026, 6, 29, 18),
            reason="再延",
            zone=SHANGHAI,
        )
    decide_extension(session, request, now=NOW, actor=county.supervisor, approve=True)
    assert request.state == ExtensionState.APPROVED
    assert task.deadline == local(2026, 5, 29, 18)
    deadline_event = task_history(session, task)[-1]
    assert deadline_event.field == "deadline"
    assert deadline_event.old_value.startswith("2026-05-08T10:00")  # 18:00 Shanghai in UTC
    with pytest.raises(LedgerError, match="已由周明批准"):  # says who decided it
        decide_extension(session, request, now=NOW, actor=county.supervisor, approve=False)


def test_extension_denied_keeps_the_deadline(session, county, task) -> None:
    request = request_extension(
        session,
        task,
        now=NOW,
        actor=county.member,
        proposed_deadline=local(2026, 5, 29, 18),
        reason="人手不足",
        zone=SHANGHAI,
    )
    with pytest.raises(Refusal, match="只有督查室"):
        decide_extension(session, request, now=NOW, actor=county.member, approve=True)
    decide_extension(session, request, now=NOW, actor=county.supervisor, approve=False, note="不批")
    assert request.state == ExtensionState.DENIED
    assert task.deadline == local(2026, 5, 8, 18)


@pytest.mark.parametrize(
    ("proposed", "reason", "message"),
    [
        (local(2026, 5, 1, 18), "理由", "应晚于现在的截止时间（2026-05-08 18:00）"),
        (local(2026, 4, 28, 18), "理由", "已经过去"),
        (local(2026, 6, 1, 18), "", "写明理由"),
    ],
)
def test_bad_extension_requests_are_refused(
    session, county, task, proposed, reason, message
) -> None:
    with pytest.raises(LedgerError, match=message):
        request_extension(
            session,
            task,
            now=NOW,
            actor=county.member,
            proposed_deadline=proposed,
            reason=reason,
            zone=SHANGHAI,
        )


def test_change_task_records_only_real_changes(session, county, task) -> None:
    changed = change_task(
        session, task, now=NOW, actor=county.supervisor, title="农村改厕1200户", percent=40
    )
    assert changed == ["percent"]
    with pytest.raises(LedgerError, match="0 到 100"):
        change_task(session, task, now=NOW, actor=county.supervisor, percent=140)


def test_a_code_too_long_for_the_column_is_refused(session, county) -> None:
    create_task(
        session,
        title="x",
        lead_unit=county.township,
        deadline=None,
        now=NOW,
        actor=SYSTEM,
        code="DB-" + "9" * 12,
    )
    with pytest.raises(LedgerError, match="超过 30 个字符"):
        create_task(
            session,
            title="y",
            lead_unit=county.township,
            deadline=None,
            now=NOW,
            actor=SYSTEM,
            code="DB-" + "9" * 28,
        )
