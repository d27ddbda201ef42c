"""Deadlines written the way officials speak: 下周五前, 5月底, 3个工作日内, 国庆节前.

The conventions are the spec's ("Deadlines in Chinese"); docs/deadlines.md lists
them with the decisions taken where the spec is silent. The text is normalised
first (full-width → half-width, traditional → simplified for the few characters
that matter, Chinese numerals → Arabic, 之前/以前 → 前 …), then a small set of
rules, each a regular expression and a function, looks for the deadline phrase
anywhere in it. dateparser is only the last resort, for English and numeric text.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.workcalendar import (
    OFFICIAL_CALENDAR,
    WEEKDAY_NAMES,
    HolidayPeriod,
    WorkCalendar,
    YearStatus,
)

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Shown in every error message; each is tested to parse.
EXAMPLES = ("下周五前", "3个工作日内", "2026-06-30")


class DeadlineError(ValueError):
    """A deadline phrase that cannot be saved; the message is Chinese, for the user."""


class _Unreadable(Exception):
    """Raised inside a rule; parse_deadline turns it into a DeadlineError naming the phrase."""


def _refusal(reason: str) -> DeadlineError:
    return DeadlineError(f"{reason}。请写成：{'、'.join(EXAMPLES)} 这样的期限。")


# --- normalisation -----------------------------------------------------------------

# NFKC already folds full-width digits, letters and punctuation; these are the
# traditional forms of the characters the rules look for.
_TRADITIONAL = str.maketrans("週後號兩個點時節內慶勞動際曆", "周后号两个点时节内庆劳动际历")
_SPACE_NEAR_CJK = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")
_SYNONYMS = (
    (re.compile(r"[之以]前"), "前"),
    (re.compile(r"[之以]内"), "内"),
    (re.compile(r"[之以]后"), "后"),
    (re.compile(r"星期|礼拜"), "周"),
    (re.compile(r"第一时间"), ""),  # "as soon as possible", not 1:00
    (re.compile(r"(?<![后节假])第二天"), "次日"),  # the next day, not "2 days"
    (
        re.compile(r"(?<=[早快晚慢])一点(?![半钟整0-9一二三四五六七八九十])"),
        "",
    ),  # "a bit", not 1:00
    (re.compile(r"一早"), "早上"),
    (re.compile(r"元月"), "一月"),
    (re.compile(r"廿"), "二十"),
    (re.compile(r"卅"), "三十"),
)
_CN_DIGIT = "〇零一二两三四五六七八九十百千"
# 十一 and 五一 are holidays unless they are part of a number or a date (十一月, 三十一日).
_HOLIDAY_ALIASES = (
    (
        re.compile(
            rf"(?<![{_CN_DIGIT}\d])(?:十一国庆|国庆十一|十一)(?![{_CN_DIGIT}\d月日号点时天个周年])"
        ),
        "国庆",
    ),
    (
        re.compile(rf"(?<![{_CN_DIGIT}\d])(?:五一劳动|五一)(?![{_CN_DIGIT}\d月日号点时天个周年])"),
        "劳动",
    ),
)
# "一两天", "三五个工作日": the later of the two is the deadline.
_NUMBER_RANGE = re.compile(
    rf"(?<![{_CN_DIGIT}])([一二两三四五六七八])([二两三四五六七八九])(?=个|天|日|周|月|年|小时)"
)
_CN_NUMBER = re.compile(f"[{_CN_DIGIT}]+")
_CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _cn_to_int(numeral: str) -> int:
    if not any(c in _CN_UNITS for c in numeral):  # 二〇二六: digit by digit
        return int("".join(str(_CN_VALUES[c]) for c in numeral))
    total = digit = 0
    for c in numeral:
        if c in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[c]
            digit = 0
        else:
            digit = _CN_VALUES[c]
    return total + digit


def _later_of_range(match: re.Match[str]) -> str:
    first, second = (_CN_VALUES[c] for c in match.group(1, 2))
    return match[2] if second > first else match[0]


def normalise(text: str) -> str:
    """The form the rules read: half-width, lower case, Arabic numerals, few synonyms."""
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL).lower()
    text = _SPACE_NEAR_CJK.sub("", " ".join(text.split()))
    for pattern, replacement in (*_SYNONYMS, *_HOLIDAY_ALIASES):
        text = pattern.sub(replacement, text)
    text = _NUMBER_RANGE.sub(_later_of_range, text)
    return _CN_NUMBER.sub(_arabic, text)


def _arabic(match: re.Match[str]) -> str:
    # 周五17:00 must not become 周517:00: keep a space between two numbers.
    number = str(_cn_to_int(match[0]))
    following = match.string[match.end() : match.end() + 1]
    return number + " " if following.isdigit() else number


# --- what a rule sees and returns --------------------------------------------------


@dataclass(frozen=True)
class _Context:
    now: datetime
    calendar: WorkCalendar
    end_of_day: time
    # Reading an existing record (a ledger import): past dates are real, not typos.
    allow_past: bool = False

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True)
class _Resolved:
    day: date
    moment: datetime | None = None  # "24小时内": an exact moment, clock words do not apply
    weekly: bool = False  # bare 周X: if its time today has passed, the same day next week
    weak: bool = False  # a bare period (今年, 6月份, 下周) that may only be context


_Resolver = Callable[[re.Match[str], _Context], _Resolved | None]
_RULES: list[tuple[re.Pattern[str], _Resolver]] = []


def _rule(pattern: str) -> Callable[[_Resolver], _Resolver]:
    def register(resolve: _Resolver) -> _Resolver:
        _RULES.append((re.compile(pattern), resolve))
        return resolve

    return register


# --- date arithmetic ---------------------------------------------------------------


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Unreadable(f"没有{year}年{month}月{day}日这一天") from None


def _month_end(year: int, month: int) -> date:
    return _add_months(date(year, month, 1), 1) - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day if it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


_YEAR = r"(?:(?P<year>\d{4})年|(?P<rel_year>今|本|明|后|来|次|去|前)年度?)"
_REL_YEAR = {"今": 0, "本": 0, "明": 1, "来": 1, "次": 1, "后": 2, "去": -1, "前": -2}
# 下个月, 这周, 下下个季度 …: the word before the unit, without 个.
_REL = r"下下个?|下个?|本|这个?|当|上上个?|上个?"
_REL_STEP = {"本": 0, "这": 0, "当": 0, "下": 1, "下下": 2, "上": -1, "上上": -2}


def _rel_step(word: str) -> int:
    return _REL_STEP[word.removesuffix("个")]


def _year_of(match: re.Match[str], ctx: _Context) -> int | None:
    """The year a rule's optional year prefix names, None when there is none."""
    if match["year"]:
        return int(match["year"])
    if match["rel_year"]:
        return ctx.today.year + _REL_YEAR[match["rel_year"]]
    return None


