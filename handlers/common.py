"""/start and /help."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from handlers.context import ANYONE, BOUND, NOT_BOUND, Call, handler
from handlers.menu import help_text


@handler(ANYONE)  # /start CODE must reach people who are not bound yet
def start(call: Call) -> str:
    if call.person is None:
        return NOT_BOUND
    return f"{call.person.name}，您好！督办机器人已就绪。\n\n{help_text(call.person.role)}"


@handler(BOUND)
def help_command(call: Call) -> str:
    return help_text(call.caller.role)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
