"""/help."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from handlers.context import BOUND, Call, handler
from handlers.menu import help_text


@handler(BOUND)
def help_command(call: Call) -> str:
    return help_text(call.caller.role)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("help", help_command))
