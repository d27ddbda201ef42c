"""/holiday: list the coming holidays; supervisors add periods and make-up working days."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.deadlines import DeadlineError, parse_deadline
from bot.holidays import add_holiday, add_makeup_workday, calendar_overview, remove_override
from bot.ledger import LedgerError
from bot.render import holiday_overview_text, local_day_only
from db.models import Role
from handlers.context import NOT_BOUND, caller, runtime_of

USAGE = (
    "用法：\n"
    "/holiday 查看今后一年的节假日和调休上班日\n"
    "/holiday add 春节 2027-02-06 2027-02-13 登记放假（起止日期）\n"
    "/holiday workday 2027-02-14 春节调休 登记调休上班日\n"
    "/holiday remove 编号 撤销一条登记"
)
RANGE_SEPARATORS = re.compile(r"\s*(?:至|到|~|～|—|－)\s*|\s+")


async def holiday(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    message = update.effective_message
    args = context.args or []
    with runtime.sessions() as session:
        person = caller(session, update, runtime)
        if person is None:
            await message.reply_text(NOT_BOUND)
            return
        now = runtime.now()
        today = now.astimezone(runtime.zone).date()
        if not args:
            overview = calendar_overview(session, today)
            await message.reply_text(holiday_overview_text(overview))
            return
        if person.role != Role.SUPERVISOR:
            await message.reply_text("只有督查室可以维护节假日安排。发送 /holiday 可查看安排。")
            return
        action, rest = args[0].lower(), args[1:]
        calendar = runtime.calendar(session)
        local_now = now.astimezone(runtime.zone)

        def day(text: str):  # type: ignore[no-untyped-def]
            return parse_deadline(text, local_now, calendar=calendar).date()

        try:
            if action == "add" and len(rest) >= 2:
                name, dates = rest[0], RANGE_SEPARATORS.split(" ".join(rest[1:]).strip())
                first = day(dates[0])
                last = day(dates[1]) if len(dates) > 1 else first
                row = add_holiday(
                    session, name=name, first_day=first, last_day=last, now=now, actor=person
                )
                days = (last - first).days + 1
                reply = (
                    f"已登记放假：{row.name} {local_day_only(first)} 至 {local_day_only(last)}，"
                    f"共 {days} 天（编号 {row.id}）。如有误，发送 /holiday remove {row.id} 撤销。"
                )
            elif action == "workday" and rest:
                workday = day(rest[0])
                row = add_makeup_workday(
                    session, day=workday, name=" ".join(rest[1:]), now=now, actor=person
                )
                reply = (
                    f"已登记调休上班：{local_day_only(workday)} {row.name}（编号 {row.id}）。"
                    f"如有误，发送 /holiday remove {row.id} 撤销。"
                )
            elif action == "remove" and len(rest) == 1 and rest[0].isdigit():
                name = remove_override(session, int(rest[0]), actor=person)
                reply = f"已撤销第 {rest[0]} 条登记（{name}）。"
            else:
                reply = USAGE
        except DeadlineError as error:
            reply = f"日期没看懂：{error}"
        except LedgerError as error:
            reply = str(error)
    await message.reply_text(reply)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("holiday", holiday))
