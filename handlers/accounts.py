"""/start [CODE], /invite, /bind, /units: who is who, and which chat belongs to which unit."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.accounts.binding import ROLE_NAMES, bind_group, invite, list_units, redeem, role_of
from bot.core.messages import ChatMenu, Message, Reply
from bot.core.timefmt import local_time
from db.models import Role
from handlers.context import ANYONE, BOUND, NOT_BOUND, Call, handler
from handlers.menu import help_text, menu

INVITE_USAGE = (
    "用法：/invite 单位 成员 —— 邀请单位联络员，例如 /invite 城关镇 成员\n"
    "　　　/invite 姓名 领导 —— 邀请包联领导，例如 /invite 王建国 领导\n"
    "　　　/invite 姓名 督查 —— 邀请督查室同事"
)


@handler(ANYONE)  # /start CODE must reach people who are not bound yet
def start(call: Call) -> Reply:
    if call.args and call.person is None:
        if call.user_id is None:
            return NOT_BOUND
        if call.in_group:
            return "请在与机器人的私聊中发送 /start 邀请码，以免邀请码被他人看到。"
        person = redeem(
            call.session,
            code=call.args[0],
            telegram_user_id=call.user_id,
            display_name=call.user_name,
            now=call.now(),
        )
        unit = f"（{person.unit.name}）" if person.unit is not None else ""
        welcome = (
            f"绑定成功！{person.name}，您的身份是{ROLE_NAMES[Role(person.role)]}{unit}。\n\n"
            f"{help_text(person.role)}"
        )
        return [Message(welcome), ChatMenu(call.chat_id, tuple(menu(person.role)))]
    if call.person is None:
        return NOT_BOUND
    greeting = f"{call.person.name}，您好！督办机器人已就绪。\n\n{help_text(call.person.role)}"
    if call.args:
        greeting = "您已经绑定过账号了，无需再用邀请码。\n\n" + greeting
    if call.in_group:
        return greeting
    return [Message(greeting), ChatMenu(call.chat_id, tuple(menu(call.person.role)))]


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
def bind(call: Call) -> str:
    if not call.in_group:
        return "请在单位的工作群里发送 /bind（先把机器人拉进群）。"
    unit = bind_group(
        call.session,
        actor=call.caller,
        chat_id=call.chat_id,
        title=call.chat_title,
        unit_name=" ".join(call.args) or None,
        now=call.now(),
    )
    return f"本群已绑定为{unit.name}的工作群。督办事项卡片和提醒会发到这里，回复卡片即可报告进展。"


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
