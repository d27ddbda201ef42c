"""/help."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.core.messages import ChatMenu, Message, Reply
from handlers.context import BOUND, Call, handler
from handlers.menu import help_text, menu


@handler(BOUND, reads=True)
def help_command(call: Call) -> Reply:
    """What the caller's role can do; in a private chat the menu is set to match."""
    text = Message(help_text(call.caller.role))
    if call.in_group:
        return text
    return [text, ChatMenu(call.chat_id, tuple(menu(call.caller.role)))]


def register(app: Application) -> None:
    app.add_handler(CommandHandler("help", help_command))
