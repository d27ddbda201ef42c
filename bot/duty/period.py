"""Which days a roster file is checked for when nobody says: its holiday, else its own days."""

from __future__ import annotations

from collections.abc import Iterable

from bot.calendar.workcalendar import OFFICIAL_CALENDAR, HolidayPeriod, WorkCalendar
from bot.duty.roster import DutyShift, outside_period


def period_from_shifts(
    shifts: Iterable[DutyShift], calendar: WorkCalendar = OFFICIAL_CALENDAR
) -> HolidayPeriod | str:
    """The one holiday period the shifts' days touch; with none, the first to the last
    day written; with several, why the days must be given (in Chinese)."""
    days = sorted({shift.day for shift in shifts})
    if not days:
        return "表中没有班次，无法确定检查时段"
    periods = calendar.holidays_between(days[0], days[-1])
    if len(periods) == 1:
        return periods[0]
    if not periods:
        return HolidayPeriod("", days[0], days[-1])
    names = "、".join(
        f"{period.name}（{period.first_day.isoformat()} 至 {period.last_day.isoformat()}）"
        for period in periods
    )
    return f"表中的日期跨了几个假期：{names}"


def split_by_period(
    shifts: Iterable[DutyShift], period: HolidayPeriod
) -> tuple[list[DutyShift], list[DutyShift]]:
    """(shifts touching the period, shifts that touch none of its minutes)."""
    inside: list[DutyShift] = []
    outside: list[DutyShift] = []
    for shift in shifts:
        (outside if outside_period(shift, period) else inside).append(shift)
    return inside, outside
