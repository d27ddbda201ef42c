"""/status: the summary in the caller's scope."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.access import scope_of
from bot.render import summary_text
from handlers.context import BOUND, Call, handler


@handler(BOUND)
def status(call: Call) -> str:
    scope = scope_of(call.caller)
    if scope.sees_nothing:
        return "您的账号还没有关联责任单位，请联系县督查室。"
    summary = call.runtime.summary(call.session, scope=scope)
    return summary_text(summary, call.runtime.zone)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("status", status))