def _this_or_next_year(ctx: _Context, build: Callable[[int], date]) -> date:
    """A date written without a year: this year's, or next year's once this year's has passed.

    In a record that may hold the past (an imported ledger), 3月底 written in
    April is this March: the item is overdue, not due next year.
    """
    day = build(ctx.today.year)
    return day if day >= ctx.today or ctx.allow_past else build(ctx.today.year + 1)


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


@_rule(rf"(?:(?P<rel>{_REL})|(?<![\d个]))周(?P<weekday>[1-7日天末](?!\d))?(?P<part>内|前|末)?")
def _week(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """周五, 本周五, 下周五, 下下周一, 周末 and 本周内/下周 (the week's Sunday)."""
    rel, weekday = match["rel"], match["weekday"]
    if rel is None and weekday is None:
        return None  # the 周 of 两周内, read by the duration rule
    resolved = _weekday(rel, weekday, ctx)
    if rel is not None and weekday is None and match["part"] is None:
        return replace(resolved, weak=True)  # a bare 下周 may only be context
    return resolved


@_rule(rf"(?P<rel>{_REL})?周[1-7](?:至|到|~|-|—)周?(?P<weekday>[1-7日天])")
def _weekday_range(match: re.Match[str], ctx: _Context) -> _Resolved:
    """下周一至周五: the range's last day, in the week the range starts in."""
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
    return _Resolved(_date(int(match["y"]), int(match["m"]), int(match["d"])))


@_rule(r"(?<!\d)(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")
def _compact_date(match: re.Match[str], ctx: _Context) -> _Resolved:
    """20260630, as spreadsheets export dates."""
    return _iso_date(match, ctx)


@_rule(r"(?<![\d./-])(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})(?![\d./-]|个|天|日|周|月|年|小时|%)")
def _short_date(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """6/30, 6.30: month first as Chinese writes it; 30/6 read day first."""
    a, b = int(match["a"]), int(match["b"])
    month, day = (a, b) if a <= 12 else (b, a)
    if month > 12:
        return None
    return _Resolved(_this_or_next_year(ctx, lambda year: _date(year, month, day)))


@_rule(rf"{_YEAR}?(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})(?:日|号|(?!\d))")
def _month_day(match: re.Match[str], ctx: _Context) -> _Resolved:
    month, day = int(match["m"]), int(match["d"])
    year = _year_of(match, ctx)
    if year is not None:
        return _Resolved(_date(year, month, day))
    return _Resolved(_this_or_next_year(ctx, lambda y: _date(y, month, day)))


@_rule(rf"(?P<rel>{_REL})月(?P<d>\d{{1,2}})(?:日|号)")
def _relative_month_day(match: re.Match[str], ctx: _Context) -> _Resolved:
    first = _add_months(ctx.today.replace(day=1), _rel_step(match["rel"]))
    return _Resolved(_date(first.year, first.month, int(match["d"])))


@_rule(r"(?<![\d月])(?P<d>\d{1,2})(?:日|号)(?!内|后)")
def _day_of_month(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """10号前: this month's 10th, or next month's once it has passed."""
    day = int(match["d"])
    if not 1 <= day <= 31:
        return None
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


# 上旬/中旬/下旬 → the 10th/20th/last day; 月初/月中 are read as the 5th/15th.
_PART_OF_MONTH = {"上旬": 10, "中旬": 20, "初": 5, "中": 15}


def _day_in_month(year: int, month: int, part: str | None) -> date:
    if part in _PART_OF_MONTH:
        return date(year, month, _PART_OF_MONTH[part])
    return _month_end(year, month)  # 下旬, 底, 末, 内, 前, 份 or nothing: the month's end


_MONTH_PART = r"(?P<part>上旬|中旬|下旬|初|中(?!秋)|底|末|内|前|份)?"


@_rule(rf"{_YEAR}?(?:(?P<rel>{_REL})月|(?P<m>\d{{1,2}})月){_MONTH_PART}")
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
    return _Resolved(_this_or_next_year(ctx, lambda y: _day_in_month(y, month, part)), weak=weak)


@_rule(
    r"(?<![\d个半])月(?P<part>上旬|中旬|下旬|初|中(?!秋)|底|末|内)|(?<![\d月])(?P<xun>[上中下]旬)"
)
def _this_month(match: re.Match[str], ctx: _Context) -> _Resolved:
    """月底, 月内, 月中旬, 下旬: this month, or next month once that day has passed."""
    part = match["part"] or match["xun"]
    day = _day_in_month(ctx.today.year, ctx.today.month, part)
    if day < ctx.today:
        following = _add_months(ctx.today.replace(day=1), 1)
        day = _day_in_month(following.year, following.month, part)
    return _Resolved(day)


_RANGE = r"(?:至|到|~|-|—)"


@_rule(
    rf"{_YEAR}?(?P<m>\d{{1,2}})月\d{{1,2}}(?:日|号)?{_RANGE}"
    r"(?:(?P<m2>\d{1,2})月)?(?P<d>\d{1,2})(?:日|号)"
)
def _day_range(match: re.Match[str], ctx: _Context) -> _Resolved:
    """4月10日至15日: a range's last day is the deadline."""
    month, day = int(match["m2"] or match["m"]), int(match["d"])
    year = _year_of(match, ctx)
    if year is not None:
        return _Resolved(_date(year, month, day))
    return _Resolved(_this_or_next_year(ctx, lambda y: _date(y, month, day)))


# --- rules: quarters, halves and years -----------------------------------------------


@_rule(
    rf"{_YEAR}?(?:第?(?<!\d)(?P<q>[1-4])季度?|(?P<rel>{_REL})季度|(?<![\d第])季度(?=末|底|内))"
    r"(?P<part>末|底|内|前)?|(?<![a-z])q(?P<eq>[1-4])\b"
)
def _quarter(match: re.Match[str], ctx: _Context) -> _Resolved:
    """一季度, 第三季度末, 本季度末, 2026年第三季度: the quarter's last day."""
    current = (ctx.today.month - 1) // 3 + 1
    if match["rel"] or not (match["q"] or match["eq"]):
        index = ctx.today.year * 4 + current - 1 + (_rel_step(match["rel"]) if match["rel"] else 0)
        year, quarter = divmod(index, 4)
        return _Resolved(_month_end(year, quarter * 3 + 3))
    quarter = int(match["q"] or match["eq"])
    year = _year_of(match, ctx) if match["q"] else None
    if year is not None:
        return _Resolved(_month_end(year, quarter * 3))
    return _Resolved(_this_or_next_year(ctx, lambda y: _month_end(y, quarter * 3)))


@_rule(rf"{_YEAR}?(?P<half>上半年|下半年|年中(?!秋))")
def _half_year(match: re.Match[str], ctx: _Context) -> _Resolved:
    month = 12 if match["half"] == "下半年" else 6
    year = _year_of(match, ctx)
    if year is not None:
        return _Resolved(_month_end(year, month))
    return _Resolved(_this_or_next_year(ctx, lambda y: _month_end(y, month)))


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
    return _Resolved(date(ctx.today.year, 12, 31))


# --- rules: durations ----------------------------------------------------------------


@_rule(
    r"(?<![\d.])(?P<n>\d{1,3}|(?<![上下])半)(?P<ge>个)?(?P<half>半)?"
    r"(?P<unit>工作日|自然日|天|日|周|月|年|小时|钟头|分钟)(?P<dir>内|后|前)?"
)
def _duration(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """3天内, 7日内, 一周内, 半个月内, 两个月内, 3个工作日内, 3天后, 24小时内."""
    unit, direction = match["unit"], match["dir"]
    has_ge = match["ge"] is not None
    if unit == "日" and direction in (None, "前"):
        return None  # 10日 and 10日前 are the 10th of the month
    if unit == "月" and match["n"] != "半" and not has_ge:
        return None  # 3月, 3月内 and 3月前 are about March
    if unit == "年" and match["n"] != "半" and not has_ge and direction is None:
        return None
    count = 0.5 if match["n"] == "半" else float(match["n"])
    if match["half"]:
        count += 0.5
    sign = -1 if direction == "前" else 1  # 3天前 is three days ago: refused as past
    if unit in ("小时", "钟头", "分钟"):
        minutes = count * (1 if unit == "分钟" else 60)
        return _Resolved(ctx.today, moment=ctx.now + sign * timedelta(minutes=minutes))
    if unit == "工作日":
        if not count.is_integer() or count < 1 or sign < 0:
            return None
        return _Resolved(ctx.calendar.add_workdays(ctx.today, int(count)))
    if unit in ("天", "日", "自然日", "周"):
        days = count * (7 if unit == "周" else 1)
        if not days.is_integer():
            return None
        return _Resolved(ctx.today + sign * timedelta(days=int(days)))
    months = count * (12 if unit == "年" else 1)
    whole = int(months)
    day = _add_months(ctx.today, sign * whole)  # 一个月内: the same day next month
    return _Resolved(day + sign * timedelta(days=15 if months != whole else 0))


@_rule(
    r"\b(?:in|within)\s?(?P<n>\d{1,3})\s?"
    r"(?P<unit>(?:working|business) day|day|week|month|hour)s?\b"
)
def _english_duration(match: re.Match[str], ctx: _Context) -> _Resolved:
    count, unit = int(match["n"]), match["unit"]
    if unit == "hour":
        return _Resolved(ctx.today, moment=ctx.now + timedelta(hours=count))
    if unit == "month":
        return _Resolved(_add_months(ctx.today, count))
    if unit == "week":
        return _Resolved(ctx.today + timedelta(weeks=count))
    if unit == "day":
        return _Resolved(ctx.today + timedelta(days=count))
    return _Resolved(ctx.calendar.add_workdays(ctx.today, max(count, 1)))  # working days


@_rule(
    r"\bend of (?:the )?(?P<unit>day|week|month|quarter|year)\b|\b(?P<abbr>eod|cob|eow|eom|eoy)\b"
)
def _english_period_end(match: re.Match[str], ctx: _Context) -> _Resolved:
    unit = match["unit"] or {"eod": "day", "cob": "day", "eow": "week", "eom": "month"}.get(
        match["abbr"], "year"
    )
    today = ctx.today
    ends = {
        "day": today,
        "week": today + timedelta(days=6 - today.weekday()),
        "month": _month_end(today.year, today.month),
        "quarter": _month_end(today.year, ((today.month - 1) // 3) * 3 + 3),
        "year": date(today.year, 12, 31),
    }
    return _Resolved(ends[unit])


# --- rules: holidays ------------------------------------------------------------------

# The name each holiday has in the calendar (a period "中秋节、国庆节" contains both).
_HOLIDAY_KEYS = {
    "元旦": "元旦", "春节": "春节", "过年": "春节", "清明": "清明",
    "劳动": "劳动", "端午": "端午", "中秋": "中秋", "国庆": "国庆",
}  # fmt: skip
_AFTER = (
    r"(?P<after>后|收假后|结束后|过后|上班后|返岗后)(?:上班)?"
    r"(?:第?(?P<nth>\d{1,2})个?(?:工作日|天))?"
)
_BEFORE_OR_AFTER = rf"(?:(?P<before>前)|{_AFTER})"


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
    return _Resolved(ctx.calendar.add_workdays(period.last_day, max(nth, 1)))


def _holiday(ctx: _Context, key: str | None, year: int | None) -> HolidayPeriod:
    """The holiday `key` (any holiday if None) that has not ended yet, or the one in `year`."""
    start = ctx.today if year is None else date(year, 1, 1)
    period = ctx.calendar.next_holiday(start, key)
    if period is not None and (year is None or period.first_day.year == year):
        return period
    # The State Council publishes each year's arrangement in the autumn before; until
    # then (or until supervisors enter it) the dates are estimated, and the result
    # lies in a year that calendar_warning reports.
    for candidate_year in (year,) if year else range(start.year, start.year + 3):
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


# --- clock time ------------------------------------------------------------------------

_EVENING = frozenset(
    {"下午", "午后", "傍晚", "晚上", "晚间", "夜里", "夜间", "今晚", "明晚", "今夜", "晚"}
)
_PERIOD = (
    r"凌晨|早上|早晨|清晨|今早|明早|上午|中午|午后|下午|傍晚|晚上|晚间|夜里|夜间|今晚|明晚|今夜"
)
_CLOCK = re.compile(
    rf"(?P<period>{_PERIOD}|早|(?<!最)晚)?(?:"
    r"(?<![\d.])(?P<hour>\d{1,2})(?:点|时)(?:(?P<half>半)|(?P<quarter>[13])刻|(?P<minute>\d{1,2})分?)?"
    r"(?!意见|建议|要求|措施|问题|内容)"
    r"|(?<![\d.])(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::\d{2})?\s?(?P<ampm1>am|pm)?"
    r"|(?<![\d.])(?P<eh>\d{1,2})\s?(?P<ampm2>am|pm)\b"
    r"|(?P<noon>noon)\b)"
)
# Without an hour a part of the day stands for its end (上午 → 12:00), except
# 早上/明早, which officials use for "first thing in the morning".
_PERIOD_WORD = re.compile(_PERIOD)
_PERIOD_ONLY = re.compile(rf"{_PERIOD}|下班|上班前")
# What may stand between a date and its clock time: 2026-06-30 17:00, 6月30日(周二)下午.
_SEPARATORS = re.compile(r"(?:[\s,、的]|\([^)]*\))*")
_PERIOD_DEFAULTS = {
    "凌晨": time(6, 0), "早上": time(9, 0), "早晨": time(9, 0), "清晨": time(9, 0),
    "今早": time(9, 0), "明早": time(9, 0), "上班前": time(9, 0),
    "上午": time(12, 0), "中午": time(12, 0),
    "晚上": time(23, 59), "晚间": time(23, 59), "夜里": time(23, 59), "夜间": time(23, 59),
    "今晚": time(23, 59), "明晚": time(23, 59), "今夜": time(23, 59),
}  # fmt: skip


@dataclass(frozen=True)
class _Clock:
    at: time
    start: int
    end: int


def _clock_time(period: str | None, hour: int, minute: int, ampm: str | None) -> time:
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif period in _EVENING and 1 <= hour <= 11:
        hour += 12
    elif period in _EVENING and hour == 12 and period not in ("下午", "午后"):
        hour = 24  # 晚上12点 is midnight, read below as 23:59
    elif period == "中午" and 1 <= hour <= 5:
        hour += 12
    elif period == "凌晨" and hour == 12:
        hour = 0
    if hour == 24 and minute == 0:  # 12月31日24时: the end of that day
        return time(23, 59)
    if hour > 23 or minute > 59:
        raise _Unreadable(f"没有{hour}点{minute}分这个时间")
    return time(hour, minute)


def _find_clock(text: str, ctx: _Context) -> list[_Clock]:
    """Every clock time in the text, with its place, so a date can take the one after it."""
    clocks: list[_Clock] = []
    for match in _CLOCK.finditer(text):
        period = match["period"]
        if period is None:  # "明早, 8点前": a part of the day written just before
            earlier = list(_PERIOD_WORD.finditer(text, 0, match.start()))
            if earlier and _SEPARATORS.fullmatch(text, earlier[-1].end(), match.start()):
                period = earlier[-1][0]
        if match["hour"]:
            minute = 30 if match["half"] else 15 * int(match["quarter"] or 0)
            minute = int(match["minute"]) if match["minute"] else minute
            at = _clock_time(period, int(match["hour"]), minute, None)
        elif match["hh"]:
            at = _clock_time(period, int(match["hh"]), int(match["mm"]), match["ampm1"])
        elif match["eh"]:
            at = _clock_time(None, int(match["eh"]), 0, match["ampm2"])
        else:
            at = time(12, 0)
        clocks.append(_Clock(at, match.start(), match.end()))
    taken = [(c.start, c.end) for c in clocks]
    for match in _PERIOD_ONLY.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        word = match[0]
        at = _PERIOD_DEFAULTS.get(word, ctx.end_of_day)  # 下午, 傍晚, 下班: end of the day
        clocks.append(_Clock(at, match.start(), match.end()))
    return sorted(clocks, key=lambda c: c.start)


# --- putting it together ---------------------------------------------------------------

# A date right before 前/内/截止 or after 于/在/最迟 is the deadline, not background
# (今天开会布置, 明天下午三点前报送).
_MARK_AFTER = ("前", "内", "底", "末", "止", "截止", "完成")
_MARK_BEFORE = ("于", "在", "至", "到", "截至", "截止", "最迟", "最晚", "不晚于", "限", "by")


@dataclass(frozen=True)
class _Candidate:
    match: re.Match[str]
    resolve: _Resolver
    marked: bool

    @property
    def span(self) -> tuple[int, int]:
        return self.match.span()


def _candidates(text: str, clocks: list[_Clock]) -> list[_Candidate]:
    """Every rule's matches, in the order to try them.

    Overlapping matches form one phrase, tried leftmost and longest first (下周五
    before the 周五 inside it); phrases marked as the deadline go before the rest.
    """
    found: list[_Candidate] = []
    for pattern, resolve in _RULES:
        for match in pattern.finditer(text):
            end = match.end()
            clock = _clock_at(clocks, match)
            if clock is not None:
                end = max(end, clock.end)
            marked = text.startswith(_MARK_AFTER, end) or text[: match.start()].endswith(
                _MARK_BEFORE
            )
            found.append(_Candidate(match, resolve, marked))
    found.sort(key=lambda c: (c.span[0], c.span[0] - c.span[1]))
    phrases: list[list[_Candidate]] = []
    phrase_end = -1
    for candidate in found:
        if candidate.span[0] >= phrase_end:
            phrases.append([])
        phrases[-1].append(candidate)
        phrase_end = max(phrase_end, candidate.span[1])
    phrases.sort(key=lambda phrase: not any(c.marked for c in phrase))  # stable
    return [candidate for phrase in phrases for candidate in phrase]


def _clock_at(clocks: list[_Clock], match: re.Match[str]) -> _Clock | None:
    """The clock time written with a date: inside it (今晚8点) or right after (明天下午3点)."""
    for clock in clocks:
        if match.start() <= clock.start <= match.end() or (
            clock.start > match.end()
            and _SEPARATORS.fullmatch(match.string, match.end(), clock.start)
        ):
            return clock
    return None


def _deadline(resolved: _Resolved, clock: _Clock | None, ctx: _Context) -> datetime:
    if resolved.moment is not None:
        return resolved.moment
    at = clock.at if clock is not None else ctx.end_of_day
    deadline = datetime.combine(resolved.day, at, tzinfo=ctx.now.tzinfo)
    if resolved.weekly and deadline <= ctx.now:
        deadline += timedelta(weeks=1)
    return deadline


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 30 else text[:30] + "…"


def parse_deadline(
    text: str,
    now: datetime,
    *,
    calendar: WorkCalendar = OFFICIAL_CALENDAR,
    end_of_day: time = time(18, 0),
    allow_past: bool = False,
) -> datetime:
    """The deadline `text` names, aware and in `now`'s zone (a naive `now` is Asia/Shanghai).

    Raises DeadlineError, with a Chinese message and examples, for an empty phrase,
    one that names no date, or one that is not after `now`, unless `allow_past`
    (an imported ledger's overdue items keep their real, past deadlines).
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=SHANGHAI)
    if not text or not text.strip():
        raise _refusal("没有写截止时间")
    ctx = _Context(now, calendar, end_of_day, allow_past)
    try:
        deadline = _parse(normalise(text), ctx)
    except _Unreadable as error:
        raise _refusal(f"“{_snippet(text)}”：{error}") from None
    if deadline is None:
        raise _refusal(f"没看懂截止时间“{_snippet(text)}”")
    if deadline <= now and not allow_past:
        raise _refusal(f"“{_snippet(text)}”是 {describe(deadline)}，已经过去了")
    return deadline


def _parse(text: str, ctx: _Context) -> datetime | None:
    """The first deadline after now, else the first one found (past), else None."""
    clocks = _find_clock(text, ctx)
    first_past: datetime | None = None
    weak: datetime | None = None
    settled: list[tuple[int, int]] = []
    for candidate in _candidates(text, clocks):
        start, end = candidate.span
        if any(start < e and s < end for s, e in settled):
            continue  # inside a phrase already read: the 6月 of 6月15日
        resolved = candidate.resolve(candidate.match, ctx)
        if resolved is None:
            continue
        settled.append(candidate.span)
        deadline = _deadline(resolved, _clock_at(clocks, candidate.match), ctx)
        if deadline <= ctx.now:
            first_past = first_past or deadline
        elif resolved.weak:
            weak = weak or deadline
        else:
            return deadline
    if weak is not None:
        return weak
    if first_past is not None:
        return first_past
    if text.isascii() and _LETTER.search(_without(text, clocks)):
        return _parse_english(text, ctx)  # Friday 5pm: the rules read only the clock
    if clocks and not settled:  # 下午3点前: today
        return datetime.combine(ctx.today, clocks[0].at, tzinfo=ctx.now.tzinfo)
    return None


_LETTER = re.compile(r"[a-z]")


def _without(text: str, clocks: list[_Clock]) -> str:
    for clock in reversed(clocks):
        text = text[: clock.start] + text[clock.end :]
    return text


@lru_cache(maxsize=4)
def _english_parser(relative_base: datetime) -> DateDataParser:
    # Imported here: dateparser takes a tenth of a second to load and most
    # deadlines never reach it.
    from dateparser.date import DateDataParser

    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": relative_base,
        # Tells "30 June" (period "day") from "5pm" (period "time").
        "RETURN_TIME_AS_PERIOD": True,
    }
    return DateDataParser(languages=["en"], settings=settings)


def _parse_english(text: str, ctx: _Context) -> datetime | None:
    """tomorrow 5pm, next Friday, 30 June: dateparser, for what the rules do not read."""
    data = _english_parser(ctx.now.replace(tzinfo=None)).get_date_data(text)
    parsed = data["date_obj"]
    if parsed is None:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ctx.now.tzinfo)
    if data["period"] not in ("time", "part_of_day"):
        return datetime.combine(parsed.date(), ctx.end_of_day, tzinfo=ctx.now.tzinfo)
    return parsed.replace(tzinfo=ctx.now.tzinfo)


def describe(dt: datetime) -> str:
    """As 2026-05-08 (周五) 18:00 with full-width brackets, in the datetime's own zone."""
    return f"{dt:%Y-%m-%d}（周{WEEKDAY_NAMES[dt.weekday()]}）{dt:%H:%M}"


def calendar_warning(
    dt: datetime, now: datetime, calendar: WorkCalendar = OFFICIAL_CALENDAR
) -> str | None:
    """A warning when the deadline leans on a year whose holidays nobody has entered."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=SHANGHAI)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=now.tzinfo)
    first, last = sorted((now.year, dt.astimezone(now.tzinfo).year))
    unknown = [y for y in range(first, last + 1) if calendar.year_status(y) == YearStatus.ASSUMED]
    if not unknown:
        return None
    years = "、".join(f"{year}年" for year in unknown)
    return f"{years}的法定节假日安排尚未收录，工作日按周一至周五计算；督查室可用 /holiday 补充。"
