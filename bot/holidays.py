"""Supervisors' holiday periods and make-up working days, stored as calendar overrides.

The State Council publishes each year's holidays late in the year before, and
`chinese-calendar` only knows what was published when it was released. These
overrides let the office enter the coming year itself; they win over the
library's data and are what `load_calendar` hands to every working-day count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.deadlines import DeadlineError, parse_deadline
from bot.ledger import LedgerError, require_supervisor
from bot.workcalendar import CalendarOverride, HolidayPeriod, WorkCalendar, YearStatus
from db.models import CalendarOverrideRow, Person

LONGEST_HOLIDAY_DAYS = 15  # the Spring Festival break is at most 9; anything longer is a typo


def load_calendar(session: Session) -> WorkCalendar:
    """The official calendar with every override the supervisors saved."""
    rows = session.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.id))
    return WorkCalendar(
        CalendarOverride(row.name, row.first_day, row.last_day, row.is_workday) for row in rows
    )


MAINTAIN = "维护节假日安排"
RANGE_SEPARATORS = re.compile(r"\s*(?:至|到|~|～|—|－)\s*|\s+")
NAME_LENGTH = CalendarOverrideRow.__table__.c.name.type.length
# A day, not a deadline: today still counts until midnight.
WHOLE_DAY = time(23, 59)
SINGLE_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")  # its hyphens are not a range
LONGEST_SPAN_TEXT = 60  # "2027年2月6日至2027年2月13日" is 21 characters


def _quoted(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


def read_day(text: str, now: datetime, calendar: WorkCalendar) -> date:
    """A day as supervisors write it (2027-02-06, 2027年2月6日, 2月6日, 下周一)."""
    try:
        return parse_deadline(text, now, calendar=calendar, end_of_day=WHOLE_DAY).date()
    except DeadlineError:
        pass
    try:  # readable, but before today?
        past = parse_deadline(text, now, calendar=calendar, end_of_day=WHOLE_DAY, allow_past=True)
    except DeadlineError:
        raise LedgerError(
            f"没看懂日期“{_quoted(text)}”，请写成 2027-02-06 或 2027年2月6日。"
        ) from None
    raise LedgerError(f"“{_quoted(text)}”是 {past.date().isoformat()}，已经过去了，不能登记。")


def _read_end(text: str, first: date, now: datetime, calendar: WorkCalendar) -> date | None:
    """The span's end, read from its start's point of view (13日 falls in the start's month)."""
    start = datetime.combine(first, time(), tzinfo=now.tzinfo)
    try:
        return parse_deadline(
            text, start, calendar=calendar, end_of_day=WHOLE_DAY, allow_past=True
        ).date()
    except DeadlineError:
        return None


def read_span(text: str, now: datetime, calendar: WorkCalendar) -> tuple[date, date]:
    """`2027-02-06 至 2027-02-13`, `2027年2月6日至13日`, `2027.2.6-2027.2.13`, or one day.

    An end before the start is reported by `add_holiday`.
    """
    if len(text.strip()) > LONGEST_SPAN_TEXT:
        raise LedgerError("日期写得太长了，请写开始和结束日期，例如：2027-02-06 至 2027-02-13")
    parts = [part for part in RANGE_SEPARATORS.split(text.strip()) if part]
    if len(parts) == 1 and "-" in parts[0]:
        split = _split_at_hyphen(parts[0], now, calendar)
        if split is None and not SINGLE_DATE.fullmatch(parts[0]):
            raise LedgerError(
                f"没看懂日期范围“{_quoted(parts[0])}”，请写成 2027-10-01 至 2027-10-07。"
            )
        parts = split or parts
    if not 1 <= len(parts) <= 2:
        raise LedgerError("请写开始和结束日期，例如：2027-02-06 至 2027-02-13")
    first = read_day(parts[0], now, calendar)
    if len(parts) == 1:
        return first, first
    last = _read_end(parts[1], first, now, calendar)
    if last is None:
        raise LedgerError(f"没看懂日期“{_quoted(parts[1])}”，请写成 2027-02-13 或 2027年2月13日。")
    return first, last


def _split_at_hyphen(text: str, now: datetime, calendar: WorkCalendar) -> list[str] | None:
    """`2027.2.6-2027.2.13` or `2027-02-06-2027-02-13`: the hyphen that leaves two days.

    Dates may contain hyphens themselves, so each one is tried as the range's
    dash; the split must give two readable days in order.
    """
    for index, char in enumerate(text):
        if char != "-":
            continue
        head, tail = text[:index], text[index + 1 :]
        try:
            first = parse_deadline(head, now, calendar=calendar, end_of_day=WHOLE_DAY).date()
        except DeadlineError:
            continue
        last = _read_end(tail, first, now, calendar)
        if last is not None and last >= first:
            return [head, tail]
    return None


def _check_name(name: str) -> str:
    name = name.strip()
    if len(name) > NAME_LENGTH:
        raise LedgerError(f"名称超过 {NAME_LENGTH} 个字，请精简。")
    return name


def add_holiday(
    session: Session,
    *,
    name: str,
    first_day: date,
    last_day: date,
    now: datetime,
    actor: Person | None = None,
) -> CalendarOverrideRow:
    """Save a holiday period (放假); its days stop counting as working days."""
    require_supervisor(actor, MAINTAIN)
    name = _check_name(name)
    if not name:
        raise LedgerError("请写明节日名称，例如：/holiday add 春节 2027-02-06 2027-02-13")
    if last_day < first_day:
        raise LedgerError("结束日期早于开始日期，请检查。")
    if (last_day - first_day).days + 1 > LONGEST_HOLIDAY_DAYS:
        raise LedgerError(f"假期超过 {LONGEST_HOLIDAY_DAYS} 天，请检查日期是否写错。")
    return _save(
        session,
        CalendarOverrideRow(name=name, first_day=first_day, last_day=last_day, is_workday=False),
        actor,
        now,
    )


def add_makeup_workday(
    session: Session, *, day: date, name: str, now: datetime, actor: Person | None = None
) -> CalendarOverrideRow:
    """Save a make-up working day (调休上班), usually a weekend day next to a holiday."""
    require_supervisor(actor, MAINTAIN)
    row = CalendarOverrideRow(
        name=_check_name(name) or "调休上班", first_day=day, last_day=day, is_workday=True
    )
    return _save(session, row, actor, now)


def _save(
    session: Session, row: CalendarOverrideRow, actor: Person | None, now: datetime
) -> CalendarOverrideRow:
    duplicate = session.scalar(
        select(CalendarOverrideRow.id).where(
            CalendarOverrideRow.first_day == row.first_day,
            CalendarOverrideRow.last_day == row.last_day,
            CalendarOverrideRow.is_workday == row.is_workday,
        )
    )
    if duplicate is not None:
        raise LedgerError(f"这条安排已经登记过了（编号 {duplicate}）。")
    row.created_by_id = actor.id if actor else None
    row.created_at = now
    session.add(row)
    session.commit()
    return row


def remove_override(session: Session, override_id: int, *, actor: Person | None = None) -> str:
    """Delete one override; returns its name for the confirmation."""
    require_supervisor(actor, MAINTAIN)
    row = session.get(CalendarOverrideRow, override_id)
    if row is None:
        raise LedgerError(f"没有编号为 {override_id} 的节假日安排，请用 /holiday 查看编号。")
    name = row.name
    session.delete(row)
    session.commit()
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
