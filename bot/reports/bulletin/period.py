"""The week a 督查通报 covers: an ISO week (Monday to Sunday) in the county's zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


class IsoWeek(NamedTuple):
    year: int
    week: int

    @classmethod
    def of(cls, moment: datetime, zone: ZoneInfo) -> IsoWeek:
        """The week `moment` falls in, on the county's wall clock."""
        year, week, _ = moment.astimezone(zone).isocalendar()
        return cls(year, week)

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """`2026-W48` (or `2026W48`); a Chinese message names the expected form otherwise."""
        match = _WEEK.match(text)
        if match:
            year, week = int(match[1]), int(match[2])
            if not 2000 <= year <= 2999:
                raise ValueError(f"周次 {text.strip()[:20]} 的年份应在 2000 至 2999 年之间。")
            try:
                date.fromisocalendar(year, week, 1)
            except ValueError:
                pass
            else:
                return cls(year, week)
        raise ValueError(f"无法识别的周次：{text.strip()[:20]}。请写成 2026-W48 这样的形式。")

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[Monday 00:00, next Monday 00:00) local, as aware datetimes."""
        start = datetime.combine(self.monday, time(), zone)
        return start, datetime.combine(self.monday + timedelta(days=7), time(), zone)

    def previous(self) -> IsoWeek:
        year, week, _ = (self.monday - timedelta(days=7)).isocalendar()
        return IsoWeek(year, week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def bulletin_moment(week: IsoWeek, now: datetime, zone: ZoneInfo) -> datetime:
    """The moment a week's figures are taken: now for the running week, its end for a past one.

    The live ledger only knows each task's current state, so figures for a past
    week are today's states with that week's lights; stored snapshots are
    exact (see docs/bulletin.md).
    """
    _, end = week.bounds(zone)
    return min(now, end - timedelta(microseconds=1))
