"""/holiday: list the coming holidays; supervisors add periods and make-up working days."""

from __future__ import annotations

import re
from datetime import date

from telegram.ext import Application, CommandHandler

from bot.deadlines import DeadlineError, parse_deadline
from bot.holidays import add_holiday, add_makeup_workday, calendar_overview, remove_override
from bot.ledger import LedgerError
from bot.render import holiday_overview_text, local_day_only
from db.models import Role
from handlers.context import Call, for_bound_people

USAGE = (
    "用法：\n"
    "/holiday 查看今后一年的节假日和调休上班日\n"
    "/holiday add 春节 2027-02-06 2027-02-13 登记放假（起止日期）\n"
    "/holiday workday 2027-02-14 春节调休 登记调休上班日\n"
    "/holiday remove 编号 撤销一条登记"
)
RANGE_SEPARATORS = re.compile(r"\s*(?:至|到|~|～|—|－)\s*|\s+")


@for_bound_people
async def holiday(call: Call) -> None:
    now = call.runtime.now()
    local_now = now.astimezone(call.runtime.zone)
    if not call.args:
        await call.reply(holiday_overview_text(calendar_overview(call.session, local_now.date())))
        return
    if call.person.role != Role.SUPERVISOR:
        await call.reply("只有督查室可以维护节假日安排。发送 /holiday 可查看安排。")
        return
    calendar = call.runtime.calendar(call.session)

    def day(text: str) -> date:
        return parse_deadline(text, local_now, calendar=calendar).date()

    action, rest = call.args[0].lower(), call.args[1:]
    session, person = call.session, call.person
    try:
        if action == "add" and len(rest) >= 2:
            dates = RANGE_SEPARATORS.split(" ".join(rest[1:]).strip())
            first = day(dates[0])
            last = day(dates[1]) if len(dates) > 1 else first
            row = add_holiday(
                session, name=rest[0], first_day=first, last_day=last, now=now, actor=person
            )
            reply = (
                f"已登记放假：{row.name} {local_day_only(first)} 至 {local_day_only(last)}，"
                f"共 {(last - first).days + 1} 天（编号 {row.id}）。"
                f"如有误，发送 /holiday remove {row.id} 撤销。"
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
    await call.reply(reply)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("holiday", holiday))
