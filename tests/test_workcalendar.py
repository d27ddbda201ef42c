"""The official calendar (chinese-calendar) and supervisors' overrides."""

from datetime import date

import pytest

from bot.calendar.workcalendar import (
    OFFICIAL_CALENDAR,
    OFFICIAL_YEARS,
    CalendarOverride,
    HolidayPeriod,
    WorkCalendar,
    YearStatus,
)
from tests.deadline_phrases import KNOWN_YEARS, publish_2027

# 2027's arrangement is not published in chinesecalendar 1.11. The tests that rely on
# that read on UNTIL_2026, so a release that publishes it changes none of them.
UNPUBLISHED = 2027
UNTIL_2026 = WorkCalendar(official_years=KNOWN_YEARS)


def test_year_status() -> None:
    assert UNTIL_2026.year_status(2026) == YearStatus.OFFICIAL
    assert UNTIL_2026.year_status(UNPUBLISHED) == YearStatus.ASSUMED
    custom = WorkCalendar(
        [CalendarOverride("元旦", date(2027, 1, 1), date(2027, 1, 1), is_workday=False)],
        official_years=KNOWN_YEARS,
    )
    assert custom.year_status(UNPUBLISHED) == YearStatus.CUSTOM
    assert custom.year_status(2026) == YearStatus.OFFICIAL  # overrides never demote a year


def test_the_default_calendar_knows_every_year_the_release_ships() -> None:
    last = max(OFFICIAL_YEARS)
    assert OFFICIAL_CALENDAR.year_status(last) == YearStatus.OFFICIAL
    assert OFFICIAL_CALENDAR.year_status(last + 1) == YearStatus.ASSUMED


def test_official_years_pins_the_release(monkeypatch: pytest.MonkeyPatch) -> None:
    publish_2027(monkeypatch)
    upgraded, pinned = WorkCalendar(), WorkCalendar(official_years=KNOWN_YEARS)
    assert upgraded.year_status(2027) == YearStatus.OFFICIAL
    assert upgraded.holiday_name(date(2027, 2, 8)) == "春节"
    assert upgraded.is_workday(date(2027, 2, 20))  # the simulated make-up Saturday
    assert pinned.year_status(2027) == YearStatus.ASSUMED
    assert pinned.holiday_name(date(2027, 2, 8)) is None
    assert pinned.is_workday(date(2027, 2, 8))  # Monday to Friday
    assert not pinned.is_workday(date(2027, 2, 20))
    # Years outside the release are not made official by naming them.
    assert WorkCalendar(official_years=[2026, 3000]).year_status(3000) == YearStatus.ASSUMED
    assert WorkCalendar(official_years=[2026]).year_status(2025) == YearStatus.ASSUMED


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 29), True),  # an ordinary Wednesday
        (date(2026, 4, 25), False),  # an ordinary Saturday
        (date(2026, 5, 1), False),  # 劳动节
        (date(2026, 5, 4), False),  # a Monday inside the 劳动节 break
        (date(2026, 5, 9), True),  # the make-up working Saturday
        (date(2026, 2, 14), True),  # worked Saturday before 春节
        (date(2026, 10, 10), True),  # worked Saturday after 国庆
        (date(2027, 1, 1), True),  # unknown year: a Friday is a working day
        (date(2027, 1, 2), False),  # unknown year: a Saturday is not
    ],
)
def test_is_workday(day: date, expected: bool) -> None:
    assert UNTIL_2026.is_workday(day) is expected


def test_holiday_names_are_chinese() -> None:
    assert OFFICIAL_CALENDAR.holiday_name(date(2026, 5, 1)) == "劳动节"
    assert OFFICIAL_CALENDAR.holiday_name(date(2026, 10, 1)) == "国庆节"
    assert OFFICIAL_CALENDAR.holiday_name(date(2026, 2, 17)) == "春节"
    assert OFFICIAL_CALENDAR.holiday_name(date(2026, 4, 25)) is None  # a plain weekend


def test_next_and_previous_workday_skip_holidays_and_weekends() -> None:
    assert OFFICIAL_CALENDAR.next_workday(date(2026, 4, 30)) == date(2026, 5, 6)
    assert OFFICIAL_CALENDAR.previous_workday(date(2026, 5, 1)) == date(2026, 4, 30)
    assert OFFICIAL_CALENDAR.previous_workday(date(2026, 10, 1)) == date(2026, 9, 30)
    assert OFFICIAL_CALENDAR.previous_workday(date(2026, 2, 15)) == date(2026, 2, 14)
    assert OFFICIAL_CALENDAR.next_workday(date(2026, 5, 8)) == date(2026, 5, 9)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, date(2026, 4, 30)), (2, date(2026, 5, 6)), (3, date(2026, 5, 7)), (5, date(2026, 5, 9))],
)
def test_add_workdays_counts_make_up_days(count: int, expected: date) -> None:
    assert OFFICIAL_CALENDAR.add_workdays(date(2026, 4, 29), count) == expected


