"""Rules for quarters, half-years, years and durations: 第三季度末, 年底前, 3个工作日内."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.calendar.deadlines._context import (
    _REL,
    _YEAR,
    _add_months,
    _Context,
    _month_end,
    _registrar,
    _rel_step,
    _Resolved,
    _Rule,
    _this_or_next_year,
    _Unreadable,
    _year_of,
)

RULES: list[_Rule] = []  # in the order they are tried on the same text
_rule = _registrar(RULES)


# --- rules: quarters, halves and years -----------------------------------------------


@_rule(
    rf"{_YEAR}?(?:第?(?<!\d)(?P<q>\d+)季度?|(?P<rel>{_REL})季度|(?<![\d第个])季度(?=末|底|内)|(?<![\d第个度])季(?=末|底))"
    r"(?P<part>末|底|内|前)?|(?<![a-z])q(?P<eq>\d+)\b"
)
def _quarter(match: re.Match[str], ctx: _Context) -> _Resolved:
    """一季度, 第三季度末, 本季度末, 季末, 2026年第三季度: the quarter's last day."""
    current = (ctx.today.month - 1) // 3 + 1
    if match["rel"] or not (match["q"] or match["eq"]):
        index = ctx.today.year * 4 + current - 1 + (_rel_step(match["rel"]) if match["rel"] else 0)
        year, quarter = divmod(index, 4)
        return _Resolved(_month_end(year, quarter * 3 + 3))
    quarter = int(match["q"] or match["eq"])
    if not 1 <= quarter <= 4:  # 2026年第五季度 is not 2026年 (its end)
        raise _Unreadable(f"没有第{quarter}季度，一年只有四个季度")
    written_year = _year_of(match, ctx) if match["q"] else None
    if written_year is not None:
        return _Resolved(_month_end(written_year, quarter * 3))
    return _this_or_next_year(ctx, lambda y: _month_end(y, quarter * 3))


@_rule(rf"{_YEAR}?(?P<half>上半年|下半年|年中(?!秋))")
def _half_year(match: re.Match[str], ctx: _Context) -> _Resolved:
    month = 12 if match["half"] == "下半年" else 6
    year = _year_of(match, ctx)
    if year is not None:
        return _Resolved(_month_end(year, month))
    return _this_or_next_year(ctx, lambda y: _month_end(y, month))


@_rule(rf"{_YEAR}(?:年度?)?(?P<part>底|末|内|终|前|初)?")
def _named_year(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """今年年底, 明年底, 2027年前, 本年度内; a bare 今年 only if nothing better is written."""
    if match["part"] == "初":
        return None  # 年初 has no agreed day; ask for a date instead of guessing
    year = _year_of(match, ctx)
    assert year is not None  # the pattern requires the year
    return _Resolved(date(year, 12, 31), weak=match["part"] is None)


@_rule(r"(?<![\d个半上下今明后本来次去前])年度?(?P<part>底|末|内|终)")
def _year_end(match: re.Match[str], ctx: _Context) -> _Resolved:
    """年底, 年末, 年内, 年终: this year's December 31."""
    return _Resolved(date(ctx.today.year, 12, 31))


# --- rules: durations ----------------------------------------------------------------


# A minus sign right before the count (-3个工作日内, 负3天): not a range's dash, which
# follows a number (3-5天内 is the later of the two, as 三五天内).
_MINUS = r"(?P<minus>负|(?<![\d.])[-\u2212])?"


@_rule(
    rf"{_MINUS}(?<![\d.])(?P<n>\d{{1,3}}|(?<![上下])半)(?P<ge>个)?(?P<half>半)?"
    r"(?P<unit>工作日|自然日|天|日|周|月|季度|年|小时|钟头|分钟)(?P<dir>内|后|前)?"
)
def _duration(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """3天内, 7日内, 一周内, 半个月内, 两个月内, 一个季度内, 3个工作日内, 3天后, 24小时内."""
    unit, direction = match["unit"], match["dir"]
    has_ge = match["ge"] is not None
    if unit == "日" and direction in (None, "前"):
        return None  # 10日 and 10日前 are the 10th of the month
    if unit in ("月", "季度") and match["n"] != "半" and not has_ge:
        return None  # 3月, 3月内 and 3月前 are about March; 一季度 is the first quarter
    if unit == "年" and match["n"] != "半" and not has_ge and direction is None:
        return None
    # Not read as the count without its sign, nor as today: neither is what was written.
    if match["minus"]:
        raise _Unreadable("期限的数量不能是负数")
    count = 0.5 if match["n"] == "半" else float(match["n"])
    if count == 0:
        raise _Unreadable("期限的数量不能是0")
    if match["half"]:
        count += 0.5
    sign = -1 if direction == "前" else 1  # 3天前 is three days ago: refused as past
    if unit in ("小时", "钟头", "分钟"):
        minutes = count * (1 if unit == "分钟" else 60)
        return _Resolved(ctx.today, moment=ctx.now + sign * timedelta(minutes=minutes))
    if unit == "工作日":
        if not count.is_integer() or sign < 0:
            return None
        return _Resolved(ctx.calendar.add_workdays(ctx.today, int(count)))
    if unit in ("天", "日", "自然日", "周"):
        days = count * (7 if unit == "周" else 1)
        if not days.is_integer():
            return None
        return _Resolved(ctx.today + sign * timedelta(days=int(days)))
    months = count * {"年": 12, "季度": 3}.get(unit, 1)
    whole = int(months)
    day = _add_months(ctx.today, sign * whole)  # 一个月内: the same day next month
    return _Resolved(day + sign * timedelta(days=15 if months != whole else 0))


# --- rules: a period's first or last (working) day -------------------------------------


@_rule(
    rf"(?:(?P<week>(?P<wrel>{_REL}|每)?周)|(?:(?P<m>\d{{1,2}})|(?P<mrel>{_REL}|每))?月"
    rf"|(?P<yearly>{_YEAR}|年度?))"
    r"(?:底|末|份)?的?(?P<which>最后|第)1个?(?P<unit>工作日|天)"
)
def _day_of_period(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """本月最后一个工作日, 下周第一个工作日, 每月最后一个工作日, 今年最后一天.

    Not "one working day" or "one day" (the durations inside the words). A week or
    month without 本/下 (每月, 月底, 6月) is this one, or the next once that day has passed.
    """
    if match["m"] and not 1 <= int(match["m"]) <= 12:
        return None
    rel = match["wrel"] if match["week"] else match["mrel"]
    rolls = rel in (None, "每") and match["yearly"] is None
    step = 0 if rel in (None, "每") else _rel_step(rel)

    def day_in(later: int) -> date:
        first, last = _period(match, ctx, step + later)
        if match["unit"] == "天":
            return last if match["which"] == "最后" else first
        if match["which"] == "最后":
            return ctx.calendar.previous_workday(last + timedelta(days=1))
        return ctx.calendar.next_workday(first - timedelta(days=1))

    day = day_in(0)
    if day < ctx.today and rolls:
        day = day_in(1)
    return _Resolved(day)


def _period(match: re.Match[str], ctx: _Context, step: int) -> tuple[date, date]:
    """The first and last day of the week, month or year `_day_of_period` matched."""
    today = ctx.today
    if match["week"]:
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
        return monday, monday + timedelta(days=6)
    if match["yearly"]:
        year = _year_of(match, ctx) or today.year
        return date(year, 1, 1), date(year, 12, 31)
    if match["m"]:  # 6月: step is 1 only for next year's June
        first = date(today.year + step, int(match["m"]), 1)
    else:
        first = _add_months(today.replace(day=1), step)
    return first, _month_end(first.year, first.month)
