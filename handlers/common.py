"""/start and /help."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from db.models import Role
from handlers.context import Call, for_bound_people

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


@for_bound_people
def start(call: Call) -> str:
    return f"{call.person.name}，您好！督办机器人已就绪。\n\n{HELP_BY_ROLE[call.person.role]}"


@for_bound_people
def help_command(call: Call) -> str:
    return HELP_BY_ROLE[call.person.role]


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
