"""One morning message a chat, and changes since the last digest that survive downtime.

A county (a township with its liaison, its 包联领导, a supervisor) is walked through
working days around the National Day holiday by a controlled clock; every unsolicited
message each chat gets is counted per working morning.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from bot.core.access import SYSTEM
from bot.ledger.changes import create_task
from db.models import OutboxKind, OutboxMessage, Task
from tests.test_outbox import LEADER, MEMBER, SUPERVISOR, county, new_task, scan, shanghai

__all__ = ["county"]  # the fixture, shared with tests/test_outbox.py


async def _mornings(bot_app, runtime, clock, days: list[date]) -> dict[date, Counter[int]]:  # type: ignore[no-untyped-def]
    """Scan every 15 minutes from 07:00 to 12:00 of each day: messages per chat."""
    counts: dict[date, Counter[int]] = {}
    for day in days:
        seen: Counter[int] = Counter()
        moment = shanghai(day.year, day.month, day.day, 7, 0)
        while moment.hour < 12:
            for message in await scan(bot_app, runtime, clock, moment):
                seen[int(message.params["chat_id"])] += 1
            moment += timedelta(minutes=15)
        counts[day] = seen
    return counts


async def test_each_chat_gets_at_most_one_message_a_working_morning(
    bot_app, runtime, session, clock, county
) -> None:  # type: ignore[no-untyped-def]
    # Deadlines spread so that reminders, overdue escalations and digests meet each morning.
    for days, title in ((-3, "道路硬化"), (1, "污水管网"), (3, "农村改厕"), (7, "文明创建")):
        new_task(session, county, shanghai(2026, 10, 13, 18) + timedelta(days=days), title=title)
    days = [date(2026, 9, 28) + timedelta(days=n) for n in range(22)]  # the holiday inside
    counts = await _mornings(bot_app, runtime, clock, days)
    assert all(count <= 1 for seen in counts.values() for count in seen.values()), counts
    workdays = [day for day in days if runtime.calendar(session).is_workday(day)]
    # Each working morning from the first reminder on, the unit hears once; the leader too
    # once a task is overdue (escalation and digest in one).
    assert all(counts[day][MEMBER] == 1 for day in workdays if day >= date(2026, 10, 8))
    assert counts[date(2026, 10, 13)][LEADER] == 1
    assert all(not counts[day] for day in days if day not in workdays)  # days off: silence
    # The leader's one message holds the escalation beside the digest.
    session.rollback()
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.chat_id == LEADER, OutboxMessage.kind == OutboxKind.ESCALATION
        )
    ).all()
    digest = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.chat_id == LEADER,
            OutboxMessage.kind == OutboxKind.DIGEST,
            OutboxMessage.message_ids == rows[0].message_ids,
        )
    ).all()
    assert rows and len(digest) == 1  # sent as the same Telegram message


async def test_a_press_or_reply_on_the_morning_message_lands_like_a_reminders(
    bot_app, runtime, session, clock, county
) -> None:  # type: ignore[no-untyped-def]
    from tests.telegram_fakes import message_update

    new_task(session, county, shanghai(2026, 10, 20, 18))
    (morning,) = [
        m
        for m in await scan(bot_app, runtime, clock, shanghai(2026, 10, 20, 8, 30))
        if int(m.params["chat_id"]) == MEMBER
    ]
    assert morning.params["text"].startswith("📋 城关镇 今日督办提醒")
    assert "DB-0001 报告进展" in morning.buttons()
    app, request = bot_app
    await app.process_update(
        message_update(app.bot, MEMBER, "完成七成", reply_to=morning.message_id)
    )
    answer = request.sent(MEMBER)[-1].params["text"]
    assert answer == "已记录：DB-0001 农村改厕1200户 · 70% · 推进中"


def _changes_line(text: str) -> str:
    (line,) = [line for line in text.split("\n") if line.startswith("自上次汇总以来")]
    return line


async def test_changes_since_the_last_digest_survive_downtime_and_never_repeat(
    bot_app, runtime, session, clock, county
) -> None:  # type: ignore[no-untyped-def]
    township, leader = county

    def given(moment, title: str) -> None:  # type: ignore[no-untyped-def]
        create_task(
            session,
            title=title,
            lead_unit=township,
            lead_leader=leader,
            deadline=shanghai(2026, 12, 31, 18),
            now=moment,
            actor=SYSTEM,
        )
        session.commit()

    async def supervisor_at(moment) -> list[str]:  # type: ignore[no-untyped-def]
        sent = await scan(bot_app, runtime, clock, moment)
        return [m.params["text"] for m in sent if int(m.params["chat_id"]) == SUPERVISOR]

    for n in range(5):  # Monday afternoon
        given(shanghai(2026, 10, 19, 15, n), f"事项{n}")
    given(shanghai(2026, 10, 20, 9, 0), "事项5")  # Tuesday, before the bot came up late
    (tuesday,) = await supervisor_at(shanghai(2026, 10, 20, 9, 40))
    assert _changes_line(tuesday) == "自上次汇总以来：新交办 6 项"
    given(shanghai(2026, 10, 20, 10, 0), "事项X")  # after Tuesday's digest was planned
    (wednesday,) = await supervisor_at(shanghai(2026, 10, 21, 8, 30))
    assert _changes_line(wednesday) == "自上次汇总以来：新交办 1 项"  # not 09:00's again
    # Down Thursday and Friday; tasks given meanwhile; back on Monday: one digest, all of it.
    given(shanghai(2026, 10, 22, 10), "事项6")
    given(shanghai(2026, 10, 23, 16), "事项7")
    back = await supervisor_at(shanghai(2026, 10, 26, 9, 40))
    assert len(back) == 1
    assert _changes_line(back[0]) == "自上次汇总以来：新交办 2 项"
    assert session.scalar(select(Task.id).where(Task.title == "事项7")) is not None
