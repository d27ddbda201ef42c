"""Scope follows the chat: every command × chat kind × role.

In a unit's work group every answer holds only that unit's business, whoever
asks; a group bound to no unit hears nothing about tasks; county-wide answers
and files, invitations and people only go to private chats. Buttons pressed in
a group act within the group's scope too.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.ledger.states import Action, apply_action
from db.models import ChatBinding, Invitation, Task, TaskState
from tests.factories import make_county, make_task
from tests.telegram_fakes import SentCall, button_update, message_update

OWN_GROUP, OTHER_GROUP, FREE_GROUP = -5001, -5002, -5003
# What the township's work group must never read: the department's task and people.
FOREIGN = ("违建整治", "赵强", "DB-0002 ")

COMMANDS = [
    "/help",
    "/tasks",
    "/overdue",
    "/task DB-0001",
    "/task DB-0002",
    "/status",
    "/status 县住建局",
    "/status DB-0002",
    "/digest",
    "/export",
    "/units",
    "/invite 县住建局 成员",
    "/duty",
    "/bulletin",
    "/newtask 县住建局 | 违建整治二期 | 下周五前",
    "/verify DB-0002",
    "/return DB-0002 材料不全",
    "/holiday",
    "/pending",
    "/redate DB-0002 下月底 工期调整",
    "/people",
    "/invitations",
]
CHATS = ["private", "own group", "other group", "unbound group"]
ROLES = ["supervisor", "leader", "member"]


def _words(sent: SentCall) -> str:
    """Everything a chat reads in a message: its text and any spreadsheet it carries."""
    words = [sent.params.get("text") or sent.params.get("caption") or ""]
    for name, content in sent.uploads.items():
        if name.endswith(".xlsx"):
            book = load_workbook(BytesIO(content), read_only=True)
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    words += [str(cell) for cell in row if cell is not None]
        else:
            words.append(f"<file {name}>")
    return "\n".join(words)


@pytest.fixture
async def county(bot_app, session, clock):  # type: ignore[no-untyped-def]
    county = make_county(session)
    now = clock()
    make_task(session, county, deadline=None, now=now, title="农村改厕")  # DB-0001, township
    foreign = make_task(
        session, county, deadline=None, now=now, title="违建整治", unit=county.department
    )
    apply_action(session, foreign, Action.REPORT_DONE, now=now, actor=county.outsider)
    session.add_all(
        [
            ChatBinding(chat_id=OWN_GROUP, unit=county.township, title="城关镇工作群"),
            ChatBinding(chat_id=OTHER_GROUP, unit=county.department, title="住建局工作群"),
            ChatBinding(chat_id=FREE_GROUP, unit=None, title="闲聊群"),
        ]
    )
    session.commit()
    return county


def _ids(county) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        "supervisor": county.supervisor.telegram_user_id,
        "leader": county.leader.telegram_user_id,
        "member": county.member.telegram_user_id,
    }


def _chat_id(kind: str, user_id: int) -> int:
    return {"private": user_id, "own group": OWN_GROUP, "other group": OTHER_GROUP}.get(
        kind, FREE_GROUP
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("chat", CHATS[1:])
async def test_a_group_reads_only_its_units_business(bot_app, county, session, role, chat) -> None:  # type: ignore[no-untyped-def]
    app, request = bot_app
    user = _ids(county)[role]
    where = _chat_id(chat, user)
    for command in COMMANDS:
        before = len(request.sent(where))
        await app.process_update(message_update(app.bot, user, command, chat_id=where))
        answers = request.sent(where)[before:]
        assert answers, command
        for answer in answers:
            read = _words(answer)
            assert "<file" not in read, (command, read)  # no county file in a group
            if chat == "own group":
                assert not any(word in read for word in FOREIGN), (command, read)
            elif chat == "unbound group":
                assert "农村改厕" not in read and "违建整治" not in read, (command, read)
            else:  # the department's group: nothing of the township
                assert "农村改厕" not in read and "李娜" not in read, (command, read)
    # Nothing was changed or made from a group about another unit's task.
    session.rollback()
    assert session.scalar(select(Task.state).where(Task.code == "DB-0002")) in (
        TaskState.REPORTED_DONE,
        TaskState.VERIFIED,  # only the supervisor in the department's own group may verify
    )
    assert session.scalar(select(Invitation.id)) is None
    assert session.scalar(select(Task.id).where(Task.code == "DB-0003")) is None


async def test_the_own_group_sees_its_units_tasks_whoever_asks(bot_app, county) -> None:  # type: ignore[no-untyped-def]
    app, request = bot_app
    for user in _ids(county).values():
        before = len(request.sent(OWN_GROUP))
        await app.process_update(message_update(app.bot, user, "/tasks", chat_id=OWN_GROUP))
        (listing,) = request.sent(OWN_GROUP)[before:]
        assert "DB-0001 农村改厕" in _words(listing)
    await app.process_update(message_update(app.bot, 1, "/export", chat_id=OWN_GROUP))
    exported = _words(request.sent(OWN_GROUP)[-1])
    assert "<file" not in exported  # the group's export is the unit's own workbook
    assert "农村改厕" in exported and "违建整治" not in exported


async def test_private_chats_keep_each_persons_own_scope(bot_app, county) -> None:  # type: ignore[no-untyped-def]
    app, request = bot_app
    ids = _ids(county)
    for role, sees_foreign in (("supervisor", True), ("leader", True), ("member", False)):
        user = ids[role]
        await app.process_update(message_update(app.bot, user, "/tasks"))
        listing = _words(request.sent(user)[-1])
        assert "农村改厕" in listing
        assert ("违建整治" in listing) is sees_foreign, role
    await app.process_update(message_update(app.bot, ids["supervisor"], "/units"))
    assert "县住建局" in _words(request.sent(ids["supervisor"])[-1])


async def test_a_card_button_pressed_in_a_group_acts_in_the_groups_scope(
    bot_app, county, session
) -> None:  # type: ignore[no-untyped-def]
    app, request = bot_app
    supervisor = county.supervisor.telegram_user_id
    await app.process_update(message_update(app.bot, supervisor, "/task DB-0002"))
    card = request.sent(supervisor)[-1]
    verify = card.buttons()["销号"]
    await app.process_update(button_update(app.bot, supervisor, verify, chat_id=OWN_GROUP))
    (refused,) = request.texts(OWN_GROUP)
    assert "违建整治" not in refused and refused.startswith("没有找到")
    session.rollback()
    assert session.scalar(select(Task.state).where(Task.code == "DB-0002")) == (
        TaskState.REPORTED_DONE
    )
    await app.process_update(button_update(app.bot, supervisor, verify, chat_id=OTHER_GROUP))
    assert request.texts(OTHER_GROUP)[-1].startswith("已销号：DB-0002")
