"""The supervisors' holiday duty log (值班日报): one day's, or several days' after a downtime.

Each day says what its rosters held beside what was asked and answered
(`bot.duty.checks.day_log`), so a day the bot was down reads as such, not as a day
with no shifts. Days missed while the bot was down come together in one message.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.calendar.workcalendar import WorkCalendar
from bot.duty.checks import day_log
from bot.duty.report import day_text
from bot.duty.storage import duty_status_lines


def duty_log_text(
    session: Session,
    calendar: WorkCalendar,
    days: tuple[date, ...],
    *,
    today: date,
    now: datetime,
    zone: ZoneInfo,
    window: timedelta,
) -> str:
    period = calendar.holiday_period(days[-1])
    name = period.name if period is not None else "节假日"
    span = day_text(days[0]) + (f"—{day_text(days[-1])}" if len(days) > 1 else "")
    lines = [f"🛡️ {name}值班日报（{span}）"]
    if len(days) > 1:
        lines.append(f"系统停止运行期间的 {len(days)} 天合并为一条：")
    for day in days:
        if len(days) > 1:
            lines += ["", f"【{day_text(day)}】"]
        lines += day_log(session, day, zone=zone, window=window, now=now)
    if days[-1] == today - timedelta(days=1):
        lines += duty_status_lines(session, calendar, today, zone=zone)
    return "\n".join(lines)
