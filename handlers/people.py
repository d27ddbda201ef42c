"""/people, /invitations, /unbind, and the bot removed from a group: people and groups leave.

The office manages people in private chats (the access policy refuses it in
groups); a group's own administrator or the unit's liaison may also /unbind
the group. Every change is logged and told to the supervisors.
"""

from __future__ import annotations

from sqlalchemy import select
from telegram.ext import Application, ChatMemberHandler, CommandHandler

from bot.accounts.binding import role_of
from bot.accounts.log import recent
from bot.accounts.management import (
    describe,
    find_person,
    invitation_label,
    listing,
    move,
    open_invitations,
    remove,
    revoke,
    unbind,
)
from bot.core.access import SYSTEM, Refusal
from bot.core.buttons import Choice, Pressed, choice_buttons
from bot.core.messages import Message, Reply
from bot.core.timefmt import local_time
from db.models import ChatBinding, Person, Unit
from handlers.context import ANYONE, BOUND, Call, handler
from handlers.dispatch import add_button

REMOVE, UNBIND, REVOKE = "remove_person", "unbind_group", "revoke_invitation"
BUTTONS_SHOWN = 20  # one list's buttons; more people are managed by name
PEOPLE_USAGE = (
    "移除：/people remove 姓名或TelegramID（或按下面的按钮）\n"
    "调整：/people move 姓名或TelegramID 单位 [成员|领导|督查]\n"
    "变动记录：/people log　　邀请码：/invitations"
)


@handler(BOUND)  # a writer: the list's buttons are saved with it
def people(call: Call) -> Reply:
    verb, *rest = call.args or [""]
    if verb == "log":
        lines = recent(call.session, actor=call.caller, zone=call.runtime.zone)
        return (
            "\n".join(["人员与工作群变动记录（最近在前）：", *lines])
            if lines
            else "还没有变动记录。"
        )
    if verb == "remove" and rest:
        person = find_person(call.session, " ".join(rest))
        return _removed(call, person)
    if verb == "move" and len(rest) >= 2:
        return _moved(call, rest)
    if verb:
        return PEOPLE_USAGE
    return _listing(call)


def _listing(call: Call) -> Reply:
    shown = listing(call.session, actor=call.caller)
    lines = [f"在册人员 {len(shown.people)} 人："]
    for number, person in enumerate(shown.people, start=1):
        account = f"TG {person.telegram_user_id}" if person.telegram_user_id else "未绑定"
        lines.append(f"{number}. {describe(person)} · {account}")
    lines.append(f"工作群 {len(shown.groups)} 个：")
    for number, group in enumerate(shown.groups, start=1):
        unit = group.unit.name if group.unit is not None else ""
        lines.append(f"{number}. {group.title or group.chat_id}（{unit}）")
    lines += ["", PEOPLE_USAGE]
    choices = [
        Choice(REMOVE, f"移除 {person.name}", {"person": person.id})
        for person in shown.people
        if person.id != call.caller.id
    ][:BUTTONS_SHOWN]
    choices += [
        Choice(UNBIND, f"解绑 {group.title or group.chat_id}", {"binding": group.id})
        for group in shown.groups
    ][:BUTTONS_SHOWN]
    buttons = choice_buttons(call.session, owner=call.caller, choices=choices, now=call.now())
    return Message("\n".join(lines), buttons=tuple((button,) for button in buttons))


def _removed(call: Call, person: Person) -> Reply:
    who = describe(person)
    told = remove(
        call.session,
        actor=call.caller,
        person=person,
        now=call.now(),
        admins=call.runtime.settings.admins,
    )
    return [Message(f"已移除 {who}：其账号即刻失效，待发消息已取消，历史记录保留。"), *told]


def _moved(call: Call, words: list[str]) -> Reply:
    role = None
    if len(words) >= 3:
        role = role_of(words[-1])
        words = words[:-1]
    person = find_person(call.session, words[0])
    unit_name = " ".join(words[1:])
    unit = call.session.scalar(select(Unit).where(Unit.name == unit_name))
    if unit is None:
        raise Refusal(f"没有名为“{unit_name[:30]}”的单位。发送 /units 查看单位名称。")
    told = move(
        call.session, actor=call.caller, person=person, unit=unit, role=role, now=call.now()
    )
    return [Message(f"已调整：{describe(person)}。"), *told]


