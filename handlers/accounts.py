"""/start [CODE], /invite, /bind, /units: who is who, and which chat belongs to which unit."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.accounts.binding import (
    ROLE_NAMES,
    NewInvitation,
    bind_group,
    invite,
    list_units,
    redeem,
    role_of,
)
from bot.accounts.log import office_notices
from bot.accounts.management import invitation_label, spend_leaked
from bot.core.access import Refusal
from bot.core.buttons import Choice, Pressed, choice_buttons
from bot.core.messages import ChatMenu, Message, Reply
from bot.core.timefmt import local_time
from db.models import Invitation, Person, Role
from handlers.context import ANYONE, BOUND, NOT_BOUND, Call, handler
from handlers.dispatch import add_button
from handlers.menu import help_text, menu

REISSUE = "reissue_invitation"  # 重新生成 under a leaked code's notice
LEAKED = (
    "邀请码只能在与机器人的私聊中使用。在群里出现的邀请码已经作废，请向县督查室索取新的邀请码。"
)

INVITE_USAGE = (
    "用法：/invite 单位 成员 —— 邀请单位联络员，例如 /invite 城关镇 成员\n"
    "　　　/invite 姓名 领导 —— 邀请包联领导，例如 /invite 王建国 领导\n"
    "　　　/invite 姓名 督查 —— 邀请督查室同事"
)


@handler(ANYONE)  # /start CODE must reach people who are not bound yet
def start(call: Call) -> Reply:
    if call.args and call.chat_type != "private":
        return _leaked(call, call.args[0])
    if call.args and call.person is None:
        if call.user_id is None:
            return NOT_BOUND
        person, told = redeem(
            call.session,
            code=call.args[0],
            telegram_user_id=call.user_id,
            display_name=call.user_name,
            now=call.now(),
        )
        unit = f"（{person.unit.name}）" if person.unit is not None else ""
        welcome = (
            f"绑定成功！{person.name}，您的身份是{ROLE_NAMES[person.role]}{unit}。\n\n"
            f"{help_text(person.role)}"
        )
        return [Message(welcome), ChatMenu(call.chat_id, tuple(menu(person.role))), *told]
    if call.person is None:
        return NOT_BOUND
    greeting = f"{call.person.name}，您好！督办机器人已就绪。\n\n{help_text(call.person.role)}"
    if call.args:
        greeting = "您已经绑定过账号了，无需再用邀请码。\n\n" + greeting
    if call.in_group:
        return greeting
    return [Message(greeting), ChatMenu(call.chat_id, tuple(menu(call.person.role)))]


def _leaked(call: Call, code: str) -> Reply:
    """A code seen in a group is spent whoever sent it; its maker is told and offered a new one."""
    spent = spend_leaked(
        call.session, code=code, chat_id=call.chat_id, chat_title=call.chat_title, now=call.now()
    )
    if spent is None:
        return LEAKED
    where = call.chat_title[:50] or str(call.chat_id)
    text = (
        f"⚠️ 邀请码 {spent.code}（{invitation_label(spent)}）在群“{where}”里出现，为防冒用已经作废。"
    )
    maker = call.session.get(Person, spent.created_by_id) if spent.created_by_id else None
    if maker is None or not maker.active or maker.telegram_user_id is None:
        return [Message(LEAKED), *office_notices(call.session, text)]
    (again,) = choice_buttons(
        call.session,
        owner=maker,
        choices=[Choice(REISSUE, "重新生成邀请码", {"invitation": spent.id})],
        now=call.now(),
    )
    offer = Message(
        text + "按下面的按钮可生成新的邀请码，请只在私聊中转交。",
        buttons=((again,),),
        to_chat=maker.telegram_user_id,
    )
    return [Message(LEAKED), offer]


def _reissue(call: Call, button: Pressed) -> Reply:
    assert button.payload is not None
    old = call.session.get(Invitation, button.payload["invitation"])
    if old is None:
        raise Refusal("原邀请已不存在，请用 /invite 重新生成。")
    target = old.unit.name if old.unit is not None else (old.name or "")
    made = invite(
        call.session,
        actor=call.caller,
        target=target,
        role=Role(old.role),
        now=call.now(),
        valid_days=call.runtime.settings.invitation_days,
    )
    return _invitation_text(call, made)


@handler(BOUND)
def invite_command(call: Call) -> str:
    if len(call.args) < 2:
        return INVITE_USAGE
    role = role_of(call.args[-1])
    target = " ".join(call.args[:-1])
    made = invite(
        call.session,
        actor=call.caller,
        target=target,
        role=role,
        now=call.now(),
        valid_days=call.runtime.settings.invitation_days,
    )
    return _invitation_text(call, made)


def _invitation_text(call: Call, made: NewInvitation) -> str:
    role = made.role
    who = (
        f"{made.unit_name}的{ROLE_NAMES[role]}"
        if made.unit_name
        else f"{made.person_name}（{ROLE_NAMES[role]}）"
    )
    username = call.bot_username
    link = f"https://t.me/{username}?start={made.code}\n" if username else ""
    until = local_time(made.expires_at, call.runtime.zone)
    return (
        f"已为{who}生成邀请码（一次有效，{until}前使用）：\n"
        f"{link}或在与机器人的私聊中发送：/start {made.code}"
    )


@handler(BOUND)
def bind(call: Call) -> Reply:
    if not call.in_group:
        return "请在单位的工作群里发送 /bind（先把机器人拉进群）。"
    unit, told = bind_group(
        call.session,
        actor=call.caller,
        chat_id=call.chat_id,
        title=call.chat_title,
        unit_name=" ".join(call.args) or None,
        now=call.now(),
    )
    return [
        Message(
            f"本群已绑定为{unit.name}的工作群。督办事项卡片和提醒会发到这里，回复卡片即可报告进展。"
        ),
        *told,
    ]


@handler(BOUND, reads=True)
def units(call: Call) -> str:
    listing = list_units(call.session, actor=call.caller)
    if not listing:
        return "还没有责任单位。可用 python -m bot import 台账.xlsx 导入台账。"
    lines = [f"责任单位共 {len(listing)} 个："]
    for number, unit in enumerate(listing, start=1):
        people = "、".join(f"{name}（{role}）" for name, role in unit.people) or "尚无人员"
        groups = "、".join(unit.groups) or "未绑定"
        lines.append(f"{number}. {unit.name}：{people}；工作群：{groups}")
    return "\n".join(lines)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("invite", invite_command))
    app.add_handler(CommandHandler("bind", bind))
    app.add_handler(CommandHandler("units", units))
    add_button(REISSUE, _reissue, one_time=True)
