"""What every rule shares: the context it reads, what it returns, and date arithmetic.

A rule is a regular expression and a function that turns its match into a day.
Each rule module keeps its rules in a list of its own, filled by the `_rule`
decorator that `_registrar` makes for it; the package joins the lists in a fixed
order, which decides between two rules that match the same text.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol, TypeVar

from bot.calendar.workcalendar import WorkCalendar


class _Unreadable(Exception):
    """Raised inside a rule; parse_deadline turns it into a DeadlineError naming the phrase."""


# --- what a rule sees and returns --------------------------------------------------


@dataclass(frozen=True)
class _Context:
    now: datetime
    calendar: WorkCalendar
    end_of_day: time
    # Reading an existing record (a ledger import): a past date is kept, not refused.
    # It never changes which year a year-less date means.
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
_Rule = tuple[re.Pattern[str], _Resolver]
_R = TypeVar("_R", bound=_Resolver)


class _Register(Protocol):
    """Registers a rule and gives it back as it was (one rule may call another)."""

    def __call__(self, resolve: _R, /) -> _R: ...


def _registrar(rules: list[_Rule]) -> Callable[[str], _Register]:
    """The `@_rule(pattern)` decorator of one rule module, adding to that module's list."""

    def _rule(pattern: str) -> _Register:
        def register(resolve: _R) -> _R:
            rules.append((re.compile(pattern), resolve))
            return resolve

        return register

    return _rule


# --- date arithmetic ---------------------------------------------------------------


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):  # 6月31日; 6月99999999999999999999日
        raise _Unreadable(f"没有{year}年{month}月{day}日这一天") from None


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day if it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


_YEAR = r"(?:(?P<year>\d{4})年|(?P<rel_year>今|本|明|后|来|次|去|前)年度?)"
_REL_YEAR = {"今": 0, "本": 0, "明": 1, "来": 1, "次": 1, "后": 2, "去": -1, "前": -2}
# 下个月, 这周, 下下个季度, 次月 …: the word before the unit. Each 下 (上) is one unit
# later (earlier), however many there are: 下下下周五 is three weeks on, never read as
# the 下下周五 inside it.
_REL = r"下+个?|本|这个?|当|次|上+个?"
_REL_STEP = {"本": 0, "这": 0, "当": 0, "次": 1}


def _rel_step(word: str) -> int:
    word = word.removesuffix("个")
    if word in _REL_STEP:
        return _REL_STEP[word]
    return len(word) if word[0] == "下" else -len(word)


# The years a deadline may name: far wider than any real one, and narrow enough that
# the arithmetic after it (9999年第四季度, 0000年底, 9999年元旦后) stays within the
# years `datetime` can hold.
_YEARS = range(1900, 3000)


def _written_year(digits: str) -> int:
    """The year written as `digits` (2026年, 2026-06-30), refused outside `_YEARS`."""
    year = int(digits)
    if year not in _YEARS:
        raise _Unreadable(f"{digits}年不在{_YEARS[0]}年至{_YEARS[-1]}年之间")
    return year


def _year_of(match: re.Match[str], ctx: _Context) -> int | None:
    """The year a rule's optional year prefix names, None when there is none."""
    if match["year"]:
        return _written_year(match["year"])
    if match["rel_year"]:
        return ctx.today.year + _REL_YEAR[match["rel_year"]]
    return None


def _this_or_next_year(
    ctx: _Context, build: Callable[[int], date], *, weak: bool = False
) -> _Resolved:
    """A date written without a year: this year's, or next year's once this year's has passed.

    One rule everywhere, chat and imported ledgers alike: a ledger that means a
    past date writes its year (2026年3月31日), and 一季度末 read in December is
    next March. A date pushed to next year is weak: in 根据11月20日会议精神，12月10日报送
    the first date is a past meeting, not a deadline a year away.
    """
    day = build(ctx.today.year)
    if day >= ctx.today:
        return _Resolved(day, weak=weak)
    return _Resolved(build(ctx.today.year + 1), weak=True)
