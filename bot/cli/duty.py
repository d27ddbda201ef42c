"""`roster check | import | template`: holiday duty rosters from a terminal.

`check` and `template` need no database (nor a token); `import` saves each
unit's shifts as its new roster version, all units or none.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.invocation import Command, Invocation, os_reason, suffix_refused
from bot.cli.parsing import add_command

if TYPE_CHECKING:
    from bot.cli.parsing import Commands


def add_commands(commands: Commands) -> None:
    roster = add_command(
        commands,
        "roster",
        "值班表：检查 24 小时在岗，生成模板",
        "节假日值班表：检查是否每一分钟都有带班领导和值班员在岗，或生成空白模板。"
        "不需要机器人、令牌或数据库。",
    )
    actions = roster.add_subparsers(dest="roster_action", metavar="操作", required=True)
    check = actions.add_parser(
        "check",
        help="检查值班表 .xlsx：空档、电话、重叠",
        description="检查值班表 .xlsx：从假期第一天 00:00 到最后一天 24:00，"
        "每个单位是否始终有带班领导和值班员在岗；并列出电话缺失或有误、同一人班次重叠。"
        "符合要求退出码为 0，有空档或问题为 1，文件无法读取为 2。",
    )
    check.add_argument("file", type=Path, metavar="FILE.xlsx", help="要检查的值班表（.xlsx）")
    check.add_argument(
        "--from",
        dest="first_day",
        type=_roster_day,
        metavar="YYYY-MM-DD",
        help="假期第一天（不写则按日历取表中日期所在的假期）",
    )
    check.add_argument(
        "--to", dest="last_day", type=_roster_day, metavar="YYYY-MM-DD", help="假期最后一天"
    )
    check.add_argument(
        "--unit", metavar="单位", help="这是某单位自己的表：单位列可空，按这个单位检查"
    )
    check.add_argument(
        "--name", metavar="假期名称", help="假期名称，如 元旦（与 --from、--to 同用）"
    )
    importer = actions.add_parser(
        "import",
        help="导入全县值班表 .xlsx（每个单位存为新的一版）",
        description="导入全县（或某单位）的值班表 .xlsx：逐行校验，有任何错误则不导入；"
        "每个单位的班次存为该单位这个假期的新一版（旧版保留），并列出检查结果。"
        "假期按日历（含督查室登记的假期）取表中日期所在的假期；"
        "日历上还没有的假期用 --from、--to、--name 给出。"
        "导入成功退出码为 0，有错误未导入为 1，文件无法读取为 2。",
    )
    importer.add_argument("file", type=Path, metavar="FILE.xlsx", help="值班表（.xlsx）")
    importer.add_argument(
        "--unit", metavar="单位", help="这是某单位自己的表：单位列可空，导入到这个单位"
    )
    importer.add_argument(
        "--from",
        dest="first_day",
        type=_roster_day,
        metavar="YYYY-MM-DD",
        help="日历上还没有的假期：第一天（同时写 --to 和 --name，导入时一并登记这个假期）",
    )
    importer.add_argument(
        "--to", dest="last_day", type=_roster_day, metavar="YYYY-MM-DD", help="假期最后一天"
    )
    importer.add_argument("--name", metavar="假期名称", help="假期名称，如 元旦")
    template = actions.add_parser(
        "template",
        help="生成空白值班表模板 .xlsx",
        description="生成空白值班表模板 .xlsx（单位、日期、开始、结束、岗位、姓名、电话），"
        "附填写说明和示例。",
    )
    template.add_argument(
        "file", type=Path, metavar="FILE.xlsx", help="模板保存到这个文件（.xlsx）"
    )


def _roster_day(text: str) -> Any:
    """`--from` / `--to`: a day written YYYY-MM-DD, as a `datetime.date`."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期 {text!r} 应写成 YYYY-MM-DD，如 2026-10-01"
        ) from None


def _given_period(call: Invocation) -> Any:
    """The period --from/--to (and --name) give, None without them, or an exit code (2)."""
    from bot.calendar.workcalendar import HolidayPeriod

    args = call.args
    if (args.first_day is None) != (args.last_day is None):
        print("--from 和 --to 要一起给出（或都不写，按日历取假期）。", file=sys.stderr)
        return 2
    if args.first_day is None:
        if args.name:
            print("--name 要与 --from、--to 一起给出。", file=sys.stderr)
            return 2
        return None
    if args.first_day > args.last_day:
        print(f"--from {args.first_day} 晚于 --to {args.last_day}。", file=sys.stderr)
        return 2
    return HolidayPeriod((args.name or "").strip(), args.first_day, args.last_day)


def _roster(call: Invocation) -> int:
    if call.args.roster_action == "template":
        return _roster_template(call.args.file)
    if call.args.roster_action == "import":
        return _roster_import(call)
    return _roster_check(call)


def _roster_rows(call: Invocation, period: Any) -> Any:
    """The file's shifts, or the exit code after saying why there are none (1 or 2)."""
    from bot.core.text import cut
    from bot.duty import RosterFileError, read_roster_xlsx
    from bot.duty.roster import WHOLE_SUBMISSION

    args = call.args
    today = call.clock().astimezone(call.settings.zone).date()
    try:
        reading = read_roster_xlsx(args.file, period=period, unit=args.unit, today=today)
    except RosterFileError as error:
        print(error, file=sys.stderr)
        return 2
    if not reading.ok:
        if [error.line for error in reading.errors] == [WHOLE_SUBMISSION]:
            print(reading.errors[0], file=sys.stderr)  # about the file, not a row
            return 1
        undone = "导入" if args.roster_action == "import" else "检查"
        print(f"{args.file.name} 有 {len(reading.errors)} 处错误，未{undone}：", file=sys.stderr)
        for line in cut([f"  {problem}" for problem in reading.errors], 50, "处错误"):
            print(line, file=sys.stderr)
        if args.unit is None and any("单位为空" in str(problem) for problem in reading.errors):
            print("（本单位自己的表可不填单位：加 --unit 单位名称）", file=sys.stderr)
        return 1
    for note in reading.notes:
        print(f"提醒：{note}")
    return reading.shifts


