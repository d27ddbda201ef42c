"""Deadlines written the way officials speak: 下周五前, 5月底, 3个工作日内, 国庆节前.

The conventions are the spec's ("Deadlines in Chinese"); docs/deadlines.md lists
them with the decisions taken where the spec is silent. The text is normalised
first (full-width → half-width, traditional → simplified for the few characters
that matter, Chinese numerals → Arabic, 之前/以前 → 前 …), then a small set of
rules, each a regular expression and a function, looks for the deadline phrase
anywhere in it. dateparser is only the last resort, for English and numeric text.

The package: `normalisation` (the text the rules read), `_context` (what a rule
sees and returns), the rules in `dates`, `periods` and `holidays`, `clock` (clock
times) and `english` (English rules and the dateparser fallback). This module
holds the public API and chooses among the rules' candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.calendar.deadlines import dates, english, holidays, periods
from bot.calendar.deadlines._context import _Context, _Resolved, _Resolver, _Rule, _Unreadable
from bot.calendar.deadlines.clock import _Clock, _clock_at, _find_clock
from bot.calendar.deadlines.english import _LETTER, _parse_english, _without
from bot.calendar.deadlines.normalisation import normalise
from bot.calendar.workcalendar import OFFICIAL_CALENDAR, WorkCalendar, YearStatus
from bot.core.timefmt import describe

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Shown in every error message; each is tested to parse.
EXAMPLES = ("下周五前", "3个工作日内", "2026-06-30")
# A deadline is a few dozen characters even inside a notice's sentence (the longest in
# the corpus is 30). Longer text is refused unread: the time the rules take grows
# faster than the text (each candidate is checked against those before it), and a
# 10,000-character message took over half a second.
MAX_LENGTH = 200


class DeadlineError(ValueError):
    """A deadline phrase that cannot be saved; the message is Chinese, for the user."""


def _refusal(reason: str) -> DeadlineError:
    return DeadlineError(f"{reason}。请写成：{'、'.join(EXAMPLES)} 这样的期限。")


# --- putting it together ---------------------------------------------------------------

# Two rules that match the same span of text are tried in this order.
_RULES: tuple[_Rule, ...] = (*dates.RULES, *periods.RULES, *holidays.RULES, *english.RULES)

# A date right before 前/内/截止 or after 截至/最迟 is the deadline, not background
# (今天开会布置, 明天下午三点前报送). After 于/在/至/到 it probably is, but these also
# introduce events (会议定于12月10日召开，请于12月8日前报名), so they mark it less.
_MARK_AFTER = ("前", "内", "底", "末", "止", "截止", "完成")
_MARK_BEFORE = ("截至", "截止", "最迟", "最晚", "不晚于", "限", "by")
_MARK_BEFORE_WEAKLY = ("于", "在", "至", "到")
# A label in a notice: 报送三季度数据，截止时间为10月10日; 完成时限：12月底.
_LABEL = re.compile(
    r"(?:截止|截至|完成|报送|上报|提交|反馈|办结|办理|整改)(?:时间|日期|时限|期限)(?:为|是)?:?$"
)


def _mark(text: str, start: int, end: int) -> int:
    """How clearly the text says the phrase at start:end is the deadline: 2, 1 or 0."""
    before = text[:start]
    if (
        text.startswith(_MARK_AFTER, end)
        or before.endswith(_MARK_BEFORE)
        or _LABEL.search(before, max(0, start - 8))
    ):
        return 2
    return 1 if before.endswith(_MARK_BEFORE_WEAKLY) else 0


@dataclass(frozen=True)
class _Candidate:
    match: re.Match[str]
    resolve: _Resolver
    clock: _Clock | None  # the clock time written with it
    mark: int

    @property
    def span(self) -> tuple[int, int]:
        return self.match.span()


def _candidates(text: str, clocks: list[_Clock]) -> list[_Candidate]:
    """Every rule's matches, in the order to try them.

    Overlapping matches form one phrase, tried leftmost and longest first (下周五
    before the 周五 inside it); phrases marked as the deadline go before the rest,
    the most clearly marked first.
    """
    found: list[_Candidate] = []
    for pattern, resolve in _RULES:
        for match in pattern.finditer(text):
            clock = _clock_at(clocks, match)
            end = match.end() if clock is None else max(match.end(), clock.end)
            found.append(_Candidate(match, resolve, clock, _mark(text, match.start(), end)))
    found.sort(key=lambda c: (c.span[0], c.span[0] - c.span[1]))
    phrases: list[list[_Candidate]] = []
    phrase_end = -1
    for candidate in found:
        if candidate.span[0] >= phrase_end:
            phrases.append([])
        phrases[-1].append(candidate)
        phrase_end = max(phrase_end, candidate.span[1])
    phrases.sort(key=lambda phrase: -max(c.mark for c in phrase))  # stable
    return [candidate for phrase in phrases for candidate in phrase]


def _deadline(resolved: _Resolved, clock: _Clock | None, ctx: _Context) -> datetime:
    if resolved.moment is not None:
        return resolved.moment
    at = clock.at if clock is not None else ctx.end_of_day
    deadline = datetime.combine(resolved.day, at, tzinfo=ctx.now.tzinfo)
    if resolved.weekly and deadline <= ctx.now:
        deadline += timedelta(weeks=1)
    return deadline


def _snippet(text: str) -> str:
    """The phrase as a refusal quotes it: on one line, without control characters, short."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
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
    one longer than MAX_LENGTH, one that names no date, or one that is not after
    `now`, unless `allow_past` (an imported ledger's overdue items keep their real,
    past deadlines).
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=SHANGHAI)
    if not text or not text.strip():
        raise _refusal("没有写截止时间")
    if len(text.strip()) > MAX_LENGTH:
        raise _refusal(f"截止时间写得太长了（超过{MAX_LENGTH}个字），只写期限即可")
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
    """The deadline the text names, None if it names none.

    Candidates are tried in `_candidates`' order: the first one after now wins, a weak
    one only if no other is; then the first past one; then dateparser's reading of
    English text; then a clock time alone (下午3点前), today.
    """
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
        deadline = _deadline(resolved, candidate.clock, ctx)
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
        english_deadline = _parse_english(text, ctx)  # 30 June: the rules read no date
        if english_deadline is not None:
            return english_deadline
    if clocks and not settled:  # 下午3点前, by EOD: today
        return datetime.combine(ctx.today, clocks[0].at, tzinfo=ctx.now.tzinfo)
    return None


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
    return (
        f"{_years(unknown)}的法定节假日安排尚未收录，工作日按周一至周五计算；"
        "督查室可用 /holiday 补充。"
    )


def _years(years: list[int]) -> str:
    """2027年、2028年, but 2027年至2040年 for three or more in a row: a far deadline
    must not make the warning list every year on the way.
    """
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return "、".join(
        f"{run[0]}年至{run[-1]}年" if len(run) > 2 else "、".join(f"{y}年" for y in run)
        for run in runs
    )
