"""`python -m bot [command]`: run the bot, or work on the ledger from a terminal."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time as timer
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot.core.masking import (
    Masker,
    mask_token,
    mask_url,
    masked_log_records,
    token_secrets,
    url_secrets,
)
from bot.settings import (
    EXPECTED_FORMS,
    Settings,
    SettingsError,
    database_url_problem,
    load_settings,
)
from db.migrate import SchemaTooNew

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


# argparse's own words, which it looks up through gettext each time it needs one.
ARGPARSE_WORDS = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：出错了：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "没有 %(value)r 这一项（可选：%(choices)s）"
    ),
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "expected one argument": "后面要跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是 %(matches)s"
    ),
    "invalid %(type)s value: %(value)r": "值 %(value)r 无效（应为 %(type)s）",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
    "one of the arguments %s is required": "参数 %s 至少要给出一个",
    "unexpected option string: %s": "多余的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开 %(filename)s：%(error)s",
}
ARGPARSE_PLURAL_WORDS = {"expected %s argument": "后面要跟 %s 个值"}


@contextmanager
def _argparse_in_chinese() -> Iterator[None]:
    """Make argparse's gettext lookups return Chinese while the parser works."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def plural(singular: str, many: str, count: int) -> str:
        return ARGPARSE_PLURAL_WORDS.get(singular, singular if count == 1 else many)

    argparse._ = lambda words: ARGPARSE_WORDS.get(words, words)  # type: ignore[attr-defined]
    argparse.ngettext = plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in Chinese; subcommands inherit it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with _argparse_in_chinese():  # the section titles and -h's help are made here
            super().__init__(*args, **kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_chinese():  # "unrecognized arguments" is worded here
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_chinese():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with _argparse_in_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_in_chinese():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with _argparse_in_chinese():
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}：出错了：{message}\n查看帮助：{self.prog} -h\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="python -m bot",
        description="督办 duban：县督查室督查督办机器人。不带子命令时启动机器人。",
    )
    commands = parser.add_subparsers(dest="command", metavar="子命令")

    def command(name: str, summary: str, details: str = "") -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=details or summary)

    command(
        "run",
        "启动机器人（默认）",
        "连接 Telegram，启动机器人（长轮询）。需要 DUBAN_TELEGRAM_TOKEN。",
    )
    command(
        "migrate", "把数据库结构升级到最新", "把 DUBAN_DATABASE_URL 指向的数据库升级到最新结构。"
    )
    demo = command(
        "demo",
        "离线演示：生成示例县的台账，打印总览和明早的汇总",
        "不连 Telegram：在一个空数据库里生成示例县的台账，打印红黄绿灯总览"
        "和下一个工作日早上将发出的每日汇总。",
    )
    demo.add_argument(
        "--database",
        metavar="URL",
        help=f"演示用的空数据库（默认 {DEMO_DATABASE}，每次重建）",
    )
    importer = command(
        "import",
        "从 .xlsx 台账导入（全部校验通过才写入）",
        "从 .xlsx 台账导入督办事项。先逐行校验，全部无误才写入；有错则列出行号，什么也不写。",
    )
    importer.add_argument("file", type=Path, metavar="FILE.xlsx", help="要导入的台账文件（.xlsx）")
    exporter = command(
        "export", "把台账导出为 .xlsx", "把全部督办事项连同红黄绿灯和最近进展导出为 .xlsx。"
    )
    exporter.add_argument("file", type=Path, metavar="FILE.xlsx", help="导出到这个文件（.xlsx）")
    template = command(
        "template", "生成空白台账模板 .xlsx", "生成空白台账模板 .xlsx，附填写说明和示例行。"
    )
    template.add_argument(
        "file", type=Path, metavar="FILE.xlsx", help="模板保存到这个文件（.xlsx）"
    )
    command("status", "打印各单位红黄绿灯总览", "打印各单位红黄绿灯总览和逾期事项。")
    chart = command(
        "chart",
        "生成各单位进度图 .png",
        "生成各单位红黄绿灯和办理情况的堆叠条形图（最差的 30 个单位）。",
    )
    chart.add_argument("file", type=Path, metavar="FILE.png", help="图片保存到这个文件（.png）")
    bulletin = command(
        "bulletin",
        "生成本周督查通报 .docx",
        "生成本周（或 --week 指定的一周）督查通报 Word 文档：总体情况、与上周对比、各单位排名、"
        "逾期事项、未报进展的单位、本周销号事项和进度图。",
    )
    bulletin.add_argument(
        "file", type=Path, metavar="FILE.docx", help="通报保存到这个文件（.docx）"
    )
    bulletin.add_argument("--week", metavar="YYYY-Www", help="哪一周，如 2026-W48（默认本周）")
    command(
        "send",
        "只运行发送程序（第二个发送进程）",
        "只发送待发消息（提醒、汇总），不接收消息；可与机器人同时运行，同一条不会发两次。",
    )
    outbox = command(
        "outbox",
        "查看待发、失败和已放弃的消息，可重发或取消",
        "列出待发送、发送失败和已放弃的提醒与汇总（附错误原因），可重发或取消一条。",
    )
    outbox.add_argument("--retry", type=int, metavar="编号", help="重新发送这一条")
    outbox.add_argument("--cancel", type=int, metavar="编号", help="取消这一条")
    outbox.add_argument(
        "--limit", type=int, default=50, metavar="条数", help="最多列出几条（默认 50）"
    )
    roster = command(
        "roster",
        "值班表：检查 24 小时在岗，生成模板",
        "节假日值班表：检查是否每一分钟都有带班领导和值班员在岗，或生成空白模板。"
        "不需要机器人、令牌或数据库。",
    )
    roster_actions = roster.add_subparsers(dest="roster_action", metavar="操作", required=True)
    roster_check = roster_actions.add_parser(
        "check",
        help="检查值班表 .xlsx：空档、电话、重叠",
        description="检查值班表 .xlsx：从假期第一天 00:00 到最后一天 24:00，"
        "每个单位是否始终有带班领导和值班员在岗；并列出电话缺失或有误、同一人班次重叠。"
        "符合要求退出码为 0，有空档或问题为 1，文件无法读取为 2。",
    )
    roster_check.add_argument(
        "file", type=Path, metavar="FILE.xlsx", help="要检查的值班表（.xlsx）"
    )
    roster_check.add_argument(
        "--from",
        dest="first_day",
        type=_roster_day,
        metavar="YYYY-MM-DD",
        help="假期第一天（不写则按日历取表中日期所在的假期）",
    )
    roster_check.add_argument(
        "--to", dest="last_day", type=_roster_day, metavar="YYYY-MM-DD", help="假期最后一天"
    )
    roster_check.add_argument(
        "--unit", metavar="单位", help="这是某单位自己的表：单位列可空，按这个单位检查"
    )
    roster_import = roster_actions.add_parser(
        "import",
        help="导入全县值班表 .xlsx（每个单位存为新的一版）",
        description="导入全县（或某单位）的值班表 .xlsx：逐行校验，有任何错误则不导入；"
        "每个单位的班次存为该单位这个假期的新一版（旧版保留），并列出检查结果。"
        "假期按日历（含督查室登记的假期）取表中日期所在的假期。"
        "导入成功退出码为 0，有错误未导入为 1，文件无法读取为 2。",
    )
    roster_import.add_argument("file", type=Path, metavar="FILE.xlsx", help="值班表（.xlsx）")
    roster_import.add_argument(
        "--unit", metavar="单位", help="这是某单位自己的表：单位列可空，导入到这个单位"
    )
    roster_template = roster_actions.add_parser(
        "template",
        help="生成空白值班表模板 .xlsx",
        description="生成空白值班表模板 .xlsx（单位、日期、开始、结束、岗位、姓名、电话），"
        "附填写说明和示例。",
    )
    roster_template.add_argument(
        "file", type=Path, metavar="FILE.xlsx", help="模板保存到这个文件（.xlsx）"
    )
    return parser


