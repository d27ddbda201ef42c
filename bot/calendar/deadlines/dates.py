"""Rules for days, weeks and calendar dates: 明天, 下周五, 6月30日, 2026-06-30, 5月底, 10号前."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from bot.calendar.deadlines._context import (
    _REL,
    _YEAR,
    _add_months,
    _Context,
    _date,
    _month_end,
    _registrar,
    _rel_step,
    _Resolved,
    _Rule,
    _this_or_next_year,
    _Unreadable,
    _written_year,
    _year_of,
)

RULES: list[_Rule] = []  # in the order they are tried on the same text
_rule = _registrar(RULES)


# --- rules: days and weeks ---------------------------------------------------------

_DAY_WORDS = {
    "大后天": 3, "后天": 2, "后日": 2,
    "明天": 1, "明日": 1, "明儿": 1, "明早": 1, "明晚": 1, "次日": 1, "翌日": 1,
    "今天": 0, "今日": 0, "今儿": 0, "今早": 0, "今晚": 0, "今夜": 0, "当天": 0, "当日": 0,
    "昨天": -1, "昨日": -1, "昨晚": -1, "前天": -2,
    "today": 0, "tomorrow": 1, "day after tomorrow": 2, "yesterday": -1,
}  # fmt: skip


@_rule("|".join(sorted(_DAY_WORDS, key=len, reverse=True)))
def _relative_day(match: re.Match[str], ctx: _Context) -> _Resolved:
    return _Resolved(ctx.today + timedelta(days=_DAY_WORDS[match[0]]))


# 周 and a number that is no weekday (周八, 周零, 周10): refused, never read as the bare
# 下周 (its Sunday) before it.
_NOT_A_WEEKDAY = r"(?P<bad>\d+)"


def _no_such_weekday(number: str) -> _Unreadable:
    return _Unreadable(f"没有周{_chinese_number(int(number))}，一周只有周一至周日")


def _chinese_number(number: int) -> str:
    """8 → 八, 10 → 十, 23 → 二十三: a number as the user wrote it, for a refusal."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
    return str(number)


