"""A county runs its ledger in chat, step by step, through real updates.

Every step feeds a real `telegram.Update` through the Application, then checks
what the bot sent (the recording request) and what the database holds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from db.models import (
    Attachment,
    ChatBinding,
    ExtensionRequest,
    Person,
    ProgressReport,
    Role,
    Task,
    TaskEvent,
    Unit,
    UnitKind,
)
from tests.conftest import ADMIN_ID
from tests.telegram_fakes import button_update, message_update

MEMBER_A, SECOND_A, MEMBER_B, STRANGER = 201, 202, 301, 999_001
GROUP_A = -100_777
WED = datetime(2026, 4, 29, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


class Chat:
    """The application and the recording request, with a person's-eye view of them."""

    def __init__(self, bot_app, session) -> None:  # type: ignore[no-untyped-def]
        self.app, self.request = bot_app
        self.session = session

    async def say(self, user_id: int, text: str = "", **kwargs) -> list:  # type: ignore[no-untyped-def]
        chat_id = kwargs.get("chat_id", user_id)
        before = len(self.request.sent(chat_id))
        await self.app.process_update(message_update(self.app.bot, user_id, text, **kwargs))
        return self.request.sent(chat_id)[before:]

    async def press(self, user_id: int, data: str, chat_id: int | None = None) -> list:  # type: ignore[no-untyped-def]
        where = chat_id if chat_id is not None else user_id
        before = len(self.request.sent(where))
        await self.app.process_update(button_update(self.app.bot, user_id, data, chat_id=where))
        return self.request.sent(where)[before:]

    def fresh(self):  # type: ignore[no-untyped-def]
        self.session.rollback()  # see what the bot committed
        return self.session


def text_of(call) -> str:  # type: ignore[no-untyped-def]
    return call.params.get("text") or call.params.get("caption") or ""


async def _county(chat: Chat, clock) -> str:  # type: ignore[no-untyped-def]
    """Two townships and a leader; the supervisor invites 乡镇A's liaison, who binds."""
    clock.set(WED)
    session = chat.session
    session.add_all(
        [
            Unit(name="乡镇A", kind=UnitKind.TOWNSHIP),
            Unit(name="乡镇B", kind=UnitKind.TOWNSHIP),
            Person(name="王建国", role=Role.LEADER),
        ]
    )
    session.commit()
    (invited,) = await chat.say(ADMIN_ID, "/invite 乡镇A 成员")
    text = text_of(invited)
    assert text.startswith(
        "已为乡镇A的单位联络员生成邀请码（一次有效，2026-05-06（周三）10:00前使用）"
    )
    code = re.search(r"/start (\w+)", text)[1]  # type: ignore[index]
    assert f"https://t.me/duban_test_bot?start={code}" in text
    return code