def _remove_pressed(call: Call, button: Pressed) -> Reply:
    assert button.payload is not None
    person = call.session.get(Person, button.payload["person"])
    if person is None:
        raise Refusal("此人已不存在。")
    return _removed(call, person)


def _unbind_pressed(call: Call, button: Pressed) -> Reply:
    assert button.payload is not None
    binding = call.session.get(ChatBinding, button.payload["binding"])
    if binding is None:
        raise Refusal("这个群已不存在。")
    told = unbind(call.session, actor=call.caller, binding=binding, now=call.now())
    return [Message(f"已解绑工作群“{binding.title or binding.chat_id}”。"), *told]


@handler(BOUND)
def invitations(call: Call) -> Reply:
    if call.args[:1] == ["revoke"] and len(call.args) > 1:
        told = revoke(call.session, actor=call.caller, code=call.args[1], now=call.now())
        return [Message(f"已撤销邀请码 {call.args[1].upper()[:20]}。"), *told]
    waiting = open_invitations(call.session, actor=call.caller, now=call.now())
    if not waiting:
        return "没有未使用的邀请码。"
    zone = call.runtime.zone
    lines = [f"未使用的邀请码 {len(waiting)} 个："]
    lines += [
        f"{n}. {i.code} · {invitation_label(i)} · {local_time(i.expires_at, zone)}前有效"
        for n, i in enumerate(waiting, start=1)
    ]
    choices = [Choice(REVOKE, f"撤销 {i.code}", {"code": i.code}) for i in waiting]
    buttons = choice_buttons(
        call.session, owner=call.caller, choices=choices[:BUTTONS_SHOWN], now=call.now()
    )
    return Message("\n".join(lines), buttons=tuple((button,) for button in buttons))


def _revoke_pressed(call: Call, button: Pressed) -> Reply:
    assert button.payload is not None
    code = str(button.payload["code"])
    told = revoke(call.session, actor=call.caller, code=code, now=call.now())
    return [Message(f"已撤销邀请码 {code}。"), *told]


@handler(ANYONE, asks_admin=True)  # the group's administrator need not be bound
def unbind_command(call: Call) -> Reply:
    if not call.in_group:
        return "请在要解绑的工作群里发送 /unbind；督查室也可在私聊中用 /people 解绑。"
    binding = _active_binding(call)
    if binding is None:
        return "本群没有绑定单位。"
    unit = binding.unit.name if binding.unit is not None else ""
    told = unbind(
        call.session, actor=call.person, binding=binding, now=call.now(), chat_admin=call.chat_admin
    )
    return [Message(f"本群已解绑，不再是{unit}的工作群，也不再接收督办消息。"), *told]


@handler(ANYONE)
def bot_membership(call: Call) -> Reply:
    """The bot removed from a group: the binding ends and the office is told."""
    if not call.bot_removed:
        return None
    binding = _active_binding(call)
    if binding is None:
        return None
    unit = binding.unit.name if binding.unit is not None else ""
    where = binding.title or call.chat_title or str(call.chat_id)
    by = f"（由 {call.user_name} 操作）" if call.user_name else ""
    return unbind(
        call.session,
        actor=SYSTEM,
        binding=binding,
        now=call.now(),
        why=f"机器人被移出了{unit}的工作群“{where}”{by}，该群的绑定已解除",
    )


def _active_binding(call: Call) -> ChatBinding | None:
    return call.session.scalar(
        select(ChatBinding).where(
            ChatBinding.chat_id == call.chat_id,
            ChatBinding.disabled_at.is_(None),
            ChatBinding.unit_id.is_not(None),
        )
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("people", people))
    app.add_handler(CommandHandler("invitations", invitations))
    app.add_handler(CommandHandler("unbind", unbind_command))
    app.add_handler(ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    add_button(REMOVE, _remove_pressed, one_time=True)
    add_button(UNBIND, _unbind_pressed, one_time=True)
    add_button(REVOKE, _revoke_pressed, one_time=True)
