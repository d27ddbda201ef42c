"""The official working-day calendar (法定节假日 and 调休上班).

Everything that counts working days goes through `WorkCalendar`: deadline
parsing, traffic lights, reminders and duty rosters. The State Council's
published years come from `chinese-calendar`; supervisors can add holiday
periods and make-up working days (for years the library does not know yet) as
overrides. For a year neither source knows, Monday to Friday are assumed to be
working days and `year_status` says so, so callers can warn instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar

# chinese-calendar names holidays in English; officials speak Chinese.
OFFICIAL_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}

_OFFICIAL_HOLIDAYS: dict[date, str] = {
    day: OFFICIAL_HOLIDAY_NAMES.get(name, name) for day, name in chinese_calendar.holidays.items()
}
_OFFICIAL_WORKDAYS: frozenset[date] = frozenset(chinese_calendar.workdays)
OFFICIAL_YEARS: frozenset[int] = frozenset(day.year for day in _OFFICIAL_HOLIDAYS)


class YearStatus(StrEnum):
    OFFICIAL = "official"  # published by the State Council, shipped in chinese-calendar
    CUSTOM = "custom"  # not published in the library; supervisors entered overrides
    ASSUMED = "assumed"  # nothing known: Monday to Friday are taken as working days


@dataclass(frozen=True)
class CalendarOverride:
    """A supervisor's entry: a holiday period, or make-up working day(s) (调休上班)."""

    name: str
    first_day: date
    last_day: date
    is_workday: bool


@dataclass(frozen=True)
class HolidayPeriod:
    name: str
    first_day: date
    last_day: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day <= self.last_day

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class WorkCalendar:
    """Answers working-day questions; overrides win over the official data.

    `official_years` narrows the official data to those of chinese-calendar's years
    (all of them by default). Tests pin it, so that a release publishing one more
    year does not change what they expect of a year the library did not know.
    """

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        *,
        official_years: Iterable[int] | None = None,
    ) -> None:
        if official_years is None:
            self._official_years = OFFICIAL_YEARS
            self._holidays: dict[date, str] = dict(_OFFICIAL_HOLIDAYS)
            self._workdays: set[date] = set(_OFFICIAL_WORKDAYS)
        else:
            self._official_years = OFFICIAL_YEARS & frozenset(official_years)
            self._holidays = {
                day: name
                for day, name in _OFFICIAL_HOLIDAYS.items()
                if day.year in self._official_years
            }
            self._workdays = {day for day in _OFFICIAL_WORKDAYS if day.year in self._official_years}
        self._custom_years: set[int] = set()
        for override in overrides:
            day = override.first_day
            while day <= override.last_day:
                if override.is_workday:
                    self._workdays.add(day)
                    self._holidays.pop(day, None)
                else:
                    self._holidays[day] = override.name
                    self._workdays.discard(day)
                self._custom_years.add(day.year)
                day += timedelta(days=1)

    def year_status(self, year: int) -> YearStatus:
        if year in self._official_years:
            return YearStatus.OFFICIAL
        if year in self._custom_years:
            return YearStatus.CUSTOM
        return YearStatus.ASSUMED

    def is_workday(self, day: date) -> bool:
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The name of the statutory holiday on `day`, None on ordinary days and weekends."""
        return self._holidays.get(day)

    def next_workday(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_workdays(day, 1)

    def previous_workday(self, day: date) -> date:
        """The last working day strictly before `day`."""
        day -= timedelta(days=1)
        while not self.is_workday(day):
            day -= timedelta(days=1)
        return day

    def add_workdays(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself is not counted)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        while count:
            day += timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day

    def holiday_period(self, day: date) -> HolidayPeriod | None:
        """The holiday period (consecutive days off) that contains `day`.

        Adjacent holidays form one period, named after all of them in order
        ("国庆节、中秋节"): in 2025 chinese-calendar marks 10月6日 as 中秋节 inside
        国庆节's 10月1日-8日, and that is one break with one duty roster, not three.
        """
        if day not in self._holidays:
            return None
        first = last = day
        while first - timedelta(days=1) in self._holidays:
            first -= timedelta(days=1)
        while last + timedelta(days=1) in self._holidays:
            last += timedelta(days=1)
        names: list[str] = []
        current = first
        while current <= last:
            name = self._holidays[current]
            if name not in names:
                names.append(name)
            current += timedelta(days=1)
        return HolidayPeriod("、".join(names), first, last)

    def next_holiday(
        self, day: date, name: str | None = None, *, horizon_days: int = 400
    ) -> HolidayPeriod | None:
        """The holiday period containing `day`, or else the first one after it.

        With `name`, only that holiday counts (e.g. "国庆节"); a period whose
        name contains it also matches, so "中秋节" finds "中秋节、国庆节" overrides.
        """
        for offset in range(horizon_days):
            current = day + timedelta(days=offset)
            holiday = self._holidays.get(current)
            if holiday is not None and (name is None or name in holiday):
                return self.holiday_period(current)
        return None

    def holidays_between(self, first: date, last: date) -> list[HolidayPeriod]:
        periods: list[HolidayPeriod] = []
        day = first
        while day <= last:
            period = self.holiday_period(day)
            if period is None:
                day += timedelta(days=1)
                continue
            periods.append(period)
            day = period.last_day + timedelta(days=1)
        return periods


OFFICIAL_CALENDAR = WorkCalendar()
