"""Duty rosters kept in the ledger: which holiday is collected, saving a submission, coverage.

The reading and the 24-hour check are `bot.duty` (plain values); this module
stores a unit's submission as a new version (the old one kept, not current)
and checks every unit's current roster for a holiday period.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, selectinload

from bot.calendar.workcalendar import HolidayPeriod, WorkCalendar
from bot.core.access import Actor, Refusal, person_id
from bot.duty import CoverageReport, DutyShift, check_roster
from db.models import DutyRoster, RosterShift, Unit

LOOKAHEAD_DAYS = 60  # rosters are collected for a holiday starting within this many days


def collected_period(calendar: WorkCalendar, today: date) -> HolidayPeriod | None:
    """The holiday rosters are collected for: the one under way, else the next one soon."""
    running = calendar.holiday_period(today)
    if running is not None:
        return running
    coming = calendar.holidays_between(today, today + timedelta(days=LOOKAHEAD_DAYS))
    return coming[0] if coming else None


def save_roster(
    session: Session,
    *,
    unit: Unit,
    period: HolidayPeriod,
    shifts: list[DutyShift],
    actor: Actor,
    now: datetime,
    zone: ZoneInfo,
) -> DutyRoster:
    """Store `unit`'s roster for `period` as its new current version."""
    if not shifts:
        raise Refusal("值班表是空的，没有保存。")
    previous = session.scalar(
        select(DutyRoster.version)
        .where(DutyRoster.unit_id == unit.id, DutyRoster.first_day == period.first_day)
        .order_by(DutyRoster.version.desc())
        .limit(1)
    )
    session.execute(
        update(DutyRoster)
        .where(
            DutyRoster.unit_id == unit.id,
            DutyRoster.first_day == period.first_day,
            DutyRoster.current,
        )
        .values(current=False)
        .execution_options(synchronize_session=False)
    )
    roster = DutyRoster(
        unit=unit,
        first_day=period.first_day,
        last_day=period.last_day,
        version=(previous or 0) + 1,
        current=True,
        submitted_by_id=person_id(actor),
        submitted_at=now,
    )
    session.add(roster)
    session.flush()  # the unique current roster per unit and period is the rule
    # The shifts in one executemany: a county's file is some 20,000 of them.
    session.execute(
        insert(RosterShift),
        [
            {
                "roster_id": roster.id,
                "starts_at": shift.start.replace(tzinfo=zone),
                "ends_at": shift.end.replace(tzinfo=zone),
                "post": shift.post,
                "name": shift.name,
                "phone": shift.phone,
            }
            for shift in shifts
        ],
    )
    return roster


def import_rosters(
    session: Session,
    *,
    period: HolidayPeriod,
    shifts: list[DutyShift],
    actor: Actor,
    now: datetime,
    zone: ZoneInfo,
) -> list[DutyRoster]:
    """A county's file: each unit's shifts saved as that unit's new version, or nothing.

    Every unit the file names must exist (a typo would otherwise file a roster
    nobody is held to); the caller's unit of work keeps all or none.
    """
    by_unit: dict[str, list[DutyShift]] = {}
    for shift in shifts:
        by_unit.setdefault(shift.unit, []).append(shift)
    units = {
        unit.name: unit
        for unit in session.scalars(select(Unit).where(Unit.name.in_(list(by_unit))))
    }
    unknown = [name for name in by_unit if name not in units]
    if unknown:
        rows = {name: min(s.line for s in by_unit[name]) for name in unknown}
        named = "、".join(f"“{name}”（第 {row} 行起）" for name, row in rows.items())
        raise Refusal(
            f"没有这些单位：{named}。请核对单位名称（/units 或 python -m bot status），未导入。"
        )
    return [
        save_roster(
            session,
            unit=units[name],
            period=period,
            shifts=unit_shifts,
            actor=actor,
            now=now,
            zone=zone,
        )
        for name, unit_shifts in sorted(by_unit.items())
    ]


def coverage(
    session: Session, period: HolidayPeriod, *, zone: ZoneInfo, unit_ids: list[int] | None = None
) -> CoverageReport:
    """Every unit's current roster for `period` checked against the 24-hour rule."""
    units = session.scalars(select(Unit).order_by(Unit.name))
    if unit_ids is not None:
        units = session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.name))
    names = [unit.name for unit in units]
    rosters = session.scalars(
        select(DutyRoster)
        .where(DutyRoster.first_day == period.first_day, DutyRoster.current)
        .options(selectinload(DutyRoster.shifts), selectinload(DutyRoster.unit))
    )
    shifts = [
        DutyShift(
            unit=roster.unit.name,
            start=row.starts_at.astimezone(zone).replace(tzinfo=None),
            end=row.ends_at.astimezone(zone).replace(tzinfo=None),
            post=row.post,
            name=row.name,
            phone=row.phone,
        )
        for roster in rosters
        if roster.unit.name in names
        for row in roster.shifts
    ]
    return check_roster(shifts, period.first_day, period.last_day, units=names)


def duty_status_lines(
    session: Session, calendar: WorkCalendar, today: date, *, zone: ZoneInfo, limit: int = 10
) -> list[str]:
    """For the supervisors' digest while a holiday's rosters are collected or under way."""
    period = collected_period(calendar, today)
    if period is None or (period.first_day - today).days > 14:
        return []
    report = coverage(session, period, zone=zone)
    missing = [unit.unit for unit in report.units if not unit.submitted]
    gaps = [unit.unit for unit in report.units if unit.submitted and not unit.covered]
    covered = len(report.units) - len(missing) - len(gaps)
    lines = [
        f"{period.name}值班表：全覆盖 {covered} 个单位，"
        f"有空档 {len(gaps)} 个，未报 {len(missing)} 个"
    ]
    if gaps:
        lines.append(
            "有空档："
            + "、".join(gaps[:limit])
            + (f" 等 {len(gaps)} 个" if len(gaps) > limit else "")
        )
    if missing:
        lines.append(
            "未报送："
            + "、".join(missing[:limit])
            + (f" 等 {len(missing)} 个" if len(missing) > limit else "")
        )
    return lines
