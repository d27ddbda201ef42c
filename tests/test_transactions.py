"""One unit of work per update: a refused or crashing handler leaves the database as it was,
and the handler sees the whole update as plain values."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.core.access import Refusal
from bot.core.messages import Button, Document, Message
from db.models import CalendarOverrideRow, Person, Unit
from handlers.context import ANYONE, BOUND, Call, handler
from tests.conftest import ADMIN_ID
from tests.factories import make_county
from tests.telegram_fakes import send

GROUP_ID = -100123


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    session.rollback()  # a fresh look at what the bot committed
    return session.scalar(select(func.count()).select_from(model))


async def test_a_refused_action_leaves_nothing_behind(bot_app, session) -> None:
    app, _ = bot_app

    @handler(BOUND)
    def refuse_after_writing(call: Call) -> str:
        call.session.add(Unit(name="半途而废镇"))
        call.session.flush()
        raise Refusal("不行。")

    app.add_handler(CommandHandler("refuse", refuse_after_writing), group=-1)
    assert await send(bot_app, ADMIN_ID, "/refuse") == ["不行。"]
    assert _count(session, Unit) == 0
    # Even the admin's first contact was undone with the rest: nothing half saved.
    assert _count(session, Person) == 0


async def test_a_crashing_action_leaves_nothing_behind(bot_app, session) -> None:
    app, _ = bot_app

    @handler(BOUND)
    def crash_after_writing(call: Call) -> str:
        call.session.add(Unit(name="半途而废镇"))
        call.session.flush()
        raise RuntimeError("disk on fire")

    app.add_handler(CommandHandler("crash", crash_after_writing), group=-1)
    (reply,) = await send(bot_app, ADMIN_ID, "/crash")
    assert reply.startswith("抱歉，处理这条消息时出错了")
    assert _count(session, Unit) == 0


async def test_a_rule_the_database_keeps_is_a_chinese_refusal(bot_app, session, clock) -> None:
    """A duplicate that slips past the friendly check (as in a race) still reads well."""
    app, _ = bot_app

    @handler(BOUND)
    def duplicate_holiday(call: Call) -> str:
        from datetime import date

        for _ in range(2):  # what two processes would do at once
            call.session.add(
                CalendarOverrideRow(
                    name="春节",
                    first_day=date(2027, 2, 6),
                    last_day=date(2027, 2, 13),
                    is_workday=False,
                    created_at=call.now(),
                )
            )
        return "已登记。"

    app.add_handler(CommandHandler("twice", duplicate_holiday), group=-1)
    assert await send(bot_app, ADMIN_ID, "/twice") == [
        "这条节假日安排已经登记过了，发送 /holiday 可以查看。"
    ]
    assert _count(session, CalendarOverrideRow) == 0


async def test_strangers_reach_only_handlers_open_to_anyone(bot_app) -> None:
    app, _ = bot_app
    seen: list[Call] = []

    @handler(ANYONE)
    def open_door(call: Call) -> str:
        seen.append(call)
        return "欢迎" if call.person is None else "老朋友"

    @handler(BOUND)
    def closed_door(call: Call) -> str:
        raise AssertionError("a stranger got in")

    app.add_handler(CommandHandler("open", open_door), group=-1)
    app.add_handler(CommandHandler("closed", closed_door), group=-1)
    assert await send(bot_app, 555, "/open") == ["欢迎"]
    assert seen[0].person is None and seen[0].user_id == 555
    assert (await send(bot_app, 555, "/closed"))[0].startswith("您还没有绑定督办账号")
    assert await send(bot_app, ADMIN_ID, "/open") == ["老朋友"]


def _group_reply_with_photo(app, user_id: int) -> Update:  # type: ignore[no-untyped-def]
    bot_message = {
        "message_id": 41,
        "date": 0,
        "chat": {"id": GROUP_ID, "type": "supergroup", "title": "城关镇工作群"},
        "from": {"id": 999, "is_bot": True, "first_name": "督办"},
        "text": "DB-0001 农村改厕1200户 · 还有3个工作日",
    }
    return Update.de_json(
        {
            "update_id": 7001,
            "message": {
                "message_id": 42,
                "date": 0,
                "chat": {"id": GROUP_ID, "type": "supergroup", "title": "城关镇工作群"},
                "from": {"id": user_id, "is_bot": False, "first_name": "娜"},
                "caption": "完成六成，照片见附件",
                "photo": [
                    {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
                    {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 960},
                ],
                "reply_to_message": bot_message,
            },
        },
        app.bot,
    )


async def test_a_call_carries_the_chat_the_reply_and_the_files(bot_app, session) -> None:
    app, request = bot_app
    county = make_county(session)
    seen: list[Call] = []

    @handler(BOUND)
    def probe(call: Call) -> list[Message]:
        seen.append(call)
        return [
            Message("收到。", buttons=((Button("报告进展", "t:1:progress"),),)),
            Message("台账见附件。", document=Document("台账.xlsx", b"PK")),
        ]

    app.add_handler(MessageHandler(filters.PHOTO, probe), group=-1)
    await app.process_update(_group_reply_with_photo(app, county.member.telegram_user_id))
    (call,) = seen
    assert call.person is not None and call.person.name == "李娜"
    assert (call.chat_id, call.chat_type, call.in_group) == (GROUP_ID, "supergroup", True)
    assert (call.message_id, call.reply_to_message_id) == (42, 41)
    assert call.text == "完成六成，照片见附件"
    assert [(f.kind, f.file_id) for f in call.files] == [("photo", "large")]

    sent = [c for c in request.calls if c.method in ("sendMessage", "sendDocument")]
    assert [c.method for c in sent] == ["sendMessage", "sendDocument"]
    assert int(sent[0].params["chat_id"]) == GROUP_ID
    assert sent[0].params["text"] == "收到。"
    assert "t:1:progress" in str(sent[0].params["reply_markup"])
    assert sent[1].params["caption"] == "台账见附件。"


@pytest.mark.parametrize("command", ["/start", "/help", "/status", "/holiday"])
async def test_every_shipped_command_commits_once_and_answers(bot_app, session, command) -> None:
    replies = await send(bot_app, ADMIN_ID, command)
    assert len(replies) == 1 and replies[0]
    assert _count(session, Person) == 1  # the bootstrap supervisor, kept by the commit


async def test_work_saved_but_its_answer_undeliverable_is_not_called_a_failure(
    bot_app, session, caplog
) -> None:
    app, request = bot_app

    @handler(BOUND)
    def save(call: Call) -> str:
        call.session.add(Unit(name="新设镇"))
        return "已保存。"

    app.add_handler(CommandHandler("save", save), group=-1)
    request.fail(ADMIN_ID, 400, "Bad Request: message is too long")
    assert await send(bot_app, ADMIN_ID, "/save") == []  # no "出错了，请稍后再试"
    assert _count(session, Unit) == 1
    assert "the answer could not be sent" in caplog.text


async def test_a_chinese_name_in_two_telegram_fields_is_one_name(bot_app, session) -> None:
    app, _ = bot_app
    update = Update.de_json(
        {
            "update_id": 9100,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": ADMIN_ID, "type": "private", "first_name": "周"},
                "from": {"id": ADMIN_ID, "is_bot": False, "first_name": "周", "last_name": "明"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        },
        app.bot,
    )
    await app.process_update(update)
    session.rollback()
    assert session.scalars(select(Person.name)).all() == ["周明"]
