"""/start and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from db.models import Role
from handlers.context import NOT_BOUND, caller, runtime_of

HELP_BY_ROLE = {
    Role.SUPERVISOR: (
        "您是督查室成员，可以使用：\n/status 各单位红黄绿灯总览\n"
        "/holiday 查看、登记节假日和调休上班日\n/help 本说明"
    ),
    Role.LEADER: (
        "您是包联领导，可以使用：\n/status 您包联事项的总览\n/holiday 节假日安排\n/help 本说明"
    ),
    Role.MEMBER: (
        "您是单位联络员，可以使用：\n/status 本单位事项总览\n/holiday 节假日安排\n/help 本说明"
    ),
}


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    with runtime.sessions() as session:
        person = caller(session, update, runtime)
        if person is None:
            await update.effective_message.reply_text(NOT_BOUND)
            return
        await update.effective_message.reply_text(
            f"{person.name}，您好！督办机器人已就绪。\n\n{HELP_BY_ROLE[person.role]}"
        )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    with runtime.sessions() as session:
        person = caller(session, update, runtime)
    await update.effective_message.reply_text(
        NOT_BOUND if person is None else HELP_BY_ROLE[person.role]
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
