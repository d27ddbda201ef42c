"""People and groups leave, and codes cannot be stolen: what each person and group sees
afterwards, what the office is told, and what the database holds."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.core.access import GROUP_NOT_BOUND
from bot.outbox.rows import Planned, enqueue
from db.models import (
    AccessEvent,
    ChatBinding,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    ProgressReport,
)
from handlers.accounts import LEAKED
from handlers.context import NOT_BOUND
from tests.factories import make_county, make_task
from tests.telegram_fakes import bot_removed_update, button_update, message_update

GROUP = -6001
SUPERVISOR, LEADER, MEMBER, OUTSIDER = 1, 2, 3, 4
NEWCOMER, STRANGER = 501, 502


class Chat:
    def __init__(self, bot_app) -> None:  # type: ignore[no-untyped-def]
        self.app, self.request = bot_app

    async def say(self, user: int, text: str, chat: int | None = None) -> list[str]:
        where = chat if chat is not None else user
        before = len(self.request.texts(where))
        await self.app.process_update(message_update(self.app.bot, user, text, chat_id=where))
        return self.request.texts(where)[before:]

    async def press(self, user: int, data: str, chat: int | None = None) -> list[str]:
        where = chat if chat is not None else user
        before = len(self.request.texts(where))
        await self.app.process_update(button_update(self.app.bot, user, data, chat_id=where))
        return self.request.texts(where)[before:]

    def buttons(self, chat: int) -> dict[str, str]:
        return self.request.sent(chat)[-1].buttons()


def _code(text: str) -> str:
    return re.search(r"/start (\w+)", text)[1]  # type: ignore[index]


async def test_a_code_shown_in_a_group_is_dead_and_its_maker_gets_a_new_one(
    bot_app, session
) -> None:  # type: ignore[no-untyped-def]
    make_county(session)
    chat = Chat(bot_app)
    (made,) = await chat.say(SUPERVISOR, "/invite 城关镇 成员")
    code = _code(made)
    assert await chat.say(STRANGER, f"/start {code}", chat=GROUP) == [LEAKED]
    (warned,) = chat.request.texts(SUPERVISOR)[-1:]
    assert code in warned and "在群“工作群”里出现" in warned and "作废" in warned
    # Whoever saw it in the group cannot use it privately afterwards.
    (refused,) = await chat.say(STRANGER, f"/start {code}")
    assert refused == "邀请码无效、已被使用或已过期，请向县督查室重新索取。"
    session.rollback()
    assert session.scalar(select(Person).where(Person.telegram_user_id == STRANGER)) is None
    # The maker's button gives a fresh code, which binds in a private chat.
    (fresh,) = await chat.press(SUPERVISOR, chat.buttons(SUPERVISOR)["重新生成邀请码"])
    (welcome, *_) = await chat.say(NEWCOMER, f"/start {_code(fresh)}")
    assert welcome.startswith("绑定成功！")
    assert any("用邀请码绑定为城关镇的单位联络员" in t for t in chat.request.texts(SUPERVISOR))
    (log,) = await chat.say(SUPERVISOR, "/people log")
    assert "绑定为城关镇的单位联络员" in log and "在群“工作群”中出现，已作废" in log


async def test_a_revoked_code_binds_no_one(bot_app, session) -> None:  # type: ignore[no-untyped-def]
    make_county(session)
    chat = Chat(bot_app)
    code = _code((await chat.say(SUPERVISOR, "/invite 城关镇 成员"))[0])
    (listed,) = await chat.say(SUPERVISOR, "/invitations")
    assert code in listed and "城关镇的单位联络员" in listed
    (revoked,) = await chat.press(SUPERVISOR, chat.buttons(SUPERVISOR)[f"撤销 {code}"])
    assert revoked == f"已撤销邀请码 {code}。"
    (refused,) = await chat.say(NEWCOMER, f"/start {code}")
    assert refused.startswith("邀请码无效")
    assert await chat.say(SUPERVISOR, "/invitations") == ["没有未使用的邀请码。"]


async def test_a_removed_person_gets_nothing_more_and_their_buttons_do_nothing(
    bot_app, session, clock
) -> None:  # type: ignore[no-untyped-def]
    county = make_county(session)
    make_task(session, county, deadline=None, now=clock(), title="农村改厕")
    session.add(Person(name="孙丽", role="supervisor", telegram_user_id=7))  # a colleague
    session.commit()
    chat = Chat(bot_app)
    await chat.app.process_update(message_update(chat.app.bot, MEMBER, "/task DB-0001"))
    card = chat.request.sent(MEMBER)[-1]
    await chat.say(MEMBER, "完成一半", chat=None)  # a plain message: offered the task
    await chat.app.process_update(
        message_update(chat.app.bot, MEMBER, "完成60%", reply_to=card.message_id)
    )
    enqueue(
        session,
        [Planned("r:test", MEMBER, OutboxKind.REMINDER, "⏰ 督办提醒", clock())],
        now=clock(),
    )
    session.commit()

    await chat.say(SUPERVISOR, "/people")
    (removed,) = await chat.press(SUPERVISOR, chat.buttons(SUPERVISOR)["移除 李娜"])
    assert removed.startswith("已移除 李娜（城关镇 单位联络员）")
    assert any("周明 移除了 李娜" in text for text in chat.request.texts(7))  # the office told

    assert await chat.say(MEMBER, "/tasks") == [NOT_BOUND]
    assert await chat.press(MEMBER, card.buttons()["已完成"]) == [NOT_BOUND]
    session.rollback()
    waiting = session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == MEMBER)).all()
    assert [row.state for row in waiting] == [OutboxState.CANCELLED]
    report = session.scalars(select(ProgressReport)).one()
    assert report.person.name == "李娜"  # the history keeps their name
    assert session.scalar(select(AccessEvent.text).where(AccessEvent.kind == "removed")) == (
        "周明 移除了 李娜（城关镇 单位联络员）"
    )


async def test_a_moved_person_sees_the_new_units_tasks(bot_app, session, clock) -> None:  # type: ignore[no-untyped-def]
    county = make_county(session)
    make_task(session, county, deadline=None, now=clock(), title="农村改厕")
    make_task(session, county, deadline=None, now=clock(), title="违建整治", unit=county.department)
    chat = Chat(bot_app)
    (moved,) = await chat.say(SUPERVISOR, "/people move 李娜 县住建局")
    assert moved == "已调整：李娜（县住建局 单位联络员）。"
    (listing,) = await chat.say(MEMBER, "/tasks")
    assert "违建整治" in listing and "农村改厕" not in listing
    (led,) = await chat.say(SUPERVISOR, "/people move 李娜 县住建局 领导")
    assert led == "已调整：李娜（包联领导）。"


async def test_a_group_unbound_by_its_liaison_or_admin_hears_nothing_more(
    bot_app, session, clock
) -> None:  # type: ignore[no-untyped-def]
    county = make_county(session)
    make_task(session, county, deadline=None, now=clock(), title="农村改厕")
    chat = Chat(bot_app)
    await chat.say(MEMBER, "/bind", chat=GROUP)
    assert any("把群“工作群”绑定为城关镇的工作群" in t for t in chat.request.texts(SUPERVISOR))
    enqueue(session, [Planned("r:g", GROUP, OutboxKind.REMINDER, "⏰", clock())], now=clock())
    session.commit()
    refused = await chat.say(OUTSIDER, "/unbind", chat=GROUP)
    assert refused == ["只有本群管理员、本单位联络员或督查室可以解绑本群。"]
    (done,) = await chat.say(MEMBER, "/unbind", chat=GROUP)
    assert done == "本群已解绑，不再是城关镇的工作群，也不再接收督办消息。"
    assert await chat.say(MEMBER, "/tasks", chat=GROUP) == [GROUP_NOT_BOUND]
    session.rollback()
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == GROUP)).one()
    assert row.state == OutboxState.CANCELLED
    # Bound again, then unbound by the group's administrator, who need not be bound.
    await chat.say(MEMBER, "/bind", chat=GROUP)
    chat.request.chat_admins.add((GROUP, STRANGER))
    (done,) = await chat.say(STRANGER, "/unbind", chat=GROUP)
    assert done.startswith("本群已解绑")


async def test_the_bot_removed_from_a_group_ends_its_binding_and_tells_the_office(
    bot_app, session
) -> None:  # type: ignore[no-untyped-def]
    make_county(session)
    chat = Chat(bot_app)
    await chat.say(MEMBER, "/bind", chat=GROUP)
    await chat.app.process_update(bot_removed_update(chat.app.bot, GROUP, by_user=STRANGER))
    session.rollback()
    binding = session.scalars(select(ChatBinding).where(ChatBinding.chat_id == GROUP)).one()
    assert binding.unit_id is None and binding.disabled_at is not None
    told = chat.request.texts(SUPERVISOR)[-1]
    assert "机器人被移出了城关镇的工作群" in told and "绑定已解除" in told


async def test_people_management_stays_in_private_chats(bot_app, session) -> None:  # type: ignore[no-untyped-def]
    make_county(session)
    chat = Chat(bot_app)
    for command in ("/people", "/people remove 李娜", "/invitations", "/people log"):
        (answer,) = await chat.say(SUPERVISOR, command, chat=GROUP)
        assert answer == "此功能涉及全县或人员信息，请在与机器人的私聊中使用。"
    assert await chat.say(MEMBER, "/people") == ["只有督查室可以管理人员、工作群和邀请码。"]
