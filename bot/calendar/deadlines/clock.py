"""Clock times: 下午3点, 17:30, 晚上8点半, 5pm, and a part of the day alone (上午 → 12:00)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.calendar.deadlines._context import _Context, _Unreadable

_EVENING = frozenset(
    {"下午", "午后", "傍晚", "晚上", "晚间", "夜里", "夜间", "今晚", "明晚", "今夜", "晚", "午夜"}
)
_PERIOD = (
    r"凌晨|早上|早晨|清晨|今早|明早|上午|中午|午后|下午|傍晚|晚上|晚间|夜里|夜间|今晚|明晚|今夜"
    r"|午夜"
)
_CLOCK = re.compile(
    rf"(?P<period>{_PERIOD}|早|(?<!最)晚)?(?:"
    r"(?<![\d.])(?P<hour>\d+)(?P<unit>点|时)(?:(?P<half>半)|(?P<quarter>\d+)刻|(?P<minute>\d+)分?)?"
    r"(?!意见|建议|要求|措施|问题|内容)"
    r"|(?<![\d.])(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::\d{2})?\s?(?P<ampm1>am|pm)?"
    r"|(?<![\d.])(?P<eh>\d{1,2})\s?(?P<ampm2>am|pm)\b"
    r"|(?P<noon>noon)\b"
    r"|\b(?P<eod>eod|cob|close of business|end of (?:the )?(?:business |working )?day)\b)"
)
# Without an hour a part of the day stands for its end (上午 → 12:00), except
# 早上/明早, which officials use for "first thing in the morning".
_PERIOD_WORD = re.compile(_PERIOD)
_PERIOD_ONLY = re.compile(rf"{_PERIOD}|下班|上班前")
# What may stand between a date and its clock time: 2026-06-30 17:00, 6月30日(周二)下午,
# 12月10日星期四下午3点, tomorrow at 3pm.
_SEPARATORS = re.compile(r"(?:[\s,、的@]|at\b|周[1-7日天]|\([^)]*\))*")
# ... and, in English only, between a clock time and the date after it: 5pm on Friday.
_CLOCK_FIRST = re.compile(r"[\s,]*(?:on\s)?")
_PERIOD_DEFAULTS = {
    "凌晨": time(6, 0), "早上": time(9, 0), "早晨": time(9, 0), "清晨": time(9, 0),
    "今早": time(9, 0), "明早": time(9, 0), "上班前": time(9, 0),
    "上午": time(12, 0), "中午": time(12, 0),
    "晚上": time(23, 59), "晚间": time(23, 59), "夜里": time(23, 59), "夜间": time(23, 59),
    "今晚": time(23, 59), "明晚": time(23, 59), "今夜": time(23, 59), "午夜": time(23, 59),
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
            hour = int(match["hour"])
            if match["quarter"] and match["quarter"] not in ("1", "3"):
                raise _Unreadable(f"没有{hour}点{match['quarter']}刻这个时间，可写一刻或三刻")
            minute = 30 if match["half"] else 15 * int(match["quarter"] or 0)
            minute = int(match["minute"]) if match["minute"] else minute
            if period is None and match["unit"] == "点" and 1 <= hour <= 6:
                period = "下午"  # 今天5点前: nobody sets a deadline at 5 a.m.
            at = _clock_time(period, hour, minute, None)
        elif match["hh"]:
            at = _clock_time(period, int(match["hh"]), int(match["mm"]), match["ampm1"])
        elif match["eh"]:
            at = _clock_time(None, int(match["eh"]), 0, match["ampm2"])
        elif match["eod"]:
            at = ctx.end_of_day
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


def _clock_at(clocks: list[_Clock], match: re.Match[str]) -> _Clock | None:
    """The clock time written with a date: inside it (今晚8点) or right after (明天下午3点).

    English may put it first (5pm tomorrow, noon on Friday); Chinese does not, and
    there a clock before a date belongs to something else (下午3点开会，明天报送).
    """
    for clock in clocks:
        if match.start() <= clock.start <= match.end() or (
            clock.start > match.end()
            and _SEPARATORS.fullmatch(match.string, match.end(), clock.start)
        ):
            return clock
    if match.string.isascii():
        for clock in clocks:
            if clock.end <= match.start() and _CLOCK_FIRST.fullmatch(
                match.string, clock.end, match.start()
            ):
                return clock
    return None
