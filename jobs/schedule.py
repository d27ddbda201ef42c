"""When reminders are due: the ladder of one deadline, working days and quiet hours.

Pure functions of dates, the work calendar and the settings; no database.
A deadline's ladder is: N days before (each of `reminder_days`), the last
working day before, the due day, then every working day while overdue.
A point that falls on a non-working day moves to the next working day, and
one task is reminded at most once a day, so the points are read per day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.calendar.workcalendar import WorkCalendar
from bot.settings import Settings


def ladder(due: date, reminder_days: tuple[int, ...], calendar: WorkCalendar) -> set[date]:
    """The days before and on `due` that carry a reminder (before moving off non-working days)."""
    points = {due - timedelta(days=days) for days in reminder_days}
    points.add(calendar.previous_workday(due))
    points.add(due)
    return points


def reminded_today(
    due: date, today: date, reminder_days: tuple[int, ...], calendar: WorkCalendar
) -> bool:
    """Whether a deadline on `due` is reminded on `today`, a working day.

    Today carries the ladder's points of today and of the non-working days
    since the previous working day (they moved here); past the due day, every
    working day does.
    """
    if not calendar.is_workday(today):
        return False
    if due < today:
        return True
    since = calendar.previous_workday(today)
    return any(since < point <= today for point in ladder(due, reminder_days, calendar))


def workdays_left(today: date, due: date, calendar: WorkCalendar) -> int:
    """Working days after today up to the due day: 还有N个工作日 (0 on the due day)."""
    count, day = 0, today
    while day < due:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return count


def in_quiet_hours(moment: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    clock = moment.astimezone(zone).time()
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end  # across midnight, e.g. 22:00–08:00


def may_send_now(
    moment: datetime, *, calendar: WorkCalendar, quiet: tuple[time, time], zone: ZoneInfo
) -> bool:
    """Reminders and digests go out on working days outside quiet hours only."""
    local = moment.astimezone(zone)
    return calendar.is_workday(local.date()) and not in_quiet_hours(moment, *quiet, zone)


def at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def morning(day: date, settings: Settings) -> datetime:
    """The working morning's moment: the one unsolicited message a chat gets on a working
    day (its digest, that day's reminders and chases, a leader's escalations) goes then.
    With `morning_message` off, the reminders' own time (the digest keeps its time)."""
    clock = settings.digest_time if settings.morning_message else settings.reminder_time
    return at(day, clock, settings.zone)
