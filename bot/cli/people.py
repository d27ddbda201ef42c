"""`people` (list, remove, move, the access log) and `invitations` (open codes, revoke one).

The terminal acts as the office (`SYSTEM`); what it changes is logged and told
to the supervisors as notices, which the running bot's sender delivers.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bot.cli.invocation import Command, Invocation
from bot.cli.parsing import add_command

if TYPE_CHECKING:
    from bot.cli.parsing import Commands


def add_commands(commands: Commands) -> None:
    people = add_command(
        commands,
        "people",
        "人员管理：列出、移除、调整人员，查看变动记录",
        "list 列出在册人员和工作群；remove 姓名或TelegramID 移除；"
        "move 姓名或TelegramID --unit 单位 [--role 成员|领导|督查] 调整；log 变动记录。",
    )
    people.add_argument("action", choices=["list", "remove", "move", "log"], metavar="操作")
    people.add_argument("who", nargs="?", metavar="姓名或TelegramID")
    people.add_argument("--unit", metavar="单位", help="move：调到哪个单位")
    people.add_argument("--role", metavar="角色", help="move：成员、领导或督查")
    invitations = add_command(
        commands, "invitations", "列出未使用的邀请码，或撤销一个", "列出未使用的邀请码。"
    )
    invitations.add_argument("--revoke", metavar="邀请码", help="撤销这个邀请码")


def _people(call: Invocation) -> int:
    from sqlalchemy import select

    from bot.accounts.binding import role_of
    from bot.accounts.log import recent
    from bot.accounts.management import describe, find_person, listing, move, remove
    from bot.core.access import SYSTEM, Refusal
    from bot.outbox.notices import write_notices
    from db.models import Unit

    args = call.args
    with call.runtime() as runtime:
        try:
            with runtime.transaction() as session:
                now = runtime.now()
                if args.action == "log":
                    lines = recent(session, actor=SYSTEM, zone=runtime.zone, limit=200)
                    print("\n".join(lines) if lines else "还没有变动记录。")
                    return 0
                if args.action == "list":
                    shown = listing(session, actor=SYSTEM)
                    print(f"在册人员 {len(shown.people)} 人：")
                    for person in shown.people:
                        account = person.telegram_user_id or "未绑定"
                        print(f"  {describe(person)} · Telegram ID {account}")
                    print(f"工作群 {len(shown.groups)} 个：")
                    for group in shown.groups:
                        owner = group.unit.name if group.unit is not None else ""
                        print(f"  {group.title or ''}（{owner}）· 群 ID {group.chat_id}")
                    return 0
                if not args.who:
                    raise Refusal("请写明姓名或 Telegram ID。")
                person = find_person(session, args.who)
                who = describe(person)
                if args.action == "remove":
                    told = remove(
                        session,
                        actor=SYSTEM,
                        person=person,
                        now=now,
                        admins=runtime.settings.admins,
                    )
                    print(f"已移除 {who}：其账号即刻失效，待发消息已取消，历史记录保留。")
                else:
                    unit = None
                    if args.unit:
                        unit = session.scalar(select(Unit).where(Unit.name == args.unit))
                        if unit is None:
                            raise Refusal(f"没有名为“{args.unit[:30]}”的单位。")
                    role = role_of(args.role) if args.role else None
                    told = move(session, actor=SYSTEM, person=person, unit=unit, role=role, now=now)
                    print(f"已调整：{who} → {describe(person)}")
                write_notices(session, told, now=now)
        except Refusal as refusal:
            print(refusal, file=sys.stderr)
            return 1
    return 0


def _invitations(call: Invocation) -> int:
    from bot.accounts.management import invitation_label, open_invitations, revoke
    from bot.core.access import SYSTEM, Refusal
    from bot.core.timefmt import local_time
    from bot.outbox.notices import write_notices

    with call.runtime() as runtime:
        try:
            with runtime.transaction() as session:
                now = runtime.now()
                if call.args.revoke:
                    told = revoke(session, actor=SYSTEM, code=call.args.revoke, now=now)
                    write_notices(session, told, now=now)
                    print(f"已撤销邀请码 {call.args.revoke.upper()}。")
                    return 0
                waiting = open_invitations(session, actor=SYSTEM, now=now)
                print(f"未使用的邀请码 {len(waiting)} 个：")
                for i in waiting:
                    until = local_time(i.expires_at, runtime.zone)
                    print(f"  {i.code} · {invitation_label(i)} · {until}前有效")
                if waiting:
                    print("撤销：python -m bot invitations --revoke 邀请码")
        except Refusal as refusal:
            print(refusal, file=sys.stderr)
            return 1
    return 0


COMMANDS: dict[str, Command] = {"people": _people, "invitations": _invitations}
