"""Roster lines pasted into a chat: one shift a line, several a message, any order.

`10月1日 08:00-20:00 带班领导 张三 13800000000` — the pieces are recognised by
their shape, so their order within a line does not matter (张三 带班领导 …
works too). A line with only a day (and maybe a time range) heads the lines
under it: they take its day (and times) when they write none. A line with none
of a shift's pieces (a title such as 县委办国庆值班表) is skipped and listed.
"""

from __future__ import annotations

import re
from datetime import date

from bot.calendar.workcalendar import HolidayPeriod
from bot.duty.roster import (
    CLOCK_RANGE,
    DAY,
    DAY_FORMS,
    ONE_CLOCK,
    POST_PATTERN,
    POST_WORDS,
    WEEKDAY_NOTE,
    WHOLE_SUBMISSION,
    ClockTime,
    DayResolver,
    DutyShift,
    LineError,
    RosterReading,
    clock_range,
    day_from_match,
    normalise,
    outside_period,
    shift_times,
)

EXAMPLE_LINE = "10月1日 08:00-20:00 带班领导 张三 13800000000"
NUMBERING = re.compile(r"^(?:\d{1,3}\s*[、.)]\s+|\d{1,3}\s*、|\(\d{1,3}\)|[①-⑳])\s*")
POST = re.compile(POST_PATTERN)
PHONE = re.compile(
    r"(?<![\d])(?:\+?86[- ]?)?"
    r"(?:1\d{2}[- ]\d{4}[- ]\d{4}"  # a mobile written 138 0000 0000
    r"|(?:\(\d{3,4}\)\s*|0\d{2,3}-)?\d{3,}(?:(?:-|转|#|分机)\d{1,6})?)(?!\d)"
)
# Labels and heading words around the pieces; none is part of a name.
LABELS = re.compile(
    r"联系电话|手机号码|电话号码|联系方式|手机号|手机|电话|姓名|岗位|值班时间|时间|日期|班次|"
    r"国庆节|国庆|春节|元旦|清明节|劳动节|五一|端午节|中秋节|假期|节日|值班安排|值班表|安排|值班|"
    rf"{WEEKDAY_NOTE}"
)
PUNCTUATION = re.compile(r"[:：，,。;；、|/()（）\[\]【】\"“”'‘’·•\-—~]+")
LONGEST_NAME = 20


def parse_pasted_roster(
    text: str,
    *,
    unit: str,
    period: HolidayPeriod | None,
    today: date | None = None,
) -> RosterReading:
    """Read a pasted roster for `unit`; year-less days take the period's year.

    Every bad line is named with its number and why; if there is one, no shift
    is accepted. A shift must touch the period (a 9月30日 20:00-次日08:00 shift
    covers 10月1日's first hours and counts).
    """
    resolver = DayResolver(period, today)
    shifts: list[DutyShift] = []
    errors: list[LineError] = []
    skipped: list[LineError] = []
    heading: _Heading = _Heading()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = NUMBERING.sub("", normalise(raw))
        if not line:
            continue
        pieces = _Pieces.of(line, resolver)
        if pieces.is_text():
            skipped.append(LineError(number, "不是班次，已跳过", raw.strip()))
            continue
        if pieces.is_heading():
            if pieces.problems:
                errors.append(LineError(number, "；".join(pieces.problems), raw.strip()))
            elif pieces.day:  # a new day: its own times or none
                heading = _Heading(pieces.day, pieces.times)
            else:
                heading = _Heading(heading.day, pieces.times)
            continue
        shift, problems = pieces.shift(unit, number, heading)
        if shift is not None and period is not None:
            outside = outside_period(shift, period)
            if outside:
                problems.append(outside)
        if problems:
            errors.append(LineError(number, "；".join(problems), raw.strip()))
        elif shift is not None:
            shifts.append(shift)
    if not shifts and not errors:
        errors.append(
            LineError(
                WHOLE_SUBMISSION,
                f"没有读到值班班次。请一行写一个班次，如：{EXAMPLE_LINE}",
            )
        )
    return RosterReading(shifts=[] if errors else shifts, errors=errors, skipped=skipped)


class _Heading:
    """The day (and times) a heading line gives the lines under it."""

    def __init__(
        self, day: date | None = None, times: tuple[ClockTime, ClockTime] | None = None
    ) -> None:
        self.day = day
        self.times = times