def test_add_workdays_needs_a_positive_count() -> None:
    with pytest.raises(ValueError):
        OFFICIAL_CALENDAR.add_workdays(date(2026, 4, 29), 0)


def test_holiday_period() -> None:
    period = OFFICIAL_CALENDAR.holiday_period(date(2026, 5, 3))
    assert period == HolidayPeriod("劳动节", date(2026, 5, 1), date(2026, 5, 5))
    assert period.days == 5
    assert date(2026, 5, 5) in period
    assert date(2026, 5, 6) not in period
    assert OFFICIAL_CALENDAR.holiday_period(date(2026, 4, 25)) is None


def test_adjacent_holidays_are_one_break() -> None:
    # chinese-calendar marks 2025-10-06 as 中秋节 inside 国庆节's 10月1日-8日.
    expected = HolidayPeriod("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8))
    assert OFFICIAL_CALENDAR.holiday_period(date(2025, 10, 1)) == expected
    assert OFFICIAL_CALENDAR.holiday_period(date(2025, 10, 6)) == expected
    assert OFFICIAL_CALENDAR.holidays_between(date(2025, 9, 1), date(2025, 10, 31)) == [expected]


def test_next_holiday() -> None:
    labour = OFFICIAL_CALENDAR.next_holiday(date(2026, 4, 29))
    assert labour is not None
    assert labour.name == "劳动节"
    assert OFFICIAL_CALENDAR.next_holiday(date(2026, 5, 3)) == labour  # the one we are in
    national = OFFICIAL_CALENDAR.next_holiday(date(2026, 4, 29), "国庆节")
    assert national == HolidayPeriod("国庆节", date(2026, 10, 1), date(2026, 10, 7))
    mid_autumn = OFFICIAL_CALENDAR.next_holiday(date(2025, 9, 1), "中秋")
    assert mid_autumn is not None
    assert mid_autumn.first_day == date(2025, 10, 1)  # a name contained in the period's
    # Nothing published after 2026: no next 春节 from the autumn of 2026.
    assert UNTIL_2026.next_holiday(date(2026, 11, 1), "春节") is None


def test_holidays_between() -> None:
    periods = OFFICIAL_CALENDAR.holidays_between(date(2026, 4, 1), date(2026, 6, 30))
    assert [p.name for p in periods] == ["清明节", "劳动节", "端午节"]
    assert periods[0].first_day == date(2026, 4, 4)


def test_overrides_define_an_unpublished_year() -> None:
    calendar = WorkCalendar(
        [
            CalendarOverride("春节", date(2027, 2, 6), date(2027, 2, 13), is_workday=False),
            CalendarOverride("春节调休", date(2027, 2, 20), date(2027, 2, 20), is_workday=True),
        ],
        official_years=KNOWN_YEARS,
    )
    assert not calendar.is_workday(date(2027, 2, 8))  # a Monday off
    assert calendar.is_workday(date(2027, 2, 20))  # a Saturday worked
    assert calendar.holiday_name(date(2027, 2, 8)) == "春节"
    assert calendar.next_holiday(date(2026, 12, 1), "春节") == HolidayPeriod(
        "春节", date(2027, 2, 6), date(2027, 2, 13)
    )
    assert calendar.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 15)
    # The calendar without overrides is untouched.
    assert UNTIL_2026.is_workday(date(2027, 2, 8))


def test_overrides_win_over_official_data() -> None:
    calendar = WorkCalendar(
        [
            CalendarOverride("劳动节", date(2026, 5, 5), date(2026, 5, 5), is_workday=True),
            CalendarOverride("抢险", date(2026, 5, 11), date(2026, 5, 11), is_workday=False),
        ]
    )
    assert calendar.is_workday(date(2026, 5, 5))
    assert calendar.holiday_name(date(2026, 5, 5)) is None
    assert calendar.holiday_period(date(2026, 5, 1)) == HolidayPeriod(
        "劳动节", date(2026, 5, 1), date(2026, 5, 4)
    )
    assert not calendar.is_workday(date(2026, 5, 11))
