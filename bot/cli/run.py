"""`run` (the bot), `migrate` and `demo`: starting the bot, its schema, the offline demo."""

from __future__ import annotations

import logging
import sys
import time as timer
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from bot.cli.invocation import Command, Invocation, database_trouble, os_reason
from bot.cli.parsing import add_command
from bot.core.masking import (
    Masker,
    mask_token,
    mask_url,
    masked_log_records,
    token_secrets,
    url_secrets,
)
from bot.settings import EXPECTED_FORMS, Settings, database_url_problem
from db.migrate import SchemaTooNew

if TYPE_CHECKING:
    from bot.cli.parsing import Commands

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


def add_commands(commands: Commands) -> None:
    add_command(
        commands,
        "run",
        "启动机器人（默认）",
        "连接 Telegram，启动机器人（长轮询）。需要 DUBAN_TELEGRAM_TOKEN。",
    )
    add_command(
        commands,
        "migrate",
        "把数据库结构升级到最新",
        "把 DUBAN_DATABASE_URL 指向的数据库升级到最新结构。",
    )
    demo = add_command(
        commands,
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


def _run(call: Invocation) -> int:
    return run_telegram(call, sender_only=False)


def run_telegram(call: Invocation, *, sender_only: bool) -> int:
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
        + ([settings.webhook_secret] if settings.webhook_secret else [])
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
            print(f"无法删除上次的演示数据库 {DEMO_DATABASE}：{os_reason(error)}", file=sys.stderr)
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
        print(database_trouble(url, error, named=named), file=sys.stderr)
        return 1
    print(f"\n（演示数据库：{mask_url(url)}，用时 {timer.perf_counter() - started:.1f} 秒）")
    return 0


COMMANDS: dict[str, Command] = {"run": _run, "migrate": _migrate, "demo": _demo}
