"""`send` (a sender without the bot) and `outbox` (what waits, failed or was given up)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bot.cli.invocation import Command, Invocation
from bot.cli.parsing import add_command, positive_int
from bot.cli.run import run_telegram

if TYPE_CHECKING:
    from bot.cli.parsing import Commands


def add_commands(commands: Commands) -> None:
    add_command(
        commands,
        "send",
        "只运行发送程序（第二个发送进程）",
        "只发送待发消息（提醒、汇总），不接收消息；可与机器人同时运行，同一条不会发两次。",
    )
    outbox = add_command(
        commands,
        "outbox",
        "查看待发、失败和已放弃的消息，可重发或取消",
        "列出待发送、发送失败和已放弃的提醒与汇总（附错误原因），可重发或取消一条。",
    )
    one_row = outbox.add_mutually_exclusive_group()  # one row is retried or cancelled
    one_row.add_argument("--retry", type=positive_int, metavar="编号", help="重新发送这一条")
    one_row.add_argument("--cancel", type=positive_int, metavar="编号", help="取消这一条")
    outbox.add_argument(
        "--limit", type=positive_int, default=50, metavar="条数", help="最多列出几条（默认 50）"
    )


def _send(call: Invocation) -> int:
    return run_telegram(call, sender_only=True)


def _outbox(call: Invocation) -> int:
    from bot.core.access import Refusal
    from bot.core.timefmt import local_time
    from bot.outbox.rows import KIND_WORDS, STATE_WORDS, cancel, overview, retry
    from db.models import OutboxState

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
                        f"  #{row.id} {STATE_WORDS[row.state]} · "
                        f"{KIND_WORDS[row.kind]} → {row.chat_id} · "
                        f"{local_time(row.due_at, runtime.zone)} · 已尝试 {row.attempts} 次{error}"
                    )
                if shown.rows:
                    print("重发：python -m bot outbox --retry 编号；")
                    print("取消：python -m bot outbox --cancel 编号")
        except Refusal as refusal:
            print(refusal, file=sys.stderr)
            return 1
    return 0


COMMANDS: dict[str, Command] = {"send": _send, "outbox": _outbox}
