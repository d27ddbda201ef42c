"""Deadline phrases as officials write them; every test passes its own `now`."""

import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.calendar.deadlines import (
    EXAMPLES,
    MAX_LENGTH,
    DeadlineError,
    calendar_warning,
    normalise,
    parse_deadline,
)
from bot.calendar.workcalendar import OFFICIAL_YEARS, CalendarOverride, WorkCalendar
from bot.core.timefmt import describe
from tests.deadline_phrases import CALENDAR, KNOWN_YEARS

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The issue's reference moment: a Wednesday morning, two days before the 五一 break.
NOW = datetime(2026, 4, 29, 10, 0, tzinfo=SHANGHAI)


def parse(text: str, now: datetime, **options: Any) -> datetime:
    """parse_deadline on CALENDAR (2027 and later unpublished), whatever release is installed."""
    options.setdefault("calendar", CALENDAR)
    return parse_deadline(text, now, **options)


def warned(dt: datetime, now: datetime, calendar: WorkCalendar = CALENDAR) -> str | None:
    return calendar_warning(dt, now, calendar)


def at(text: str) -> datetime:
    """A Shanghai time written as '2026-05-08 18:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def check(phrase: str, expected: str, now: datetime = NOW) -> None:
    assert parse(phrase, now) == at(expected), phrase


ISSUE_EXAMPLES = [
    ("今天", "2026-04-29 18:00"),
    ("明天", "2026-04-30 18:00"),
    ("后天下午3点", "2026-05-01 15:00"),
    ("明天上午10点", "2026-04-30 10:00"),
    ("明天下午三点前", "2026-04-30 15:00"),
    ("今天17:30", "2026-04-29 17:30"),
    ("今晚8点", "2026-04-29 20:00"),
    ("今天下班前", "2026-04-29 18:00"),
    ("tomorrow 5pm", "2026-04-30 17:00"),
    ("周五", "2026-05-01 18:00"),
    ("本周五", "2026-05-01 18:00"),
    ("下周五前", "2026-05-08 18:00"),
    ("下周三", "2026-05-06 18:00"),
    ("下周一上午9点", "2026-05-04 09:00"),
    ("下下周一", "2026-05-11 18:00"),
    ("本月底", "2026-04-30 18:00"),
    ("5月底前", "2026-05-31 18:00"),
    ("6月中旬", "2026-06-20 18:00"),
    ("下个月10号", "2026-05-10 18:00"),
    ("10号前", "2026-05-10 18:00"),
    ("6月15日前", "2026-06-15 18:00"),
    ("五月二十日", "2026-05-20 18:00"),
    ("2026年6月30日", "2026-06-30 18:00"),
    ("2026-06-30", "2026-06-30 18:00"),
    ("2026.6.30", "2026-06-30 18:00"),
    ("6/30", "2026-06-30 18:00"),
    ("6.30", "2026-06-30 18:00"),
    ("30 June", "2026-06-30 18:00"),
    ("三天内", "2026-05-02 18:00"),
    ("3天后", "2026-05-02 18:00"),
    ("一周内", "2026-05-06 18:00"),
    ("两周内", "2026-05-13 18:00"),
    ("半个月内", "2026-05-14 18:00"),
    ("一个月内", "2026-05-29 18:00"),
    ("3个工作日内", "2026-05-07 18:00"),
    ("5个工作日内", "2026-05-09 18:00"),  # 5月9日 is a make-up working Saturday
    ("五一前", "2026-04-30 18:00"),
    ("五一假期后", "2026-05-06 18:00"),
    ("节后第一个工作日", "2026-05-06 18:00"),
    ("端午节前", "2026-06-18 18:00"),
    ("国庆节前", "2026-09-30 18:00"),
    ("第二季度末", "2026-06-30 18:00"),
    ("上半年", "2026-06-30 18:00"),
    ("年底前", "2026-12-31 18:00"),
    ("请于下周五前报送材料", "2026-05-08 18:00"),
]


@pytest.mark.parametrize(("phrase", "expected"), ISSUE_EXAMPLES)
def test_issue_examples(phrase: str, expected: str) -> None:
    check(phrase, expected)


@pytest.mark.parametrize("phrase", ["昨天", "上周一", "2025年1月1日", "随便写写", ""])
def test_issue_refusals(phrase: str) -> None:
    with pytest.raises(DeadlineError):
        parse(phrase, NOW)


# --- the conventions, one group per rule -------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("本周内", "2026-05-03 18:00"),  # a week ends on Sunday
        ("本周末", "2026-05-03 18:00"),
        ("周末前", "2026-05-03 18:00"),
        ("下周末", "2026-05-10 18:00"),
        ("下周内", "2026-05-10 18:00"),
        ("下周", "2026-05-10 18:00"),
        ("这周五", "2026-05-01 18:00"),
        ("下个周五", "2026-05-08 18:00"),
        ("下个星期三", "2026-05-06 18:00"),
        ("星期五", "2026-05-01 18:00"),
        ("礼拜五", "2026-05-01 18:00"),
        ("周日", "2026-05-03 18:00"),
        ("星期天", "2026-05-03 18:00"),
        ("周三", "2026-04-29 18:00"),  # today, still before 18:00
        ("本周三", "2026-04-29 18:00"),
        ("周二", "2026-05-05 18:00"),  # already past this week: the coming one
        ("下下周五", "2026-05-15 18:00"),
        ("下周一前", "2026-05-04 18:00"),
        ("週五前", "2026-05-01 18:00"),  # traditional characters
    ],
)
def test_weeks(phrase: str, expected: str) -> None:
    check(phrase, expected)


def test_bare_weekday_today_after_its_time_is_next_week() -> None:
    evening = datetime(2026, 4, 29, 19, 0, tzinfo=SHANGHAI)
    check("周三", "2026-05-06 18:00", evening)
    check("周三晚上8点", "2026-04-29 20:00", evening)
    with pytest.raises(DeadlineError):
        parse("本周三", evening)  # 本周X is this week's, even when it has passed


def test_weeks_start_on_monday() -> None:
    sunday = datetime(2026, 5, 3, 10, 0, tzinfo=SHANGHAI)
    check("下周一", "2026-05-04 18:00", sunday)
    check("周一", "2026-05-04 18:00", sunday)
    check("本周内", "2026-05-03 18:00", sunday)
    check("下周五", "2026-05-08 18:00", sunday)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("月底", "2026-04-30 18:00"),
        ("月内", "2026-04-30 18:00"),
        ("本月内", "2026-04-30 18:00"),
        ("这个月底", "2026-04-30 18:00"),
        ("下月底", "2026-05-31 18:00"),
        ("下个月", "2026-05-31 18:00"),
        ("下月初", "2026-05-05 18:00"),
        ("下个月中旬", "2026-05-20 18:00"),
        ("6月上旬", "2026-06-10 18:00"),
        ("6月中旬", "2026-06-20 18:00"),
        ("6月下旬", "2026-06-30 18:00"),
        ("5月中", "2026-05-15 18:00"),
        ("6月份", "2026-06-30 18:00"),
        ("6月前", "2026-06-30 18:00"),
        ("2026年6月", "2026-06-30 18:00"),
        ("3月前", "2027-03-31 18:00"),  # March has passed: next year's
        ("明年3月底", "2027-03-31 18:00"),
        ("今年6月底前", "2026-06-30 18:00"),
        ("十二月底", "2026-12-31 18:00"),
        ("元月底", "2027-01-31 18:00"),
    ],
)
def test_months_and_their_parts(phrase: str, expected: str) -> None:
    check(phrase, expected)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("6月15日", "2026-06-15 18:00"),
        ("6月15号", "2026-06-15 18:00"),
        ("9月30日前", "2026-09-30 18:00"),
        ("二〇二六年十月八日", "2026-10-08 18:00"),
        ("二零二六年十月八日", "2026-10-08 18:00"),
        ("十二月三十一日", "2026-12-31 18:00"),
        ("五月二十三日", "2026-05-23 18:00"),
        ("四月三十日", "2026-04-30 18:00"),
        ("4月29日", "2026-04-29 18:00"),  # today, before 18:00
        ("4月28日", "2027-04-28 18:00"),  # a month-day already past: next year
        ("1月5日", "2027-01-05 18:00"),
        ("30日前", "2026-04-30 18:00"),
        ("十五号", "2026-05-15 18:00"),
        ("二十三号", "2026-05-23 18:00"),
        ("三十一日", "2026-05-31 18:00"),  # April has no 31st
        ("十一号", "2026-05-11 18:00"),  # a day, not the 国庆 holiday
        ("十日前", "2026-05-10 18:00"),  # N日前 is "by the Nth", not "N days ago"
        ("下月10日", "2026-05-10 18:00"),
        ("2026/6/30", "2026-06-30 18:00"),
        ("2026-6-30", "2026-06-30 18:00"),
        ("20260630", "2026-06-30 18:00"),
        ("6-30", "2026-06-30 18:00"),
        ("30/6", "2026-06-30 18:00"),  # day first when the first number cannot be a month
        ("5.1前", "2026-05-01 18:00"),  # a date, unlike 五一前
        ("2026年12月31日前", "2026-12-31 18:00"),
        ("２０２６－０６－３０", "2026-06-30 18:00"),  # full-width
        ("６月３０日", "2026-06-30 18:00"),
        ("6 月 30 日", "2026-06-30 18:00"),
    ],
)
def test_dates(phrase: str, expected: str) -> None:
    check(phrase, expected)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("三日内", "2026-05-02 18:00"),
        ("7日内", "2026-05-06 18:00"),
        ("10天内", "2026-05-09 18:00"),
        ("十天之内", "2026-05-09 18:00"),
        ("两天内", "2026-05-01 18:00"),
        ("一两天内", "2026-05-01 18:00"),  # the later of a range
        ("三五天内", "2026-05-04 18:00"),
        ("3个自然日内", "2026-05-02 18:00"),
        ("一个星期内", "2026-05-06 18:00"),
        ("一周之内", "2026-05-06 18:00"),
        ("一周后", "2026-05-06 18:00"),
        ("2周后", "2026-05-13 18:00"),
        ("半月内", "2026-05-14 18:00"),
        ("1个月内", "2026-05-29 18:00"),
        ("两个月内", "2026-06-29 18:00"),
        ("一个半月内", "2026-06-13 18:00"),
        ("3个月后", "2026-07-29 18:00"),
        ("半年内", "2026-10-29 18:00"),
        ("一年内", "2027-04-29 18:00"),
        ("两个工作日内", "2026-05-06 18:00"),
        ("三个工作日内", "2026-05-07 18:00"),
        ("十个工作日内", "2026-05-15 18:00"),
        ("3个工作日", "2026-05-07 18:00"),
        ("下一个工作日", "2026-04-30 18:00"),
        ("24小时内", "2026-04-30 10:00"),
        ("48小时内", "2026-05-01 10:00"),
        ("半小时内", "2026-04-29 10:30"),
        ("30分钟内", "2026-04-29 10:30"),
        ("即日起3天内", "2026-05-02 18:00"),
    ],
)
def test_durations(phrase: str, expected: str) -> None:
    check(phrase, expected)


def test_working_days_are_counted_from_tomorrow_even_on_a_day_off() -> None:
    saturday = datetime(2026, 5, 2, 10, 0, tzinfo=SHANGHAI)  # inside the 五一 break
    check("1个工作日内", "2026-05-06 18:00", saturday)
    check("3个工作日内", "2026-05-08 18:00", saturday)
    check("4个工作日内", "2026-05-09 18:00", saturday)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("一季度", "2027-03-31 18:00"),  # passed this year: next year's
        ("第一季度末", "2027-03-31 18:00"),
        ("二季度", "2026-06-30 18:00"),
        ("第三季度末", "2026-09-30 18:00"),
        ("2026年第三季度", "2026-09-30 18:00"),
        ("今年第四季度", "2026-12-31 18:00"),
        ("四季度末", "2026-12-31 18:00"),
        ("本季度末", "2026-06-30 18:00"),
        ("季度末", "2026-06-30 18:00"),
        ("下季度", "2026-09-30 18:00"),
        ("Q3", "2026-09-30 18:00"),
        ("上半年", "2026-06-30 18:00"),
        ("下半年", "2026-12-31 18:00"),
        ("明年上半年", "2027-06-30 18:00"),
        ("年中", "2026-06-30 18:00"),
        ("年内", "2026-12-31 18:00"),
        ("年底", "2026-12-31 18:00"),
        ("年末", "2026-12-31 18:00"),
        ("年终", "2026-12-31 18:00"),
        ("今年内", "2026-12-31 18:00"),
        ("今年年底", "2026-12-31 18:00"),
        ("本年度内", "2026-12-31 18:00"),
        ("2026年底", "2026-12-31 18:00"),
        ("明年年底", "2027-12-31 18:00"),
        ("2027年", "2027-12-31 18:00"),
        ("2027年前", "2027-12-31 18:00"),
    ],
)
def test_quarters_halves_and_years(phrase: str, expected: str) -> None:
    check(phrase, expected)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("明天下午3点半", "2026-04-30 15:30"),
        ("明天下午3点一刻", "2026-04-30 15:15"),
        ("明天下午3点三刻", "2026-04-30 15:45"),
        ("明天15时", "2026-04-30 15:00"),
        ("明天15时30分", "2026-04-30 15:30"),
        ("明天8点05分", "2026-04-30 08:05"),
        ("明天十点整", "2026-04-30 10:00"),
        ("明天 下午 3点", "2026-04-30 15:00"),
        ("明天上午", "2026-04-30 12:00"),  # a part of the day without an hour: its end
        ("明天中午", "2026-04-30 12:00"),
        ("明天中午前", "2026-04-30 12:00"),
        ("明天中午1点", "2026-04-30 13:00"),
        ("明天下午", "2026-04-30 18:00"),
        ("明天晚上十点", "2026-04-30 22:00"),
        ("明晚8点", "2026-04-30 20:00"),
        ("明早", "2026-04-30 09:00"),
        ("明早8点", "2026-04-30 08:00"),
        ("明天一早", "2026-04-30 09:00"),
        ("明天上班前", "2026-04-30 09:00"),
        ("明天下班前", "2026-04-30 18:00"),
        ("明天凌晨2点", "2026-04-30 02:00"),
        ("今晚", "2026-04-29 23:59"),
        ("今晚12点前", "2026-04-29 23:59"),
        ("下午3点前", "2026-04-29 15:00"),  # a clock time alone is today's
        ("中午12点", "2026-04-29 12:00"),
        ("晚上8点", "2026-04-29 20:00"),
        ("十一点", "2026-04-29 11:00"),
        ("后天上午", "2026-05-01 12:00"),
        ("大后天", "2026-05-02 18:00"),
        ("10月8日上午", "2026-10-08 12:00"),
        ("12月31日24时", "2026-12-31 23:59"),  # 24:00 is the last minute of that day
        ("2026年6月30日24时", "2026-06-30 23:59"),
        ("6月15日下午5:30", "2026-06-15 17:30"),
        ("5月20号下午5点前", "2026-05-20 17:00"),
        ("2026-06-30 17:00", "2026-06-30 17:00"),
        ("6月30日（周二）下午5点", "2026-06-30 17:00"),
        ("本周五下班前", "2026-05-01 18:00"),
        ("本周五17:00前", "2026-05-01 17:00"),
    ],
)
def test_clock_times(phrase: str, expected: str) -> None:
    check(phrase, expected)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("第二天", "2026-04-30 18:00"),
        ("次日12时", "2026-04-30 12:00"),
        ("明天早一点报送", "2026-04-30 18:00"),  # "a bit earlier", not 1:00
        ("下旬", "2026-04-30 18:00"),
        ("5月10日至15日", "2026-05-15 18:00"),  # a range: its last day
        ("5月28日到6月2日", "2026-06-02 18:00"),
        ("下周一至周五", "2026-05-08 18:00"),
        ("节日前", "2026-04-30 18:00"),
        ("放假前", "2026-04-30 18:00"),
        ("收假后", "2026-05-06 18:00"),
    ],
)
def test_other_everyday_forms(phrase: str, expected: str) -> None:
    check(phrase, expected)


def test_end_of_day_is_a_setting() -> None:
    assert parse("明天", NOW, end_of_day=time(17, 30)) == at("2026-04-30 17:30")
    assert parse("明天下班前", NOW, end_of_day=time(17, 0)) == at("2026-04-30 17:00")


# --- holidays: the official calendar, 2025 to 2026 -------------------------------------


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        # 元旦 2026: 1月1日-3日; 1月4日 (Sunday) is a make-up working day.
        ("元旦前", "2025-12-01 10:00", "2025-12-31 18:00"),
        ("元旦后", "2025-12-01 10:00", "2026-01-04 18:00"),
        # 春节 2026: 2月15日-23日; 2月14日 (Saturday) is worked.
        ("春节前", "2025-12-01 10:00", "2026-02-14 18:00"),
        ("年前", "2025-12-01 10:00", "2026-02-14 18:00"),
        ("过年前", "2025-12-01 10:00", "2026-02-14 18:00"),
        ("春节后", "2025-12-01 10:00", "2026-02-24 18:00"),
        ("年后", "2025-12-01 10:00", "2026-02-24 18:00"),
        # 清明 2026: 4月4日-6日.
        ("清明前", "2026-03-20 10:00", "2026-04-03 18:00"),
        ("清明节后", "2026-03-20 10:00", "2026-04-07 18:00"),
        # 劳动节 2026: 5月1日-5日.
        ("劳动节前", "2026-04-20 10:00", "2026-04-30 18:00"),
        ("五一劳动节前", "2026-04-20 10:00", "2026-04-30 18:00"),
        ("五一后", "2026-04-20 10:00", "2026-05-06 18:00"),
        ("五一节后", "2026-04-20 10:00", "2026-05-06 18:00"),
        # 端午 2026: 6月19日-21日.
        ("端午前", "2026-05-20 10:00", "2026-06-18 18:00"),
        ("端午节后", "2026-05-20 10:00", "2026-06-22 18:00"),
        # 中秋 2026: 9月25日-27日; 国庆 2026: 10月1日-7日.
        ("中秋节前", "2026-09-01 10:00", "2026-09-24 18:00"),
        ("中秋后", "2026-09-01 10:00", "2026-09-28 18:00"),
        ("国庆前", "2026-09-01 10:00", "2026-09-30 18:00"),
        ("十一前", "2026-09-01 10:00", "2026-09-30 18:00"),
        ("十一之前", "2026-09-01 10:00", "2026-09-30 18:00"),
        ("十一国庆节前", "2026-09-01 10:00", "2026-09-30 18:00"),
        ("国庆节后", "2026-09-01 10:00", "2026-10-08 18:00"),
        ("十一假期后", "2026-09-01 10:00", "2026-10-08 18:00"),
        ("十一长假后", "2026-09-01 10:00", "2026-10-08 18:00"),
        ("国庆节后第一个工作日", "2026-09-01 10:00", "2026-10-08 18:00"),
        ("国庆收假后", "2026-09-01 10:00", "2026-10-08 18:00"),
        ("国庆节后3个工作日内", "2026-09-01 10:00", "2026-10-10 18:00"),  # a worked Saturday
        ("今年国庆节前", "2026-09-01 10:00", "2026-09-30 18:00"),
        ("国庆节", "2026-09-01 10:00", "2026-09-30 18:00"),  # a bare holiday: before it
        # 节前 / 节后 alone: the next holiday, whichever it is.
        ("节前", "2026-09-01 10:00", "2026-09-24 18:00"),
        ("节后", "2026-09-01 10:00", "2026-09-28 18:00"),
        ("节后", "2026-10-03 10:00", "2026-10-08 18:00"),  # during a break: after this one
        # 2025: 中秋 falls inside 国庆's 10月1日-8日, one break.
        ("中秋节前", "2025-09-01 10:00", "2025-09-30 18:00"),
        ("中秋节后", "2025-09-01 10:00", "2025-10-09 18:00"),
        ("国庆节后", "2025-09-01 10:00", "2025-10-09 18:00"),
    ],
)
def test_official_holidays(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


def test_eleven_is_national_day_only_as_a_word() -> None:
    assert normalise("十一前") == "国庆前"
    assert normalise("十一月") == "11月"
    assert normalise("三十一日") == "31日"
    assert normalise("十一点") == "11点"
    assert normalise("五一假期后") == "劳动假期后"
    assert normalise("五月一日") == "5月1日"


# --- years the calendar does not know ---------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        # 2027 is not published: holidays are estimated (春节 from 除夕 2月5日),
        # working days are Monday to Friday.
        ("春节前", "2026-04-29 10:00", "2027-02-04 18:00"),
        ("年后", "2026-12-20 10:00", "2027-02-15 18:00"),
        ("元旦前", "2026-12-20 10:00", "2026-12-31 18:00"),
        ("元旦后", "2026-12-20 10:00", "2027-01-04 18:00"),
        ("清明前", "2026-12-20 10:00", "2027-04-02 18:00"),
        ("明年国庆节前", "2026-04-29 10:00", "2027-09-30 18:00"),
        ("10个工作日内", "2026-12-20 10:00", "2027-01-01 18:00"),
        ("国庆节前", "2031-03-01 10:00", "2031-09-30 18:00"),
        ("中秋节前", "2031-03-01 10:00", "2031-09-30 18:00"),  # 中秋 2031 is 10月1日
        ("春节后", "2031-03-01 10:00", "2032-02-18 18:00"),
        ("节后", "2031-03-01 10:00", "2031-04-07 18:00"),
        ("3个工作日内", "2031-03-01 10:00", "2031-03-05 18:00"),
        ("国庆节前", "2045-03-01 10:00", "2045-09-29 18:00"),  # beyond the lunar table
    ],
)
def test_unknown_years_never_fail(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


def test_supervisors_holidays_win_over_estimates() -> None:
    calendar = WorkCalendar(
        [
            CalendarOverride("春节", date(2027, 2, 6), date(2027, 2, 13), is_workday=False),
            CalendarOverride("春节调休", date(2027, 2, 14), date(2027, 2, 14), is_workday=True),
        ],
        official_years=KNOWN_YEARS,
    )
    now = at("2026-12-20 10:00")
    assert parse("春节前", now, calendar=calendar) == at("2027-02-05 18:00")
    assert parse("春节后", now, calendar=calendar) == at("2027-02-14 18:00")
    assert warned(at("2027-02-05 18:00"), now, calendar) is None


# --- sentences, English, time zones -------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("请于下周五前报送材料", "2026-05-08 18:00"),
        ("请各单位于2026年6月30日前将材料报送督查室", "2026-06-30 18:00"),
        ("务必在3个工作日内完成整改", "2026-05-07 18:00"),
        ("最迟明天下午3点", "2026-04-30 15:00"),
        ("截至5月底", "2026-05-31 18:00"),
        ("今天开会布置，明天下午三点前报送", "2026-04-30 15:00"),
        ("上个月布置的任务请于本周五前完成", "2026-05-01 18:00"),
        ("今年的重点工作，请于5月20日前报送进展", "2026-05-20 18:00"),
        ("6月份工作计划请于5月25日前报送", "2026-05-25 18:00"),
        ("国庆节值班表请于9月25日前报送", "2026-09-25 18:00"),
        ("请第一时间于明天报送", "2026-04-30 18:00"),
    ],
)
def test_phrases_inside_sentences(phrase: str, expected: str) -> None:
    check(phrase, expected)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("tomorrow", "2026-04-30 18:00"),
        ("Friday 5pm", "2026-05-01 17:00"),
        ("next Monday 9am", "2026-05-04 09:00"),
        ("June 30", "2026-06-30 18:00"),
        ("30 June 2026", "2026-06-30 18:00"),
        ("within 3 days", "2026-05-02 18:00"),
        ("in 2 weeks", "2026-05-13 18:00"),
        ("within 3 working days", "2026-05-07 18:00"),
        ("end of month", "2026-04-30 18:00"),
        ("EOD", "2026-04-29 18:00"),
    ],
)
def test_english(phrase: str, expected: str) -> None:
    check(phrase, expected)


# --- more wording, each phrase with its own moment ---------------------------------------

THU = "2026-11-26 10:00"  # a Thursday morning; 2027's holidays are not published yet
SEP = "2026-09-28 16:00"  # a Monday afternoon, two days before the 国庆 break


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        ("下周星期三", "2026-04-29 10:00", "2026-05-06 18:00"),  # not this Wednesday
        ("下周一早上", THU, "2026-11-30 09:00"),  # the 一 is Monday, not 一早
        ("下周初", THU, "2026-11-30 18:00"),
        ("下一周", THU, "2026-12-06 18:00"),  # next week, not seven days
        ("下一周周三", THU, "2026-12-02 18:00"),
        ("下个工作日", "2026-04-29 10:00", "2026-04-30 18:00"),
        ("今明两天内", THU, "2026-11-27 18:00"),
        ("两日", THU, "2026-11-28 18:00"),  # two days; 2日 is the 2nd
        ("两月内", THU, "2027-01-26 18:00"),  # two months; 2月 is February
        ("周五（12月4日）", THU, "2026-12-04 18:00"),  # the date says which Friday
        ("周五(12.4)下午3点前", THU, "2026-12-04 15:00"),
        ("12月10日星期四下午3点", THU, "2026-12-10 15:00"),
        ("12月10日周四17时前", THU, "2026-12-10 17:00"),
    ],
)
def test_more_days_and_weeks(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        ("次月5日前", THU, "2026-12-05 18:00"),
        ("每月25日前报送当月进展", THU, "2026-12-25 18:00"),  # the next one due
        ("请于每月5日前报送上月数据", THU, "2026-12-05 18:00"),
        ("下一个月", THU, "2026-12-31 18:00"),
        ("下一个月底", THU, "2026-12-31 18:00"),
        ("12月中下旬", THU, "2026-12-31 18:00"),  # two parts: the later
        ("12月上半月", THU, "2026-12-15 18:00"),
        ("下半月", THU, "2026-11-30 18:00"),
        ("下半月", "2026-04-29 10:00", "2026-04-30 18:00"),
        ("上半月", "2026-04-29 10:00", "2026-05-15 18:00"),  # this month's has passed
        ("12.10-12.15", THU, "2026-12-15 18:00"),  # a range: its last day
        ("12/10-12/15", THU, "2026-12-15 18:00"),
        ("2026.12.10-2026.12.15", THU, "2026-12-15 18:00"),
        ("下一个季度", THU, "2027-03-31 18:00"),
        ("季末", THU, "2026-12-31 18:00"),
        ("本季末", THU, "2026-12-31 18:00"),
        ("季末", "2026-02-10 11:00", "2026-03-31 18:00"),
        ("一个季度内", THU, "2027-02-26 18:00"),  # three months, not this quarter
    ],
)
def test_more_months_and_quarters(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        ("本月最后一个工作日", THU, "2026-11-30 18:00"),  # not "one working day"
        ("每月最后一个工作日前报送", THU, "2026-11-30 18:00"),
        ("12月最后一个工作日", THU, "2026-12-31 18:00"),
        ("下周第一个工作日", THU, "2026-11-30 18:00"),
        ("下个月的第一个工作日", THU, "2026-12-01 18:00"),
        ("2026年最后一个工作日", THU, "2026-12-31 18:00"),
        ("本月最后一天", THU, "2026-11-30 18:00"),
        ("本周最后一天", THU, "2026-11-29 18:00"),
        ("12月最后一天", THU, "2026-12-31 18:00"),
        ("今年最后一天", THU, "2026-12-31 18:00"),
        ("每月最后一天", THU, "2026-11-30 18:00"),
    ],
)
def test_first_and_last_days_of_a_period(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        ("今天5点前", THU, "2026-11-26 17:00"),  # a bare 1-6点 is the afternoon
        ("今天五点半前", THU, "2026-11-26 17:30"),
        ("明天3点", THU, "2026-11-27 15:00"),
        ("12月10日午夜", THU, "2026-12-10 23:59"),
        ("午夜12点前", THU, "2026-11-26 23:59"),
    ],
)
def test_more_clock_times(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        # 定于 introduces the meeting; 前 marks the deadline more clearly.
        ("会议定于12月10日召开，请于12月8日前报名", THU, "2026-12-08 18:00"),
        # A year-less date already past this year is a past event, not next year's.
        ("根据11月20日会议精神，各单位12月10日报送", THU, "2026-12-10 18:00"),
        ("报送三季度工作总结，截止时间为10月10日", SEP, "2026-10-10 18:00"),
        ("三季度数据报送，完成时限：10月底", SEP, "2026-10-31 18:00"),
        ("10月9日会议，报送时间为10月8日", SEP, "2026-10-08 18:00"),
    ],
)
def test_which_date_in_a_sentence_is_the_deadline(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        ("國慶節前", "2026-04-29 10:00", "2026-09-30 18:00"),
        ("國慶長假後", "2026-04-29 10:00", "2026-10-08 18:00"),
        ("禮拜五", THU, "2026-11-27 18:00"),
        ("當天", THU, "2026-11-26 18:00"),
        ("年終", THU, "2026-12-31 18:00"),
        ("30分鐘內", THU, "2026-11-26 10:30"),
    ],
)
def test_more_traditional_characters(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        ("next Friday", "2026-04-29 10:00", "2026-05-08 18:00"),  # as 下周五
        ("next Thursday", "2026-04-29 10:00", "2026-05-07 18:00"),
        ("next week", "2026-04-29 10:00", "2026-05-10 18:00"),  # as 下周
        ("next month", "2026-04-29 10:00", "2026-05-31 18:00"),  # as 下个月
        ("end of next month", "2026-04-29 10:00", "2026-05-31 18:00"),
        ("end of June", "2026-04-29 10:00", "2026-06-30 18:00"),
        ("by June", "2026-04-29 10:00", "2026-06-30 18:00"),  # as 6月
        ("end of May", "2026-04-29 10:00", "2026-05-31 18:00"),
        ("end of this quarter", "2026-04-29 10:00", "2026-06-30 18:00"),
        ("end of this year", THU, "2026-12-31 18:00"),
        ("by the end of this month", THU, "2026-11-30 18:00"),
        ("5pm today", "2026-04-29 10:00", "2026-04-29 17:00"),
        ("noon tomorrow", "2026-04-29 10:00", "2026-04-30 12:00"),
        ("tomorrow at 3pm", THU, "2026-11-27 15:00"),
        ("eod tomorrow", "2026-04-29 10:00", "2026-04-30 18:00"),
        ("by COB Friday", "2026-04-29 10:00", "2026-05-01 18:00"),
        ("end of day tomorrow", "2026-04-29 10:00", "2026-04-30 18:00"),
        ("before 15 December", THU, "2026-12-15 18:00"),
        ("due Friday 5pm", THU, "2026-11-27 17:00"),
        ("no later than Dec 10", THU, "2026-12-10 18:00"),
        ("within a week", THU, "2026-12-03 18:00"),
        ("within one month", THU, "2026-12-26 18:00"),
    ],
)
def test_more_english(phrase: str, now: str, expected: str) -> None:
    check(phrase, expected, at(now))


@pytest.mark.parametrize("phrase", ["last Friday", "本月最后一天前", "本周第一个工作日"])
def test_more_refusals(phrase: str) -> None:
    with pytest.raises(DeadlineError):
        parse(phrase, at("2026-11-30 19:00"))


def test_naive_now_is_shanghai() -> None:
    result = parse("明天", datetime(2026, 4, 29, 10, 0))
    assert result == at("2026-04-30 18:00")
    assert result.utcoffset() is not None


def test_result_is_in_nows_zone() -> None:
    now = datetime(2026, 4, 29, 2, 0, tzinfo=UTC)
    result = parse("明天下午3点", now)
    assert result.tzinfo is UTC
    assert (result.hour, result.minute) == (15, 0)


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "   ",
        "昨天",
        "前天",
        "上周一",
        "上个月底",
        "去年年底",
        "2025年1月1日",
        "3天前",
        "本月20日前",  # this month's 20th has passed
        "今年3月底",
        "随便写写",
        "尽快",
        "长期",
        "3",
        "asdf",
        "6月31日",
        "13月1日",
        "明天25点",
        "元宵节前",  # no days off: not "before the next holiday"
        "明年年初",
        "明天10点61分",
    ],
)
def test_refusals(phrase: str) -> None:
    with pytest.raises(DeadlineError):
        parse(phrase, NOW)


# --- each 下 counts; what cannot be read exactly is refused, never approximated ----------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("下下下周五前", "2026-05-22 18:00"),  # three weeks on, not 下下周五 (5月15日)
        ("下下下个周五", "2026-05-22 18:00"),
        ("下下下周", "2026-05-24 18:00"),
        ("下下下下周一", "2026-05-25 18:00"),
        ("下下个月底", "2026-06-30 18:00"),
        ("下下下个月底", "2026-07-31 18:00"),  # three months on, not 6月30日
        ("下下下月10日", "2026-07-10 18:00"),
        ("下下下季度末", "2027-03-31 18:00"),
        ("下下下周第一个工作日", "2026-05-18 18:00"),
    ],
)
def test_each_xia_is_one_more_week_month_or_quarter(phrase: str, expected: str) -> None:
    check(phrase, expected)


def test_each_shang_is_one_week_earlier() -> None:
    assert parse("上上上周一", NOW, allow_past=True) == at("2026-04-06 18:00")
    with pytest.raises(DeadlineError, match="2026-04-06（周一）18:00，已经过去了"):
        parse("上上上周一", NOW)


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        # No such weekday: not the bare 下周 (its Sunday) before it.
        ("下周八", "没有周八，一周只有周一至周日"),
        ("下周九前", "没有周九"),
        ("下下下周八", "没有周八"),
        ("周零", "没有周零"),
        ("下周0", "没有周零"),
        ("下周十", "没有周十"),
        ("下周一至周八", "没有周八"),
        ("下周一至八", "没有周八"),
        # A count with a sign, or none at all: not the count without its sign, nor today.
        ("-3个工作日内", "期限的数量不能是负数"),
        ("－3个工作日内", "期限的数量不能是负数"),  # full-width minus
        ("−3天内", "期限的数量不能是负数"),  # U+2212
        ("负3天内", "期限的数量不能是负数"),
        ("-5天后", "期限的数量不能是负数"),
        ("0个工作日内", "期限的数量不能是0"),
        ("0天内", "期限的数量不能是0"),
        ("零个月内", "期限的数量不能是0"),
        ("0周内", "期限的数量不能是0"),
        ("0小时内", "期限的数量不能是0"),
        ("within 0 working days", "期限的数量不能是0"),  # was read as one working day
        ("in 0 days", "期限的数量不能是0"),
        ("国庆节后0个工作日", "节后的工作日数要在1到999之间"),  # was read as the first
        # Quarters, months, days and clock times that do not exist.
        ("2026年第五季度", "没有第5季度，一年只有四个季度"),  # was read as 2026年 (its end)
        ("第0季度末", "没有第0季度"),
        ("Q5", "没有第5季度"),
        ("第13月", "没有13月"),
        ("13月底", "没有13月"),
        ("123月", "没有123月"),  # not 23月
        ("2月30日", "没有2026年2月30日这一天"),
        ("6月123日", "没有2026年6月123日这一天"),  # was read as 6月 (its end)
        ("下月123日", "没有2026年5月123日这一天"),
        ("32日", "没有32日，一个月最多31天"),
        ("0号", "没有0日"),
        ("明天123点", "没有123点0分这个时间"),  # was read as 明天, the clock time dropped
        ("明天10点123分", "没有10点123分这个时间"),  # was read as 10:12
        ("明天3点2刻", "没有3点2刻这个时间，可写一刻或三刻"),  # was read as 15:02
        # Neither this month's 30th nor its 15th.
        ("6.30日", "没看懂截止时间"),
        ("12.10-15日", "没看懂截止时间"),
    ],
)
@pytest.mark.parametrize("allow_past", [False, True])
def test_what_cannot_be_read_exactly_is_refused(phrase: str, reason: str, allow_past: bool) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse(phrase, NOW, allow_past=allow_past)
    message = str(caught.value)
    assert f"“{phrase}”" in message
    assert reason in message


def test_an_imported_row_with_no_such_weekday_is_refused() -> None:
    # The Excel import reads a written deadline as here: past allowed, its end of day.
    with pytest.raises(DeadlineError, match="“下下下周八”：没有周八"):
        parse("下下下周八", NOW, end_of_day=time(18, 0), allow_past=True)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("3-5天内", "2026-05-04 18:00"),  # a range's dash, not a minus: the later, as 三五天内
        ("3-5个工作日内", "2026-05-09 18:00"),
        ("周7", "2026-05-03 18:00"),
        ("明天3点三刻", "2026-04-30 15:45"),
        ("国庆节后100个工作日", "2027-02-23 18:00"),  # 2027: Monday to Friday, 1月1日 counts
    ],
)
def test_near_misses_that_are_exact_still_read(phrase: str, expected: str) -> None:
    check(phrase, expected)


def test_refusal_is_a_value_error_in_chinese_with_three_examples() -> None:
    with pytest.raises(ValueError, match="没看懂截止时间“随便写写”") as caught:
        parse("随便写写", NOW)
    message = str(caught.value)
    assert all(example in message for example in EXAMPLES)
    assert len(EXAMPLES) == 3


def test_past_deadline_names_the_resolved_time() -> None:
    with pytest.raises(DeadlineError, match="已经过去") as caught:
        parse("今天", datetime(2026, 4, 29, 19, 0, tzinfo=SHANGHAI))
    assert "2026-04-29（周三）18:00" in str(caught.value)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("2026年3月31日", "2026-03-31（周二）18:00"),
        ("2025-12-31 17:00", "2025-12-31（周三）17:00"),
        ("昨天", "2026-04-28（周二）18:00"),
        # Without a year, the next occurrence, as in chat: a ledger means a past date
        # by writing its year.
        ("3月底", "2027-03-31（周三）18:00"),
        ("4月20日前", "2027-04-20（周二）18:00"),
        ("第一季度末", "2027-03-31（周三）18:00"),
        ("下周五前", "2026-05-08（周五）18:00"),  # a future phrase is unaffected
    ],
)
def test_past_deadlines_are_kept_when_importing_a_ledger(phrase: str, expected: str) -> None:
    assert describe(parse(phrase, NOW, allow_past=True)) == expected


def test_unreadable_is_refused_even_when_past_is_allowed() -> None:
    with pytest.raises(DeadlineError, match="没看懂"):
        parse("随便写写", NOW, allow_past=True)


def test_empty_phrase_says_so() -> None:
    with pytest.raises(DeadlineError, match="没有写截止时间"):
        parse("  ", NOW)


def test_impossible_date_is_named() -> None:
    with pytest.raises(DeadlineError, match="没有2026年6月31日这一天"):
        parse("6月31日前", NOW)


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_examples_in_error_messages_work(example: str) -> None:
    assert parse(example, NOW) > NOW


# --- describe and calendar_warning ---------------------------------------------------------


def test_describe() -> None:
    assert describe(at("2026-05-08 18:00")) == "2026-05-08（周五）18:00"
    assert describe(at("2026-05-03 09:05")) == "2026-05-03（周日）09:05"
    assert describe(datetime(2026, 5, 8, 10, 0, tzinfo=UTC)) == "2026-05-08（周五）10:00"


def test_no_warning_for_published_years() -> None:
    assert warned(at("2026-12-31 18:00"), NOW) is None


def test_warning_for_an_unpublished_year() -> None:
    warning = warned(at("2027-01-08 18:00"), NOW)
    assert warning == (
        "2027年的法定节假日安排尚未收录，工作日按周一至周五计算；督查室可用 /holiday 补充。"
    )


def test_warning_names_every_unpublished_year_on_the_way() -> None:
    warning = warned(at("2028-03-01 18:00"), NOW)
    assert warning is not None
    assert warning.startswith("2027年、2028年的法定节假日安排尚未收录")


def test_no_warning_once_supervisors_entered_the_year() -> None:
    calendar = WorkCalendar(
        [CalendarOverride("元旦", date(2027, 1, 1), date(2027, 1, 3), is_workday=False)],
        official_years=KNOWN_YEARS,
    )
    assert warned(at("2027-01-08 18:00"), NOW) is not None
    assert warned(at("2027-01-08 18:00"), NOW, calendar) is None


def test_the_installed_release_is_the_default_calendar() -> None:
    # Whatever chinese-calendar knows: no warning within its years, one for the next.
    last = max(OFFICIAL_YEARS)
    assert calendar_warning(at(f"{last}-12-31 18:00"), at(f"{last}-01-01 10:00")) is None
    warning = calendar_warning(at(f"{last + 1}-01-08 18:00"), at(f"{last}-12-01 10:00"))
    assert warning is not None
    assert warning.startswith(f"{last + 1}年的法定节假日安排尚未收录")
    # 2026, published in every release the project accepts, is read by default.
    assert parse_deadline("5个工作日内", NOW) == at("2026-05-09 18:00")  # a worked Saturday


def test_warning_names_a_long_run_of_years_by_its_ends() -> None:
    warning = warned(at("2040-06-30 18:00"), NOW)
    assert warning is not None
    assert warning.startswith("2027年至2040年的法定节假日安排尚未收录")


# --- hostile input: anything other than a deadline or a DeadlineError is a bug -------------


def _hostile(length: int) -> list[str]:
    return [
        ("下周五前" * length)[:length],
        "1" * length,
        "前" * length,
        ("，。、；：？！…—（）《》【】,.;:?!-/~()[]{}" * length)[:length],
        ("😀🎉👍🏻🇨🇳" * length)[:length],
        "".join(chr(i % 32) for i in range(length)),
        "\x00" * length,
        ("\ud800\udfff" * length)[:length],  # lone surrogates, as a JSON escape can give
        ("１２３４５６７８９０" * length)[:length],
        "9" * length,
        ("2026-" * length)[:length],
        "(" * (length // 2) + ")" * (length - length // 2),
        "一" * length,
        ("1月" * length)[:length],
        ("a " * length)[:length],
        ("1点" * length)[:length],
        ("2026年" * length)[:length],
        ("明天下午3点前，2026-06-30 国庆节前 3个工作日内 next friday " * length)[:length],
    ]


@pytest.mark.parametrize("length", [MAX_LENGTH + 1, 10_000, 100_000])
def test_text_longer_than_a_deadline_is_refused_unread(length: int) -> None:
    for text in _hostile(length):
        with pytest.raises(DeadlineError, match="截止时间写得太长了"):
            parse(text, NOW)


def test_a_deadline_at_the_length_limit_is_still_read() -> None:
    sentence = "请各单位认真组织自查" * MAX_LENGTH
    check(sentence[: MAX_LENGTH - 4] + "下周五前", "2026-05-08 18:00")
    check(" " * 10_000 + "下周五前\n", "2026-05-08 18:00")  # spaces around do not count


def _reading(text: str, now: datetime = NOW, **options: Any) -> str | None:
    """The deadline as 'YYYY-MM-DD HH:MM' in now's zone, None if refused."""
    try:
        return parse(text, now, **options).strftime("%Y-%m-%d %H:%M")
    except DeadlineError:
        return None