@_rule(
    rf"(?:(?P<rel>{_REL})|(?<![\d个]))周"
    rf"(?:(?P<weekday>[1-7日天末](?!\d))|{_NOT_A_WEEKDAY})?(?P<part>内|前|末|初)?"
)
def _week(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """周五, 本周五, 下周五, 下下周一, 周末 and 本周内/下周 (the week's Sunday), 下周初."""
    if match["bad"]:
        raise _no_such_weekday(match["bad"])
    rel, weekday = match["rel"], match["weekday"]
    if weekday is None and match["part"] == "初":
        weekday = "1"  # 下周初: the week's first day (a choice: the spec does not say)
    if rel is None and weekday is None:
        return None  # the 周 of 两周内, read by the duration rule
    resolved = _weekday(rel, weekday, ctx)
    if rel is not None and weekday is None and match["part"] is None:
        return replace(resolved, weak=True)  # a bare 下周 may only be context
    return resolved


@_rule(
    rf"(?P<rel>{_REL})?周[1-7](?:至|到|~|-|—)"
    rf"(?:周?(?P<weekday>[1-7日天](?!\d))|周{_NOT_A_WEEKDAY}|(?P<bare_bad>\d+)(?![\d日号]))"
)
def _weekday_range(match: re.Match[str], ctx: _Context) -> _Resolved:
    """下周一至周五: the range's last day, in the week the range starts in."""
    if match["bad"] or match["bare_bad"]:
        raise _no_such_weekday(match["bad"] or match["bare_bad"])
    return _weekday(match["rel"], match["weekday"], ctx)


def _weekday(rel: str | None, weekday: str | None, ctx: _Context) -> _Resolved:
    number = 7 if weekday in (None, "日", "天", "末") else int(weekday)
    monday = ctx.today - timedelta(days=ctx.today.weekday())
    day = monday + timedelta(weeks=_rel_step(rel) if rel else 0, days=number - 1)
    if rel is None:  # the coming one: this week's unless it has passed
        if day < ctx.today:
            day += timedelta(weeks=1)
        return _Resolved(day, weekly=True)
    return _Resolved(day)


# --- rules: calendar dates ---------------------------------------------------------


@_rule(r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
def _iso_date(match: re.Match[str], ctx: _Context) -> _Resolved:
    return _Resolved(_date(_written_year(match["y"]), int(match["m"]), int(match["d"])))


@_rule(r"(?<!\d)(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")
def _compact_date(match: re.Match[str], ctx: _Context) -> _Resolved:
    """20260630, as spreadsheets export dates."""
    return _iso_date(match, ctx)


@_rule(r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)")
def _day_first_date(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """31/12/2026, 31.12.2026: day first, as the year last says; 12/31/2026 can only be
    month first."""
    a, b = int(match["a"]), int(match["b"])
    day, month = (b, a) if b > 12 >= a else (a, b)
    if month > 12:
        return None
    return _Resolved(_date(_written_year(match["y"]), month, day))


@_rule(r"(?<![\d./-])(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})(?![\d./-]|个|天|日|周|月|年|小时|%)")
def _short_date(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """6/30, 6.30: month first as Chinese writes it; 30/6 read day first."""
    a, b = int(match["a"]), int(match["b"])
    month, day = (a, b) if a <= 12 else (b, a)
    if month > 12:
        return None
    return _this_or_next_year(ctx, lambda year: _date(year, month, day))


# Numbers are matched whole (\d+, not \d{1,2}) and then checked: 6月123日 is refused,
# not read as the 6月 before it, and 123月 is not 23月.
@_rule(rf"{_YEAR}?(?<!\d)(?P<m>\d+)月(?P<d>\d+)(?:日|号)?")
def _month_day(match: re.Match[str], ctx: _Context) -> _Resolved:
    month, day = int(match["m"]), int(match["d"])
    year = _year_of(match, ctx)
    if year is not None:
        return _Resolved(_date(year, month, day))
    return _this_or_next_year(ctx, lambda y: _date(y, month, day))


@_rule(rf"(?P<rel>{_REL})月(?P<d>\d+)(?:日|号)")
def _relative_month_day(match: re.Match[str], ctx: _Context) -> _Resolved:
    first = _add_months(ctx.today.replace(day=1), _rel_step(match["rel"]))
    return _Resolved(_date(first.year, first.month, int(match["d"])))


# Not after 6.30 or 12.10-: 6.30日 and 12.10-15日 are not this month's 30th or 15th.
@_rule(r"(?:(?<=每月)|(?<![\d月./-]))(?P<d>\d+)(?:日|号)(?!内|后)")
def _day_of_month(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """10号前: this month's 10th, or next month's once it has passed.

    每月25日前 (a monthly report) is read the same way: the next one due.
    """
    day = int(match["d"])
    if not 1 <= day <= 31:
        raise _Unreadable(f"没有{day}日，一个月最多31天")
    first = ctx.today.replace(day=1)
    for months in range(3):  # 31号 in April is May's 31st
        month = _add_months(first, months)
        try:
            candidate = month.replace(day=day)
        except ValueError:
            continue
        if candidate >= ctx.today:
            return _Resolved(candidate)
    return None


# 上旬/中旬/下旬 → the 10th/20th/last day; 月初/月中 are read as the 5th/15th, 上半月
# as the 15th; two parts together (中下旬, 上中旬) mean the later one.
_PART_OF_MONTH = {"上旬": 10, "中旬": 20, "上中旬": 20, "初": 5, "中": 15, "上半月": 15}


def _day_in_month(year: int, month: int, part: str | None) -> date:
    if part in _PART_OF_MONTH:
        return date(year, month, _PART_OF_MONTH[part])
    return _month_end(year, month)  # 下旬, 下半月, 底, 末, 内, 前, 份 or nothing: the end


# Longer words first: 中下旬 is not 月中.
_PARTS = r"上中旬|中下旬|[上中下]旬|[上下]半月|初|中(?!秋)|底|末|内"
_MONTH_PART = rf"(?P<part>{_PARTS}|前|份)?"


@_rule(rf"{_YEAR}?(?:(?P<rel>{_REL})月|(?<!\d)(?P<m>\d+)月){_MONTH_PART}")
def _month(match: re.Match[str], ctx: _Context) -> _Resolved:
    """5月底, 6月中旬, 下月初, 本月内, 明年3月, 3月前 (the end of March)."""
    part = match["part"]
    weak = part in (None, "份")
    if match["rel"]:
        first = _add_months(ctx.today.replace(day=1), _rel_step(match["rel"]))
        return _Resolved(_day_in_month(first.year, first.month, part), weak=weak)
    month = int(match["m"])
    if not 1 <= month <= 12:
        raise _Unreadable(f"没有{month}月")
    year = _year_of(match, ctx)
    if year is not None:
        return _Resolved(_day_in_month(year, month, part), weak=weak)
    return _this_or_next_year(ctx, lambda y: _day_in_month(y, month, part), weak=weak)


@_rule(
    rf"(?<![\d个半])月(?P<part>{_PARTS})"
    r"|(?<![\d月])(?P<xun>上中旬|中下旬|[上中下]旬|[上下]半月)"
)
def _this_month(match: re.Match[str], ctx: _Context) -> _Resolved:
    """月底, 月内, 月中旬, 下旬, 下半月: this month, or next month once that day has passed."""
    part = match["part"] or match["xun"]
    day = _day_in_month(ctx.today.year, ctx.today.month, part)
    if day < ctx.today:
        following = _add_months(ctx.today.replace(day=1), 1)
        day = _day_in_month(following.year, following.month, part)
    return _Resolved(day)


_RANGE = r"(?:至|到|~|-|—)"


@_rule(
    rf"{_YEAR}?(?<!\d)(?P<m>\d+)月\d+(?:日|号)?{_RANGE}"
    r"(?:(?P<m2>\d+)月)?(?P<d>\d+)(?:日|号)"
)
def _day_range(match: re.Match[str], ctx: _Context) -> _Resolved:
    """4月10日至15日: a range's last day is the deadline."""
    month, day = int(match["m2"] or match["m"]), int(match["d"])
    year = _year_of(match, ctx)
    if year is not None:
        return _Resolved(_date(year, month, day))
    return _this_or_next_year(ctx, lambda y: _date(y, month, day))


@_rule(
    r"(?<![\d./-])(?:\d{4}[./])?\d{1,2}(?P<sep>[./])\d{1,2}"
    rf"{_RANGE}(?:(?P<y>\d{{4}})(?P=sep))?(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})"
    r"(?![\d./-]|个|天|日|周|月|年|小时|%)"  # not 3.5-4.5%
)
def _numeric_range(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """12.10-12.15, 12/10-12/15, 2026.12.10-2026.12.15: the range's last day."""
    month, day = int(match["m"]), int(match["d"])
    if month > 12:
        return None
    if match["y"]:
        return _Resolved(_date(_written_year(match["y"]), month, day))
    return _this_or_next_year(ctx, lambda y: _date(y, month, day))