def _roster_day(text: str) -> Any:
    """`--from` / `--to`: a day written YYYY-MM-DD, as a `datetime.date`."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期 {text!r} 应写成 YYYY-MM-DD，如 2026-10-01"
        ) from None


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
    except SchemaTooNew as error:
        print(error, file=sys.stderr)
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
    return _run_telegram(call, sender_only=False)


def _send(call: Invocation) -> int:
    return _run_telegram(call, sender_only=True)


def _run_telegram(call: Invocation, *, sender_only: bool) -> int:
    """The bot (or only its sender), with start-up faults told in one Chinese line."""
    settings = call.settings
    if not settings.telegram_token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return 2
    from telegram.error import TelegramError

    from bot.app import configure_logging, run_bot, run_sender

    configure_logging()
    mask = Masker(
        token_secrets(settings.telegram_token)
        + url_secrets(settings.database_url)
        + url_secrets(settings.telegram_api_url or "")
    )
    # httpx and PTB log the request URL, which holds the token.
    with masked_log_records(mask), _start_up_failure_told_once():
        try:
            (run_sender if sender_only else run_bot)(settings)
        except (DBAPIError, SchemaTooNew):
            raise  # main() explains it, naming DUBAN_DATABASE_URL
        except TelegramError as error:
            print(_start_up_trouble(settings, error, mask), file=sys.stderr)
            return 1
        except Exception as error:  # a bug: the traceback is needed, but masked
            print(mask("".join(traceback.format_exception(error))), file=sys.stderr, end="")
            print("机器人意外停止，上面是出错经过（令牌和密码已隐去）。", file=sys.stderr)
            return 1
    return 0


def _start_up_trouble(settings: Settings, error: Exception, mask: Masker) -> str:
    """One line: what stopped the bot from starting, and what to check."""
    from telegram.error import BadRequest, InvalidToken, NetworkError, TimedOut

    own_server = settings.telegram_api_url is not None
    api = mask_url(settings.telegram_api_url or "https://api.telegram.org")
    detail = mask(str(error))
    if isinstance(error, InvalidToken):
        token = mask_token(settings.telegram_token or "")
        check = "请到 @BotFather 用 /mybots 核对令牌是否完整、是否已重新生成"
        if own_server:
            check += f"，并确认 DUBAN_TELEGRAM_API_URL={api} 是 Bot API 服务器的地址"
        return f"机器人未启动：{api} 不接受令牌 DUBAN_TELEGRAM_TOKEN={token}。{check}。"
    check = "请检查网络和代理"
    if own_server:
        check = f"请检查 DUBAN_TELEGRAM_API_URL 是否写对、自建的 Bot API 服务器是否在运行，{check}"
    if isinstance(error, TimedOut):
        return f"机器人未启动：连接 {api} 超时。{check}。"
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return f"机器人未启动：无法连接 {api}（{detail}）。{check}。"
    check = "请稍后重试"
    if own_server:
        check = f"请确认 DUBAN_TELEGRAM_API_URL={api} 是 Bot API 服务器的地址"
    return f"机器人未启动：{api} 返回错误（{detail}）。{check}。"


class _BootstrapGiveUp(logging.Filter):
    """Drops PTB's own report that start-up failed: the CLI says the same in one Chinese line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.levelno >= logging.ERROR
            and record.getMessage().startswith("Network Retry Loop (Bootstrap")
        )


