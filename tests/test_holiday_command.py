"""/holiday: supervisors enter next year's holidays; every count of working days follows."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.calendar import overrides as calendar_overrides
from bot.calendar.overrides import load_calendar
from bot.calendar.workcalendar import WorkCalendar
from db.models import CalendarOverrideRow
from tests.conftest import ADMIN_ID
from tests.factories import make_county
from tests.telegram_fakes import send

NOV_26 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def unpublished_2027(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests need a year the State Council has not published: pin the official
    data to 2004-2026, so a chinesecalendar release that knows 2027 keeps them green."""
    pinned = functools.partial(WorkCalendar, official_years=range(2004, 2027))
    monkeypatch.setattr(calendar_overrides, "WorkCalendar", pinned)


async def test_listing_warns_that_next_year_is_unknown(bot_app, clock) -> None:
    clock.set(NOV_26)
    (reply,) = await send(bot_app, ADMIN_ID, "/holiday")
    assert "2026年：国务院已公布，已收录" in reply
    assert "2027年：未收录官方安排，也未登记，工作日暂按周一至周五计算" in reply


async def test_supervisor_adds_a_holiday_and_a_makeup_day(bot_app, session, clock) -> None:
    clock.set(NOV_26)
    (added,) = await send(bot_app, ADMIN_ID, "/holiday add 春节 2027-02-06 至 2027-02-13")
    assert added.startswith(
        "已登记放假：春节 2027-02-06（周六） 至 2027-02-13（周六），共 8 天（编号 1）"
    )
    (workday,) = await send(bot_app, ADMIN_ID, "/holiday workday 2027年2月14日 春节调休")
    assert workday.startswith("已登记调休上班：2027-02-14（周日） 春节调休（编号 2）")

    calendar = load_calendar(session)
    assert not calendar.is_workday(date(2027, 2, 8))  # a Monday inside the break
    assert calendar.is_workday(date(2027, 2, 14))  # the make-up Sunday
    assert calendar.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 14)
    session.rollback()  # end this read: the bot writes next, in its own unit of work

    (listing,) = await send(bot_app, ADMIN_ID, "/holiday")
    assert "2027年：未收录官方安排，按督查室登记的安排计算" in listing
    assert "1. 放假 春节 2027-02-06（周六） 至 2027-02-13（周六）" in listing
    assert "调休上班：" in listing and "2027-02-14（周日）" in listing

    (duplicate,) = await send(bot_app, ADMIN_ID, "/holiday add 春节 2027-02-06 2027-02-13")
    assert duplicate == "这条安排已经登记过了（编号 1）。"
    (removed,) = await send(bot_app, ADMIN_ID, "/holiday remove 2")
    assert removed == "已撤销第 2 条登记（春节调休）。"
    rows = session.scalars(select(CalendarOverrideRow.name)).all()
    assert rows == ["春节"]


async def test_bad_input_gets_usage_or_a_clear_reason(bot_app, clock) -> None:
    clock.set(NOV_26)
    (usage,) = await send(bot_app, ADMIN_ID, "/holiday frobnicate")
    assert usage.startswith("用法：")
    (backwards,) = await send(bot_app, ADMIN_ID, "/holiday add 元旦 2027-01-03 2027-01-01")
    assert backwards == "结束日期早于开始日期，请检查。"
    (unreadable,) = await send(bot_app, ADMIN_ID, "/holiday add 元旦 某天")
    assert unreadable == "没看懂日期“某天”，请写成 2027-02-06 或 2027年2月6日。"
    (short_end,) = await send(bot_app, ADMIN_ID, "/holiday add 春节 2027年2月6日至13日")
    assert short_end.startswith(
        "已登记放假：春节 2027-02-06（周六） 至 2027-02-13（周六），共 8 天"
    )
    (missing,) = await send(bot_app, ADMIN_ID, "/holiday remove 99")
    assert "没有编号为 99 的节假日安排" in missing