async def test_the_whole_workflow_in_chat(bot_app, session, clock) -> None:
    chat = Chat(bot_app, session)
    code = await _county(chat, clock)

    # The member binds; the code is spent; a second person cannot use it.
    (welcome,) = await chat.say(MEMBER_A, f"/start {code}", first_name="李娜")
    assert text_of(welcome).startswith("绑定成功！李娜，您的身份是单位联络员（乡镇A）。")
    menu = [c for c in chat.request.calls if c.method == "setMyCommands"][-1]
    assert '"chat_id": 201' in str(menu.params["scope"]) or "201" in str(menu.params["scope"])
    assert "newtask" not in str(menu.params["commands"])  # a member's menu
    (refused,) = await chat.say(SECOND_A, f"/start {code}")
    assert text_of(refused) == "邀请码无效、已被使用或已过期，请向县督查室重新索取。"
    people = chat.fresh().scalars(select(Person.telegram_user_id)).all()
    assert MEMBER_A in people and SECOND_A not in people

    # The supervisor creates a task: echoed with its weekday, saved only on 确认.
    (draft,) = await chat.say(ADMIN_ID, "/newtask 乡镇A | 农村改厕1200户 | 下周五前 | 王建国")
    assert "截止：2026-05-08（周五）18:00（“下周五前”）" in text_of(draft)
    assert chat.fresh().scalar(select(Task.id)) is None
    created = await chat.press(ADMIN_ID, draft.buttons()["确认"])
    assert text_of(created[0]) == "已新建：DB-0001"
    again = await chat.press(ADMIN_ID, draft.buttons()["确认"])  # a double press
    assert text_of(again[0]) == "这组按钮已经按过了，不能再按。"
    task = chat.fresh().scalars(select(Task)).one()
    assert (task.code, task.lead_leader.name) == ("DB-0001", "王建国")

    # The member opens the card and replies to it: 60 %, not done, the note kept whole.
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    assert set(card.buttons()) >= {"报告进展", "已完成", "申请延期"}
    assert "销号" not in card.buttons()
    (answer,) = await chat.say(MEMBER_A, "完成60%，已完成选址", reply_to=card.message_id)
    assert text_of(answer) == "已记录：DB-0001 农村改厕1200户 · 60% · 推进中"
    report = chat.fresh().scalars(select(ProgressReport)).one()
    assert (report.text, report.percent, report.state_change) == ("完成60%，已完成选址", 60, None)

    # 乡镇B cannot see it, and its copied buttons change nothing.
    await _bind_member(chat, "乡镇B", MEMBER_B)
    (hidden,) = await chat.say(MEMBER_B, "/task DB-0001")
    assert text_of(hidden).startswith("没有找到 DB-0001，或它不在您的范围内。")
    (forged,) = await chat.press(MEMBER_B, card.buttons()["已完成"])
    assert text_of(forged).startswith("没有找到 DB-0001，或它不在您的范围内。")
    assert chat.fresh().get(Task, task.id).state == "open"

    # The member presses 已完成; the supervisor presses 销号; /status shows it.
    (asked,) = await chat.press(MEMBER_A, card.buttons()["已完成"])
    assert text_of(asked).startswith("确认 DB-0001 农村改厕1200户 已全部完成、报请督查室销号吗？")
    assert chat.fresh().get(Task, task.id).state == "open"  # nothing until confirmed
    (done,) = await chat.press(MEMBER_A, asked.buttons()["确认已完成"])
    assert text_of(done).startswith(
        "已报完成：DB-0001 农村改厕1200户 · 100% · 已报完成，等待督查室销号。"
    )
    (office_card,) = await chat.say(ADMIN_ID, "/task DB-0001")
    (verified,) = await chat.press(ADMIN_ID, office_card.buttons()["销号"])
    assert text_of(verified) == "已销号：DB-0001 农村改厕1200户 · 100% · 已销号"
    status, chart = await chat.say(ADMIN_ID, "/status")
    assert "已销号 1" in text_of(status)
    assert chart.method == "sendPhoto"  # 挂图作战: the chart comes with the figures

    # A stranger learns nothing.
    (nothing,) = await chat.say(STRANGER, "/task DB-0001")
    assert text_of(nothing).startswith("您还没有绑定督办账号")
    assert "DB-0001" not in text_of(nothing) and "乡镇A" not in text_of(nothing)


async def _bind_member(chat: Chat, unit: str, user_id: int) -> None:
    (invited,) = await chat.say(ADMIN_ID, f"/invite {unit} 成员")
    code = re.search(r"/start (\w+)", text_of(invited))[1]  # type: ignore[index]
    await chat.say(user_id, f"/start {code}")


async def _open_task(chat: Chat) -> Task:
    (draft,) = await chat.say(ADMIN_ID, "/newtask 乡镇A | 污水管网改造 | 5月29日前")
    await chat.press(ADMIN_ID, draft.buttons()["确认"])
    return chat.fresh().scalars(select(Task)).one()