def test_hostile_text_within_the_limit_reads_exactly_or_is_refused() -> None:
    readings = [_reading(text) for text in _hostile(MAX_LENGTH)]
    assert readings == [
        "2026-05-08 18:00",  # 下周五前 repeated: the first
        None,  # 1111…
        None,  # 前前前…
        None,  # punctuation
        None,  # emoji
        None,  # control characters
        None,  # NUL
        None,  # lone surrogates
        None,  # full-width digits
        None,  # 9999…
        None,  # 2026-2026-…
        None,  # brackets
        None,  # 一一一…
        "2027-01-01 18:00",  # 1月1月…: the first 1月1, passed this year
        None,  # a a a …
        "2026-04-29 13:01",  # 1点1点…: the first 1点1, a bare 1点 being the afternoon
        "2026-12-31 18:00",  # 2026年2026年…: the year
        "2026-04-30 15:00",  # 明天下午3点前，2026-06-30 …: the first, marked by 前
    ]


def test_a_long_run_of_chinese_digits_is_text_not_an_error() -> None:
    # int() refuses more than 4,300 digits.
    assert normalise("一" * 5000) == "1" * 5000
    assert normalise("〇〇五") == "5"


@pytest.mark.parametrize(
    "phrase",
    [
        "0000年",
        "0000年底",
        "0000年12月",
        "0000年上半年",
        "0000年国庆节前",
        "0000-01-01",
        "9999年12月",
        "9999年第四季度",
        "9999年下半年",
        "9999年元旦后",
        "9999年春节前",
        "9999年最后一个工作日",
        "9999.12.1-9999.12.31",
        "december 9999",
        "jan 0000",
    ],
)
@pytest.mark.parametrize("allow_past", [False, True])
def test_years_beyond_what_a_deadline_can_name_are_refused(phrase: str, allow_past: bool) -> None:
    year = phrase[:4] if phrase[0].isdigit() else phrase[-4:]
    with pytest.raises(DeadlineError, match=f"{year}年不在1900年至2999年之间"):
        parse(phrase, NOW, allow_past=allow_past)


