"""`import`, `export`, `template` and `status`: the ledger as .xlsx, and its overview."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.invocation import Command, Invocation, os_reason, suffix_refused
from bot.cli.parsing import add_command
from bot.cli.run import DEMO_DATABASE
from bot.core.masking import mask_url

if TYPE_CHECKING:
    from bot.cli.parsing import Commands

EMPTY_LEDGER_HELP = f"""\
当前数据库（{{database}}）里还没有督办事项。

导入台账：python -m bot import FILE.xlsx
  （空白模板：python -m bot template FILE.xlsx，填好后再导入）
看演示数据：先运行 python -m bot demo，再运行
  DUBAN_DATABASE_URL=sqlite:///{DEMO_DATABASE} python -m bot status
"""


def add_commands(commands: Commands) -> None:
    importer = add_command(
        commands,
        "import",
        "从 .xlsx 台账导入（全部校验通过才写入）",
        "从 .xlsx 台账导入督办事项。先逐行校验，全部无误才写入；有错则列出行号，什么也不写。",
    )
    importer.add_argument("file", type=Path, metavar="FILE.xlsx", help="要导入的台账文件（.xlsx）")
    importer.add_argument(
        "--new-unit",
        action="append",
        default=[],
        metavar="单位名称",
        help="确认这个新单位不是已有单位的笔误（与已有单位只差一个字时需要），可写多次",
    )
    exporter = add_command(
        commands,
        "export",
        "把台账导出为 .xlsx",
        "把全部督办事项连同红黄绿灯和最近进展导出为 .xlsx。",
    )
    exporter.add_argument("file", type=Path, metavar="FILE.xlsx", help="导出到这个文件（.xlsx）")
    template = add_command(
        commands,
        "template",
        "生成空白台账模板 .xlsx",
        "生成空白台账模板 .xlsx，附填写说明和示例行。",
    )
    template.add_argument(
        "file", type=Path, metavar="FILE.xlsx", help="模板保存到这个文件（.xlsx）"
    )
    add_command(commands, "status", "打印各单位红黄绿灯总览", "打印各单位红黄绿灯总览和逾期事项。")


def _import(call: Invocation) -> int:
    from bot.core.text import cut
    from bot.core.timefmt import describe
    from bot.excel import LedgerFileError, import_ledger

    settings, args = call.settings, call.args

    try:
        with call.runtime() as runtime, runtime.sessions() as session:
            result = import_ledger(
                session,
                args.file,
                now=runtime.now(),
                zone=runtime.zone,
                calendar=runtime.calendar(session),
                end_of_day=settings.end_of_day,
                new_units=args.new_unit,
            )
            if result.ok:  # the command owns the transaction: one commit, all rows or none
                session.commit()
    except LedgerFileError as error:
        print(error, file=sys.stderr)
        return 1
    if not result.ok:
        print(f"{args.file.name} 有 {len(result.errors)} 处错误，未导入任何内容：", file=sys.stderr)
        for line in cut([f"  {problem}" for problem in result.errors], ERRORS_SHOWN, "处错误"):
            print(line, file=sys.stderr)
        return 1
    print(
        f"导入完成（工作表“{result.sheet}”）：新增 {len(result.created)} · "
        f"更新 {len(result.updated)} · 未变 {result.unchanged}"
    )
    if result.resolved:
        print("以下截止时间按文字理解为：")
        echoes = [f"  第 {row} 行 “{words}” → {describe(at)}" for row, words, at in result.resolved]
        print("\n".join(cut(echoes, 20, "行")))
    if result.kept:
        print("以下截止时间的文字与上次导入相同、今天读来日期不同，保留上次的截止时间：")
        kept = [
            f"  第 {row} 行 {code} “{words}”：今天读作 {describe(now)}，"
            f"保留 {describe(before) if before else '长期'}"
            for row, code, words, now, before in result.kept
        ]
        print("\n".join(cut(kept, 20, "行")))
    for warning in result.grouped_warnings():
        print(f"提醒：{warning}")
    if result.new_units:
        print(f"新建单位：{'、'.join(result.new_units)}")
    if result.new_leaders:
        print(f"新建包联领导：{'、'.join(result.new_leaders)}（尚未绑定 Telegram）")
    return 0


ERRORS_SHOWN = 50  # a file's problems listed; the rest are counted


def _export(call: Invocation) -> int:
    from bot.excel import export_ledger

    args = call.args
    if suffix_refused(args.file, ".xlsx", "台账"):
        return 2
    with call.runtime() as runtime, runtime.sessions() as session:
        now = runtime.now()
        try:
            count = export_ledger(
                session,
                args.file,
                now=now,
                zone=runtime.zone,
                yellow_until=runtime.yellow_until(session, now),
            )
        except OSError as error:
            print(f"无法写入 {args.file}：{os_reason(error)}", file=sys.stderr)
            return 1
    print(f"已导出 {count} 项到 {args.file}")
    return 0


def _template(call: Invocation) -> int:
    from bot.excel import write_template

    args = call.args
    if suffix_refused(args.file, ".xlsx", "台账模板"):
        return 2
    try:
        write_template(args.file)
    except OSError as error:
        print(f"无法写入 {args.file}：{os_reason(error)}", file=sys.stderr)
        return 1
    print(f"已生成台账模板：{args.file}")
    return 0


def _status(call: Invocation) -> int:
    from bot.reports.render import summary_table

    with call.runtime() as runtime, runtime.sessions() as session:
        summary = runtime.summary(session)
    if summary.totals.total == 0:
        print(EMPTY_LEDGER_HELP.format(database=mask_url(call.settings.database_url)), end="")
    else:
        print(summary_table(summary, runtime.zone))
    return 0


COMMANDS: dict[str, Command] = {
    "import": _import,
    "export": _export,
    "template": _template,
    "status": _status,
}
