"""Reading the days supervisors type into `/holiday`: one day, or a span of days.

Days, not deadlines: today still counts until midnight, and a span's end is
read from its start's point of view (2027年2月6日至13日).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from bot.calendar.deadlines import DeadlineError, parse_deadline
from bot.calendar.workcalendar import WorkCalendar
from bot.core.access import Refusal

RANGE_SEPARATORS = re.compile(r"\s*(?:至|到|~|～|—|－)\s*|\s+")
# A day, not a deadline: today still counts until midnight.
WHOLE_DAY = time(23, 59)
SINGLE_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")  # its hyphens are not a range
LONGEST_SPAN_TEXT = 60  # "2027年2月6日至2027年2月13日" is 21 characters


def _quoted(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


def read_day(text: str, now: datetime, calendar: WorkCalendar) -> date:
    """A day as supervisors write it (2027-02-06, 2027年2月6日, 2月6日, 下周一)."""
    try:
        return parse_deadline(text, now, calendar=calendar, end_of_day=WHOLE_DAY).date()
    except DeadlineError:
        pass
    try:  # readable, but before today?
        past = parse_deadline(text, now, calendar=calendar, end_of_day=WHOLE_DAY, allow_past=True)
    except DeadlineError:
        raise Refusal(f"没看懂日期“{_quoted(text)}”，请写成 2027-02-06 或 2027年2月6日。") from None
    raise Refusal(f"“{_quoted(text)}”是 {past.date().isoformat()}，已经过去了，不能登记。")


def _read_end(text: str, first: date, now: datetime, calendar: WorkCalendar) -> date | None:
    """The span's end, read from its start's point of view (13日 falls in the start's month)."""
    start = datetime.combine(first, time(), tzinfo=now.tzinfo)
    try:
        return parse_deadline(
            text, start, calendar=calendar, end_of_day=WHOLE_DAY, allow_past=True
        ).date()
    except DeadlineError:
        return None


def read_span(text: str, now: datetime, calendar: WorkCalendar) -> tuple[date, date]:
    """`2027-02-06 至 2027-02-13`, `2027年2月6日至13日`, `2027.2.6-2027.2.13`, or one day.

    An end before the start is reported by `add_holiday`.
    """
    if len(text.strip()) > LONGEST_SPAN_TEXT:
        raise Refusal("日期写得太长了，请写开始和结束日期，例如：2027-02-06 至 2027-02-13")
    parts = [part for part in RANGE_SEPARATORS.split(text.strip()) if part]
    if len(parts) == 1 and "-" in parts[0]:
        split = _split_at_hyphen(parts[0], now, calendar)
        if split is None and not SINGLE_DATE.fullmatch(parts[0]):
            raise Refusal(f"没看懂日期范围“{_quoted(parts[0])}”，请写成 2027-10-01 至 2027-10-07。")
        parts = split or parts
    if not 1 <= len(parts) <= 2:
        raise Refusal("请写开始和结束日期，例如：2027-02-06 至 2027-02-13")
    first = read_day(parts[0], now, calendar)
    if len(parts) == 1:
        return first, first
    last = _read_end(parts[1], first, now, calendar)
    if last is None:
        raise Refusal(f"没看懂日期“{_quoted(parts[1])}”，请写成 2027-02-13 或 2027年2月13日。")
    return first, last


SEPARATOR_WORDS = frozenset({"至", "到", "~", "～", "—", "－", "-"})
DIGIT = re.compile(r"\d")


def read_named_span(
    words: list[str], now: datetime, calendar: WorkCalendar
) -> tuple[str, date, date]:
    """`元旦 2027-01-01 2027-01-03`, `2027-01-01至2027-01-03 元旦`: the holiday's name
    and its days, the name before or after the dates (the words with no digit)."""
    named = [w for w in words if w not in SEPARATOR_WORDS and not DIGIT.search(w)]
    span = " ".join(w for w in words if w in SEPARATOR_WORDS or DIGIT.search(w))
    if not span and len(named) > 1:  # dates in words (下周一, 某天): the name comes first
        named, span = named[:1], " ".join(named[1:])
    name = " ".join(named)
    if not name:
        raise Refusal("请写上假期名称，例如：/holiday add 元旦 2027-01-01 至 2027-01-03")
    if not span:
        raise Refusal("请写开始和结束日期，例如：/holiday add 元旦 2027-01-01 至 2027-01-03")
    first, last = read_span(span, now, calendar)
    return name, first, last


def _split_at_hyphen(text: str, now: datetime, calendar: WorkCalendar) -> list[str] | None:
    """`2027.2.6-2027.2.13` or `2027-02-06-2027-02-13`: the hyphen that leaves two days.

    Dates may contain hyphens themselves, so each one is tried as the range's
    dash; the split must give two readable days in order.
    """
    for index, char in enumerate(text):
        if char != "-":
            continue
        head, tail = text[:index], text[index + 1 :]
        try:
            first = parse_deadline(head, now, calendar=calendar, end_of_day=WHOLE_DAY).date()
        except DeadlineError:
            continue
        last = _read_end(tail, first, now, calendar)
        if last is not None and last >= first:
            return [head, tail]
    return None
