"""Inputs of any size or shape get a short Chinese answer: never silence, never a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import ProgressReport, Task
from handlers.accounts import LEAKED
from tests.conftest import ADMIN_ID, local
from tests.factories import make_county, make_task
from tests.telegram_fakes import button_update, message_update

GROUP = -100_555
CRASH = "抱歉，处理这条消息时出错了"


async def _answers(bot_app, user_id: int, text: str, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    app, request = bot_app
    chat_id = kwargs.get("chat_id", user_id)
    before = len(request.sent(chat_id))
    await app.process_update(message_update(app.bot, user_id, text, **kwargs))
    return [
        call.params.get("text") or call.params.get("caption") or ""
        for call in request.sent(chat_id)[before:]
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/newtask | | |", "单位、标题和截止时间都不能空着"),
        ("/newtask 城关镇", "请按“单位 | 标题 | 截止 | 包联领导”写一行"),
        ("/newtask 不存在镇 | 修路 | 下周五前", "没有名为“不存在镇”的单位"),
        ("/newtask 城关镇 | 修路 | 昨天", "已经过去了"),
        ("/newtask 城关镇 | 修路 | 随便哪天", "请写成"),
        ("/newtask 城关镇 | " + "长" * 400 + " | 下周五前", "标题超过 300 个字"),
        ("/task NOPE-1", "没有找到 NOPE-1，或它不在您的范围内"),
        ("/task " + "X" * 5000, "没有找到"),
        ("/verify DB-0001", "仍在推进中，责任单位报完成后才能销号"),
        ("/return DB-0001", "用法：/return 编号 理由"),
        ("/invite 城关镇 国王", "角色“国王”不认识"),
        ("/invite 没有这个单位 成员", "没有名为“没有这个单位”的单位"),
        ("/bind", "请在单位的工作群里发送 /bind"),
        ("/status 😀😀😀", "没有找到"),
        ("/holiday add 春节 " + "2" * 5000, "日期写得太长了"),
    ],
)
async def test_a_supervisors_odd_commands_get_a_short_reason(
    bot_app, session, text, expected
) -> None:
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 5, 8, 18), now=local(2026, 4, 20, 9))
    (answer,) = await _answers(bot_app, ADMIN_ID, text)
    assert expected in answer
    assert CRASH not in answer and len(answer) <= 4096


@pytest.mark.parametrize(
    "text",
    ["😀" * 50, "长" * 5000, "   ", "DB-", "DB-0001 DB-0002 " * 300, "/", "\u200b"],
)
async def test_a_members_odd_messages_are_answered_and_nothing_is_guessed(
    bot_app, session, text
) -> None:
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 5, 8, 18), now=local(2026, 4, 20, 9))
    answers = await _answers(bot_app, county.member.telegram_user_id, text)
    assert answers, "never silence"
    assert all(CRASH not in answer and len(answer) <= 4096 for answer in answers)
    session.rollback()
    if "DB-0001" not in text:
        assert session.scalars(select(ProgressReport)).all() == []


async def test_a_long_report_is_kept_whole_and_its_answer_fits(bot_app, session) -> None:
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 5, 8, 18), now=local(2026, 4, 20, 9))
    text = "DB-0001 " + "进展顺利，" * 1000
    (answer,) = await _answers(bot_app, county.member.telegram_user_id, text)
    assert answer == "已记录：DB-0001 农村改厕1200户 · 0% · 推进中"
    session.rollback()
    assert session.scalars(select(ProgressReport.text)).one() == text.strip()


async def test_commands_in_the_wrong_chat_type_say_where_to_use_them(bot_app, session) -> None:
    county = make_county(session)
    answers = await _answers(bot_app, 555, "/start ABCDEFGHJK", chat_id=GROUP)
    assert answers == [LEAKED]
    (outsider,) = await _answers(bot_app, county.leader.telegram_user_id, "/bind", chat_id=GROUP)
    assert outsider.startswith("请由本单位联络员在单位工作群里发送 /bind")


async def test_forged_and_unknown_buttons_change_nothing(bot_app, session) -> None:
    app, request = bot_app
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 5, 8, 18), now=local(2026, 4, 20, 9))
    for data in ("b:doesnotexist", "t:1:done", "", "b:" + "x" * 60):
        before = len(request.sent(county.member.telegram_user_id))
        await app.process_update(button_update(app.bot, county.member.telegram_user_id, data))
        (answer,) = request.sent(county.member.telegram_user_id)[before:]
        assert answer.params["text"] == "这个按钮已失效，请重新发送命令。"
    session.rollback()
    assert session.scalars(select(Task.state)).one() == "open"
    assert session.scalars(select(ProgressReport)).all() == []
