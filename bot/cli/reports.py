"""`chart` and `bulletin`: the units' progress chart and the week's 督查通报 as files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.invocation import Command, Invocation, suffix_refused, write_file
from bot.cli.parsing import add_command

if TYPE_CHECKING:
    from bot.cli.parsing import Commands


def add_commands(commands: Commands) -> None:
    chart = add_command(
        commands,
        "chart",
        "生成各单位进度图 .png",
        "生成各单位红黄绿灯和办理情况的堆叠条形图（最差的 30 个单位）。",
    )
    chart.add_argument("file", type=Path, metavar="FILE.png", help="图片保存到这个文件（.png）")
    bulletin = add_command(
        commands,
        "bulletin",
        "生成本周督查通报 .docx",
        "生成本周（或 --week 指定的一周）督查通报 Word 文档：总体情况、与上周对比、各单位排名、"
        "逾期事项、未报进展的单位、本周销号事项和进度图。",
    )
    bulletin.add_argument(
        "file", type=Path, metavar="FILE.docx", help="通报保存到这个文件（.docx）"
    )
    bulletin.add_argument("--week", metavar="YYYY-Www", help="哪一周，如 2026-W48（默认本周）")
    bulletin.add_argument(
        "--take",
        action="store_true",
        help="作为正式印发的一期：占用期号（默认只是预览，显示将得到的期号而不占用）",
    )


def _chart(call: Invocation) -> int:
    from bot.reports.charts import render_chart

    if suffix_refused(call.args.file, ".png", "进度图"):
        return 2

    with call.runtime() as runtime, runtime.transaction() as session:
        png = render_chart(runtime.summary(session), zone=runtime.zone)
    return write_file(call.args.file, png, "已生成各单位进度图")


def _bulletin(call: Invocation) -> int:
    from bot.reports.bulletin import IsoWeek
    from bot.reports.snapshots import IssueTaken
    from bot.reports.weekly import bulletin_file

    if suffix_refused(call.args.file, ".docx", "督查通报"):
        return 2
    try:
        week = IsoWeek.parse(call.args.week) if call.args.week else None
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    with call.runtime() as runtime, runtime.transaction() as session:  # --take keeps the number
        this_week = IsoWeek.of(runtime.now(), runtime.zone)
        if week is not None and week > this_week:
            print(f"{week} 还没有到，不能生成通报（本周是 {this_week}）。", file=sys.stderr)
            return 2
        try:
            name, content = bulletin_file(runtime, session, week, take=call.args.take)
        except IssueTaken as error:
            print(f"{error}期号按周次先后编排。", file=sys.stderr)
            return 2
    done = "已生成" if call.args.take else "已生成（预览，未占用期号）"
    return write_file(call.args.file, content, done + name.removesuffix(".docx"))


COMMANDS: dict[str, Command] = {"chart": _chart, "bulletin": _bulletin}
