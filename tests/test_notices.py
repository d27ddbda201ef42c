"""Notices to other chats go through the outbox: written with the change, sent by the sender.

Two supervisors, the first of whom blocked the bot: a unit's extension request
still reaches the second, the first's chat is marked, the decision reaches the
requester, and a crash between the commit and the send still delivers it.
"""

from __future__ import annotations

from sqlalchemy import select

from db.models import (
    ChatBinding,
    ExtensionRequest,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    Role,
)
from jobs.outbox import send_due
from tests.conftest import ADMIN_ID
from tests.test_chat_scenario import MEMBER_A, Chat, _county, _open_task, text_of

SECOND_SUPERVISOR = 1002
BLOCKED = "Forbidden: bot was blocked by the user"


async def _asking_for_an_extension(chat: Chat, clock):  # type: ignore[no-untyped-def]
    """A county with two supervisors; 乡镇A's liaison asks to move DB-0001 to 6-30."""
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}")
    chat.session.add(Person(name="赵敏", role=Role.SUPERVISOR, telegram_user_id=SECOND_SUPERVISOR))
    chat.session.commit()
    await _open_task(chat)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    (ask,) = await chat.press(MEMBER_A, card.buttons()["申请延期"])
    return ask


def _request_cards(chat: Chat, user_id: int) -> list:  # type: ignore[no-untyped-def]
    return [c for c in chat.request.sent(user_id) if "延期申请：DB-0001" in text_of(c)]


async def test_a_blocked_supervisor_does_not_stop_the_other_from_hearing(
    bot_app, session, clock
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    ask = await _asking_for_an_extension(chat, clock)
    chat.request.fail(ADMIN_ID, 403, BLOCKED)  # the first supervisor blocked the bot

    (answer,) = await chat.say(MEMBER_A, "6月30日前，设备到货推迟", reply_to=ask.message_id)

    assert text_of(answer).startswith("已提交延期申请：DB-0001 延至 2026-06-30（周二）18:00")
    assert _request_cards(chat, ADMIN_ID) == []  # refused by Telegram
    (card,) = _request_cards(chat, SECOND_SUPERVISOR)
    assert set(card.buttons()) == {"批准", "驳回"}
    fresh = chat.fresh()
    assert fresh.scalar(select(ChatBinding.disabled_at).where(ChatBinding.chat_id == ADMIN_ID)), (
        "the blocked chat is marked"
    )
    states = dict(
        fresh.execute(
            select(OutboxMessage.chat_id, OutboxMessage.state).where(
                OutboxMessage.kind == OutboxKind.NOTICE
            )
        ).all()
    )
    assert states == {ADMIN_ID: OutboxState.DEAD, SECOND_SUPERVISOR: OutboxState.SENT}

    # The second supervisor approves: the requester is told, through the outbox too.
    (decided,) = await chat.press(SECOND_SUPERVISOR, card.buttons()["批准"])
    assert text_of(decided) == "已批准：DB-0001 污水管网改造 截止时间延至 2026-06-30（周二）18:00。"
    told = [c for c in chat.request.sent(MEMBER_A) if "批准了 DB-0001" in text_of(c)]
    assert len(told) == 1
    assert chat.fresh().scalar(select(ExtensionRequest.state)) == "approved"


async def test_a_crash_between_the_commit_and_the_send_still_delivers(
    bot_app, session, clock, runtime, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    ask = await _asking_for_an_extension(chat, clock)

    async def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("the process died after the commit")

    monkeypatch.setattr("handlers.context.send_soon", killed)
    (answer,) = await chat.say(MEMBER_A, "6月30日前，设备到货推迟", reply_to=ask.message_id)
    assert text_of(answer).startswith("已提交延期申请：DB-0001")  # the caller is answered
    assert _request_cards(chat, ADMIN_ID) == _request_cards(chat, SECOND_SUPERVISOR) == []
    assert chat.fresh().scalar(select(ExtensionRequest.state)) == "pending"
    monkeypatch.undo()

    app, _ = bot_app
    outcome = await send_due(app.bot, runtime)  # the next scan, after a restart

    assert outcome.sent == 2
    assert len(_request_cards(chat, ADMIN_ID)) == len(_request_cards(chat, SECOND_SUPERVISOR)) == 1
    assert (await send_due(app.bot, runtime)).sent == 0  # and only once
    # A reply to the delivered notice lands on its task, as a card's would.
    (card,) = _request_cards(chat, SECOND_SUPERVISOR)
    (asked,) = await chat.press(SECOND_SUPERVISOR, card.buttons()["驳回"])
    assert text_of(asked).startswith("请回复本消息，写明驳回 DB-0001 延期申请的理由")
    (decided,) = await chat.say(SECOND_SUPERVISOR, "理由不充分", reply_to=asked.message_id)
    assert text_of(decided).startswith("已驳回：DB-0001")
    told = [c for c in chat.request.sent(MEMBER_A) if "驳回了 DB-0001" in text_of(c)]
    assert len(told) == 1 and "理由：理由不充分" in text_of(told[0])


async def test_a_returned_task_tells_its_unit_through_the_outbox_in_quiet_hours(
    bot_app, session, clock
) -> None:  # type: ignore[no-untyped-def]
    """A notice answers someone's action: it goes out at once, even at 23:00."""
    from datetime import UTC, datetime

    chat = Chat(bot_app, session)
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}")
    await _open_task(chat)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    (asked,) = await chat.press(MEMBER_A, card.buttons()["已完成"])
    await chat.press(MEMBER_A, asked.buttons()["确认已完成"])
    clock.set(datetime(2026, 4, 29, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai
    await chat.say(ADMIN_ID, "/return DB-0001 佐证材料不全")
    (told,) = [c for c in chat.request.sent(MEMBER_A) if "督查室退回了 DB-0001" in text_of(c)]
    row = (
        chat.fresh()
        .scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == OutboxKind.NOTICE, OutboxMessage.chat_id == MEMBER_A
            )
        )
        .one()
    )
    assert (row.chat_id, row.state, row.message_ids) == (
        MEMBER_A,
        OutboxState.SENT,
        str(told.message_id),
    )
    (answer,) = await chat.say(MEMBER_A, "已补充照片", reply_to=told.message_id)
    assert text_of(answer).startswith("已记录：DB-0001")


async def test_a_supervisor_who_unblocks_the_bot_hears_again(bot_app, session, clock) -> None:  # type: ignore[no-untyped-def]
    """Blocked once, marked; writing to the bot in private again reopens the chat."""
    chat = Chat(bot_app, session)
    ask = await _asking_for_an_extension(chat, clock)
    chat.request.fail(ADMIN_ID, 403, BLOCKED)
    await chat.say(MEMBER_A, "6月30日前，设备到货推迟", reply_to=ask.message_id)
    assert chat.fresh().scalar(
        select(ChatBinding.disabled_at).where(ChatBinding.chat_id == ADMIN_ID)
    )

    (helped,) = await chat.say(ADMIN_ID, "/help")  # unblocked, and says so by writing
    assert text_of(helped)
    assert (
        chat.fresh().scalar(select(ChatBinding.disabled_at).where(ChatBinding.chat_id == ADMIN_ID))
        is None
    )
