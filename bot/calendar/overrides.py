"""Supervisors' holiday periods and make-up working days, stored as calendar overrides.

The State Council publishes each year's holidays late in the year before, and
`chinese-calendar` only knows what was published when it was released. These
overrides let the office enter the coming year itself; they win over the
library's data and are what `load_calendar` hands to every working-day count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar.workcalendar import CalendarOverride, HolidayPeriod, WorkCalendar, YearStatus
from bot.core.access import Actor, OfficeAction, Refusal, person_id, require_office
from db.models import CalendarOverrideRow, varchar_length

LONGEST_HOLIDAY_DAYS = 15  # the Spring Festival break is at most 9; anything longer is a typo


def load_calendar(session: Session) -> WorkCalendar:
    """The official calendar with every override the supervisors saved."""
    rows = session.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.id))
    return WorkCalendar(
        CalendarOverride(row.name, row.first_day, row.last_day, row.is_workday) for row in rows
    )


NAME_LENGTH = varchar_length(CalendarOverrideRow.name)


def _check_name(name: str) -> str:
    name = name.strip()
    if len(name) > NAME_LENGTH:
        raise Refusal(f"名称超过 {NAME_LENGTH} 个字，请精简。")
    return name


def add_holiday(
    session: Session,
    *,
    name: str,
    first_day: date,
    last_day: date,
    now: datetime,
    actor: Actor,
) -> CalendarOverrideRow:
    """Save a holiday period (放假); its days stop counting as working days."""
    require_office(actor, OfficeAction.MAINTAIN_CALENDAR)
    name = _check_name(name)
    if not name:
        raise Refusal("请写明节日名称，例如：/holiday add 春节 2027-02-06 2027-02-13")
    if last_day < first_day:
        raise Refusal("结束日期早于开始日期，请检查。")
    if (last_day - first_day).days + 1 > LONGEST_HOLIDAY_DAYS:
        raise Refusal(f"假期超过 {LONGEST_HOLIDAY_DAYS} 天，请检查日期是否写错。")
    return _save(
        session,
        CalendarOverrideRow(name=name, first_day=first_day, last_day=last_day, is_workday=False),
        actor,
        now,
    )


def add_makeup_workday(
    session: Session, *, day: date, name: str, now: datetime, actor: Actor
) -> CalendarOverrideRow:
    """Save a make-up working day (调休上班), usually a weekend day next to a holiday."""
    require_office(actor, OfficeAction.MAINTAIN_CALENDAR)
    row = CalendarOverrideRow(
        name=_check_name(name) or "调休上班", first_day=day, last_day=day, is_workday=True
    )
    return _save(session, row, actor, now)


def _save(
    session: Session, row: CalendarOverrideRow, actor: Actor, now: datetime
) -> CalendarOverrideRow:
    """Add an override. The span's unique constraint is the rule; the look-up names the row."""
    duplicate = session.scalar(
        select(CalendarOverrideRow.id).where(
            CalendarOverrideRow.first_day == row.first_day,
            CalendarOverrideRow.last_day == row.last_day,
            CalendarOverrideRow.is_workday == row.is_workday,
        )
    )
    if duplicate is not None:
        raise Refusal(f"这条安排已经登记过了（编号 {duplicate}）。")
    row.created_by_id = person_id(actor)
    row.created_at = now
    session.add(row)
    return row


def remove_override(session: Session, override_id: int, *, actor: Actor) -> str:
    """Delete one override; returns its name for the confirmation."""
    require_office(actor, OfficeAction.MAINTAIN_CALENDAR)
    row = session.get(CalendarOverrideRow, override_id)
    if row is None:
        raise Refusal(f"没有编号为 {override_id} 的节假日安排，请用 /holiday 查看编号。")
    name = row.name
    session.delete(row)
    return name


@dataclass(frozen=True)
class CalendarOverview:
    """What `/holiday` shows: the coming holidays, make-up days, and which years are known."""

    holidays: list[HolidayPeriod]
    makeup_workdays: list[date]
    overrides: list[CalendarOverrideRow]
    year_status: dict[int, YearStatus]


def calendar_overview(session: Session, today: date, *, days: int = 366) -> CalendarOverview:
    calendar = load_calendar(session)
    last = today + timedelta(days=days)
    makeup = [
        today + timedelta(days=offset)
        for offset in range(days + 1)
        if (today + timedelta(days=offset)).weekday() >= 5
        and calendar.is_workday(today + timedelta(days=offset))
    ]
    overrides = list(
        session.scalars(
            select(CalendarOverrideRow)
            .where(CalendarOverrideRow.last_day >= today)
            .order_by(CalendarOverrideRow.first_day)
        )
    )
    return CalendarOverview(
        holidays=calendar.holidays_between(today, last),
        makeup_workdays=makeup,
        overrides=overrides,
        year_status={year: calendar.year_status(year) for year in range(today.year, last.year + 1)},
    )