async def test_an_extension_is_requested_approved_and_the_old_deadline_kept(
    bot_app, session, clock
) -> None:
    chat = Chat(bot_app, session)
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}")
    task = await _open_task(chat)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    (ask,) = await chat.press(MEMBER_A, card.buttons()["申请延期"])
    assert "新的截止时间和理由" in text_of(ask)
    replies = await chat.say(MEMBER_A, "6月30日前，设备到货推迟", reply_to=ask.message_id)
    assert text_of(replies[0]) == (
        "已提交延期申请：DB-0001 延至 2026-06-30（周二）18:00，等待督查室审批。"
    )
    (request_card,) = [c for c in chat.request.sent(ADMIN_ID) if "延期申请" in text_of(c)]
    assert "原截止：2026-05-29（周五）18:00" in text_of(request_card)
    decided = await chat.press(ADMIN_ID, request_card.buttons()["批准"])
    assert text_of(decided[0]) == (
        "已批准：DB-0001 污水管网改造 截止时间延至 2026-06-30（周二）18:00。"
    )
    told = [c for c in chat.request.sent(MEMBER_A) if "批准了 DB-0001" in text_of(c)]
    assert len(told) == 1
    fresh = chat.fresh()
    assert fresh.get(Task, task.id).deadline == datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
    assert fresh.scalars(select(ExtensionRequest.state)).one() == "approved"
    moved = fresh.scalars(select(TaskEvent).where(TaskEvent.field == "deadline")).one()
    assert moved.old_value.startswith("2026-05-29T10:00")  # the old deadline, in UTC
    # Pressing 驳回 afterwards changes nothing.
    (late,) = await chat.press(ADMIN_ID, request_card.buttons()["驳回"])
    assert text_of(late) == "这组按钮已经按过了，不能再按。"


async def test_a_photo_reply_is_evidence_and_can_be_resent(bot_app, session, clock) -> None:
    chat = Chat(bot_app, session)
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}")
    await _open_task(chat)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    (answer,) = await chat.say(MEMBER_A, "现场照片", reply_to=card.message_id, photo="photo-file-1")
    assert text_of(answer) == "已记录：DB-0001 污水管网改造 · 0% · 推进中（附佐证材料 1 份）"
    attachment = chat.fresh().scalars(select(Attachment)).one()
    assert (attachment.kind, attachment.telegram_file_id, attachment.file_size) == (
        "photo",
        "photo-file-1",
        120_000,
    )
    (card,) = await chat.say(ADMIN_ID, "/task DB-0001")
    assert "佐证材料：1 份" in text_of(card)
    sent = await chat.press(ADMIN_ID, card.buttons()["佐证材料（1）"])
    assert [c.method for c in sent] == ["sendMessage", "sendPhoto"]
    assert sent[1].params["photo"] == "photo-file-1"


async def test_a_bound_group_gets_cards_and_its_replies_land(bot_app, session, clock) -> None:
    chat = Chat(bot_app, session)
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}")
    await _open_task(chat)
    (bound,) = await chat.say(MEMBER_A, "/bind", chat_id=GROUP_A)
    assert text_of(bound).startswith("本群已绑定为乡镇A的工作群。")
    binding = chat.fresh().scalars(select(ChatBinding)).one()
    assert (binding.chat_id, binding.unit.name) == (GROUP_A, "乡镇A")
    (card,) = await chat.say(MEMBER_A, "/task DB-0001", chat_id=GROUP_A)
    assert int(card.params["chat_id"]) == GROUP_A
    (asked,) = await chat.say(MEMBER_A, "已完成", chat_id=GROUP_A, reply_to=card.message_id)
    (answer,) = await chat.press(MEMBER_A, asked.buttons()["确认已完成"], chat_id=GROUP_A)
    assert text_of(answer).startswith("已报完成：DB-0001 污水管网改造 · 100% · 已报完成")
    # Other chatter in the group is left alone.
    assert await chat.say(MEMBER_A, "大家辛苦了", chat_id=GROUP_A) == []