def test_years_at_the_edges_are_read() -> None:
    check("2999年12月31日", "2999-12-31 18:00")
    assert parse("1900年1月1日", NOW, allow_past=True) == at("1900-01-01 18:00")
    warning = warned(at("2999-12-31 18:00"), NOW)
    assert warning is not None
    assert warning.startswith("2027年至2999年的")


ODD_NOWS = [
    datetime(2026, 4, 29, 10, 0),  # naive: Shanghai
    datetime(2026, 4, 29, 2, 0, tzinfo=UTC),
    datetime(2026, 4, 29, 10, 0, tzinfo=timezone(timedelta(hours=14))),
    datetime(2099, 12, 31, 23, 59, tzinfo=SHANGHAI),
    datetime(2004, 1, 1, 0, 0, tzinfo=SHANGHAI),
    datetime(2028, 2, 29, 12, 0, tzinfo=SHANGHAI),
]
# Every keyword the rules look for, and some numbers and noise to put between them.
KEYWORDS = [
    word
    for line in (
        "今天 明天 后天 大后天 次日 昨天 周 星期 礼拜 本 这 下 下下 上 个 一 二 两 三 五 十 十一",
        "二十 三十一 〇 1 3 6 10 12 13 24 29 30 31 60 999 0000 2026 2027 9999 年 月 日 号 点 时",
        "分 半 刻",
        ": - / . ~ 至 到 前 内 后 底 末 初 中 上旬 中旬 下旬 上半月 份 季度 季 第 最后 工作日",
        "自然日 天 小时 分钟 上午 下午 晚上 凌晨 中午 早上 今晚 明早 一早 下班 元旦 春节 过年",
        "清明 五一 劳动 端午 中秋 国庆 节 节后 假期 年前 年后 截止 截至 最迟 于 在 报送 ( ) （ ）",
        "， 、 tomorrow today next this end of week month quarter year within in by before",
        "5pm noon eod friday june may q3 😀 \x00 \u3000",
    )
    for word in line.split(" ")
]