async def test_a_holiday_starting_today_can_still_be_entered_in_the_evening(bot_app, clock) -> None:
    clock.set(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))  # 20:00 in Shanghai
    (reply,) = await send(bot_app, ADMIN_ID, "/holiday add 县庆 2026-11-26 2026-11-27")
    assert reply.startswith("已登记放假：县庆 2026-11-26（周四） 至 2026-11-27（周五）")
    (next_year,) = await send(bot_app, ADMIN_ID, "/holiday workday 1月4日 元旦调休")
    assert next_year.startswith("已登记调休上班：2027-01-04（周一）")


async def test_members_may_look_but_not_change(bot_app, session, clock) -> None:
    clock.set(NOV_26)
    county = make_county(session)
    member = county.member.telegram_user_id
    (listing,) = await send(bot_app, member, "/holiday")
    assert listing.startswith("📅 今后一年的节假日安排")
    (refused,) = await send(bot_app, member, "/holiday add 春节 2027-02-06 2027-02-13")
    assert refused.startswith("只有督查室可以维护节假日安排")
    assert session.scalars(select(CalendarOverrideRow)).all() == []


async def test_ranges_with_a_hyphen_and_other_slips(bot_app, session, clock) -> None:
    clock.set(NOV_26)
    (dotted,) = await send(bot_app, ADMIN_ID, "/holiday add 春节 2027.2.6-2027.2.13")
    assert "2027-02-06（周六） 至 2027-02-13（周六），共 8 天" in dotted
    (iso,) = await send(bot_app, ADMIN_ID, "/holiday add 清明 2027-04-03-2027-04-05")
    assert "2027-04-03（周六） 至 2027-04-05（周一），共 3 天" in iso
    (short,) = await send(bot_app, ADMIN_ID, "/holiday add 端午 6月9日-11日")
    assert "2027-06-09（周三） 至 2027-06-11（周五），共 3 天" in short
    (unsplittable,) = await send(bot_app, ADMIN_ID, "/holiday add 国庆 2027-10-01-07")
    assert unsplittable == "没看懂日期范围“2027-10-01-07”，请写成 2027-10-01 至 2027-10-07。"
    (past,) = await send(bot_app, ADMIN_ID, "/holiday add 国庆 2026-10-01 2026-10-07")
    assert past == "“2026-10-01”是 2026-10-01，已经过去了，不能登记。"
    (long_name,) = await send(bot_app, ADMIN_ID, "/holiday workday 2027-02-14 " + "调" * 51)
    assert long_name == "名称超过 50 个字，请精简。"
    (superscript,) = await send(bot_app, ADMIN_ID, "/holiday remove ²")
    assert superscript.startswith("用法：")


async def test_absurdly_long_input_is_refused_briefly(bot_app, clock) -> None:
    clock.set(NOV_26)
    (span,) = await send(bot_app, ADMIN_ID, "/holiday add 春节 " + "2027-02-06-" * 300)
    assert span == "日期写得太长了，请写开始和结束日期，例如：2027-02-06 至 2027-02-13"
    (day,) = await send(bot_app, ADMIN_ID, "/holiday workday " + "某" * 3000)
    assert day == "没看懂日期“" + "某" * 20 + "…”，请写成 2027-02-06 或 2027年2月6日。"


@pytest.mark.parametrize(
    "typed",
    [
        "/holiday add 2027-01-01 2027-01-03 元旦",
        "/holiday add 2027-01-01至2027-01-03 元旦",
        "/holiday add 2027-01-01 至 2027-01-03 元旦",
        "/holiday add 元旦 2027-01-01到2027-01-03",
        "/holiday add 元旦 2027-01-01~2027-01-03",
        "/holiday add 2027-01-01-2027-01-03 元旦",
    ],
)
async def test_the_name_may_come_before_or_after_the_dates(bot_app, clock, typed) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOV_26)
    (added,) = await send(bot_app, ADMIN_ID, typed)
    assert added.startswith("已登记放假：元旦 2027-01-01（周五） 至 2027-01-03（周日），共 3 天")


async def test_a_holiday_without_a_name_is_asked_for_one(bot_app, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOV_26)
    (asked,) = await send(bot_app, ADMIN_ID, "/holiday add 2027-01-01 2027-01-03")
    assert asked == "请写上假期名称，例如：/holiday add 元旦 2027-01-01 至 2027-01-03"
