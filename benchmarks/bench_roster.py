"""Benchmark: the roster check of a county, in memory and from its xlsx; its import
into the ledger; planning the day's duty prompts for it.

    python -m benchmarks.bench_roster                    # the import on SQLite
    python -m benchmarks.bench_roster postgresql+psycopg://postgres@127.0.0.1/test

300 units, the 8 days of 国庆 2026-10-01..10-08, 4 shifts a day per post
(02:00-08:00, 08:00-14:00, 14:00-20:00, 20:00-次日02:00, the eve's night shift
covering the first morning): 19,800 shifts, less the holes below. Each unit has
four leaders and four officers with their own mobiles, so nobody overlaps; one
unit in ten loses one shift (a six-hour gap) so the report has gaps to list.
Targets: the check under 1 s; the county's xlsx read and checked under 10 s,
and imported (read, checked, every unit saved as a version in one unit of work,
as `python -m bot roster import` does) under 10 s.

Then, on that ledger (each unit's 08:00 officer bound, so half the 08:00 shifts
ask someone privately and the leaders' go nowhere), `jobs.duty.plan_duty` at
2026-10-02 08:01: the first scan of a holiday day (600 shift starts, 300
spot-check draws), the next scan (nothing new), and the scan when every
unit's spot check is due at once (300 prompts).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from bot.calendar.workcalendar import HolidayPeriod
from bot.duty import ROSTER_COLUMNS, DutyShift, Post, check_roster, read_roster_xlsx, report_text

UNITS = 300
PERIOD = HolidayPeriod("国庆节", date(2026, 10, 1), date(2026, 10, 8))
STARTS = (2, 8, 14, 20)  # each shift six hours; 20:00 runs to 02:00 the next day
RUNS = 7


def county_rows() -> list[list[str]]:
    """The county's roster as the xlsx rows it would be typed in."""
    rows = []
    for unit_number in range(UNITS):
        unit = f"单位{unit_number:03d}"
        day = PERIOD.first_day - timedelta(days=1)
        while day <= PERIOD.last_day:
            for slot, hour in enumerate(STARTS):
                if day < PERIOD.first_day and hour != 20:
                    continue  # the eve: only the night shift reaches the holiday
                if unit_number % 10 == 0 and day == date(2026, 10, 4) and hour == 14:
                    continue  # one unit in ten leaves a six-hour hole
                for post, label in ((0, "带班领导"), (1, "值班员")):
                    person = unit_number * 8 + post * 4 + slot
                    rows.append(
                        [
                            unit,
                            f"{day.month}月{day.day}日",
                            f"{hour:02d}:00",
                            f"{(hour + 6) % 24:02d}:00",
                            label,
                            f"人员{person:04d}",
                            f"138{person:08d}",
                        ]
                    )
            day += timedelta(days=1)
    return rows


def county_shifts(rows: list[list[str]]) -> list[DutyShift]:
    shifts = []
    for line, (unit, day, start, _end, post, name, phone) in enumerate(rows, start=2):
        month, rest = day.split("月")
        begins = datetime(2026, int(month), int(rest.rstrip("日")), int(start[:2]))
        leader = Post.LEADER if post == "带班领导" else Post.OFFICER
        shifts.append(
            DutyShift(unit, begins, begins + timedelta(hours=6), leader, name, phone, line)
        )
    return shifts


def timed(action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    rows = county_rows()
    shifts = county_shifts(rows)
    print(f"{UNITS} units, {len(shifts)} shifts, {PERIOD.first_day} to {PERIOD.last_day}")

    def check() -> str:
        report = check_roster(shifts, PERIOD.first_day, PERIOD.last_day)
        assert sum(not unit.covered for unit in report.units) == UNITS // 10
        return report_text(report)

    seconds = [timed(check)[0] for _ in range(RUNS)]
    print(
        f"check + report, in memory: median {statistics.median(seconds) * 1000:.0f} ms "
        f"(min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f}, {RUNS} runs)"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "全县国庆值班表.xlsx"
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("值班表")
        sheet.append(ROSTER_COLUMNS)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
        print(f"xlsx: {len(rows)} rows, {path.stat().st_size / 1024:.0f} KiB")

        def read_and_check() -> str:
            reading = read_roster_xlsx(path, period=PERIOD)
            assert reading.ok and len(reading.shifts) == len(rows), reading.errors[:3]
            return report_text(check_roster(reading.shifts, PERIOD.first_day, PERIOD.last_day))

        seconds = [timed(read_and_check)[0] for _ in range(3)]
        print(
            f"xlsx read + check + report: median {statistics.median(seconds):.2f} s "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}, 3 runs)"
        )
        bench_import(path, sys.argv[1] if len(sys.argv) > 1 else None)