@pytest.mark.parametrize("now", ODD_NOWS, ids=str)
def test_random_keyword_soup_reads_or_is_refused(now: datetime) -> None:
    rng = random.Random(now.isoformat())
    aware_now = now.replace(tzinfo=now.tzinfo or SHANGHAI)
    read = refused = 0
    for _ in range(300):
        text = "".join(rng.choice(KEYWORDS) for _ in range(rng.randint(1, 8)))
        end_of_day = rng.choice([time(0, 0), time(23, 59), time(18, 0)])
        allow_past = rng.random() < 0.3
        try:
            deadline = parse(text, now, end_of_day=end_of_day, allow_past=allow_past)
        except DeadlineError as error:
            refused += 1
            assert str(error).endswith(f"请写成：{'、'.join(EXAMPLES)} 这样的期限。"), text
            continue
        read += 1
        assert deadline.utcoffset() == aware_now.utcoffset(), text  # in now's zone
        assert allow_past or deadline > aware_now, text
        weekday = "一二三四五六日"[deadline.weekday()]
        assert describe(deadline) == f"{deadline:%Y-%m-%d}（周{weekday}）{deadline:%H:%M}", text
        # The warning names the first year on the way that CALENDAR does not know, if any.
        years = range(min(aware_now.year, deadline.year), max(aware_now.year, deadline.year) + 1)
        unknown = [year for year in years if year not in KNOWN_YEARS]
        warning = warned(deadline, now)
        if unknown:
            assert warning is not None, text
            assert warning.startswith(f"{unknown[0]}年"), text
            assert "的法定节假日安排尚未收录" in warning, text
        else:
            assert warning is None, text
    assert read > 0
    assert refused > 0


