"""Benchmark: the /status chart and the weekly 督查通报 for 300 units and 100,000 tasks.

    python -m benchmarks.bench_bulletin                       # SQLite (temporary file)
    python -m benchmarks.bench_bulletin postgresql+psycopg://postgres@127.0.0.1/test

The ledger is `bench_summary`'s (300 units, 100,000 tasks, 100,000 reports),
plus 2,000 verifications in the audit trail during the bulletin's week. Each
run times, from a fresh session: the summary (overdue list cut at 100), the
week's verified tasks, the /status chart, and the .docx with its own chart,
written to memory. The whole must stay under 3 s. Then a past week's figures
(last week, as it stood at its end: every task created by then read and walked
back through this week's 2,000 audit rows, `bot.reports.bulletin.past`), timed
alone, since the chart and .docx cost the same for any week.
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import time
from datetime import timedelta

from sqlalchemy import insert, select

from benchmarks.bench_summary import NOW, TASKS, UNITS, ZONE, build
from bot.calendar.workcalendar import OFFICIAL_CALENDAR
from bot.ledger.lights import yellow_cutoff
from bot.reports.bulletin import (
    BULLETIN_OVERDUE_LIMIT,
    IsoWeek,
    tasks_verified_in_week,
    write_bulletin,
)
from bot.reports.bulletin.past import summary_then
from bot.reports.charts import render_chart
from bot.reports.summary import ledger_summary
from db.models import Task, TaskEvent, TaskState
from db.scratch import scratch_database
from db.session import make_session_factory

VERIFIED_THIS_WEEK = 2_000
BUDGET_S = 3.0


def add_verifications(engine) -> None:  # type: ignore[no-untyped-def]
    """Audit rows for tasks verified since Monday, as `bot.ledger.changes` writes them."""
    rng = random.Random(7)
    week_start, _ = IsoWeek.of(NOW, ZONE).bounds(ZONE)
    seconds = int((NOW - week_start).total_seconds())
    with engine.begin() as connection:
        verified = connection.scalars(select(Task.id).where(Task.state == TaskState.VERIFIED))
        chosen = rng.sample(list(verified), VERIFIED_THIS_WEEK)
        connection.execute(
            insert(TaskEvent),
            [
                {
                    "task_id": task_id,
                    "created_at": week_start + timedelta(seconds=rng.randint(0, seconds - 1)),
                    "field": "state",
                    "old_value": TaskState.REPORTED_DONE.value,
                    "new_value": TaskState.VERIFIED.value,
                }
                for task_id in chosen
            ],
        )


def measure(engine, runs: int = 5) -> list[dict[str, float]]:  # type: ignore[no-untyped-def]
    sessions = make_session_factory(engine)
    week = IsoWeek.of(NOW, ZONE)
    timings = []
    for _ in range(runs):
        with sessions() as session:
            lap = {}
            started = time.perf_counter()
            summary = ledger_summary(
                session,
                now=NOW,
                yellow_until=yellow_cutoff(NOW, OFFICIAL_CALENDAR, 3, ZONE),
                overdue_limit=BULLETIN_OVERDUE_LIMIT,
            )
            lap["summary"] = time.perf_counter() - started
            mark = time.perf_counter()
            verified = tasks_verified_in_week(session, week, zone=ZONE)
            lap["verified"] = time.perf_counter() - mark
            mark = time.perf_counter()
            png = render_chart(summary, zone=ZONE)
            lap["chart"] = time.perf_counter() - mark
            mark = time.perf_counter()
            document = io.BytesIO()
            write_bulletin(
                document,
                summary=summary,
                last_week=summary,
                issue_number=47,
                week=week,
                verified_this_week=verified,
                zone=ZONE,
            )
            lap["docx"] = time.perf_counter() - mark
            lap["total"] = time.perf_counter() - started
        timings.append(lap)
    assert summary.totals.total == TASKS and len(summary.units) == UNITS
    assert len(verified) == VERIFIED_THIS_WEEK and png.startswith(b"\x89PNG")
    print(f"  docx {len(document.getvalue()) / 1024:.0f} KiB, chart {len(png) / 1024:.0f} KiB")
    return timings


def measure_past(engine, runs: int = 5) -> list[float]:  # type: ignore[no-untyped-def]
    """Last week's summary as it stood, from a fresh session each run (seconds)."""
    sessions = make_session_factory(engine)
    _, moment = IsoWeek.of(NOW, ZONE).previous().bounds(ZONE)
    moment -= timedelta(microseconds=1)
    laps = []
    for _ in range(runs):
        with sessions() as session:
            started = time.perf_counter()
            past = summary_then(
                session,
                moment=moment,
                yellow_until=yellow_cutoff(moment, OFFICIAL_CALENDAR, 3, ZONE),
                stale_days=7,
                overdue_limit=BULLETIN_OVERDUE_LIMIT,
            )
            laps.append(time.perf_counter() - started)
    print(f"  past week: {past.totals.total} tasks then, {past.totals.verified} verified then")
    return laps


def main(url: str | None) -> None:
    with scratch_database(url) as engine:
        started = time.perf_counter()
        build(engine)
        add_verifications(engine)
        print(f"{engine.dialect.name}: built in {time.perf_counter() - started:.1f} s")
        timings = measure(engine)
        for part in ("summary", "verified", "chart", "docx", "total"):
            values = [lap[part] * 1000 for lap in timings]
            print(
                f"  {part:<8} median {statistics.median(values):5.0f} ms"
                f"  min {min(values):5.0f}  max {max(values):5.0f}  over {len(values)} runs"
            )
        past = [lap * 1000 for lap in measure_past(engine)]
        print(
            f"  {'past':<8} median {statistics.median(past):5.0f} ms"
            f"  min {min(past):5.0f}  max {max(past):5.0f}  over {len(past)} runs"
        )
        worst = max(lap["total"] for lap in timings)
        verdict = "within" if worst < BUDGET_S else "OVER"
        print(f"  worst total {worst:.2f} s: {verdict} {BUDGET_S} s")
        if worst >= BUDGET_S:
            sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
