"""Bulletins about past weeks count those weeks as they were, and are numbered in week order.

Today is Sunday 2026-12-06 (W49). Four tasks, worked out by hand:

| task | unit     | created      | deadline    | since                                  |
|------|----------|--------------|-------------|----------------------------------------|
| T1   | 城关镇   | 11-10 (W46)  | 11-20 (W47) | reported 11-17; done 11-25, 销号 11-26 |
| T2   | 县住建局 | 11-18 (W47)  | 2027-01-31  | reported done today                    |
| T3   | 城关镇   | today        | 2027-02-28  |                                        |
| T4   | 县住建局 | 11-10 (W46)  | 11-13 (W46) | 销号 today                             |

W46 ends with T1, T4 (T4 red), nobody has reported: both units silent.
W47: T1, T2, T4; T1 and T4 red; 城关镇 reported on 11-17, 县住建局 never.
W48: T1 verified (in W48), T2 open, T4 red (today's 销号 does not count); 城关镇 has no
open task left, 县住建局 never reported. T3 is in none of them.
"""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from docx import Document as open_docx
from sqlalchemy import select

from bot.core.access import SYSTEM
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from bot.reports.bulletin import IsoWeek
from bot.reports.snapshots import take_issue_number
from bot.reports.weekly import bulletin_file
from db.models import Bulletin
from jobs.outbox import send_due
from jobs.scan import plan_now
from tests.conftest import SHANGHAI
from tests.factories import make_county, make_task


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


TODAY = shanghai(2026, 12, 6, 10)


@pytest.fixture
def county(session, runtime, clock):  # type: ignore[no-untyped-def]
    county = make_county(session)
    town, dept = county.township, county.department

    def task(title, unit, created, deadline):  # type: ignore[no-untyped-def]
        return make_task(session, county, title=title, unit=unit, now=created, deadline=deadline)

    t1 = task("T1 道路硬化", town, shanghai(2026, 11, 10, 9), shanghai(2026, 11, 20, 18))
    t2 = task("T2 管网改造", dept, shanghai(2026, 11, 18, 9), shanghai(2027, 1, 31, 18))
    task("T3 今天新交办", town, shanghai(2026, 12, 6, 8), shanghai(2027, 2, 28, 18))
    t4 = task("T4 危房排查", dept, shanghai(2026, 11, 10, 9), shanghai(2026, 11, 13, 18))
    report_progress(session, t1, now=shanghai(2026, 11, 17, 10), actor=SYSTEM, text="过半")
    apply_action(session, t1, Action.REPORT_DONE, now=shanghai(2026, 11, 25, 9), actor=SYSTEM)
    apply_action(session, t1, Action.VERIFY, now=shanghai(2026, 11, 26, 9), actor=SYSTEM)
    apply_action(session, t2, Action.REPORT_DONE, now=shanghai(2026, 12, 6, 9), actor=SYSTEM)
    apply_action(session, t4, Action.REPORT_DONE, now=shanghai(2026, 12, 6, 9), actor=SYSTEM)
    apply_action(session, t4, Action.VERIFY, now=shanghai(2026, 12, 6, 9, 30), actor=SYSTEM)
    session.commit()
    clock.set(TODAY)
    return county


def read(content: bytes) -> tuple[list[str], list[str]]:
    """The document's paragraphs and every table cell's text."""
    document = open_docx(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs], cells


