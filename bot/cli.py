"""`python -m bot [command]`: run the bot, or work on the ledger from a terminal."""

from __future__ import annotations

import argparse
import os
import sys
import time as timer
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot.masking import Masker, mask_url, url_secrets
from bot.settings import (
    EXPECTED_FORMS,
    Settings,
    SettingsError,
    database_url_problem,
    load_settings,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

Clock = Callable[[], datetime]

NO_TOKEN_HELP = """\
还没有配置机器人令牌（DUBAN_TELEGRAM_TOKEN）。

获取方法：
  1. 在 Telegram 里找到 @BotFather，发送 /newbot，按提示起名；
  2. 把它给出的令牌写进 .env 文件：DUBAN_TELEGRAM_TOKEN=123456789:AAE…
  3. 把督查室同事的 Telegram 用户 ID 写进 DUBAN_ADMINS（逗号分隔）；
  4. 再次运行 python -m bot。

不连 Telegram 也可以先看看效果：python -m bot demo
"""

DEMO_DATABASE = "duban-demo.sqlite3"

EMPTY_LEDGER_HELP = f"""\
当前数据库（{{database}}）里还没有督办事项。

导入台账：python -m bot import FILE.xlsx
  （空白模板：python -m bot template FILE.xlsx，填好后再导入）
看演示数据：先运行 python -m bot demo，再运行
  DUBAN_DATABASE_URL=sqlite:///{DEMO_DATABASE} python -m bot status
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="督办 duban：县督查室督查督办机器人。不带子命令时启动机器人。",
    )
    commands = parser.add_subparsers(dest="command", metavar="子命令")
    commands.add_parser("run", help="启动机器人（默认）")
    commands.add_parser("migrate", help="把数据库结构升级到最新")
    demo = commands.add_parser("demo", help="离线演示：生成示例县的台账，打印总览和明早的汇总")
    demo.add_argument(
        "--database",
        help=f"演示用的空数据库（默认 {DEMO_DATABASE}，每次重建）",
    )
    importer = commands.add_parser("import", help="从 .xlsx 台账导入（全部校验通过才写入）")
    importer.add_argument("file", type=Path)
    exporter = commands.add_parser("export", help="把台账导出为 .xlsx")
    exporter.add_argument("file", type=Path)
    template = commands.add_parser("template", help="生成空白台账模板 .xlsx")
    template.add_argument("file", type=Path)
    commands.add_parser("status", help="打印各单位红黄绿灯总览")
    return parser


@dataclass(frozen=True)
class Invocation:
    """One command as typed: the settings, the parsed arguments and the clock to use."""

    settings: Settings
    args: argparse.Namespace
    clock: Clock

    @contextmanager
    def runtime(self) -> Iterator[Runtime]:
        """The database and clock for this command, closed however it ends."""
        from bot.runtime import open_runtime

        runtime = open_runtime(self.settings, clock=self.clock)
        try:
            yield runtime
        finally:
            runtime.close()


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run one command; `clock` replaces the wall clock (tests pass a fixed one)."""
    try:
        try:
            return _command(argv, clock)
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not in Python's shutdown
    except BrokenPipeError:
        # The reader went away (`python -m bot demo | head`). As the Python docs
        # advise (signal module, "Note on SIGPIPE"), point stdout at devnull so the
        # interpreter's own final flush stays quiet, and stop.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _command(argv: Sequence[str] | None, clock: Clock | None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if clock is None:
        from db.models import utcnow as clock
    handler = COMMANDS[command]
    try:
        return handler(Invocation(settings, args, clock))
    except DBAPIError as error:
        print(_database_trouble(settings.database_url, error), file=sys.stderr)
        return 1


def _database_trouble(
    url: str, error: DBAPIError, *, named: str | None = "DUBAN_DATABASE_URL"
) -> str:
    """What went wrong with the database, in words, without echoing its password.

    `named` is where the user gave the URL (a variable, the demo's `--database`,
    or None for the demo's own file).
    """
    mask = Masker(url_secrets(url))
    message = str(error.orig or error).strip().splitlines()
    reason = mask(message[0]) if message else type(error.orig or error).__name__
    if isinstance(error, IntegrityError):
        advice = "数据与已有记录冲突（可能有另一个导入同时在进行），未写入任何内容，请稍后重试。"
    elif isinstance(error, OperationalError):
        advice = (
            "请检查地址、用户名、数据库是否存在、SQLite 文件所在的文件夹，"
            "以及数据库是否正被其他程序占用。"
        )
    else:
        advice = "数据库拒绝了这次操作，未写入任何内容。"
    where = f"{named}={mask_url(url)}" if named else mask_url(url)
    return f"数据库出错（{where}）：{reason}\n{advice}"


def _run(call: Invocation) -> int:
    settings = call.settings
    if not settings.telegram_token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return 2
    from bot.app import run_bot

    run_bot(settings)
    return 0


def _migrate(call: Invocation) -> int:
    with call.runtime():
        pass
    print("数据库已是最新结构。")
    return 0


def _demo(call: Invocation) -> int:
    from bot.demo import DemoError, run_demo

    settings, args = call.settings, call.args

    started = timer.perf_counter()
    url = args.database
    if url is None:  # the demo's own file, rebuilt every time
        try:
            Path(DEMO_DATABASE).unlink(missing_ok=True)
        except OSError as error:
            print(f"无法删除上次的演示数据库 {DEMO_DATABASE}：{error.strerror}", file=sys.stderr)
            return 1
        url = f"sqlite:///{DEMO_DATABASE}"
    else:
        problem = database_url_problem(url)
        if problem:
            print(
                f"演示数据库地址无效（--database={mask_url(url)}）：{problem}。"
                f"应为：{EXPECTED_FORMS['database_url']}（不写则用 {DEMO_DATABASE}）。",
                file=sys.stderr,
            )
            return 2
    try:
        print(run_demo(settings.model_copy(update={"database_url": url}), clock=call.clock))
    except DemoError as error:
        print(error, file=sys.stderr)
        return 1
    except DBAPIError as error:
        named = "--database" if args.database else None
        print(_database_trouble(url, error, named=named), file=sys.stderr)
        return 1
    print(f"\n（演示数据库：{mask_url(url)}，用时 {timer.perf_counter() - started:.1f} 秒）")
    return 0


def _import(call: Invocation) -> int:
    from bot.deadlines import describe
    from bot.excel import LedgerFileError, import_ledger
    from bot.render import cut

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
            )
            if result.ok:  # the command owns the transaction: one commit, all rows or none
                session.commit()
    except LedgerFileError as error:
        print(error, file=sys.stderr)
        return 1
    if not result.ok:
        print(f"{args.file.name} 有 {len(result.errors)} 处错误，未导入任何内容：", file=sys.stderr)
        for error in result.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(
        f"导入完成：新增 {len(result.created)} 项，更新 {len(result.updated)} 项，"
        f"未变 {result.unchanged} 项。"
    )
    if result.resolved:
        print("以下截止时间按文字理解为：")
        echoes = [f"  第 {row} 行 “{words}” → {describe(at)}" for row, words, at in result.resolved]
        print("\n".join(cut(echoes, 20, "行")))
    for warning in result.grouped_warnings():
        print(f"提醒：{warning}")
    if result.new_units:
        print(f"新建单位：{'、'.join(result.new_units)}")
    if result.new_leaders:
        print(f"新建包联领导：{'、'.join(result.new_leaders)}（尚未绑定 Telegram）")
    return 0


def _export(call: Invocation) -> int:
    from bot.excel import export_ledger

    args = call.args

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
            print(f"无法写入 {args.file}：{error.strerror or error}", file=sys.stderr)
            return 1
    print(f"已导出 {count} 项到 {args.file}")
    return 0


def _template(call: Invocation) -> int:
    from bot.excel import write_template

    args = call.args

    try:
        write_template(args.file)
    except OSError as error:
        print(f"无法写入 {args.file}：{error.strerror or error}", file=sys.stderr)
        return 1
    print(f"已生成台账模板：{args.file}")
    return 0


def _status(call: Invocation) -> int:
    from bot.render import summary_table

    with call.runtime() as runtime, runtime.sessions() as session:
        summary = runtime.summary(session)
    if summary.totals.total == 0:
        print(EMPTY_LEDGER_HELP.format(database=mask_url(call.settings.database_url)), end="")
    else:
        print(summary_table(summary, runtime.zone))
    return 0


COMMANDS = {
    "run": _run,
    "migrate": _migrate,
    "demo": _demo,
    "import": _import,
    "export": _export,
    "template": _template,
    "status": _status,
}