def bench_import(path: Path, url: str | None) -> None:
    """Read + check + save every unit (as `roster import`), then plan the duty prompts."""
    from sqlalchemy import func, insert, select, update

    from bot.calendar.workcalendar import OFFICIAL_CALENDAR
    from bot.core.access import SYSTEM
    from bot.core.transaction import unit_of_work
    from bot.duty.storage import coverage, import_rosters
    from bot.settings import Settings
    from db.models import DutyCheck, OutboxMessage, Person, Role, Unit, UnitKind
    from db.scratch import scratch_database
    from db.session import make_session_factory
    from jobs.duty import plan_duty

    zone_settings = Settings(_env_file=None)  # type: ignore[call-arg]
    zone = zone_settings.zone
    with scratch_database(url) as engine:
        sessions = make_session_factory(engine)
        with unit_of_work(sessions) as session:
            session.execute(
                insert(Unit),
                [{"name": f"单位{n:03d}", "kind": UnitKind.OTHER} for n in range(UNITS)],
            )
        seconds = []
        for _ in range(3):
            started = time.perf_counter()
            reading = read_roster_xlsx(path, period=PERIOD)
            with unit_of_work(sessions) as session:
                saved = import_rosters(
                    session,
                    period=PERIOD,
                    shifts=reading.shifts,
                    actor=SYSTEM,
                    now=datetime.now(zone),
                    zone=zone,
                )
                report = coverage(session, PERIOD, zone=zone)
                assert len(saved) == UNITS and not report.ok
            seconds.append(time.perf_counter() - started)
        print(
            f"{engine.dialect.name}: xlsx import (read + save {UNITS} units + check): "
            f"median {statistics.median(seconds):.2f} s "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}, 3 runs)"
        )
        with unit_of_work(sessions) as session:  # each unit's 08:00 officer is bound
            session.execute(
                insert(Person),
                [
                    {
                        "name": f"人员{n * 8 + 4 + 1:04d}",
                        "role": Role.MEMBER,
                        "unit_id": unit_id,
                        "telegram_user_id": 500_000 + n,
                        "active": True,
                    }
                    for n, unit_id in enumerate(
                        session.scalars(select(Unit.id).order_by(Unit.name))
                    )
                ],
            )

        def scan(moment: datetime) -> tuple[float, int]:
            started = time.perf_counter()
            with unit_of_work(sessions) as session:
                written = plan_duty(
                    session,
                    now=moment,
                    settings=zone_settings,
                    calendar=OFFICIAL_CALENDAR,
                    blocked=set(),
                )
            return time.perf_counter() - started, written

        first = datetime(2026, 10, 2, 8, 1, tzinfo=zone)
        for label, moment in (("first scan of the day", first), ("next scan", first)):
            spent, written = scan(moment)
            print(
                f"{engine.dialect.name}: plan_duty, {label}: {spent * 1000:.0f} ms, {written} rows"
            )
        with unit_of_work(sessions) as session:  # every unit's spot check due at 10:00
            session.execute(
                update(DutyCheck).where(DutyCheck.kind == "spot").values(at=first.replace(hour=10))
            )
        spent, written = scan(first.replace(hour=10))
        with unit_of_work(sessions) as session:
            checks = session.scalar(select(func.count()).select_from(DutyCheck))
            rows = session.scalar(select(func.count()).select_from(OutboxMessage))
        print(
            f"{engine.dialect.name}: plan_duty, 300 spot checks due: {spent * 1000:.0f} ms, "
            f"{written} rows ({checks} checks, {rows} outbox rows in all)"
        )


if __name__ == "__main__":
    main()