class _Pieces:
    """One line taken apart: each piece found by its shape, the rest is the name."""

    def __init__(self) -> None:
        self.day: date | None = None
        self.times: tuple[ClockTime, ClockTime] | None = None
        self.posts: list[str] = []
        self.phones: list[str] = []
        self.names: list[str] = []
        self.problems: list[str] = []
        self.day_unread = self.times_unread = False  # written, but wrongly

    @classmethod
    def of(cls, line: str, resolver: DayResolver) -> _Pieces:
        pieces = cls()
        rest = line
        ranges, rest = _take(CLOCK_RANGE, rest)
        if len(ranges) > 1:
            pieces.problems.append(f"有 {len(ranges)} 个时间段，一行只写一个班次")
            pieces.times_unread = True
        elif ranges:
            times = clock_range(ranges[0])
            if isinstance(times, str):
                pieces.problems.append(times)
                pieces.times_unread = True
            else:
                pieces.times = times
        days, rest = _take(DAY, rest)
        if len(days) > 1:
            written = "、".join(match[0].strip() for match in days)
            pieces.problems.append(f"有 {len(days)} 个日期（{written}），一行只写一个班次")
            pieces.day_unread = True
        elif days:
            day = day_from_match(days[0], resolver)
            if isinstance(day, str):
                pieces.problems.append(day)
                pieces.day_unread = True
            else:
                pieces.day = day
        posts, rest = _take(POST, rest)
        pieces.posts = [match[0] for match in posts]
        phones, rest = _take(PHONE, rest)
        pieces.phones = [match[0].strip() for match in phones]
        lone, rest = _take(ONE_CLOCK, rest)
        if lone:
            pieces.times_unread = True
            pieces.problems.append(
                f"只有一个时间“{lone[0][0].strip()}”，请写开始和结束，如 08:00-20:00"
            )
        rest = PUNCTUATION.sub(" ", LABELS.sub(" ", rest))
        pieces.names = rest.split()
        return pieces

    def is_text(self) -> bool:
        """None of a shift's pieces: a title or a remark."""
        return not (self.posts or self.phones or self.problems or self.day or self.times)

    def is_heading(self) -> bool:
        """Nothing but a day and/or times: the lines under it take them."""
        return not (self.posts or self.phones or self.names)

    def shift(
        self, unit: str, number: int, heading: _Heading
    ) -> tuple[DutyShift | None, list[str]]:
        problems = list(self.problems)
        day = self.day or (None if self.day_unread else heading.day)
        times = self.times or (None if self.times_unread else heading.times)
        if day is None and not self.day_unread:
            problems.append(f"缺日期（{DAY_FORMS}）")
        if times is None and not self.times_unread:
            problems.append("缺时间段（如 08:00-20:00、20:00-次日08:00）")
        post = None
        if len(self.posts) > 1:
            problems.append(f"有 {len(self.posts)} 个岗位（{'、'.join(self.posts)}），一行只写一人")
        elif self.posts:
            post = POST_WORDS[self.posts[0]]
        else:
            problems.append("缺岗位（带班领导 或 值班员）")
        name = self._name(problems)
        if problems or day is None or times is None or post is None or name is None:
            return None, problems
        span = shift_times(day, *times)
        if isinstance(span, str):
            return None, [span]
        start, end = span
        phone = "、".join(self.phones)
        return DutyShift(unit, start, end, post, name, phone, number), []

    def _name(self, problems: list[str]) -> str | None:
        names = self.names
        if len(names) > 1 and all(len(part) == 1 for part in names):
            names = ["".join(names)]  # 张  三: a two-character name spaced out to align
        if not names:
            problems.append("缺姓名")
            return None
        if len(names) > 1:
            extra = "、".join(f"“{part}”" for part in names[1:])
            problems.append(f"除姓名“{names[0]}”外还有{extra}，看不懂；一行只写一个班次")
            return None
        name = names[0]
        if re.search(r"\d", name):
            problems.append(f"“{name}”看不懂（姓名里有数字？）")
            return None
        if len(name) > LONGEST_NAME:
            problems.append(f"姓名“{name[:LONGEST_NAME]}…”太长")
            return None
        return name


def _take(pattern: re.Pattern[str], text: str) -> tuple[list[re.Match[str]], str]:
    """The pattern's matches, and the text with them blanked out (so pieces stay apart)."""
    matches = list(pattern.finditer(text))
    for match in reversed(matches):
        text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    return matches, text
