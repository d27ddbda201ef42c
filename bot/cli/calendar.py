"""`holiday add | workday | list | remove`: the office's calendar from a terminal, as
`/holiday` in chat, so an office that works from the terminal can enter a holiday the
calendar does not know yet (the next 元旦) before importing its rosters."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.cli.invocation import Command, Invocation
from bot.cli.parsing import add_command

if TYPE_CHECKING:
    from bot.cli.parsing import Commands


def calendar_day(text: str) -> date:
    """A day written YYYY-MM-DD (`--from`, `--to`, a holiday's days)."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写成 YYYY-MM-DD，如 2026-10-01") from None


def add_commands(commands: Commands) -> None:
    holiday = add_command(
        commands,
        "holiday",
        "节假日：登记放假、调休上班，查看今后一年的安排",
        "与聊天中的 /holiday 相同：登记日历上还没有的放假和调休上班日，或查看今后一年的安排。",
    )
    actions = holiday.add_subparsers(dest="holiday_action", metavar="操作", required=True)
    adding = actions.add_parser(
        "add",
        help="登记放假（名称、第一天、最后一天）",
        description="登记放假，如：python -m bot holiday add 元旦 2026-12-31 2027-01-03",
    )
    adding.add_argument("name", metavar="名称", help="节日名称，如 元旦")
    adding.add_argument("first_day", type=calendar_day, metavar="第一天", help="YYYY-MM-DD")
    adding.add_argument("last_day", type=calendar_day, metavar="最后一天", help="YYYY-MM-DD")
    workday = actions.add_parser(
        "workday",
        help="登记调休上班日",
        description="登记调休上班日，如：python -m bot holiday workday 2027-01-04 元旦调休",
    )
    workday.add_argument("day", type=calendar_day, metavar="日期", help="YYYY-MM-DD")
    workday.add_argument("name", nargs="?", default="", metavar="名称", help="如 元旦调休")
    actions.add_parser("list", help="查看今后一年的节假日", description="查看今后一年的节假日")
    remove = actions.add_parser("remove", help="撤销一条登记", description="按编号撤销一条登记")
    remove.add_argument("id", type=int, metavar="编号", help="holiday list 中的编号")


def _holiday(call: Invocation) -> int:
    from bot.calendar.overrides import (
        add_holiday,
        add_makeup_workday,
        calendar_overview,
        remove_override,
    )
    from bot.core.access import SYSTEM, Refusal
    from bot.core.timefmt import local_day_only
    from bot.reports.render import holiday_overview_text

    args = call.args
    with call.runtime() as runtime:
        now = runtime.now().astimezone(runtime.zone)
        try:
            with runtime.transaction() as session:
                if args.holiday_action == "list":
                    text = holiday_overview_text(calendar_overview(session, now.date()))
                    print(text.replace("/holiday remove 编号", "python -m bot holiday remove 编号"))
                    return 0
                if args.holiday_action == "add":
                    row = add_holiday(
                        session,
                        name=args.name,
                        first_day=args.first_day,
                        last_day=args.last_day,
                        now=now,
                        actor=SYSTEM,
                    )
                    session.flush()
                    days = (args.last_day - args.first_day).days + 1
                    done = (
                        f"已登记放假：{row.name} {local_day_only(args.first_day)} 至 "
                        f"{local_day_only(args.last_day)}，共 {days} 天（编号 {row.id}）。"
                    )
                elif args.holiday_action == "workday":
                    row = add_makeup_workday(
                        session, day=args.day, name=args.name, now=now, actor=SYSTEM
                    )
                    session.flush()
                    done = (
                        f"已登记调休上班：{local_day_only(args.day)} {row.name}（编号 {row.id}）。"
                    )
                else:
                    name = remove_override(session, args.id, actor=SYSTEM)
                    print(f"已撤销第 {args.id} 条登记（{name}）。")
                    return 0
        except Refusal as refusal:
            print(str(refusal).replace("/holiday", "python -m bot holiday"), file=sys.stderr)
            return 1
    print(f"{done}如有误，运行 python -m bot holiday remove {row.id} 撤销。")
    return 0


COMMANDS: dict[str, Command] = {"holiday": _holiday}