async def test_a_plain_message_names_its_task_or_asks(bot_app, session, clock) -> None:
    chat = Chat(bot_app, session)
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}")
    await _open_task(chat)
    (named,) = await chat.say(MEMBER_A, "db-0001 完成四成")
    assert text_of(named) == "已记录：DB-0001 污水管网改造 · 40% · 推进中"
    (asked,) = await chat.say(MEMBER_A, "卡在征地，需协调")
    assert text_of(asked) == "这条消息是报告哪项事项的进展？请选择："
    assert chat.fresh().scalar(select(Task.needs_help)) is False  # nothing guessed
    (chosen,) = await chat.press(MEMBER_A, asked.buttons()["DB-0001 污水管网改造"])
    assert text_of(chosen) == "已记录：DB-0001 污水管网改造 · 40% · 推进中 · 需协调"
    (twice,) = await chat.press(MEMBER_A, asked.buttons()["DB-0001 污水管网改造"])
    assert text_of(twice) == "这组按钮已经按过了，不能再按。"  # one message, one report


async def test_a_cancelled_draft_cannot_be_confirmed(bot_app, session, clock) -> None:
    chat = Chat(bot_app, session)
    await _county(chat, clock)
    (draft,) = await chat.say(ADMIN_ID, "/newtask 乡镇A | 测试取消 | 下周五前")
    assert text_of((await chat.press(ADMIN_ID, draft.buttons()["取消"]))[0]) == "已取消。"
    (late,) = await chat.press(ADMIN_ID, draft.buttons()["确认"])
    assert text_of(late) == "这组按钮已经按过了，不能再按。"
    assert chat.fresh().scalar(select(Task.id)) is None


async def test_an_old_invitation_cannot_take_over_a_bound_person(bot_app, session, clock) -> None:
    chat = Chat(bot_app, session)
    await _county(chat, clock)
    codes = []
    for _ in range(2):
        (invited,) = await chat.say(ADMIN_ID, "/invite 王建国 领导")
        codes.append(re.search(r"/start (\w+)", text_of(invited))[1])  # type: ignore[index]
    await chat.say(5005, f"/start {codes[1]}", first_name="王建国")
    (refused,) = await chat.say(3003, f"/start {codes[0]}")
    assert text_of(refused) == "这张邀请对应的人员已经绑定了账号。如需换绑，请联系县督查室。"
    leader = chat.fresh().scalars(select(Person).where(Person.name == "王建国")).one()
    assert leader.telegram_user_id == 5005


async def test_a_returned_task_tells_its_unit_why_and_a_reply_lands_on_it(
    bot_app, session, clock
) -> None:
    chat = Chat(bot_app, session)
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}", first_name="李娜")
    task = await _open_task(chat)
    (card,) = await chat.say(MEMBER_A, f"/task {task.code}")
    (asked,) = await chat.press(MEMBER_A, card.buttons()["已完成"])
    await chat.press(MEMBER_A, asked.buttons()["确认已完成"])
    before = len(chat.request.sent(MEMBER_A))
    (answer,) = await chat.say(ADMIN_ID, f"/return {task.code} 佐证材料不全")
    assert text_of(answer) == "已退回：DB-0001 污水管网改造 · 100% · 推进中（理由：佐证材料不全）"
    (told,) = chat.request.sent(MEMBER_A)[before:]
    assert text_of(told) == (
        "↩️ 督查室退回了 DB-0001 污水管网改造（理由：佐证材料不全）。"
        "请补充后再报完成；回复本消息即可报告进展。"
    )
    (noted,) = await chat.say(MEMBER_A, "已补充验收照片", reply_to=told.message_id)
    assert text_of(noted).startswith("已记录：DB-0001 污水管网改造")
    reports = chat.fresh().scalars(select(ProgressReport.text).order_by(ProgressReport.id)).all()
    assert reports[-1] == "已补充验收照片"
