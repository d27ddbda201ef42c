"""Reminders, escalations and digests through the outbox, with the clock under control.

Each test moves the clock, runs one planning pass and one sending pass (what
the repeating job does), and checks what reached Telegram and what the outbox
holds.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.core.access import SYSTEM
from bot.ledger.changes import change_task, create_task
from bot.ledger.states import Action, apply_action
from bot.outbox import delivery
from db.models import (
    ChatBinding,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    ProgressReport,
    Role,
    Task,
    Unit,
    UnitKind,
)
from jobs import outbox as sending
from jobs.outbox import send_due
from jobs.scan import plan_now
from tests.conftest import SHANGHAI
from tests.telegram_fakes import message_update

MEMBER, LEADER, SUPERVISOR = 301, 302, 303


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def no_digests(runtime):  # type: ignore[no-untyped-def]
    """Digests out of the way (planned at 21:00) and reminders on their own at 09:00, as
    before the morning message, for tests about reminders."""
    runtime.settings = runtime.settings.model_copy(
        update={"digest_time": time(21, 0), "morning_message": False}
    )


@pytest.fixture
def county(session):  # type: ignore[no-untyped-def]
    township = Unit(name="城关镇", kind=UnitKind.TOWNSHIP)
    leader = Person(name="王建国", role=Role.LEADER, telegram_user_id=LEADER)
    session.add_all(
        [
            township,
            leader,
            Person(name="李娜", role=Role.MEMBER, unit=township, telegram_user_id=MEMBER),
            Person(name="周明", role=Role.SUPERVISOR, telegram_user_id=SUPERVISOR),
        ]
    )
    session.commit()
    return township, leader


def new_task(session, county, deadline: datetime, title: str = "农村改厕1200户") -> Task:  # type: ignore[no-untyped-def]
    township, leader = county
    task = create_task(
        session,
        title=title,
        lead_unit=township,
        lead_leader=leader,
        deadline=deadline,
        now=deadline - timedelta(days=60),
        actor=SYSTEM,
    )
    task.announced_at = task.created_at  # given out long ago: these tests are about reminders
    session.commit()
    return task


async def scan(bot_app, runtime, clock, moment: datetime) -> list:  # type: ignore[no-untyped-def]
    """Plan and send at `moment`; return the messages that reached Telegram."""
    app, request = bot_app
    clock.set(moment)
    before = len(request.calls)
    plan_now(runtime, moment)
    await send_due(app.bot, runtime, now=moment)
    import os

    if os.environ.get("DBG"):
        for c in request.calls[before:]:
            print(moment, c.method, str(c.params)[:150], c.result)
    return [
        call
        for call in request.calls[before:]
        if call.method == "sendMessage" and "message_id" in (call.result or {})
    ]


def texts_to(messages: list, chat_id: int, prefix: str = "") -> list[str]:
    return [
        m.params["text"]
        for m in messages
        if int(m.params["chat_id"]) == chat_id and m.params["text"].startswith(prefix)
    ]


async def test_the_ladder_across_the_national_day_holiday(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    # Due Monday 12 October 2026. 10-01..10-07 are the holiday; Saturday 10-10 is a
    # make-up working day. 7 days before (10-05) falls in the holiday and moves to
    # 10-08; 3 days before is 10-09; the last working day before is Saturday 10-10.
    new_task(session, county, shanghai(2026, 10, 12, 18))
    reminded: dict[date, list[str]] = {}
    escalated: dict[date, list[str]] = {}
    day = date(2026, 9, 28)
    while day <= date(2026, 10, 15):
        sent = await scan(bot_app, runtime, clock, shanghai(day.year, day.month, day.day, 9, 0))
        if texts_to(sent, MEMBER, "⏰"):
            reminded[day] = texts_to(sent, MEMBER, "⏰")
        if texts_to(sent, LEADER, "⚠️"):
            escalated[day] = texts_to(sent, LEADER, "⚠️")
        day += timedelta(days=1)
    assert list(reminded) == [
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
        date(2026, 10, 12),
        date(2026, 10, 13),
        date(2026, 10, 14),
        date(2026, 10, 15),
    ]
    assert reminded[date(2026, 10, 8)] == [
        "⏰ 督办提醒（2026-10-08（周四））\n"
        "🟡 DB-0001 农村改厕1200户 · 截止 2026-10-12（周一）18:00 · 还有3个工作日\n"
        "\n直接回复本消息即可报告进展，或按下方按钮。"
    ]
    assert (
        "🟡 DB-0001 农村改厕1200户 · 截止 2026-10-12（周一）18:00 · 还有1个工作日"
        in (reminded[date(2026, 10, 10)][0])
    )
    assert "今天到期" in reminded[date(2026, 10, 12)][0]
    assert "已逾期2天" in reminded[date(2026, 10, 14)][0]
    # The lead leader hears once, after one working day overdue.
    assert list(escalated) == [date(2026, 10, 13)]
    assert escalated[date(2026, 10, 13)][0].startswith("⚠️ 您包联的事项已逾期：\n🔴 DB-0001")
    # A second scan the same morning sends nothing again.
    assert await scan(bot_app, runtime, clock, shanghai(2026, 10, 15, 9, 5)) == []


async def test_quiet_hours_and_stale_rows(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    new_task(session, county, shanghai(2026, 10, 20, 18))  # due Tuesday
    # The bot only comes up at 22:30 on Monday, the last working day before: too late.
    assert await scan(bot_app, runtime, clock, shanghai(2026, 10, 19, 22, 30)) == []
    assert await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 7, 59)) == []
    # Tuesday 09:00: Monday's row is dropped as stale, today's goes out.
    sent = await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 9, 0))
    (reminder,) = texts_to(sent, MEMBER, "⏰")
    assert "今天到期" in reminder
    session.rollback()
    states = session.scalars(
        select(OutboxMessage.state)
        .where(OutboxMessage.kind == OutboxKind.REMINDER)
        .order_by(OutboxMessage.id)
    ).all()
    assert states == [OutboxState.CANCELLED, OutboxState.SENT]


async def test_completing_or_re_dating_cancels_what_is_pending(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    done = new_task(session, county, shanghai(2026, 10, 20, 18))
    moved = new_task(session, county, shanghai(2026, 10, 20, 18), title="街巷硬化")
    await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 8, 30))  # planned, not due yet
    apply_action(session, done, Action.REPORT_DONE, now=shanghai(2026, 10, 20, 8, 40), actor=SYSTEM)
    change_task(
        session,
        moved,
        now=shanghai(2026, 10, 20, 8, 45),
        actor=SYSTEM,
        deadline=shanghai(2026, 11, 30, 18),
    )
    session.commit()
    sent = await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 9, 0))
    assert texts_to(sent, MEMBER, "⏰") == []
    reasons = session.scalars(
        select(OutboxMessage.last_error).where(OutboxMessage.state == OutboxState.CANCELLED)
    ).all()
    assert sorted(reasons) == ["事项已报完成", "截止时间或状态已调整"]


async def test_merged_reminders_and_a_reply_landing_on_its_task(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    new_task(session, county, shanghai(2026, 10, 20, 18))
    new_task(session, county, shanghai(2026, 10, 20, 12), title="街巷硬化")
    sent = await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 9, 0))
    (merged,) = [m for m in sent if m.params["text"].startswith("⏰")]
    lines = merged.params["text"].splitlines()
    assert [line.split(" · ")[0] for line in lines[1:3]] == [  # the sooner one first
        "🟡 DB-0002 街巷硬化",
        "🟡 DB-0001 农村改厕1200户",
    ]
    assert set(merged.buttons()) == {
        f"{code} {label}"
        for code in ("DB-0001", "DB-0002")
        for label in ("报告进展", "已完成", "申请延期")
    }
    # A reply to a merged reminder asks which task; pressing one records it.
    app, request = bot_app
    await app.process_update(
        message_update(app.bot, MEMBER, "完成六成", reply_to=merged.message_id)
    )
    (question,) = request.sent(MEMBER)[-1:]
    assert question.params["text"] == "这条消息是报告哪项事项的进展？请选择："
    # A single reminder: the reply lands at once.
    for done in session.scalars(select(Task)).all():
        apply_action(
            session, done, Action.REPORT_DONE, now=shanghai(2026, 10, 20, 17), actor=SYSTEM
        )
    session.commit()
    new_task(session, county, shanghai(2026, 10, 21, 18), title="污水管网")
    sent = await scan(bot_app, runtime, clock, shanghai(2026, 10, 21, 9, 0))
    (single,) = [m for m in sent if m.params["text"].startswith("⏰")]
    await app.process_update(
        message_update(app.bot, MEMBER, "完成六成", reply_to=single.message_id)
    )
    assert request.sent(MEMBER)[-1].params["text"].startswith("已记录：DB-0003 污水管网 · 60%")
    session.rollback()
    reports = session.execute(
        select(Task.code, ProgressReport.percent)
        .join(Task, Task.id == ProgressReport.task_id)
        .where(ProgressReport.text == "完成六成")
    ).all()
    assert reports == [("DB-0003", 60)]  # the question's answer is pending, not guessed


async def test_digests_on_a_working_day_and_none_on_a_holiday(
    bot_app, runtime, session, clock, county
) -> None:  # type: ignore[no-untyped-def]
    new_task(session, county, shanghai(2026, 10, 9, 18))
    holiday = await scan(bot_app, runtime, clock, shanghai(2026, 10, 2, 8, 30))
    assert holiday == []
    workday = await scan(bot_app, runtime, clock, shanghai(2026, 10, 8, 8, 30))
    assert {int(m.params["chat_id"]) for m in workday} == {MEMBER, LEADER, SUPERVISOR}
    assert texts_to(workday, SUPERVISOR)[0].startswith("🗂 督查室每日汇总（2026-10-08（周四））")
    assert texts_to(workday, MEMBER)[0].startswith("📋 城关镇 今日督办提醒")
    again = await scan(bot_app, runtime, clock, shanghai(2026, 10, 8, 8, 31))
    assert again == []


async def test_a_crash_between_claim_and_send_loses_nothing(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    new_task(session, county, shanghai(2026, 10, 20, 18))
    moment = shanghai(2026, 10, 20, 9, 0)
    plan_now(runtime, moment)
    assert len(sending.claim(runtime, moment, 100)) == 1  # claimed, then the process dies
    assert await scan(bot_app, runtime, clock, moment + timedelta(minutes=1)) == []  # leased
    (sent,) = await scan(bot_app, runtime, clock, moment + delivery.LEASE + timedelta(minutes=1))
    assert "DB-0001" in sent.params["text"]


async def test_a_crash_between_send_and_mark_repeats_at_most_once(
    bot_app, runtime, session, clock, county, no_digests, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    new_task(session, county, shanghai(2026, 10, 20, 18))
    moment = shanghai(2026, 10, 20, 9, 0)

    def die(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise SystemExit("killed after Telegram accepted the message")

    monkeypatch.setattr(delivery, "mark_sent", die)
    with pytest.raises(SystemExit):
        await scan(bot_app, runtime, clock, moment)
    monkeypatch.undo()
    assert await scan(bot_app, runtime, clock, moment + timedelta(minutes=1)) == []
    repeated = await scan(bot_app, runtime, clock, moment + delivery.LEASE + timedelta(minutes=1))
    assert len(repeated) == 1  # the one message in flight, once more
    assert await scan(bot_app, runtime, clock, moment + timedelta(hours=1)) == []
    session.rollback()
    assert session.scalars(select(OutboxMessage.state)).all() == [OutboxState.SENT]


async def test_telegram_errors_429_5xx_403_and_a_migrated_group(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    _, request = bot_app
    township, _ = county
    group, supergroup = -4001, -1004001
    session.add(ChatBinding(chat_id=group, unit=township, title="城关镇工作群"))
    blocked_leader = session.scalars(select(Person).where(Person.telegram_user_id == LEADER)).one()
    session.commit()
    new_task(session, county, shanghai(2026, 10, 13, 18))  # overdue on 10-15: escalation too
    moment = shanghai(2026, 10, 15, 9, 0)
    request.fail(group, 429, "Too Many Requests: retry after 30", retry_after=30)
    request.fail(LEADER, 403, "Forbidden: bot was blocked by the user")
    assert await scan(bot_app, runtime, clock, moment) == []
    session.rollback()
    rows = {row.kind: row for row in session.scalars(select(OutboxMessage))}
    assert rows[OutboxKind.REMINDER].state == OutboxState.FAILED
    assert rows[OutboxKind.REMINDER].attempts == 0  # told to wait is not a failure
    assert rows[OutboxKind.ESCALATION].state == OutboxState.DEAD
    assert session.scalar(
        select(ChatBinding.disabled_at).where(
            ChatBinding.chat_id == blocked_leader.telegram_user_id
        )
    )
    # 30 s later: a 5xx, then the group turns out to have become a supergroup.
    request.fail(group, 502, "Bad Gateway")
    assert await scan(bot_app, runtime, clock, moment + timedelta(seconds=31)) == []
    session.rollback()
    row = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.REMINDER)
    ).one()
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1)
    assert row.next_try_at > moment + timedelta(seconds=31)
    request.fail(
        group,
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=supergroup,
    )
    (sent,) = await scan(bot_app, runtime, clock, moment + timedelta(minutes=10))
    assert int(sent.params["chat_id"]) == supergroup
    session.rollback()
    assert session.scalar(select(ChatBinding.unit_id).where(ChatBinding.chat_id == supergroup))
    # The blocked leader is not planned for again.
    assert [
        m
        for m in await scan(bot_app, runtime, clock, shanghai(2026, 10, 16, 9))
        if int(m.params["chat_id"]) == LEADER
    ] == []


def test_two_senders_racing_over_1000_rows_send_each_once(runtime, session) -> None:  # type: ignore[no-untyped-def]
    """Two dispatchers (threads with their own loops, bots and connections) share one
    database; every due row reaches Telegram exactly once."""
    import asyncio
    import threading

    from telegram import Bot

    from bot.outbox.rows import Planned, enqueue
    from tests.telegram_fakes import RecordingRequest

    moment = shanghai(2026, 10, 20, 10, 0)
    runtime.clock = lambda: moment
    rows = [
        Planned(f"d:{chat}:race", chat, OutboxKind.DIGEST, f"汇总 {chat}", moment)
        for chat in range(100_000, 101_000)
    ]
    enqueue(session, rows, now=moment)
    session.commit()
    requests = [RecordingRequest(), RecordingRequest()]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def dispatcher(request: RecordingRequest) -> None:
        async def drain() -> None:
            bot = Bot("123456789:" + "A" * 35, request=request, get_updates_request=request)
            await bot.initialize()
            start.wait()
            while (await send_due(bot, runtime, now=moment, limit=50)).sent:
                pass

        try:
            asyncio.run(drain())
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=dispatcher, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    sent = [
        int(c.params["chat_id"]) for r in requests for c in r.calls if c.method == "sendMessage"
    ]
    assert sorted(sent) == list(range(100_000, 101_000))
    assert all(any(c.method == "sendMessage" for c in r.calls) for r in requests)  # both worked
    session.rollback()
    states = session.scalars(select(OutboxMessage.state).distinct()).all()
    assert states == [OutboxState.SENT]


def test_the_operator_lists_retries_and_cancels_rows(
    database_url, session, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import main
    from bot.outbox.rows import Planned, enqueue

    monkeypatch.setenv("DUBAN_DATABASE_URL", database_url)
    moment = shanghai(2026, 10, 20, 10, 0)
    enqueue(
        session,
        [
            Planned("d:1:x", 1, OutboxKind.DIGEST, "汇总", moment),
            Planned("d:2:x", 2, OutboxKind.DIGEST, "汇总", moment),
        ],
        now=moment,
    )
    session.commit()
    dead, waiting = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    dead.state, dead.last_error = OutboxState.DEAD, "403 Forbidden: bot was blocked by the user"
    session.commit()

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv), clock=lambda: moment)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("outbox")
    assert code == 0
    assert "待发消息：待发送 1，正在发送 0，已发送 0，失败待重试 0，已放弃 1，已取消 0" in out
    assert f"#{dead.id} 已放弃 · 每日汇总 → 1 · 2026-10-20（周二）10:00 · 已尝试 0 次 · 403" in out
    assert (
        run("outbox", "--retry", str(dead.id))[1] == f"第 {dead.id} 条将在下一次扫描时重新发送。\n"
    )
    assert (
        run("outbox", "--cancel", str(waiting.id))[1] == f"第 {waiting.id} 条已取消，不会发送。\n"
    )
    code, _, err = run("outbox", "--cancel", str(waiting.id))
    assert (code, err) == (1, f"第 {waiting.id} 条已取消，无需取消。\n")
    session.rollback()
    states = session.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id)).all()
    assert states == [OutboxState.PENDING, OutboxState.CANCELLED]


async def test_someone_who_binds_today_gets_todays_reminders(
    bot_app, runtime, session, clock, no_digests
) -> None:  # type: ignore[no-untyped-def]
    township = Unit(name="东关镇", kind=UnitKind.TOWNSHIP)
    session.add(township)
    session.commit()
    create_task(
        session,
        title="河道清淤",
        lead_unit=township,
        deadline=shanghai(2026, 10, 20, 18),
        now=shanghai(2026, 9, 1, 9),
        actor=SYSTEM,
    )
    session.commit()
    assert await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 9, 0)) == []  # nobody yet
    session.add(Person(name="赵强", role=Role.MEMBER, unit=township, telegram_user_id=777))
    session.commit()
    (late,) = await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 10, 30))
    assert int(late.params["chat_id"]) == 777 and "DB-0001 河道清淤" in late.params["text"]


async def test_a_chats_reminders_merge_even_past_one_claims_limit(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    app, request = bot_app
    for number in range(5):
        new_task(session, county, shanghai(2026, 10, 20, 18), title=f"事项{number}")
    moment = shanghai(2026, 10, 20, 9, 0)
    clock.set(moment)
    plan_now(runtime, moment)
    await send_due(app.bot, runtime, now=moment, limit=2)  # a claim of 2 takes the chat's 5
    (merged,) = [c for c in request.calls if c.method == "sendMessage"]
    assert sum("· 今天到期" in line for line in merged.params["text"].splitlines()) == 5
    # A reply to it that names one of its tasks lands there at once.
    await app.process_update(
        message_update(app.bot, MEMBER, "DB-0004 完成六成", reply_to=merged.message_id)
    )
    assert request.sent(MEMBER)[-1].params["text"].startswith("已记录：DB-0004 事项3 · 60%")


def test_the_operator_sees_waiting_rows_of_every_kind(
    database_url, session, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import main
    from bot.outbox.rows import KIND_WORDS, Planned, enqueue

    monkeypatch.setenv("DUBAN_DATABASE_URL", database_url)
    moment = shanghai(2026, 10, 20, 10, 0)
    rows = [Planned(f"k:{kind}", 10 + n, kind, "…", moment) for n, kind in enumerate(OutboxKind)]
    enqueue(session, rows, now=moment)
    session.commit()
    assert main(["outbox"], clock=lambda: moment) == 0
    out = capsys.readouterr().out
    for n, kind in enumerate(OutboxKind):
        assert f"待发送 · {KIND_WORDS[kind]} → {10 + n} · " in out


async def test_a_chat_that_blocks_the_bot_is_asked_once_a_pass(bot_app, runtime, session) -> None:  # type: ignore[no-untyped-def]
    from bot.outbox.rows import Planned, enqueue

    app, request = bot_app
    moment = shanghai(2026, 10, 20, 10, 0)
    chat = 77_001
    enqueue(
        session,
        [
            Planned("d:77001:x", chat, OutboxKind.DIGEST, "汇总", moment),
            Planned("n:77001:x", chat, OutboxKind.NOTICE, "通知", moment),
        ],
        now=moment,
    )
    session.commit()
    request.fail(chat, 403, "Forbidden: bot was blocked by the user")
    request.fail(chat, 403, "Forbidden: bot was blocked by the user")
    outcome = await send_due(app.bot, runtime, now=moment)
    assert outcome.dead == 2
    attempts = [c for c in request.calls if c.method == "sendMessage"]
    assert len(attempts) == 1  # the second message was not tried
    session.rollback()
    errors = session.scalars(select(OutboxMessage.last_error).order_by(OutboxMessage.id)).all()
    # The notice went first (a kind that merges waits for its chat's other rows).
    assert errors == ["对方已屏蔽机器人或已移出群聊", "403 Forbidden: bot was blocked by the user"]


async def test_an_escalation_left_from_an_earlier_day_is_written_again_with_todays_lateness(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    new_task(session, county, shanghai(2026, 10, 13, 18))
    plan_now(runtime, shanghai(2026, 10, 15, 9, 0))  # planned, then the bot went down
    session.rollback()
    (old,) = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.ESCALATION)
    ).all()
    assert "已逾期2天" in old.text
    sent = await scan(bot_app, runtime, clock, shanghai(2026, 10, 16, 9, 0))
    (escalation,) = texts_to(sent, LEADER)
    assert "已逾期3天" in escalation and "已逾期2天" not in escalation
    session.rollback()
    rows = session.execute(
        select(OutboxMessage.state, OutboxMessage.last_error)
        .where(OutboxMessage.kind == OutboxKind.ESCALATION)
        .order_by(OutboxMessage.id)
    ).all()
    assert rows == [(OutboxState.CANCELLED, "已过期：今天重新报告"), (OutboxState.SENT, None)]
    later = await scan(bot_app, runtime, clock, shanghai(2026, 10, 19, 9, 0))
    assert [t for t in texts_to(later, LEADER) if t.startswith("⚠️")] == []  # once a deadline


async def test_a_bulletin_planned_before_a_downtime_is_sent_late_not_dropped(
    bot_app, runtime, session, clock, county
) -> None:  # type: ignore[no-untyped-def]
    plan_now(runtime, shanghai(2026, 10, 16, 16, 5))  # Friday's bulletin, then down
    await scan(bot_app, runtime, clock, shanghai(2026, 10, 19, 9, 0))  # Monday
    _, request = bot_app
    sent = [c for c in request.calls if c.method == "sendDocument"]
    assert [c.params["caption"] for c in sent] == ["督查通报（2026-W42，补发）"]
    session.rollback()
    states = session.scalars(
        select(OutboxMessage.state).where(OutboxMessage.kind == OutboxKind.BULLETIN)
    ).all()
    assert states == [OutboxState.SENT]


async def test_digests_are_built_once_a_day_and_only_for_recipients_with_a_chat(
    bot_app, runtime, session, clock, county, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from bot.reports.digest import Audience, build_digests
    from jobs import reports as report_planning

    unbound_leader = Person(name="李志强", role=Role.LEADER)  # never bound: no chat
    quiet_town = Unit(name="东关镇", kind=UnitKind.TOWNSHIP)  # nobody bound either
    session.add_all([unbound_leader, quiet_town])
    session.commit()
    new_task(session, county, shanghai(2026, 10, 9, 18))
    create_task(
        session,
        title="集镇改造",
        lead_unit=quiet_town,
        lead_leader=unbound_leader,
        deadline=shanghai(2026, 10, 9, 18),
        now=shanghai(2026, 9, 1, 9),
        actor=SYSTEM,
    ).announced_at = shanghai(2026, 9, 1, 9)  # given out long ago: no announcement today
    session.commit()
    built, summaries = [], []

    def spy(record, real):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            result = real(*args, **kwargs)
            record.append(result)
            return result

        return call

    monkeypatch.setattr(report_planning, "build_digests", spy(built, report_planning.build_digests))
    monkeypatch.setattr(
        report_planning, "ledger_summary", spy(summaries, report_planning.ledger_summary)
    )
    moment = shanghai(2026, 10, 8, 8, 30)
    sent = await scan(bot_app, runtime, clock, moment)
    assert sorted(int(m.params["chat_id"]) for m in sent) == [MEMBER, LEADER, SUPERVISOR]
    (digests,) = built
    assert [(d.audience, d.recipient) for d in digests] == [
        (Audience.SUPERVISOR, "周明"),
        (Audience.UNIT, "城关镇"),
        (Audience.LEADER, "王建国"),
    ]
    assert len(summaries) == 1  # the snapshot's summary serves the digests too
    # What was sent reads as the digests built for everyone (as /digest and the demo do).
    everyone = build_digests(
        session,
        summary=runtime.summary(session, now=moment),
        yellow_until=runtime.yellow_until(session, moment),
        changes_since=moment - timedelta(days=1),
        zone=SHANGHAI,
    )
    texts = {d.recipient: d.text for d in everyone}
    assert {"东关镇", "李志强"} <= set(texts)
    # The unit's digest carries that morning's reminder, with its buttons, in one message.
    (morning,) = texts_to(sent, MEMBER)
    head = texts["城关镇"].split("\n")[:2]
    assert morning.split("\n")[:4] == [
        *head,
        "⏰ 今日提醒（1 项）：",
        "🟡 DB-0001 农村改厕1200户 · 截止 2026-10-09（周五）18:00 · 还有1个工作日",
    ]
    assert texts_to(sent, LEADER) == [texts["王建国"]]
    assert await scan(bot_app, runtime, clock, moment + timedelta(minutes=1)) == []
    assert len(built) == 1 and len(summaries) == 1  # later scans build nothing again
    # 东关镇's liaison binds at 10:00: the next scan brings them today's digest, alone.
    from bot.accounts.binding import invite, redeem

    late = moment.replace(hour=10)
    code = invite(
        session, actor=SYSTEM, target="东关镇", role=Role.MEMBER, now=late, valid_days=7
    ).code
    redeem(session, code=code, telegram_user_id=404, display_name="赵敏", now=late)
    session.commit()
    sent = await scan(bot_app, runtime, clock, late + timedelta(minutes=1))
    (digest,) = texts_to(sent, 404)  # with today's reminder for its task: one message
    assert digest.startswith(texts["东关镇"].split("\n")[0]) and "⏰ 今日提醒（1 项）" in digest
    assert [int(m.params["chat_id"]) for m in sent] == [404]  # nobody else's digest again
    assert [(d.audience, d.recipient) for d in built[-1]] == [(Audience.UNIT, "东关镇")]
    assert await scan(bot_app, runtime, clock, late + timedelta(minutes=2)) == []


async def test_a_unit_reminded_in_several_chats_reads_the_same_in_each(
    bot_app, runtime, session, clock, county, no_digests
) -> None:  # type: ignore[no-untyped-def]
    township, _ = county
    session.add(Person(name="钱敏", role=Role.MEMBER, unit=township, telegram_user_id=304))
    session.commit()
    new_task(session, county, shanghai(2026, 10, 20, 18))
    new_task(session, county, shanghai(2026, 10, 16, 18), title="街巷硬化")  # overdue
    sent = await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 9, 0))
    first, second = (
        [m for m in sent if int(m.params["chat_id"]) == chat] for chat in (MEMBER, 304)
    )
    assert len(first) == len(second) == 1
    assert first[0].params["text"] == second[0].params["text"]
    assert first[0].params["text"].splitlines()[1:3] == [
        "🔴 DB-0002 街巷硬化 · 截止 2026-10-16（周五）18:00 · 已逾期4天",
        "🟡 DB-0001 农村改厕1200户 · 截止 2026-10-20（周二）18:00 · 今天到期",
    ]
    assert first[0].buttons() == second[0].buttons()  # the same labels, the same buttons
    assert len(first[0].buttons()) == 6


def test_a_claim_takes_whole_chats_up_to_about_twice_its_limit(runtime, session) -> None:  # type: ignore[no-untyped-def]
    """Three chats with three due reminders each, interleaved: a claim of 2 takes one
    chat whole at a time, so no chat's reminders are split and no claim balloons."""
    from bot.outbox.rows import Planned, enqueue
    from jobs.outbox import claim

    moment = shanghai(2026, 10, 20, 10, 0)
    enqueue(
        session,
        [
            Planned(f"r:{n}:{chat}", chat, OutboxKind.REMINDER, f"第{n}项", moment)
            for n in range(3)
            for chat in (91, 92, 93)
        ],
        now=moment,
    )
    session.commit()
    claims = [claim(runtime, moment, 2) for _ in range(4)]
    assert [sorted({row.chat_id for row in c}) for c in claims] == [[91], [92], [93], []]
    assert [len(c) for c in claims] == [3, 3, 3, 0]