def test_three_past_weeks_asked_in_reverse_order(runtime, session, county) -> None:  # type: ignore[no-untyped-def]
    for week in ("2026-W46", "2026-W47", "2026-W48"):  # the Fridays' sends, in week order
        take_issue_number(session, week)
    session.commit()

    seen = {}
    for week in (IsoWeek(2026, 48), IsoWeek(2026, 47), IsoWeek(2026, 46)):
        name, content = bulletin_file(runtime, session, week)
        seen[week.week] = (name, *read(content))

    name, paragraphs, cells = seen[48]
    assert name == "督查通报_2026年第3期.docx"
    assert paragraphs[1] == "XX县人民政府督查室\t2026年11月27日"  # dated as its week
    overall = next(p for p in paragraphs if p.startswith("全县共有"))
    assert overall.startswith("全县共有督办事项3项，其中推进中2项（红灯1项")
    assert "已报完成待销号0项，已销号1项" in overall
    assert "T3 今天新交办" not in cells and "T1 道路硬化" in cells  # verified in W48
    assert "T4 危房排查" in cells  # still red at the end of W48: today's 销号 is not counted
    assert "四、超过7天未报送进展的单位（1个）" in paragraphs
    assert "县住建局（从未报送）。" in paragraphs
    assert "五、本周销号事项（1项）" in paragraphs

    name, paragraphs, cells = seen[47]
    assert name == "督查通报_2026年第2期.docx"
    overall = next(p for p in paragraphs if p.startswith("全县共有"))
    assert overall.startswith("全县共有督办事项3项，其中推进中3项（红灯2项")
    assert "已销号0项" in overall and "首期" not in overall
    assert "四、超过7天未报送进展的单位（1个）" in paragraphs
    assert "五、本周销号事项（0项）" in paragraphs

    name, paragraphs, cells = seen[46]
    assert name == "督查通报_2026年第1期.docx"
    overall = next(p for p in paragraphs if p.startswith("全县共有"))
    assert overall.startswith("全县共有督办事项2项，其中推进中2项（红灯1项")
    assert "四、超过7天未报送进展的单位（2个）" in paragraphs
    assert not any("均报送了进展" in p for p in paragraphs)

    # A preview of this week shows the number it would have, and takes nothing.
    name, _ = bulletin_file(runtime, session, IsoWeek(2026, 49))
    assert name == "督查通报_2026年第4期.docx"
    session.commit()
    assert session.scalars(select(Bulletin.week).order_by(Bulletin.week)).all() == [
        "2026-W46",
        "2026-W47",
        "2026-W48",
    ]


async def test_a_bulletin_missed_during_a_downtime_is_sent_on_return(
    bot_app, runtime, session, clock, county
) -> None:  # type: ignore[no-untyped-def]
    app, request = bot_app

    async def scan(moment: datetime) -> list:
        clock.set(moment)
        before = len(request.calls)
        plan_now(runtime, moment)
        await send_due(app.bot, runtime, now=moment)
        return [c for c in request.calls[before:] if c.method == "sendDocument"]

    (w47,) = await scan(shanghai(2026, 11, 20, 16, 0))  # Friday of W47: sent as usual
    assert w47.params["caption"] == "本周督查通报（2026-W47）"
    # Down from Thursday 11-26 to Monday 11-30: W48's Friday passed without the bot.
    (w48,) = await scan(shanghai(2026, 11, 30, 10, 0))
    assert w48.params["caption"] == "督查通报（2026-W48，补发）"
    session.rollback()
    name, content = bulletin_file(runtime, session, IsoWeek(2026, 48))  # what was sent
    assert name == "督查通报_2026年第2期.docx"
    assert read(content)[0][1].endswith("\t2026年11月27日")  # dated as its week
    assert await scan(shanghai(2026, 11, 30, 10, 5)) == []  # once
    (w49,) = await scan(shanghai(2026, 12, 4, 16, 0))
    assert w49.params["caption"] == "本周督查通报（2026-W49）"
    session.rollback()
    assert session.execute(
        select(Bulletin.week, Bulletin.number).order_by(Bulletin.week)
    ).all() == [
        ("2026-W47", 1),
        ("2026-W48", 2),
        ("2026-W49", 3),
    ]


async def test_in_chat_a_past_week_is_a_preview_and_a_week_to_come_is_refused(
    bot_app, session, county
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ADMIN_ID
    from tests.telegram_fakes import send

    _, request = bot_app
    assert await send(bot_app, ADMIN_ID, "/bulletin 2027-W10") == [
        "2027-W10 还没有到，不能生成通报（本周是 2026-W49）。"
    ]
    await send(bot_app, ADMIN_ID, "/bulletin 第48周")
    (document,) = [c for c in request.calls if c.method == "sendDocument"]
    assert document.params["caption"] == "督查通报（预览）：督查通报_2026年第1期"
    session.rollback()
    assert session.scalars(select(Bulletin.week)).all() == []
