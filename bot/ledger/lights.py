"""Traffic lights (红黄绿灯): computed from the deadline and the clock, never stored."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.calendar.workcalendar import WorkCalendar
from db.models import TaskState


class Light(StrEnum):
    RED = "red"  # overdue
    YELLOW = "yellow"  # due within the yellow window
    GREEN = "green"


LIGHT_LABELS = {Light.RED: "红灯", Light.YELLOW: "黄灯", Light.GREEN: "绿灯"}
LIGHT_ICONS = {Light.RED: "🔴", Light.YELLOW: "🟡", Light.GREEN: "🟢"}


def yellow_cutoff(now: datetime, calendar: WorkCalendar, workdays: int, zone: ZoneInfo) -> datetime:
    """The end of the `workdays`-th working day after today: open tasks due by then are yellow."""
    today = now.astimezone(zone).date()
    last_day = calendar.add_workdays(today, workdays)
    return datetime.combine(last_day, time.max, tzinfo=zone)


def light_of(
    state: str, deadline: datetime | None, now: datetime, cutoff: datetime
) -> Light | None:
    """The light of one task; None once the unit has reported it done (it is the office's turn)."""
    if state != TaskState.OPEN:
        return None
    if deadline is None:
        return Light.GREEN
    if deadline < now:
        return Light.RED
    if deadline <= cutoff:
        return Light.YELLOW
    return Light.GREEN


def days_overdue(deadline: datetime, now: datetime, zone: ZoneInfo) -> int:
    """Calendar days past the deadline's day, at least 1 once the deadline has passed."""
    return max(1, (now.astimezone(zone).date() - deadline.astimezone(zone).date()).days)
