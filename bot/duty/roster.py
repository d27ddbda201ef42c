"""Roster lines (`DutyShift`) and the pieces both readers share: days, clock times, posts.

A shift is held as naive wall-clock datetimes in the county's zone: start
included, end excluded, at most 24 hours apart. `24:00` is the end of its day;
an end at or before the start (20:00-08:00) or written 次日08:00 is on the next
day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.calendar.workcalendar import HolidayPeriod
from db.models import DutyPost

MINUTES_PER_DAY = 24 * 60
Post = DutyPost  # one enum for a line read and a line stored


# What offices write for each post; the longer words first, for the pattern below.
POST_WORDS = {
    "带班领导": Post.LEADER,
    "值班领导": Post.LEADER,
    "值班人员": Post.OFFICER,
    "值班员": Post.OFFICER,
}
POST_PATTERN = "|".join(sorted(POST_WORDS, key=len, reverse=True))


@dataclass(frozen=True)
class DutyShift:
    """One roster line: who holds which post from when to when, for which unit."""

    unit: str
    start: datetime  # naive local wall time
    end: datetime  # exclusive; after start, at most 24 h later
    post: Post
    name: str
    phone: str  # as written, cleaned; "" when missing (the check reports it)
    line: int = 0  # the pasted text's line or the sheet's row, to name it in messages

    @property
    def day(self) -> date:
        """The day the shift is written under (the day it starts)."""
        return self.start.date()


WHOLE_SUBMISSION = 0  # the line of a message about the submission as a whole


@dataclass(frozen=True)
class LineError:
    """Why one line (pasted text) or row (sheet) was refused."""

    line: int  # WHOLE_SUBMISSION for the submission as a whole
    message: str
    text: str = ""  # the pasted line, quoted in the message so chat users see which

    def __str__(self) -> str:
        if self.line == WHOLE_SUBMISSION:
            return self.message
        quoted = f"“{_shortened(self.text)}”" if self.text else ""
        return f"第 {self.line} 行{quoted}：{self.message}"


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class RosterReading:
    """What a submission said: all its shifts, or none and every reason why.

    `shifts` is empty whenever `errors` is not: nothing of a submission with a
    bad line is accepted.
    """

    shifts: list[DutyShift]
    errors: list[LineError]
    skipped: list[LineError] = field(default_factory=list)  # headings, read as no shift
    sheet: str | None = None  # the xlsx sheet read
    notes: list[str] = field(default_factory=list)  # about the file (ignored columns)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def units(self) -> list[str]:
        return list(dict.fromkeys(shift.unit for shift in self.shifts))


class RosterFileError(Exception):
    """The file as a whole cannot be read: missing, not xlsx, damaged, no roster header."""


def normalise(text: str) -> str:
    """Full-width digits, colons, tildes and hyphens folded (NFKC); spaces made one."""
    folded = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    return re.sub(r"[ \t]+", " ", folded).strip()


# --- days -----------------------------------------------------------------------

WEEKDAY_NOTE = r"[(（]?\s*(?:周|星期|礼拜)[一二三四五六日天]\s*[)）]?"
DAY_PATTERN = (
    r"(?<![\d.])(?:"
    r"(?:(?P<y1>\d{4})\s*年\s*)?(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*[日号]?"
    r"|(?P<y2>\d{4})\s*[-/.]\s*(?P<m2>\d{1,2})\s*[-/.]\s*(?P<d2>\d{1,2})\s*[日号]?(?![\d.:])"
    r"|(?P<m3>\d{1,2})[./](?P<d3>\d{1,2})\s*[日号]?(?![\d.:])"
    r")"
)
DAY = re.compile(DAY_PATTERN)
DAY_FORMS = "10月1日、10.1、10/1 或 2026-10-01"


class DayResolver:
    """Years for days written without one: from the holiday period, else from today.

    With a period, the year that puts the day nearest the period (元旦's 12月31日
    and 1月1日 fall either side of New Year); without one, the year nearest today.
    """

    def __init__(self, period: HolidayPeriod | None, today: date | None = None) -> None:
        self.period = period
        self.today = today or date.today()

    def day(self, year: int | None, month: int, day: int) -> date | str:
        """The date, or why it is not one."""
        if year is not None:
            return _date_or_reason(year, month, day)
        if self.period is not None:
            first, last = self.period.first_day, self.period.last_day
            years = {first.year - 1, first.year, last.year, last.year + 1}
        else:
            first = last = self.today
            years = {self.today.year - 1, self.today.year, self.today.year + 1}
        found = [_date_or_reason(year, month, day) for year in years]
        candidates = [candidate for candidate in found if isinstance(candidate, date)]
        if not candidates:
            return f"没有{month}月{day}日这一天"
        return min(candidates, key=lambda found: (_distance(found, first, last), found))


def _distance(day: date, first: date, last: date) -> int:
    if day < first:
        return (first - day).days
    if day > last:
        return (day - last).days
    return 0


def _date_or_reason(year: int, month: int, day: int) -> date | str:
    if not 1900 <= year <= 2999:
        return f"{year}年不在1900年至2999年之间"
    try:
        return date(year, month, day)
    except ValueError:
        return f"没有{year}年{month}月{day}日这一天"


def day_from_match(match: re.Match[str], resolver: DayResolver) -> date | str:
    groups = match.groupdict()
    for suffix in "123":
        if groups.get(f"m{suffix}"):
            year = groups.get(f"y{suffix}")
            return resolver.day(
                int(year) if year else None, int(groups[f"m{suffix}"]), int(groups[f"d{suffix}"])
            )
    raise AssertionError("the day pattern matched nothing")  # pragma: no cover


def read_day_text(text: str, resolver: DayResolver) -> date | str:
    """A day written alone (an xlsx cell): the date, or why it cannot be read."""
    cleaned = re.sub(WEEKDAY_NOTE, "", normalise(text)).strip()
    match = DAY.fullmatch(cleaned)
    if match is None:
        return f"日期“{_shortened(text, 20)}”看不懂，请写成 {DAY_FORMS}"
    return day_from_match(match, resolver)


# --- clock times ----------------------------------------------------------------

CLOCK = r"\d{1,2}\s*(?::\s*\d{2}(?:\s*:\s*\d{2})?|[点时](?:\s*(?:\d{1,2}\s*分?|半))?)"
NEXT_DAY = r"次日|第二天|翌日|次晨|隔天"
RANGE_SEPARATOR = r"(?:至|到|~|-|—|–|―|〜|－|～)+"
CLOCK_RANGE = re.compile(
    rf"(?P<start>{CLOCK})\s*{RANGE_SEPARATOR}\s*(?P<next>{NEXT_DAY})?\s*(?P<end>{CLOCK})"
    r"|(?P<whole>全天|全日)"
)
ONE_CLOCK = re.compile(rf"(?P<next>{NEXT_DAY})?\s*(?P<clock>{CLOCK})")
_CLOCK_PARTS = re.compile(
    r"(?P<h>\d{1,2})\s*(?:[:]\s*(?P<m>\d{2})(?:\s*:\s*(?P<s>\d{2}))?|[点时]\s*(?:(?P<m2>\d{1,2})\s*分?|(?P<half>半))?)"
)


@dataclass(frozen=True)
class ClockTime:
    """A time of day as minutes after midnight (1440 = 24:00), maybe marked 次日."""

    minute: int
    next_day: bool = False


def clock_from_text(text: str) -> ClockTime | str:
    """`08:00`, `8:00:00`, `8点半`, `20时`, `24:00`, `次日08:00` → the time, or why not."""
    match = ONE_CLOCK.fullmatch(normalise(text))
    if match is None:
        return f"时间“{_shortened(text, 20)}”看不懂，请写成 08:00 这样"
    return _clock(match["clock"], next_day=bool(match["next"]))


def _clock(text: str, *, next_day: bool = False) -> ClockTime | str:
    parts = _CLOCK_PARTS.fullmatch(text.strip())
    if parts is None:  # pragma: no cover - CLOCK and _CLOCK_PARTS read the same forms
        return f"时间“{text}”看不懂"
    hour = int(parts["h"])
    minute = 30 if parts["half"] else int(parts["m"] or parts["m2"] or 0)
    seconds = int(parts["s"] or 0)
    if hour > 24 or minute > 59 or seconds > 59 or (hour == 24 and minute + seconds):
        return f"时间“{text.strip()}”不存在（应在 00:00 至 24:00 之间）"
    return ClockTime(hour * 60 + minute, next_day)


def clock_range(match: re.Match[str]) -> tuple[ClockTime, ClockTime] | str:
    """A CLOCK_RANGE match → (start, end), or why it is not a time range."""
    if match["whole"]:
        return ClockTime(0), ClockTime(MINUTES_PER_DAY)
    start = _clock(match["start"])
    end = _clock(match["end"], next_day=bool(match["next"]))
    if isinstance(start, str):
        return start
    if isinstance(end, str):
        return end
    return start, end


def shift_times(day: date, start: ClockTime, end: ClockTime) -> tuple[datetime, datetime] | str:
    """The shift's start and end on `day`, or why they make no shift.

    An end at or before the start crosses midnight; 24:00 is the day's end; an
    end marked 次日 is on the next day whatever it says.
    """
    if start.next_day:
        return "开始时间不能写“次日”，请把班次写在开始的那一天"
    if start.minute == MINUTES_PER_DAY:
        return "开始时间不能是 24:00（请写次日 00:00）"
    midnight = datetime.combine(day, time())
    begins = midnight + timedelta(minutes=start.minute)
    if end.next_day:
        if end.minute == MINUTES_PER_DAY:
            return "结束时间“次日24:00”超过了 24 小时"
        ends = midnight + timedelta(days=1, minutes=end.minute)
    elif end.minute <= start.minute:  # 08:00-08:00 is the 24 hours from 08:00
        ends = midnight + timedelta(days=1, minutes=end.minute)
    else:
        ends = midnight + timedelta(minutes=end.minute)
    if ends - begins > timedelta(days=1):
        return "一个班次最长 24 小时，请拆成两行"
    return begins, ends


def outside_period(shift: DutyShift, period: HolidayPeriod) -> str | None:
    """Why a shift does not count for the period (it touches none of its minutes)."""
    window_start = datetime.combine(period.first_day, time())
    window_end = datetime.combine(period.last_day + timedelta(days=1), time())
    if shift.end > window_start and shift.start < window_end:
        return None
    return (
        f"{shift.day.month}月{shift.day.day}日的班次不在假期"
        f"（{period.first_day.month}月{period.first_day.day}日至"
        f"{period.last_day.month}月{period.last_day.day}日）内"
    )
