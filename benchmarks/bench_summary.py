"""Benchmark: the ledger summary over 100,000 tasks in 300 units.

    python -m benchmarks.bench_summary                       # SQLite (temporary file)
    python -m benchmarks.bench_summary postgresql+psycopg://postgres@127.0.0.1/test

With a PostgreSQL URL a fresh database is created next to the given one and
dropped afterwards. Prints the build time and the summary's timings.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

from bot.calendar.workcalendar import OFFICIAL_CALENDAR
from bot.ledger.lights import yellow_cutoff
from bot.reports.summary import ledger_summary
from db.models import Person, ProgressReport, Role, Task, TaskState, Unit, UnitKind
from db.scratch import scratch_database
from db.session import make_session_factory

UNITS = 300
TASKS = 100_000
REPORTS = 100_000
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def build(engine) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(42)
    states = [TaskState.OPEN] * 7 + [
        TaskState.REPORTED_DONE,
        TaskState.VERIFIED,
        TaskState.VERIFIED,
    ]
    with engine.begin() as connection:
        connection.execute(
            insert(Unit),
            [
                {"name": f"单位{i:03d}", "kind": UnitKind.TOWNSHIP, "created_at": NOW}
                for i in range(UNITS)
            ],
        )
        connection.execute(
            insert(Person),
            [
                {"name": f"领导{i}", "role": Role.LEADER, "active": True, "created_at": NOW}
                for i in range(40)
            ],
        )
        rows = []
        for number in range(1, TASKS + 1):
            deadline = NOW + timedelta(hours=rng.randint(-24 * 60, 24 * 120))
            created = NOW - timedelta(days=rng.randint(1, 200))
            rows.append(
                {
                    "code": f"DB-{number:06d}",
                    "title": f"督办事项{number}",
                    "details": "",
                    "source": "",
                    "lead_unit_id": rng.randint(1, UNITS),
                    "lead_leader_id": rng.randint(1, 40),
                    "deadline": deadline if rng.random() > 0.02 else None,
                    "percent": rng.randint(0, 100),
                    "state": rng.choice(states),
                    "needs_help": False,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        connection.execute(insert(Task), rows)
        connection.execute(
            insert(ProgressReport),
            [
                {
                    "task_id": rng.randint(1, TASKS),
                    "created_at": NOW - timedelta(hours=rng.randint(1, 24 * 90)),
                    "text": "进展",
                    "needs_help": False,
                    "channel": "reply",
                }
                for _ in range(REPORTS)
            ],
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def measure(engine, runs: int = 7) -> list[float]:  # type: ignore[no-untyped-def]
    sessions = make_session_factory(engine)
    timings = []
    for _ in range(runs):
        with sessions() as session:
            started = time.perf_counter()
            cutoff = yellow_cutoff(NOW, OFFICIAL_CALENDAR, 3, ZONE)
            summary = ledger_summary(session, now=NOW, yellow_until=cutoff)
            timings.append(time.perf_counter() - started)
    assert summary.totals.total == TASKS and len(summary.units) == UNITS
    return timings


def main(url: str | None) -> None:
    with scratch_database(url) as engine:
        started = time.perf_counter()
        build(engine)
        print(
            f"{engine.dialect.name}: built {UNITS} units, {TASKS} tasks, {REPORTS} reports "
            f"in {time.perf_counter() - started:.1f} s"
        )
        timings = measure(engine)
        print(
            f"{engine.dialect.name}: summary median {statistics.median(timings) * 1000:.0f} ms, "
            f"min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
            f"over {len(timings)} runs"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
