"""The 24-hour rule on intervals, checked against a minute grid; phones; overlaps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar.workcalendar import HolidayPeriod
from bot.duty import (
    DutyShift,
    Post,
    check_roster,
    coverage_gaps,
    gap_lines,
    mask_phone,
    parse_pasted_roster,
    phone_problem,
    report_text,
    roster_echo,
    unit_lines,
)
from bot.duty.phones import person_keys
from bot.duty.roster import ClockTime, shift_times

FIRST, LAST = date(2026, 10, 1), date(2026, 10, 2)  # a short span keeps the grid small
WINDOW_START = datetime(2026, 10, 1)
DAYS = (LAST - FIRST).days + 1

# Times near the hours people write, and one minute either side, so that
# single-minute gaps and touching shifts come up often.
BOUNDARIES = [0, 1, 479, 480, 481, 719, 720, 721, 1199, 1200, 1201, 1438, 1439, 1440]
clock_minutes = st.one_of(st.sampled_from(BOUNDARIES), st.integers(0, 1440))


@st.composite
def shifts(draw: st.DrawFn) -> DutyShift | None:
    """A shift as a roster writes it: a day (the eve included), a start, an end, maybe 次日."""
    day = FIRST + timedelta(days=draw(st.integers(-1, DAYS)))
    start = draw(clock_minutes.filter(lambda minute: minute < 1440))
    end = draw(clock_minutes)
    next_day = draw(st.booleans()) and end < 1440
    span = shift_times(day, ClockTime(start), ClockTime(end, next_day))
    if isinstance(span, str):
        return None
    post = draw(st.sampled_from(list(Post)))
    return DutyShift("县委办", span[0], span[1], post, "张三", "13800000000")


def grid_gaps(roster: list[DutyShift], post: Post) -> list[tuple[datetime, datetime]]:
    """The same gaps found the slow way: one flag per minute of the holiday."""
    minutes = DAYS * 24 * 60
    covered = [False] * minutes
    for shift in roster:
        if shift.post is post:
            first = (shift.start - WINDOW_START) // timedelta(minutes=1)
            last = (shift.end - WINDOW_START) // timedelta(minutes=1)
            first, last = max(first, 0), min(last, minutes)
            if first < last:
                covered[first:last] = [True] * (last - first)
    gaps: list[tuple[datetime, datetime]] = []
    for minute, on_duty in enumerate(covered):
        if on_duty:
            continue
        moment = WINDOW_START + timedelta(minutes=minute)
        if gaps and gaps[-1][1] == moment:
            gaps[-1] = (gaps[-1][0], moment + timedelta(minutes=1))
        else:
            gaps.append((moment, moment + timedelta(minutes=1)))
    return gaps


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(shifts(), max_size=12))
def test_interval_coverage_matches_a_minute_grid(drawn) -> None:
    roster = [shift for shift in drawn if shift is not None]
    report = check_roster(roster, FIRST, LAST, units=["县委办"])
    unit = report.unit("县委办")
    if not roster:
        assert not unit.submitted and unit.gaps == ()
        return
    expected = {post: grid_gaps(roster, post) for post in Post}
    for post in Post:
        assert [(gap.start, gap.end) for gap in unit.gaps if gap.post is post] == expected[post]
    assert unit.covered == (not any(expected.values()))


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(st.tuples(st.integers(-50, 150), st.integers(1, 80)), max_size=8),
    st.integers(0, 50),
    st.integers(1, 100),
)
def test_the_sweep_on_plain_minutes(spans, start, length) -> None:
    intervals = [(begin, begin + size) for begin, size in spans]
    end = start + length
    uncovered = [
        minute
        for minute in range(start, end)
        if not any(begin <= minute < until for begin, until in intervals)
    ]
    gaps = coverage_gaps(intervals, start, end)
    assert [minute for first, last in gaps for minute in range(first, last)] == uncovered
    assert all(last < following for (_, last), (following, _) in pairwise(gaps))


PERIOD = HolidayPeriod("国庆节", date(2026, 10, 1), date(2026, 10, 3))


def roster(text: str, unit: str = "县委办") -> list[DutyShift]:
    reading = parse_pasted_roster(text, unit=unit, period=PERIOD)
    assert reading.errors == [], [str(error) for error in reading.errors]
    return reading.shifts


FULL = (
    "10月1日 00:00-24:00 带班领导 张三 13800000000\n"
    "10月2日 00:00-24:00 带班领导 张三 13800000000\n"
    "10月3日 00:00-24:00 带班领导 张三 13800000000\n"
    "10月1日 00:00-24:00 值班员 李四 13900000000\n"
    "10月2日 00:00-24:00 值班员 李四 13900000000\n"
    "10月3日 00:00-24:00 值班员 李四 13900000000\n"
)


def test_a_full_roster_holds_the_rule() -> None:
    report = check_roster(roster(FULL), PERIOD.first_day, PERIOD.last_day)
    assert report.ok
    assert unit_lines(report.unit("县委办")) == ["县委办：全覆盖"]


def test_gaps_are_listed_per_day_post_and_time() -> None:
    text = FULL.replace("10月2日 00:00-24:00 值班员", "10月2日 00:00-20:00 值班员").replace(
        "10月3日 00:00-24:00 值班员", "10月3日 08:00-24:00 值班员"
    )
    text = text.replace("10月1日 00:00-24:00 带班领导", "10月1日 00:01-24:00 带班领导")
    report = check_roster(roster(text), PERIOD.first_day, PERIOD.last_day)
    assert not report.ok
    assert unit_lines(report.unit("县委办")) == [
        "县委办：空档 3 处",
        "  10月1日 00:00–00:01 缺带班领导",
        "  10月2日 20:00–24:00 缺值班员",  # one gap across midnight, shown on each day
        "  10月3日 00:00–08:00 缺值班员",
    ]


def test_a_gap_over_whole_days() -> None:
    shifts = roster(
        "10月1日 00:00-24:00 值班员 李四 13900000000\n10月2日 08:00-12:00 带班领导 张三 13800000000"
    )
    report = check_roster(shifts, PERIOD.first_day, PERIOD.last_day)
    leader = [gap for gap in report.unit("县委办").gaps if gap.post is Post.LEADER]
    assert [line for gap in leader for line in gap_lines(gap)] == [
        "10月1日 00:00–24:00 缺带班领导",
        "10月2日 00:00–08:00 缺带班领导",
        "10月2日 12:00–24:00 缺带班领导",
        "10月3日 00:00–24:00 缺带班领导",
    ]


def test_a_unit_expected_but_silent_is_not_submitted() -> None:
    report = check_roster(roster(FULL), PERIOD.first_day, PERIOD.last_day, units=["县公安局"])
    assert [unit.unit for unit in report.units] == ["县公安局", "县委办"]
    assert unit_lines(report.unit("县公安局")) == ["县公安局：未报值班表"]
    assert not report.ok
    assert report_text(report).splitlines() == [
        "值班表检查 2026-10-01（周四）00:00 至 2026-10-03（周六）24:00："
        "共 2 个单位，1 个符合要求，1 个有问题",
        "县公安局：未报值班表",
        "县委办：全覆盖",
    ]


@pytest.mark.parametrize(
    "phone",
    [
        "13800000000",
        "+86 13800000000",
        "0571-87654321",
        "010-12345678",
        "(0571)87654321",
        "0571-87654321-801",
        "0571-87654321转801",
        "13800000000、0571-87654321",
        "１３８００００００００",
    ],
)
def test_callable_numbers(phone) -> None:
    assert phone_problem(phone) is None


@pytest.mark.parametrize(
    ("phone", "problem"),
    [
        ("", "未填电话"),
        ("1380000", "电话“1380000”不是有效号码（手机 11 位，固定电话要带区号，如 0571-87654321）"),
        ("12800000000", "电话“12800000000”不是有效号码"),
        ("138000000001", "电话“138000000001”不是有效号码"),
        ("87654321", "电话“87654321”不是有效号码"),
        ("0571-1234", "电话“0571-1234”不是有效号码"),
        ("13800000000、110", "电话“110”不是有效号码"),
    ],
)
def test_numbers_nobody_can_call(phone, problem) -> None:
    assert phone_problem(phone).startswith(problem)  # type: ignore[union-attr]


def test_masked_numbers() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0571-87654321") == "0571-****4321"
    assert mask_phone("") == ""


def test_phone_problems_are_listed_once_per_person_with_their_lines() -> None:
    text = FULL.replace("李四 13900000000", "李四 1390000").replace(
        "10月3日 00:00-24:00 带班领导 张三 13800000000", "10月3日 00:00-24:00 带班领导 王五"
    )
    report = check_roster(roster(text), PERIOD.first_day, PERIOD.last_day)
    assert unit_lines(report.unit("县委办")) == [
        "县委办：全覆盖；电话问题 2 个",
        "  电话：王五（第 3 行）未填电话",
        "  电话：李四（第 4、5、6 行）电话“1390000”不是有效号码"
        "（手机 11 位，固定电话要带区号，如 0571-87654321）",
    ]


def test_one_person_on_two_shifts_at_once_in_one_unit() -> None:
    text = FULL + "10月2日 18:00-次日02:00 值班员 张三 13800000000\n"
    report = check_roster(roster(text), PERIOD.first_day, PERIOD.last_day)
    lines = unit_lines(report.unit("县委办"))
    assert lines == [
        "县委办：全覆盖；重叠 2 处",
        "  重叠：张三 13800000000 10月2日 00:00–24:00 带班领导（第 2 行）"
        "与 10月2日 18:00–次日02:00 值班员（第 7 行）时间重叠",
        "  重叠：张三 13800000000 10月2日 18:00–次日02:00 值班员（第 7 行）"
        "与 10月3日 00:00–24:00 带班领导（第 3 行）时间重叠",
    ]


def test_one_person_in_two_units_is_named_in_both() -> None:
    police = roster("10月1日 08:00-20:00 值班员 张三 13800000000", unit="县公安局")
    report = check_roster([*roster(FULL), *police], PERIOD.first_day, PERIOD.last_day)
    assert len(report.overlaps) == 1
    assert unit_lines(report.unit("县委办"))[1] == (
        "  重叠：张三 13800000000 10月1日 00:00–24:00 带班领导（第 1 行）"
        "与 10月1日 08:00–20:00 值班员（县公安局，第 1 行）时间重叠"
    )
    assert unit_lines(report.unit("县公安局"), mask_phones=True)[-1] == (
        "  重叠：张三 138****0000 10月1日 00:00–24:00 带班领导（县委办，第 1 行）"
        "与 10月1日 08:00–20:00 值班员（第 1 行）时间重叠"
    )


def test_who_counts_as_the_same_person() -> None:
    shared_landline = roster(
        "10月1日 00:00-24:00 带班领导 张三 0571-87654321\n"
        "10月1日 00:00-24:00 值班员 李四 0571-87654321\n"
        "10月2日 00:00-24:00 带班领导 张三 13800000000\n"
        "10月2日 20:00-24:00 值班员 张三\n"  # no phone: cannot tell
        "10月2日 08:00-20:00 值班员 王五 13900000000\n"
        "10月2日 20:00-24:00 带班领导 王五 13900000000\n"  # touching, not overlapping
    )
    assert check_roster(shared_landline, PERIOD.first_day, PERIOD.last_day).overlaps == ()
    same_mobile_other_name = roster(
        "10月1日 00:00-24:00 带班领导 张三 13800000000\n"
        "10月1日 12:00-13:00 值班员 张叁 13800000000\n"
    )
    assert len(check_roster(same_mobile_other_name, FIRST, FIRST).overlaps) == 1
    assert person_keys("张三", "0571-87654321") == {"张三|0571-87654321"}
    assert person_keys("张三", "138 0000 0000") == {"13800000000"}
    assert person_keys("张三", "1380000") == {"张三|1380000"}


def test_the_echo_shows_each_day_and_post() -> None:
    reading = parse_pasted_roster(
        "10月1日 20:00-08:00 带班领导 李四 13900000000\n"
        "10月1日 08:00-20:00 带班领导 张三 13800000000\n"
        "10月1日 00:00-24:00 值班员 王五 0571-87654321\n"
        "10月2日 08:00-20:00 带班领导 张三 13800000000\n",
        unit="县委办",
        period=PERIOD,
    )
    assert roster_echo(reading.shifts) == (
        "县委办（共 4 个班次）\n"
        "10月1日 带班领导：张三 08:00–20:00，李四 20:00–次日08:00\n"
        "10月1日 值班员：王五 00:00–24:00\n"
        "10月2日 带班领导：张三 08:00–20:00\n"
        "电话：张三 13800000000；李四 13900000000；王五 0571-87654321"
    )
    assert roster_echo(reading.shifts, mask_phones=True).splitlines()[-1] == (
        "电话：张三 138****0000；李四 139****0000；王五 0571-****4321"
    )
