"""Roster lines pasted in chat: what is read, and every bad line named."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.calendar.workcalendar import HolidayPeriod
from bot.duty import Post, parse_pasted_roster

NATIONAL_DAY = HolidayPeriod("国庆节", date(2026, 10, 1), date(2026, 10, 8))
NEW_YEAR = HolidayPeriod("元旦", date(2026, 12, 31), date(2027, 1, 2))


def read(text: str, period: HolidayPeriod = NATIONAL_DAY):  # type: ignore[no-untyped-def]
    return parse_pasted_roster(text, unit="县委办", period=period)


def only_shift(text: str, period: HolidayPeriod = NATIONAL_DAY):  # type: ignore[no-untyped-def]
    reading = read(text, period)
    assert reading.errors == [], [str(error) for error in reading.errors]
    assert len(reading.shifts) == 1
    return reading.shifts[0]


def test_the_example_line_is_one_shift() -> None:
    shift = only_shift("10月1日 08:00-20:00 带班领导 张三 13800000000")
    assert (shift.unit, shift.post, shift.name, shift.phone, shift.line) == (
        "县委办",
        Post.LEADER,
        "张三",
        "13800000000",
        1,
    )
    assert (shift.start, shift.end) == (datetime(2026, 10, 1, 8), datetime(2026, 10, 1, 20))


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("10月1日 20:00-08:00 值班员 李四 13900000000", (1, 20, 0), (2, 8, 0)),
        ("10月1日 20:00-次日08:00 值班员 李四 13900000000", (1, 20, 0), (2, 8, 0)),
        ("10月1日 08:00-次日08:00 值班员 李四 13900000000", (1, 8, 0), (2, 8, 0)),
        ("10月1日 08:00-08:00 值班员 李四 13900000000", (1, 8, 0), (2, 8, 0)),
        ("10月1日 00:00-00:00 值班员 李四 13900000000", (1, 0, 0), (2, 0, 0)),
        ("10月1日 00:00-24:00 值班员 李四 13900000000", (1, 0, 0), (2, 0, 0)),
        ("10月1日 全天 值班员 李四 13900000000", (1, 0, 0), (2, 0, 0)),
        ("１０月１日 ２０：００－０８：００ 值班员 李四 13900000000", (1, 20, 0), (2, 8, 0)),
        ("10月1日 8:00至20:00 值班员 李四 13900000000", (1, 8, 0), (1, 20, 0)),
        ("10月1日 8:00到20:30 值班员 李四 13900000000", (1, 8, 0), (1, 20, 30)),
        ("10月1日 8:00~20:00 值班员 李四 13900000000", (1, 8, 0), (1, 20, 0)),
        ("10月1日 8:00～20:00 值班员 李四 13900000000", (1, 8, 0), (1, 20, 0)),
        ("10月1日 8:00—20:00 值班员 李四 13900000000", (1, 8, 0), (1, 20, 0)),
        ("10月1日 8点-20点半 值班员 李四 13900000000", (1, 8, 0), (1, 20, 30)),
        ("10.2 08:00-20:00 值班员 李四 13900000000", (2, 8, 0), (2, 20, 0)),
        ("10/2 08:00-20:00 值班员 李四 13900000000", (2, 8, 0), (2, 20, 0)),
        ("2026-10-02 08:00-20:00 值班员 李四 13900000000", (2, 8, 0), (2, 20, 0)),
        ("2026年10月2日（周五） 08:00-20:00 值班员 李四 13900000000", (2, 8, 0), (2, 20, 0)),
        ("10月2号08:00-20:00值班人员李四13900000000", (2, 8, 0), (2, 20, 0)),
        ("李四 值班员 13900000000 10月2日 08:00-20:00", (2, 8, 0), (2, 20, 0)),
        ("1. 10月2日 08:00-20:00 值班员：李四，电话：13900000000", (2, 8, 0), (2, 20, 0)),
    ],
)
def test_times_dates_and_separators_as_people_write_them(line, start, end) -> None:
    shift = only_shift(line)
    assert shift.start == datetime(2026, 10, *start)
    assert shift.end == datetime(2026, 10, *end)
    assert (shift.post, shift.name, shift.phone) == (Post.OFFICER, "李四", "13900000000")


def test_synonyms_of_the_posts() -> None:
    assert only_shift("10月1日 08:00-20:00 值班领导 张三 13800000000").post is Post.LEADER
    assert only_shift("10月1日 08:00-20:00 值班人员 张三 13800000000").post is Post.OFFICER


def test_a_year_less_day_takes_the_periods_year_across_new_year() -> None:
    assert only_shift("12月31日 08:00-20:00 值班员 王五 13700000000", NEW_YEAR).day == date(
        2026, 12, 31
    )
    assert only_shift("1月2日 08:00-20:00 值班员 王五 13700000000", NEW_YEAR).day == date(
        2027, 1, 2
    )


def test_several_lines_in_any_order_with_headings() -> None:
    reading = read(
        "县委办国庆值班安排\n"
        "\n"
        "10月2日 08:00-20:00 带班领导 张三 13800000000\n"
        "10月1日\n"
        "08:00-20:00 值班员 王五 13700000000\n"
        "值班员 赵六 20:00-08:00 13600000000\n"
        "10月3日 00:00-24:00\n"
        "带班领导 张  三 13800000000\n"
    )
    assert reading.errors == []
    assert [str(line) for line in reading.skipped] == [
        "第 1 行“县委办国庆值班安排”：不是班次，已跳过"
    ]
    assert [(shift.line, shift.name, shift.start, shift.end) for shift in reading.shifts] == [
        (3, "张三", datetime(2026, 10, 2, 8), datetime(2026, 10, 2, 20)),
        (5, "王五", datetime(2026, 10, 1, 8), datetime(2026, 10, 1, 20)),
        (6, "赵六", datetime(2026, 10, 1, 20), datetime(2026, 10, 2, 8)),
        (8, "张三", datetime(2026, 10, 3), datetime(2026, 10, 4)),
    ]


def test_a_shift_the_evening_before_counts_when_it_reaches_the_holiday() -> None:
    shift = only_shift("9月30日 20:00-08:00 值班员 王五 13700000000")
    assert (shift.start, shift.end) == (datetime(2026, 9, 30, 20), datetime(2026, 10, 1, 8))


def test_a_missing_or_odd_phone_is_read_and_left_to_the_check() -> None:
    assert only_shift("10月1日 08:00-20:00 值班员 王五").phone == ""
    assert only_shift("10月1日 08:00-20:00 值班员 王五 1380000").phone == "1380000"
    assert only_shift("10月1日 08:00-20:00 值班员 王五 138 0000 0000").phone == "138 0000 0000"
    assert only_shift("10月1日 08:00-20:00 值班员 王五 0571-87654321转801").phone == (
        "0571-87654321转801"
    )


def test_every_bad_line_is_named_and_nothing_is_accepted() -> None:
    reading = read(
        "10月1日 08:00-20:00 带班领导 张三 13800000000\n"
        "10月1日 08:00 带班领导 张三 13800000000\n"
        "10月32日 08:00-20:00 值班员 李四 13900000000\n"
        "10月1日 08:00-25:00 值班员 李四 13900000000\n"
        "10月1日 08:00-20:00 李四 13900000000\n"
        "10月1日 08:00-20:00 带班领导 值班员 李四\n"
        "10月1日 10月2日 08:00-20:00 带班领导 李四\n"
        "08:00-20:00 带班领导 李四\n"
        "10月1日 24:00-08:00 带班领导 李四\n"
        "10月12日 08:00-20:00 带班领导 李四\n"
        "10月1日 08:00-20:00 带班领导 李四 王五\n"
        "10月1日 08:00-次日20:00 带班领导 李四\n"
        "10月1日 08:00-20:00 带班领导 13900000000\n"
    )
    assert reading.shifts == []
    assert [str(error) for error in reading.errors] == [
        "第 2 行“10月1日 08:00 带班领导 张三 13800000000”："
        "只有一个时间“08:00”，请写开始和结束，如 08:00-20:00",
        "第 3 行“10月32日 08:00-20:00 值班员 李四 13900000000”：没有10月32日这一天",
        "第 4 行“10月1日 08:00-25:00 值班员 李四 13900000000”："
        "时间“25:00”不存在（应在 00:00 至 24:00 之间）",
        "第 5 行“10月1日 08:00-20:00 李四 13900000000”：缺岗位（带班领导 或 值班员）",
        "第 6 行“10月1日 08:00-20:00 带班领导 值班员 李四”："
        "有 2 个岗位（带班领导、值班员），一行只写一人",
        "第 7 行“10月1日 10月2日 08:00-20:00 带班领导 李四”："
        "有 2 个日期（10月1日、10月2日），一行只写一个班次",
        "第 8 行“08:00-20:00 带班领导 李四”：缺日期（10月1日、10.1、10/1 或 2026-10-01）",
        "第 9 行“10月1日 24:00-08:00 带班领导 李四”：开始时间不能是 24:00（请写次日 00:00）",
        "第 10 行“10月12日 08:00-20:00 带班领导 李四”："
        "10月12日的班次不在假期（10月1日至10月8日）内",
        "第 11 行“10月1日 08:00-20:00 带班领导 李四 王五”："
        "除姓名“李四”外还有“王五”，看不懂；一行只写一个班次",
        "第 12 行“10月1日 08:00-次日20:00 带班领导 李四”：一个班次最长 24 小时，请拆成两行",
        "第 13 行“10月1日 08:00-20:00 带班领导 13900000000”：缺姓名",
    ]


def test_a_message_without_any_shift_says_how_to_write_one() -> None:
    reading = read("收到，马上报")
    assert [str(error) for error in reading.errors] == [
        "没有读到值班班次。请一行写一个班次，如：10月1日 08:00-20:00 带班领导 张三 13800000000"
    ]