@contextmanager
def _start_up_failure_told_once() -> Iterator[None]:
    # PTB logs its network loop's records on the "telegram.ext" logger itself.
    ptb = logging.getLogger("telegram.ext")
    give_up = _BootstrapGiveUp()
    ptb.addFilter(give_up)
    try:
        yield
    finally:
        ptb.removeFilter(give_up)


def _migrate(call: Invocation) -> int:
    with call.runtime():
        pass
    print("数据库已是最新结构。")
    return 0


def _demo(call: Invocation) -> int:
    from bot.demo.replay import DemoError, run_demo

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
        f"导入完成（工作表“{result.sheet}”）：新增 {len(result.created)} 项，"
        f"更新 {len(result.updated)} 项，"
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
    from bot.reports.render import summary_table

    with call.runtime() as runtime, runtime.sessions() as session:
        summary = runtime.summary(session)
    if summary.totals.total == 0:
        print(EMPTY_LEDGER_HELP.format(database=mask_url(call.settings.database_url)), end="")
    else:
        print(summary_table(summary, runtime.zone))
    return 0


def _outbox(call: Invocation) -> int:
    from bot.core.access import Refusal
    from bot.core.timefmt import local_time
    from bot.outbox.rows import KIND_WORDS, STATE_WORDS, cancel, overview, retry
    from db.models import OutboxKind, OutboxState

    args = call.args
    with call.runtime() as runtime:
        try:
            with runtime.transaction() as session:
                if args.retry is not None:
                    row = retry(session, args.retry, now=runtime.now())
                    print(f"第 {row.id} 条将在下一次扫描时重新发送。")
                    return 0
                if args.cancel is not None:
                    row = cancel(session, args.cancel)
                    print(f"第 {row.id} 条已取消，不会发送。")
                    return 0
                shown = overview(session, limit=args.limit)
                counts = "，".join(
                    f"{STATE_WORDS[state]} {shown.counts.get(state, 0)}" for state in OutboxState
                )
                print(f"待发消息：{counts}")
                for row in shown.rows:
                    error = f" · {row.last_error}" if row.last_error else ""
                    print(
                        f"  #{row.id} {STATE_WORDS[OutboxState(row.state)]} · "
                        f"{KIND_WORDS[OutboxKind(row.kind)]} → {row.chat_id} · "
                        f"{local_time(row.due_at, runtime.zone)} · 已尝试 {row.attempts} 次{error}"
                    )
                if shown.rows:
                    print("重发：python -m bot outbox --retry 编号；")
                    print("取消：python -m bot outbox --cancel 编号")
        except Refusal as refusal:
            print(refusal, file=sys.stderr)
            return 1
    return 0