# The issue's examples at the ends of what a deadline may see, with end_of_day 23:59.
# 2099 and 2028 are estimated (Monday to Friday; 元旦 2100 is a working day in the
# count), 2004 is official (劳动节 5月1日-7日, 5月8日 worked; 端午 was no holiday then).
ODD_MOMENTS = [
    datetime(2099, 12, 31, 23, 59, tzinfo=SHANGHAI),  # a Thursday, the year's last minute
    datetime(2004, 1, 1, 0, 0, tzinfo=SHANGHAI),  # the first minute of a holiday
    datetime(2028, 2, 29, 12, 0, tzinfo=SHANGHAI),  # a leap day, a Tuesday
]
ODD_MOMENT_READINGS = {
    "今天": (None, "2004-01-01 23:59", "2028-02-29 23:59"),
    "明天": ("2100-01-01 23:59", "2004-01-02 23:59", "2028-03-01 23:59"),
    "后天下午3点": ("2100-01-02 15:00", "2004-01-03 15:00", "2028-03-02 15:00"),
    "明天上午10点": ("2100-01-01 10:00", "2004-01-02 10:00", "2028-03-01 10:00"),
    "明天下午三点前": ("2100-01-01 15:00", "2004-01-02 15:00", "2028-03-01 15:00"),
    "今天17:30": (None, "2004-01-01 17:30", "2028-02-29 17:30"),
    "今晚8点": (None, "2004-01-01 20:00", "2028-02-29 20:00"),
    "今天下班前": (None, "2004-01-01 23:59", "2028-02-29 23:59"),
    "tomorrow 5pm": ("2100-01-01 17:00", "2004-01-02 17:00", "2028-03-01 17:00"),
    "周五": ("2100-01-01 23:59", "2004-01-02 23:59", "2028-03-03 23:59"),
    "本周五": ("2100-01-01 23:59", "2004-01-02 23:59", "2028-03-03 23:59"),
    "下周五前": ("2100-01-08 23:59", "2004-01-09 23:59", "2028-03-10 23:59"),
    "下周三": ("2100-01-06 23:59", "2004-01-07 23:59", "2028-03-08 23:59"),
    "下周一上午9点": ("2100-01-04 09:00", "2004-01-05 09:00", "2028-03-06 09:00"),
    "下下周一": ("2100-01-11 23:59", "2004-01-12 23:59", "2028-03-13 23:59"),
    "本月底": (None, "2004-01-31 23:59", "2028-02-29 23:59"),
    "5月底前": ("2100-05-31 23:59", "2004-05-31 23:59", "2028-05-31 23:59"),
    "6月中旬": ("2100-06-20 23:59", "2004-06-20 23:59", "2028-06-20 23:59"),
    "下个月10号": ("2100-01-10 23:59", "2004-02-10 23:59", "2028-03-10 23:59"),
    "10号前": ("2100-01-10 23:59", "2004-01-10 23:59", "2028-03-10 23:59"),
    "6月15日前": ("2100-06-15 23:59", "2004-06-15 23:59", "2028-06-15 23:59"),
    "五月二十日": ("2100-05-20 23:59", "2004-05-20 23:59", "2028-05-20 23:59"),
    "2026年6月30日": (None, "2026-06-30 23:59", None),
    "2026-06-30": (None, "2026-06-30 23:59", None),
    "2026.6.30": (None, "2026-06-30 23:59", None),
    "6/30": ("2100-06-30 23:59", "2004-06-30 23:59", "2028-06-30 23:59"),
    "6.30": ("2100-06-30 23:59", "2004-06-30 23:59", "2028-06-30 23:59"),
    "30 June": ("2100-06-30 23:59", "2004-06-30 23:59", "2028-06-30 23:59"),
    "三天内": ("2100-01-03 23:59", "2004-01-04 23:59", "2028-03-03 23:59"),
    "3天后": ("2100-01-03 23:59", "2004-01-04 23:59", "2028-03-03 23:59"),
    "一周内": ("2100-01-07 23:59", "2004-01-08 23:59", "2028-03-07 23:59"),
    "两周内": ("2100-01-14 23:59", "2004-01-15 23:59", "2028-03-14 23:59"),
    "半个月内": ("2100-01-15 23:59", "2004-01-16 23:59", "2028-03-15 23:59"),
    "一个月内": ("2100-01-31 23:59", "2004-02-01 23:59", "2028-03-29 23:59"),
    "3个工作日内": ("2100-01-05 23:59", "2004-01-06 23:59", "2028-03-03 23:59"),
    "5个工作日内": ("2100-01-07 23:59", "2004-01-08 23:59", "2028-03-07 23:59"),
    "五一前": ("2100-04-30 23:59", "2004-04-30 23:59", "2028-04-28 23:59"),
    "五一假期后": ("2100-05-06 23:59", "2004-05-08 23:59", "2028-05-08 23:59"),
    "节后第一个工作日": ("2100-01-04 23:59", "2004-01-02 23:59", "2028-04-05 23:59"),
    "端午节前": ("2100-06-09 23:59", None, "2028-05-26 23:59"),
    "国庆节前": ("2100-09-30 23:59", "2004-09-30 23:59", "2028-09-29 23:59"),
    "第二季度末": ("2100-06-30 23:59", "2004-06-30 23:59", "2028-06-30 23:59"),
    "上半年": ("2100-06-30 23:59", "2004-06-30 23:59", "2028-06-30 23:59"),
    "年底前": (None, "2004-12-31 23:59", "2028-12-31 23:59"),
    "请于下周五前报送材料": ("2100-01-08 23:59", "2004-01-09 23:59", "2028-03-10 23:59"),
}


