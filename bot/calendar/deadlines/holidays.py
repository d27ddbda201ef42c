"""Rules for holidays (国庆节前, 五一假期后, 节后第一个工作日, 年前) and their dates.

The dates come from the work calendar; for a year whose arrangement is not
published yet, from an estimate of how recent years laid the breaks out.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from bot.calendar.deadlines._context import (
    _YEAR,
    _Context,
    _registrar,
    _Resolved,
    _Rule,
    _Unreadable,
    _year_of,
)
from bot.calendar.workcalendar import HolidayPeriod, YearStatus

RULES: list[_Rule] = []  # in the order they are tried on the same text
_rule = _registrar(RULES)


# The name each holiday has in the calendar (a period "中秋节、国庆节" contains both).
_HOLIDAY_KEYS = {
    "元旦": "元旦", "春节": "春节", "过年": "春节", "清明": "清明",
    "劳动": "劳动", "端午": "端午", "中秋": "中秋", "国庆": "国庆",
}  # fmt: skip
_AFTER = (
    r"(?P<after>后|收假后|结束后|过后|上班后|返岗后)(?:上班)?"
    r"(?:第?(?P<nth>\d+)个?(?:工作日|天))?"
)
_BEFORE_OR_AFTER = rf"(?:(?P<before>前)|{_AFTER})"
# 节后N个工作日: a count the duration rule could also take (at most 999).
_MOST_WORKING_DAYS_AFTER = 999


@_rule(
    rf"{_YEAR}?(?P<name>元旦|春节|过年|清明|劳动|端午|中秋|国庆)节?"
    rf"(?:小长假|长假|假期|放假|假)?{_BEFORE_OR_AFTER}?"
)
def _named_holiday(match: re.Match[str], ctx: _Context) -> _Resolved:
    """国庆节前, 五一假期后, 端午前, 十一后第一个工作日; a bare 国庆节 reads as 国庆节前."""
    period = _holiday(ctx, _HOLIDAY_KEYS[match["name"]], _year_of(match, ctx))
    return _around(period, match, ctx, weak=match["before"] is None and match["after"] is None)


@_rule(rf"(?<![\d个半上下今明后本来次去前])(?:过)?年{_BEFORE_OR_AFTER}")
def _new_year_break(match: re.Match[str], ctx: _Context) -> _Resolved:
    """年前 / 年后: before or after the Spring Festival."""
    return _around(_holiday(ctx, "春节", None), match, ctx)


# Festivals without days off; 元宵节前 is not "before the next holiday".
_UNOFFICIAL_FESTIVALS = (
    "元宵|妇女|儿童|教师|情人|重阳|七夕|建军|建党|青年|圣诞|植树|护士|记者|腊八|小年"
)


@_rule(
    rf"(?<!{_UNOFFICIAL_FESTIVALS})(?:节假日|节日|小长假|长假|假期|放假|收假|节){_BEFORE_OR_AFTER}"
)
def _next_holiday(match: re.Match[str], ctx: _Context) -> _Resolved:
    """节前, 节后, 节后第一个工作日, 放假前: around the next holiday, whichever it is."""
    return _around(_holiday(ctx, None, None), match, ctx)


def _around(
    period: HolidayPeriod, match: re.Match[str], ctx: _Context, *, weak: bool = False
) -> _Resolved:
    if match["after"] is None:  # X节前: the last working day before the break
        return _Resolved(ctx.calendar.previous_workday(period.first_day), weak=weak)
    nth = int(match["nth"]) if match["nth"] else 1
    if not 1 <= nth <= _MOST_WORKING_DAYS_AFTER:
        # Neither 节后0个工作日 read as the first nor 节后100个工作日 as 节后 alone.
        raise _Unreadable(f"节后的工作日数要在1到{_MOST_WORKING_DAYS_AFTER}之间")
    return _Resolved(ctx.calendar.add_workdays(period.last_day, nth))


def _holiday(ctx: _Context, key: str | None, year: int | None) -> HolidayPeriod:
    """The holiday `key` (any holiday if None) that has not ended yet, or the one in `year`."""
    start = ctx.today if year is None else date(year, 1, 1)
    period = ctx.calendar.next_holiday(start, key)
    if period is not None and (year is None or period.first_day.year == year):
        return period
    # The State Council publishes each year's arrangement in the autumn before; until
    # then (or until supervisors enter it) the dates are estimated, and the result
    # lies in a year that calendar_warning reports.
    for candidate_year in (year,) if year is not None else range(start.year, start.year + 3):
        if ctx.calendar.year_status(candidate_year) == YearStatus.OFFICIAL:
            continue
        estimates = [
            p
            for p in _estimated_holidays(candidate_year)
            if (key is None or key in p.name) and p.last_day >= start
        ]
        if estimates:
            return min(estimates, key=lambda p: p.first_day)
    raise _Unreadable("找不到这个节假日的日期")


# Lunar-calendar dates (春节 = 正月初一, 端午 = 五月初五, 中秋 = 八月十五) and 清明
# (a solar term) for years chinese-calendar does not ship yet, as MMDD.
_MOVABLE_FEASTS = {
    2027: ("0206", "0405", "0609", "0915"),
    2028: ("0126", "0404", "0528", "1003"),
    2029: ("0213", "0404", "0616", "0922"),
    2030: ("0203", "0405", "0605", "0912"),
    2031: ("0123", "0405", "0624", "1001"),
    2032: ("0211", "0404", "0612", "0919"),
    2033: ("0131", "0404", "0601", "0908"),
    2034: ("0219", "0405", "0620", "0927"),
    2035: ("0208", "0405", "0610", "0916"),
    2036: ("0128", "0404", "0530", "1004"),
    2037: ("0215", "0404", "0618", "0924"),
    2038: ("0204", "0405", "0607", "0913"),
    2039: ("0124", "0405", "0527", "1002"),
    2040: ("0212", "0404", "0614", "0920"),
}
_TYPICAL_FEASTS = ("0205", "0405", "0610", "0920")  # beyond the table: roughly right


@lru_cache(maxsize=16)
def _estimated_holidays(year: int) -> tuple[HolidayPeriod, ...]:
    """Each holiday's break as recent arrangements lay it out (春节 from 除夕, 8 days)."""
    spring, qingming, dragon_boat, mid_autumn = (
        date(year, int(mmdd[:2]), int(mmdd[2:]))
        for mmdd in _MOVABLE_FEASTS.get(year, _TYPICAL_FEASTS)
    )
    national = HolidayPeriod("国庆节", date(year, 10, 1), date(year, 10, 7))
    if date(year, 9, 30) <= mid_autumn <= date(year, 10, 8):  # one break, as in 2020 and 2025
        national = HolidayPeriod("国庆节、中秋节", date(year, 10, 1), date(year, 10, 8))
        autumn = national
    else:
        autumn = HolidayPeriod("中秋节", mid_autumn, mid_autumn)
    eve = spring - timedelta(days=1)
    return (
        HolidayPeriod("元旦", date(year, 1, 1), date(year, 1, 1)),
        HolidayPeriod("春节", eve, eve + timedelta(days=7)),
        HolidayPeriod("清明节", qingming, qingming),
        HolidayPeriod("劳动节", date(year, 5, 1), date(year, 5, 5)),
        HolidayPeriod("端午节", dragon_boat, dragon_boat),
        autumn,
        national,
    )