def _roster(call: Invocation) -> int:
    if call.args.roster_action == "template":
        return _roster_template(call.args.file)
    if call.args.roster_action == "import":
        return _roster_import(call)
    return _roster_check(call)


def _roster_rows(call: Invocation, period: Any) -> Any:
    """The file's shifts, or the exit code after saying why there are none (1 or 2)."""
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
        for error in reading.errors:
            print(f"  {error}", file=sys.stderr)
        if args.unit is None and any("单位为空" in str(error) for error in reading.errors):
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

    shifts = _roster_rows(call, None)
    if isinstance(shifts, int):
        return shifts
    with call.runtime() as runtime, runtime.transaction() as session:
        period = period_from_shifts(shifts, runtime.calendar(session))
        if isinstance(period, str) or not period.name:
            why = period if isinstance(period, str) else "表中的日期不在日历上的任何节假日内"
            print(
                f"{why}，未导入。日历上没有的假期请先由督查室登记（/holiday add）。",
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
        try:
            saved = import_rosters(
                session,
                period=period,
                shifts=inside,
                actor=SYSTEM,
                now=runtime.now(),
                zone=runtime.zone,
            )
        except Refusal as refusal:
            print(refusal, file=sys.stderr)
            return 1
        report = coverage(
            session, period, zone=runtime.zone, unit_ids=[roster.unit_id for roster in saved]
        )
    print(
        f"已导入{period.name}值班表：{len(saved)} 个单位，{len(inside)} 个班次"
        f"（{local_day_only(period.first_day)}至{local_day_only(period.last_day)}）。"
    )
    counts = Counter(shift.unit for shift in inside)
    for roster in saved:
        print(f"  {roster.unit.name}：第 {roster.version} 版，{counts[roster.unit.name]} 个班次")
    print(report_text(report))
    return 0


def _roster_template(path: Path) -> int:
    from bot.duty import write_roster_template

    try:
        write_roster_template(path)
    except OSError as error:
        print(f"无法写入 {path}：{error.strerror or error}", file=sys.stderr)
        return 1
    print(f"已生成值班表模板：{path}")
    return 0


def _roster_check(call: Invocation) -> int:
    """The file's report; 0 when the rule holds, 1 on any gap or problem, 2 when unreadable."""
    from bot.calendar.workcalendar import HolidayPeriod
    from bot.core.timefmt import local_day_only
    from bot.duty import check_roster, period_from_shifts, report_text, split_by_period

    args = call.args
    if (args.first_day is None) != (args.last_day is None):
        print("--from 和 --to 要一起给出（或都不写，按日历取假期）。", file=sys.stderr)
        return 2
    period = None
    if args.first_day is not None:
        if args.first_day > args.last_day:
            print(f"--from {args.first_day} 晚于 --to {args.last_day}。", file=sys.stderr)
            return 2
        period = HolidayPeriod("", args.first_day, args.last_day)
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


def _chart(call: Invocation) -> int:
    from bot.reports.charts import render_chart

    with call.runtime() as runtime, runtime.transaction() as session:
        png = render_chart(runtime.summary(session), zone=runtime.zone)
    return _write(call.args.file, png, "已生成各单位进度图")


def _bulletin(call: Invocation) -> int:
    from bot.reports.bulletin import IsoWeek
    from bot.reports.weekly import bulletin_file

    try:
        week = IsoWeek.parse(call.args.week) if call.args.week else None
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    with call.runtime() as runtime, runtime.transaction() as session:  # keeps the issue number
        name, content = bulletin_file(runtime, session, week)
    return _write(call.args.file, content, f"已生成{name.removesuffix('.docx')}")


def _write(path: Path, content: bytes, done: str) -> int:
    try:
        path.write_bytes(content)
    except OSError as error:
        print(f"无法写入 {path}：{error.strerror or error}", file=sys.stderr)
        return 1
    print(f"{done}：{path}")
    return 0


COMMANDS = {
    "run": _run,
    "chart": _chart,
    "bulletin": _bulletin,
    "send": _send,
    "outbox": _outbox,
    "migrate": _migrate,
    "demo": _demo,
    "import": _import,
    "export": _export,
    "template": _template,
    "status": _status,
    "roster": _roster,
}