def test_odd_moments_cover_every_issue_example() -> None:
    assert list(ODD_MOMENT_READINGS) == [phrase for phrase, _ in ISSUE_EXAMPLES]


def _at_end_of_day(reading: str | None, end_of_day: time, now: datetime) -> str | None:
    """A reading taken with end_of_day 23:59 (or 18:00), as it is with `end_of_day`:
    a phrase without a clock time takes end_of_day, refused once that is not after now.
    """
    if reading is None or not reading.endswith(("23:59", "18:00")):
        return reading
    moved = f"{reading[:10]} {end_of_day:%H:%M}"
    aware_now = now.replace(tzinfo=now.tzinfo or SHANGHAI)
    later = datetime.fromisoformat(moved).replace(tzinfo=aware_now.tzinfo) > aware_now
    return moved if later else None


@pytest.mark.parametrize("index", range(len(ODD_MOMENTS)))
@pytest.mark.parametrize("end_of_day", [time(23, 59), time(0, 0)])
def test_the_issue_examples_at_odd_moments(index: int, end_of_day: time) -> None:
    now = ODD_MOMENTS[index]
    readings = {
        phrase: _reading(phrase, now, end_of_day=end_of_day) for phrase, _ in ISSUE_EXAMPLES
    }
    assert readings == {
        phrase: _at_end_of_day(expected[index], end_of_day, now)
        for phrase, expected in ODD_MOMENT_READINGS.items()
    }


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 4, 29, 10, 0),  # naive: Shanghai
        datetime(2026, 4, 29, 2, 0, tzinfo=UTC),  # the same moment, read in UTC
        datetime(2026, 4, 29, 10, 0, tzinfo=timezone(timedelta(hours=14))),
    ],
    ids=str,
)
@pytest.mark.parametrize("end_of_day", [time(23, 59), time(0, 0)])
def test_the_issue_examples_in_other_zones(now: datetime, end_of_day: time) -> None:
    """Wall-clock dates and times in now's own zone, the same as in Shanghai on that day."""
    zone = now.tzinfo or SHANGHAI
    for phrase, expected in ISSUE_EXAMPLES:
        deadline = _at_end_of_day(expected, end_of_day, now)
        try:
            got = parse(phrase, now, end_of_day=end_of_day)
        except DeadlineError:
            assert deadline is None, phrase
            continue
        assert got.tzinfo is not None
        assert got.utcoffset() == now.replace(tzinfo=zone).utcoffset(), phrase
        assert got.strftime("%Y-%m-%d %H:%M") == deadline, phrase


def test_refusal_quotes_the_phrase_without_control_characters() -> None:
    with pytest.raises(DeadlineError) as caught:
        parse("随便\x00写\u202e写\ud800", NOW)
    message = str(caught.value)
    assert "“随便 写 写”" in message
    assert message.isprintable()
