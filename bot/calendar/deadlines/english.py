"""English: rules for what dateparser reads differently from the Chinese conventions, then
dateparser itself, last, for the rest (tomorrow 5pm, 30 June, Dec 15).

The rules keep English in line with the Chinese forms: next Friday is 下周五, next
week 下周 (its Sunday), next month 下个月 (its last day), June 6月 (June 30).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.calendar.deadlines._context import (
    _add_months,
    _Context,
    _month_end,
    _registrar,
    _Resolved,
    _Rule,
    _this_or_next_year,
    _Unreadable,
    _written_year,
)
from bot.calendar.deadlines.clock import _Clock
from bot.calendar.deadlines.dates import _weekday

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

RULES: list[_Rule] = []  # in the order they are tried on the same text
_rule = _registrar(RULES)


# --- rules ---------------------------------------------------------------------------

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip


@_rule(
    rf"\b(?:in|within)\s?(?P<n>\d{{1,3}}|{'|'.join(_NUMBERS)})\s?"
    r"(?P<unit>(?:working|business) day|day|week|month|hour)s?\b"
)
def _english_duration(match: re.Match[str], ctx: _Context) -> _Resolved:
    """in 3 days, within a week, within two weeks, within 5 working days."""
    number, unit = match["n"], match["unit"]
    count = int(number) if number.isdigit() else _NUMBERS[number]
    if count == 0:
        raise _Unreadable("期限的数量不能是0")
    if unit == "hour":
        return _Resolved(ctx.today, moment=ctx.now + timedelta(hours=count))
    if unit == "month":
        return _Resolved(_add_months(ctx.today, count))
    if unit == "week":
        return _Resolved(ctx.today + timedelta(weeks=count))
    if unit == "day":
        return _Resolved(ctx.today + timedelta(days=count))
    return _Resolved(ctx.calendar.add_workdays(ctx.today, count))  # working days


@_rule(
    r"\b(?:(?P<end>end of) (?:the )?)?(?P<rel>this |next )?(?P<unit>week|month|quarter|year)\b"
    r"|\b(?P<abbr>eow|eom|eoy)\b"
)
def _english_period(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """end of month, by the end of this week, next month, EOM: the period's last day."""
    if not (match["end"] or match["rel"] or match["abbr"]):
        return None  # "week" of "in 2 weeks" is the duration rule's
    unit = match["unit"] or {"eow": "week", "eom": "month"}.get(match["abbr"], "year")
    step = 1 if match["rel"] == "next " else 0
    today = ctx.today
    if unit == "week":
        day = today + timedelta(days=6 - today.weekday(), weeks=step)
    elif unit == "month":
        first = _add_months(today.replace(day=1), step)
        day = _month_end(first.year, first.month)
    elif unit == "quarter":
        first = _add_months(today.replace(day=1), 3 * step)
        day = _month_end(first.year, ((first.month - 1) // 3) * 3 + 3)
    else:
        day = date(today.year + step, 12, 31)
    return _Resolved(day, weak=match["end"] is None and match["abbr"] is None)


_WEEKDAYS = {
    "monday": 1, "mon": 1, "tuesday": 2, "tues": 2, "tue": 2, "wednesday": 3, "wed": 3,
    "thursday": 4, "thurs": 4, "thur": 4, "thu": 4, "friday": 5, "fri": 5,
    "saturday": 6, "sat": 6, "sunday": 7, "sun": 7,
}  # fmt: skip


@_rule(rf"\b(?:(?P<rel>next|this|coming|last) )?(?P<day>{'|'.join(_WEEKDAYS)})\b\.?")
def _english_weekday(match: re.Match[str], ctx: _Context) -> _Resolved:
    """Friday, this Friday (the coming one, as 周五), next Friday (下周五), last Friday (上周五)."""
    rel = {"next": "下", "last": "上"}.get(match["rel"] or "")
    return _weekday(rel, str(_WEEKDAYS[match["day"]]), ctx)


_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_DAY_BEFORE = re.compile(r"\d(?:st|nd|rd|th)?\s*(?:of\s*)?$")


@_rule(
    rf"\b(?P<end>end of )?(?P<month>{'|'.join(_MONTHS)})\b\.?(?:\s(?P<y>\d{{4}}))?(?![.,]?\s?\d)"
)
def _english_month(match: re.Match[str], ctx: _Context) -> _Resolved | None:
    """June, by June, end of June 2027: the month's last day, as 6月 / 6月底.

    30 June and June 30 are days, left to dateparser; "may" alone is a verb.
    """
    if _DAY_BEFORE.search(match.string, 0, match.start()):
        return None
    if match["month"] == "may" and not match["end"]:
        return None
    month = _MONTHS[match["month"]]
    if match["y"]:
        return _Resolved(_month_end(_written_year(match["y"]), month))
    return _this_or_next_year(ctx, lambda year: _month_end(year, month))


# --- the fallback: dateparser --------------------------------------------------------

_LETTER = re.compile(r"[a-z]")
# dateparser reads "Dec 15" but not "before Dec 15": the words that say "deadline" go.
_LEAD_WORDS = re.compile(
    r"^(?:deadline:?\s*)?(?:(?:no|not) later than|before|by|due(?: on| by)?|until|till|on)\s+"
)


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
    """tomorrow 5pm, 30 June, Dec 15: dateparser, for what the rules do not read."""
    text = _LEAD_WORDS.sub("", text.strip())
    data = _english_parser(ctx.now.replace(tzinfo=None)).get_date_data(text)
    parsed: datetime | None = data["date_obj"]  # dateparser ships no types
    if parsed is None:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ctx.now.tzinfo)
    if data["period"] not in ("time", "part_of_day"):
        return datetime.combine(parsed.date(), ctx.end_of_day, tzinfo=ctx.now.tzinfo)
    return parsed.replace(tzinfo=ctx.now.tzinfo)
