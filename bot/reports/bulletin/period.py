"""The week a 督查通报 covers: an ISO week (Monday to Sunday) in the county's zone."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")
_NUMBERED_WEEK = re.compile(r"^(?:(\d{4})年)?第(\d{1,2})周$")
_RELATIVE = {"本周": 0, "这周": 0, "这一周": 0, "上周": 1, "上一周": 1, "上上周": 2}
_DATE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?$")
FORMS = "2026-W48、第48周、本周、上周，或这周里的一天（如 11月25日）"


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

    @classmethod
    def read(cls, text: str, now: datetime, zone: ZoneInfo) -> IsoWeek:
        """A week as a clerk names it: `2026-W48`, `第48周` (this year's), `2026年第48周`,
        `本周`, `上周`, `上上周`, or a day inside it (`2026-11-25`, `11月25日`: this
        year's, or last year's when that day is still to come)."""
        typed = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
        today = now.astimezone(zone).date()
        if typed in _RELATIVE:
            return cls.of(now - timedelta(weeks=_RELATIVE[typed]), zone)
        if (numbered := _NUMBERED_WEEK.match(typed)) is not None:
            typed = f"{numbered[1] or today.isocalendar().year}-W{numbered[2]}"
        elif (day := _DATE.match(typed)) is not None:
            year = int(day[1]) if day[1] else today.year
            try:
                picked = date(year, int(day[2]), int(day[3]))
                if not day[1] and picked > today:
                    picked = picked.replace(year=year - 1)
            except ValueError:
                raise ValueError(f"日期“{text.strip()[:20]}”不存在。请写 {FORMS}。") from None
            iso = picked.isocalendar()
            return cls(iso.year, iso.week)
        try:
            return cls.parse(typed)
        except ValueError:
            raise ValueError(f"无法识别的周次：{text.strip()[:20]}。请写 {FORMS}。") from None

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
