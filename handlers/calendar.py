"""/holiday: list the coming holidays; supervisors add periods and make-up working days."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.calendar.day_spans import read_day, read_named_span
from bot.calendar.overrides import (
    add_holiday,
    add_makeup_workday,
    calendar_overview,
    remove_override,
)
from bot.core.access import OfficeAction, require_office
from bot.core.timefmt import local_day_only
from bot.reports.render import holiday_overview_text
from handlers.context import BOUND, Call, handler

USAGE = (
    "用法：\n"
    "/holiday 查看今后一年的节假日和调休上班日\n"
    "/holiday add 春节 2027-02-06 至 2027-02-13 登记放假（名称在日期前后均可）\n"
    "/holiday workday 2027-02-14 春节调休 登记调休上班日\n"
    "/holiday remove 编号 撤销一条登记"
)


@handler(BOUND)
def holiday(call: Call) -> str:
    now = call.runtime.now().astimezone(call.runtime.zone)
    if not call.args:
        return holiday_overview_text(calendar_overview(call.session, now.date()))
    action, rest = call.args[0].lower(), call.args[1:]
    session, person = call.session, call.caller
    require_office(person, OfficeAction.MAINTAIN_CALENDAR)
    calendar = call.runtime.calendar(session)
    if action == "add" and rest:
        name, first, last = read_named_span(rest, now, calendar)
        row = add_holiday(session, name=name, first_day=first, last_day=last, now=now, actor=person)
        session.flush()  # its number goes into the reply
        saved = (
            f"已登记放假：{row.name} {local_day_only(first)} 至 {local_day_only(last)}，"
            f"共 {(last - first).days + 1} 天（编号 {row.id}）。"
        )
    elif action == "workday" and rest:
        day = read_day(rest[0], now, calendar)
        row = add_makeup_workday(session, day=day, name=" ".join(rest[1:]), now=now, actor=person)
        session.flush()  # its number goes into the reply
        saved = f"已登记调休上班：{local_day_only(day)} {row.name}（编号 {row.id}）。"
    elif action == "remove" and len(rest) == 1 and rest[0].isdecimal():
        name = remove_override(session, int(rest[0]), actor=person)
        return f"已撤销第 {rest[0]} 条登记（{name}）。"
    else:
        return USAGE
    return f"{saved}如有误，发送 /holiday remove {row.id} 撤销。"


def register(app: Application) -> None:
    app.add_handler(CommandHandler("holiday", holiday))