def _roster_import(call: Invocation) -> int:
    """Save a county's (or a unit's) file as each unit's new roster version, all or nothing."""
    from collections import Counter

    from bot.core.access import SYSTEM, Refusal
    from bot.core.timefmt import local_day_only
    from bot.duty import period_from_shifts, report_text, split_by_period
    from bot.duty.storage import coverage, import_rosters

    given = _given_period(call)
    if isinstance(given, int):
        return given
    if given is not None and not given.name:
        print("请用 --name 写明假期名称，如 --name 元旦。", file=sys.stderr)
        return 2
    shifts = _roster_rows(call, given)
    if isinstance(shifts, int):
        return shifts
    try:
        with call.runtime() as runtime, runtime.transaction() as session:
            if given is not None:
                period = _registered(session, given, runtime.now())
            else:
                period = period_from_shifts(shifts, runtime.calendar(session))
            if isinstance(period, str) or not period.name:
                why = period if isinstance(period, str) else "表中的日期不在日历上的任何节假日内"
                print(
                    f"{why}，未导入。日历上没有的假期请用 --from、--to、--name 给出，"
                    "或先登记：python -m bot holiday add 名称 第一天 最后一天",
                    file=sys.stderr,
                )
                return 1
            inside, outside = split_by_period(shifts, period)
            if outside:
                rows = "、".join(str(shift.line) for shift in outside)
                print(
                    f"第 {rows} 行的班次不在{period.name}（{local_day_only(period.first_day)}至"
                    f"{local_day_only(period.last_day)}）内，未导入。",
                    file=sys.stderr,
                )
                return 1
            saved = import_rosters(
                session,
                period=period,
                shifts=inside,
                actor=SYSTEM,
                now=runtime.now(),
                zone=runtime.zone,
            )
            report = coverage(
                session, period, zone=runtime.zone, unit_ids=[roster.unit_id for roster in saved]
            )
    except Refusal as refusal:  # raised through the unit of work, so nothing is saved
        print(refusal, file=sys.stderr)
        return 1
    print(
        f"已导入{period.name}值班表：{len(saved)} 个单位，{len(inside)} 个班次"
        f"（{local_day_only(period.first_day)}至{local_day_only(period.last_day)}）。"
    )
    counts = Counter(shift.unit for shift in inside)
    for roster in saved:
        print(f"  {roster.unit.name}：第 {roster.version} 版，{counts[roster.unit.name]} 个班次")
    print(report_text(report))
    return 0


def _registered(session: Any, period: Any, now: datetime) -> Any:
    """The period given on the command line, entered in the calendar unless it knows it
    already: duty prompts and checks read the holidays from there."""
    from bot.calendar.overrides import add_holiday, load_calendar
    from bot.core.access import SYSTEM

    known = load_calendar(session).holidays_between(period.first_day, period.last_day)
    if any(
        (found.first_day, found.last_day) == (period.first_day, period.last_day) for found in known
    ):
        return period
    add_holiday(
        session,
        name=period.name,
        first_day=period.first_day,
        last_day=period.last_day,
        now=now,
        actor=SYSTEM,
    )
    print(f"已在日历上登记放假：{period.name} {period.first_day} 至 {period.last_day}")
    return period


def _roster_template(path: Path) -> int:
    from bot.duty import write_roster_template

    if suffix_refused(path, ".xlsx", "值班表模板"):
        return 2
    try:
        write_roster_template(path)
    except OSError as error:
        print(f"无法写入 {path}：{os_reason(error)}", file=sys.stderr)
        return 1
    print(f"已生成值班表模板：{path}")
    return 0


def _roster_check(call: Invocation) -> int:
    """The file's report; 0 when the rule holds, 1 on any gap or problem, 2 when unreadable."""
    from bot.core.timefmt import local_day_only
    from bot.duty import check_roster, period_from_shifts, report_text, split_by_period

    period = _given_period(call)
    if isinstance(period, int):
        return period
    shifts = _roster_rows(call, period)
    if isinstance(shifts, int):
        return shifts
    if period is None:
        found = period_from_shifts(shifts)
        if isinstance(found, str):
            print(f"{found}，请用 --from 和 --to 指定检查时段。", file=sys.stderr)
            return 2
        period = found
        source = f"按日历取{found.name}" if found.name else "按表中日期"
        print(
            f"检查时段{source}：{local_day_only(found.first_day)}至"
            f"{local_day_only(found.last_day)}（可用 --from、--to 指定）"
        )
        shifts, outside = split_by_period(shifts, found)
        if outside:
            rows = "、".join(str(shift.line) for shift in outside)
            print(f"提醒：第 {rows} 行的班次不在检查时段内，未计入")
    report = check_roster(shifts, period.first_day, period.last_day)
    print(report_text(report))
    return 0 if report.ok else 1


COMMANDS: dict[str, Command] = {"roster": _roster}
