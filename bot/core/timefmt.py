"""How every day and time is shown to people: `2026-05-08（周五）18:00`.

One leaf module with no dependencies on the services, so the deadline parser
(which echoes what it read), the renderers and the CLI all show times alike.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = "一二三四五六日"  # 周一 … 周日, indexed by date.weekday()


def describe(dt: datetime) -> str:
    """As 2026-05-08（周五）18:00 with full-width brackets, in the datetime's own zone."""
    return f"{dt:%Y-%m-%d}（周{WEEKDAY_NAMES[dt.weekday()]}）{dt:%H:%M}"


def local_day_only(day: date) -> str:
    """`2026-05-08（周五）` for a calendar day."""
    return f"{day:%Y-%m-%d}（周{WEEKDAY_NAMES[day.weekday()]}）"


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    """`2026-05-08（周五）` in the configured zone."""
    return local_day_only(moment.astimezone(zone).date())


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """`2026-05-08（周五）18:00` in the configured zone: how every time is shown."""
    return describe(moment.astimezone(zone))


def short_date(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.month}月{local.day}日"
