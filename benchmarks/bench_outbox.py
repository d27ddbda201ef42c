"""Benchmark: the reminder outbox (planning, claiming, memory, sending) on a fixed clock.

    python -m benchmarks.bench_outbox                       # SQLite (temporary files)
    python -m benchmarks.bench_outbox postgresql+psycopg://postgres@127.0.0.1/test
    python -m benchmarks.bench_outbox --parts plan,send     # some parts only

With a PostgreSQL URL fresh databases are created next to the given one and
dropped afterwards. The clock is Tuesday 2026-10-20 10:00 Asia/Shanghai, a
working day, after digest time (08:30) and reminder time (09:00). Parts:

1. plan: 100,000 open tasks in 300 units, one bound member each (the 40 lead
   leaders are not bound, so no escalations). 6 % of the deadlines are 1–66
   days past, the rest 0–120 days ahead, at 18:00. Times every ladder computed
   with `jobs.schedule.reminded_today` (the reminder points), the planners
   (`jobs.ledger`, `jobs.reports`, `jobs.duty`) for the day (through
   `jobs.scan.plan_now`, with and without the 08:30 digests)
   and, as the alternative, one APScheduler date job per reminder point of a
   20,000-task sample in `SQLAlchemyJobStore` on the same kind of database;
   the last line sets one stored job against a point computed and against an
   outbox row written (the reminders-only plan divided by its rows).
2. claim: 1,000,000 tasks (the same 100,000 open ones plus 900,000 verified),
   990,000 outbox rows of earlier days (sent, cancelled, dead, a few waiting for
   a retry or leased by another sender) plus the day `plan` writes; times
   `jobs.outbox.claim(runtime, now, 200)` until the due rows run out.
3. memory: peak RSS (VmHWM in /proc/self/status; see `_status_kb`) of a fresh
   process that opens the database, plans the day and claims once, on the
   1,000,000-task ledger and on the same ledger at 1/100 (10,000 tasks).
4. send: 1,000 digests to distinct private chats through the real application
   (`bot.app.build_application`, so PTB's `AIORateLimiter`) against a local fake
   Bot API with no limit of its own; `send_due` until nothing is left, then the
   fake's messages are compared with the rows marked sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as clock
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, event, func, insert, select, text
from sqlalchemy.orm import Session

from bot.calendar.overrides import load_calendar
from bot.core.transaction import unit_of_work
from bot.outbox.rows import Planned, enqueue
from bot.runtime import Runtime
from bot.settings import Settings
from db.models import (
    Base,
    ButtonRef,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    Role,
    Task,
    TaskState,
    Unit,
    UnitKind,
)
from db.scratch import scratch_database
from db.session import make_engine, make_session_factory
from jobs.outbox import claim, send_due
from jobs.scan import plan_now
from jobs.schedule import ladder, reminded_today

ROOT = Path(__file__).resolve().parents[1]
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 20, 10, 0, tzinfo=ZONE)  # a Tuesday, a working day
TODAY = NOW.date()
DAY = timedelta(days=1)
UNITS = 300
LEADERS = 40
MEMBER_IDS = 10_000  # the bound member of unit u is Telegram user MEMBER_IDS + u
OPEN_TASKS = 100_000
OVERDUE_SHARE = 0.06  # of the open tasks: due 1-66 days ago; the rest due 0-120 days ahead
APS_SAMPLE = 20_000
BIG_TASKS = 1_000_000
HISTORY_ROWS = 990_000  # outbox rows of earlier days; the day's plan adds about 10,000
CLAIM_LIMIT = 200
DIGESTS = 1_000
TOKEN = "123456789:AAH" + "abcdefghijklmnopqrstuvwxyzABCDEF"
CHUNK = 50_000
BUTTONS_JSON = json.dumps(
    [[["DB-0000001 报告进展", "b:abcdefghijklmnop"], ["DB-0000001 已完成", "b:bcdefghijklmnopq"]]],
    ensure_ascii=False,
)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def spread(values: list[float], unit: Callable[[float], str] = ms) -> str:
    if len(values) == 1:
        return unit(values[0])
    middle, low, high = (unit(f(values)) for f in (statistics.median, min, max))
    return f"median {middle} (min {low}, max {high}, n={len(values)})"


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def runtime_for(engine: Engine, **overrides: Any) -> Runtime:
    settings = Settings(_env_file=None, database_url=url_of(engine), **overrides)  # type: ignore[call-arg]
    return Runtime(settings, engine, make_session_factory(engine), lambda: NOW)


# --- the ledger ---------------------------------------------------------------------------


def _deadline(rng: random.Random) -> datetime:
    if rng.random() < OVERDUE_SHARE:
        day = TODAY - timedelta(days=rng.randint(1, 66))
    else:
        day = TODAY + timedelta(days=rng.randint(0, 120))
    return datetime.combine(day, clock(18), tzinfo=ZONE)


def build(engine: Engine, *, open_tasks: int, closed_tasks: int = 0, history: int = 0) -> None:
    """Units, bound members, leaders, tasks and earlier days' outbox rows, by core inserts.

    The open tasks come first and from their own seed, so every ledger holds the
    same open tasks whatever is added after them.
    """
    long_ago = NOW - timedelta(days=400)
    with engine.begin() as connection:
        connection.execute(
            insert(Unit),
            [
                {"name": f"单位{i:03d}", "kind": UnitKind.TOWNSHIP, "created_at": long_ago}
                for i in range(1, UNITS + 1)
            ],
        )
        connection.execute(
            insert(Person),
            [
                {"name": f"领导{i}", "role": Role.LEADER, "active": True, "created_at": long_ago}
                for i in range(LEADERS)
            ],
        )
        connection.execute(
            insert(Person),
            [
                {
                    "name": f"联络员{unit}",
                    "role": Role.MEMBER,
                    "unit_id": unit,
                    "telegram_user_id": MEMBER_IDS + unit,
                    "active": True,
                    "created_at": long_ago,
                }
                for unit in range(1, UNITS + 1)
            ],
        )
    open_rng, closed_rng = random.Random(42), random.Random(43)
    total = open_tasks + closed_tasks
    for start in range(1, total + 1, CHUNK):
        rows = []
        for number in range(start, min(start + CHUNK, total + 1)):
            if number <= open_tasks:
                rng, state, deadline = open_rng, TaskState.OPEN, _deadline(open_rng)
            else:
                rng, state = closed_rng, TaskState.VERIFIED
                deadline = NOW - timedelta(days=closed_rng.randint(1, 1000))
            created = deadline - timedelta(days=rng.randint(30, 200))
            rows.append(
                {
                    "code": f"DB-{number:07d}",
                    "title": f"督办事项{number}",
                    "details": "",
                    "source": "",
                    "lead_unit_id": rng.randint(1, UNITS),
                    "lead_leader_id": rng.randint(1, LEADERS),
                    "deadline": deadline,
                    "percent": rng.randint(0, 100),
                    "state": state,
                    "needs_help": False,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(Task), rows)
    _history(engine, history, total)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _history(engine: Engine, rows: int, tasks: int) -> None:
    """Earlier days' outbox rows: mostly sent, some cancelled or dead, a few still waiting."""
    rng = random.Random(44)
    retrying = rows // 20_000  # failed escalations waiting for a later try (not due at NOW)
    leased = rows // 50_000  # claimed by another sender whose lease runs past NOW
    for start in range(0, rows, CHUNK):
        values = []
        for number in range(start, min(start + CHUNK, rows)):
            due = datetime.combine(TODAY - timedelta(days=rng.randint(1, 150)), clock(9), ZONE)
            chat = MEMBER_IDS + rng.randint(1, UNITS)
            roll = rng.random()
            kind = (
                OutboxKind.REMINDER
                if roll < 0.95
                else OutboxKind.DIGEST
                if roll < 0.98
                else OutboxKind.ESCALATION
            )
            roll = rng.random()
            state = (
                OutboxState.SENT
                if roll < 0.92
                else OutboxState.CANCELLED
                if roll < 0.99
                else OutboxState.DEAD
            )
            next_try, lease = due, None
            if number < retrying:
                kind, state = OutboxKind.ESCALATION, OutboxState.FAILED
                next_try = NOW + timedelta(minutes=30)
            elif number < retrying + leased:
                kind, state = OutboxKind.ESCALATION, OutboxState.SENDING
                lease = NOW + timedelta(minutes=2)
            sent = state == OutboxState.SENT
            values.append(
                {
                    "key": f"h:{number}",
                    "channel": "telegram",
                    "chat_id": chat,
                    "kind": kind,
                    "task_id": None if kind == OutboxKind.DIGEST else rng.randint(1, tasks),
                    "text": f"🔴 DB-{rng.randint(1, tasks):07d} 督办事项 · 截止 2026-09-30（周三）"
                    "18:00 · 已逾期3天",
                    "buttons": BUTTONS_JSON if kind == OutboxKind.REMINDER else None,
                    "due_at": due,
                    "state": state,
                    "attempts": 1,
                    "next_try_at": next_try,
                    "claimed_until": lease,
                    "sent_at": due + timedelta(seconds=rng.randint(1, 600)) if sent else None,
                    "message_ids": str(number) if sent else None,
                    "last_error": None if sent else "已过期：由今天的提醒代替",
                    "created_at": due - timedelta(hours=9),
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(OutboxMessage), values)


def reset_day(engine: Engine, *, buttons: bool) -> None:
    """Forget what planning wrote at NOW (today's rows, the day's snapshot; buttons if asked)."""
    start = datetime.combine(TODAY, clock(0), ZONE)
    with engine.begin() as connection:
        connection.execute(delete(OutboxMessage).where(OutboxMessage.created_at >= start))
        snapshots = Base.metadata.tables.get("unit_snapshots")
        if snapshots is not None:
            connection.execute(delete(snapshots).where(snapshots.c.day == TODAY))
        if buttons:
            connection.execute(delete(ButtonRef))
    if engine.dialect.name == "postgresql":
        # The same keys are planned again: without this their dead index entries slow the
        # key lookups (1.5-2 s more), which a real day, with new keys, does not see.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE outbox"))
            connection.execute(text("VACUUM ANALYZE button_refs"))


def today_rows(engine: Engine) -> Counter[str]:
    start = datetime.combine(TODAY, clock(0), ZONE)
    with engine.connect() as connection:
        return Counter(
            dict(
                connection.execute(
                    select(OutboxMessage.kind, func.count())
                    .where(OutboxMessage.created_at >= start)
                    .group_by(OutboxMessage.kind)
                ).all()
            )
        )


# --- part 1: the ladders, planning, and APScheduler ----------------------------------------


def reminder_days(due_day: date, reminder_days_: tuple[int, ...], calendar) -> list[date]:  # type: ignore[no-untyped-def]
    """Every day the task is reminded: each day of its ladder and, when overdue, up to today."""
    day, last = min(ladder(due_day, reminder_days_, calendar)), max(due_day, TODAY)
    days = []
    while day <= last:
        if reminded_today(due_day, day, reminder_days_, calendar):
            days.append(day)
        day += DAY
    return days


def all_ladders(runtime: Runtime) -> tuple[float, dict[int, tuple[int, list[date]]], Counter[str]]:
    """Read the open tasks' deadlines and compute every reminder day of every task."""
    started = time.perf_counter()
    days_before = runtime.settings.reminder_days
    with runtime.sessions() as session:
        calendar = load_calendar(session)
        rows = session.execute(
            select(Task.id, Task.lead_unit_id, Task.deadline).where(Task.state == TaskState.OPEN)
        ).all()
    points: dict[int, tuple[int, list[date]]] = {}
    for task_id, unit_id, deadline in rows:
        due_day = deadline.astimezone(ZONE).date()
        points[task_id] = (unit_id, reminder_days(due_day, days_before, calendar))
    elapsed = time.perf_counter() - started
    # How the points are counted (not timed): the raw ladder, the overdue days, the days sent.
    tally: Counter[str] = Counter()
    for _, _, deadline in rows:
        due_day = deadline.astimezone(ZONE).date()
        tally["ladder"] += len(ladder(due_day, days_before, calendar))
        day = due_day + DAY
        while day <= TODAY:
            tally["overdue"] += calendar.is_workday(day)
            day += DAY
        tally["overdue tasks"] += due_day < TODAY
    tally["reminder days"] = sum(len(days) for _, days in points.values())
    tally["reminded today"] = sum(TODAY in days for _, days in points.values())
    return elapsed, points, tally


def remind(task_id: int, chat_id: int) -> None:
    """The APScheduler job: nothing (only storing the jobs is timed)."""


def apscheduler_store(
    engine: Engine, points: dict[int, tuple[int, list[date]]]
) -> tuple[float, int]:
    """One date job per reminder point of the first APS_SAMPLE tasks, in SQLAlchemyJobStore."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    table = "apscheduler_jobs_bench"
    store = SQLAlchemyJobStore(url=url_of(engine), tablename=table)
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone=ZONE)
    scheduler.start(paused=True)  # jobs are written to the store at once and never run
    sample = sorted(points)[:APS_SAMPLE]
    jobs = [
        (f"r:{task_id}:{day}", datetime.combine(day, clock(9), ZONE), task_id, unit)
        for task_id in sample
        for unit, days in [points[task_id]]
        for day in days
    ]
    try:
        started = time.perf_counter()
        for job_id, run_date, task_id, unit in jobs:
            scheduler.add_job(
                remind,
                "date",
                run_date=run_date,
                id=job_id,
                args=(task_id, MEMBER_IDS + unit),
                misfire_grace_time=None,
            )
        elapsed = time.perf_counter() - started
        with engine.connect() as connection:
            stored = connection.scalar(text(f"SELECT count(*) FROM {table}"))
        assert stored == len(jobs), (stored, len(jobs))
    finally:
        scheduler.remove_all_jobs()  # else shutting down runs the past ones once
        scheduler.shutdown(wait=False)
        store.engine.dispose()
        with engine.begin() as connection:
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
    return elapsed, len(jobs)


def timed_plan(runtime: Runtime) -> tuple[float, int]:
    started = time.perf_counter()
    written = plan_now(runtime, NOW)
    return time.perf_counter() - started, written


def part_plan(url: str | None) -> None:
    with scratch_database(url) as engine:
        name = engine.dialect.name
        started = time.perf_counter()
        build(engine, open_tasks=OPEN_TASKS)
        print(f"{name}: built {OPEN_TASKS:,} open tasks in {time.perf_counter() - started:.1f} s")
        runtime = runtime_for(engine)
        ladder_times = []
        for _ in range(2):
            elapsed, points, tally = all_ladders(runtime)
            ladder_times.append(elapsed)
        total = tally["reminder days"]
        print(
            f"{name}: reminder points: {tally['ladder']:,} ladder points (jobs.schedule.ladder) + "
            f"{tally['overdue']:,} overdue working days up to today "
            f"({tally['overdue tasks']:,} overdue tasks) = {tally['ladder'] + tally['overdue']:,}; "
            f"distinct reminded days (at most one a task a day, days off moved): {total:,}; "
            f"reminded today: {tally['reminded today']:,}"
        )
        print(
            f"{name}: all ladders of {len(points):,} tasks (read + reminded_today over each "
            f"day): {spread(ladder_times)}; "
            f"{statistics.median(ladder_times) / total * 1e6:.2f} µs a point"
        )

        # The day's first plan at 10:00: reminders, then the snapshot and the 08:30 digests.
        cold, cold_rows = timed_plan(runtime)
        kinds = today_rows(engine)
        # One bound member a unit: planning's reminders are exactly the ladders' points today.
        assert kinds[OutboxKind.REMINDER] == tally["reminded today"], kinds
        again = [timed_plan(runtime)[0] for _ in range(3)]
        print(
            f"{name}: plan (first pass of the day, no button rows yet): {ms(cold)}, "
            f"{cold_rows:,} rows ({kinds[OutboxKind.REMINDER]:,} reminders, "
            f"{kinds[OutboxKind.ESCALATION]:,} escalations, {kinds[OutboxKind.DIGEST]:,} digests)"
        )
        print(f"{name}: plan again (every later scan, nothing new): {spread(again)}")
        warm = []
        for _ in range(2):
            reset_day(engine, buttons=False)
            warm.append(timed_plan(runtime)[0])
        print(f"{name}: plan (first pass, button rows kept from an earlier day): {spread(warm)}")

        # Reminders alone (digest time moved past NOW): the cost per reminder row.
        reminders_only = runtime_for(engine, digest_time=clock(21))
        alone, rows_alone = [], 0
        for buttons in (True, False):
            reset_day(engine, buttons=buttons)
            elapsed, rows_alone = timed_plan(reminders_only)
            alone.append(elapsed)
        per_row = statistics.median(alone) / rows_alone
        print(
            f"{name}: plan, reminders only (digest time 21:00): cold {ms(alone[0])}, "
            f"warm {ms(alone[1])} for {rows_alone:,} rows = {per_row * 1e6:.0f} µs a reminder"
        )

        aps, jobs = apscheduler_store(engine, points)
        per_job = aps / jobs
        print(
            f"{name}: APScheduler SQLAlchemyJobStore, {APS_SAMPLE:,}-task sample: {jobs:,} date "
            f"jobs in {aps:.1f} s = {per_job * 1e6:.0f} µs a reminder; "
            f"for all {total:,} points that is {per_job * total:.0f} s"
        )
        per_point = statistics.median(ladder_times) / total
        warm_row = alone[1] / rows_alone
        print(
            f"{name}: per reminder, APScheduler {per_job * 1e6:.0f} µs a stored job, ours "
            f"{per_point * 1e6:.1f} µs a point computed = {per_job / per_point:.0f}x faster "
            f"(nothing is stored ahead) | {per_row * 1e6:.0f} µs an outbox row written "
            f"(cold and warm; warm alone {warm_row * 1e6:.0f} µs) = {per_job / per_row:.1f}x "
            f"faster ({per_job / warm_row:.1f}x warm; both durable writes) | goal: at least 25x"
        )


# --- parts 2 and 3: claiming at 1,000,000 tasks, and memory ---------------------------------


def _status_kb(field: str) -> int:
    """A figure of /proc/self/status in kB: VmHWM is this process's peak resident set.

    (getrusage's ru_maxrss would do, but Linux carries the parent's peak across
    fork and exec into it, so a child started by a big parent reports the parent's.)
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def probe(url: str, digests: bool) -> None:
    """In a fresh process: plan the day and claim once; print what it cost as JSON."""
    engine = make_engine(url)
    runtime = runtime_for(engine) if digests else runtime_for(engine, digest_time=clock(21))
    with engine.connect() as connection:
        connection.scalar(select(func.count()).select_from(Unit))
    before = _status_kb("VmHWM")
    started = time.perf_counter()
    written = plan_now(runtime, NOW)
    planned = time.perf_counter() - started
    claimed = claim(runtime, NOW, CLAIM_LIMIT)
    claimed_in = time.perf_counter() - started - planned
    peak = _status_kb("VmHWM")
    engine.dispose()
    print(
        json.dumps(
            {
                "baseline_mb": before / 1024,
                "peak_mb": peak / 1024,
                "plan_s": planned,
                "claim_s": claimed_in,
                "rows": written,
                "claimed": len(claimed),
            }
        )
    )


def run_probe(engine: Engine, digests: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.bench_outbox", "--probe", url_of(engine)]
    output = subprocess.run(
        [*command] if digests else [*command, "--no-digests"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


PROBES = (  # (label, forget the button rows first?, digests?)
    ("cold", True, True),
    ("warm", False, True),
    ("warm, reminders only", False, False),
)


def probes(engine: Engine, label: str) -> list[dict[str, Any]]:
    results = []
    for case, buttons, digests in PROBES:
        reset_day(engine, buttons=buttons)
        result = run_probe(engine, digests)
        results.append(result)
        print(
            f"{engine.dialect.name}: memory at {label} ({case}): "
            f"peak RSS {result['peak_mb']:.0f} MB (after start-up {result['baseline_mb']:.0f} MB, "
            f"+{result['peak_mb'] - result['baseline_mb']:.0f} MB); plan {ms(result['plan_s'])} "
            f"for {result['rows']:,} rows, claim {ms(result['claim_s'])} "
            f"for {result['claimed']} rows"
        )
    return results


def explain_claim(runtime: Runtime) -> list[str]:
    """The database's plan for each SELECT of one real claim.

    Run on a freshly planned day, after the timed rounds (the EXPLAIN adds its own time).
    """
    engine = runtime.engine
    sqlite_ = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite_ else "EXPLAIN "
    plans: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("SELECT outbox.id"):
            cursor.execute(prefix + statement, parameters)
            steps = [str(row[-1]).strip() for row in cursor.fetchall()]
            if not sqlite_:  # the plan's nodes, without their conditions
                steps = [step.split("  (")[0].lstrip("-> ") for step in steps if "cost=" in step]
            plans.append(" > ".join(steps))

    event.listen(engine, "before_cursor_execute", before)
    try:
        claim(runtime, NOW, CLAIM_LIMIT)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return plans


def part_claim(url: str | None) -> None:
    with scratch_database(url) as engine:
        name = engine.dialect.name
        started = time.perf_counter()
        build(
            engine, open_tasks=OPEN_TASKS, closed_tasks=BIG_TASKS - OPEN_TASKS, history=HISTORY_ROWS
        )
        print(
            f"{name}: built {BIG_TASKS:,} tasks ({OPEN_TASKS:,} open) and {HISTORY_ROWS:,} "
            f"outbox rows of earlier days in {time.perf_counter() - started:.1f} s"
        )
        big = probes(engine, f"{BIG_TASKS:,} tasks")
        runtime = runtime_for(engine)
        for round_ in (1, 2):
            reset_day(engine, buttons=False)
            planned, written = timed_plan(runtime)
            with engine.connect() as connection:
                rows = connection.scalar(select(func.count()).select_from(OutboxMessage))
            timings, taken_per_claim = [], []
            while True:
                started = time.perf_counter()
                taken = claim(runtime, NOW, CLAIM_LIMIT)
                timings.append(time.perf_counter() - started)
                if not taken:
                    break
                taken_per_claim.append(len(taken))
            print(
                f"{name}: claim round {round_}: plan {ms(planned)} wrote {written:,} rows "
                f"({rows:,} outbox rows in all); claim(runtime, now, {CLAIM_LIMIT}) until none "
                f"left: {spread(timings[:-1])}; each: "
                + ", ".join(
                    f"{ms(t)} for {n:,} rows"
                    for t, n in zip(timings, taken_per_claim, strict=False)
                )
                + f"; the empty claim after: {ms(timings[-1])}"
            )
        reset_day(engine, buttons=False)
        plan_now(runtime, NOW)
        for number, plan in enumerate(explain_claim(runtime), 1):
            print(f"{name}: the claim's query {number}: {plan}")
    with scratch_database(url) as engine:
        small_tasks = BIG_TASKS // 100
        build(
            engine,
            open_tasks=OPEN_TASKS // 100,
            closed_tasks=small_tasks - OPEN_TASKS // 100,
            history=HISTORY_ROWS // 100,
        )
        small = probes(engine, f"{small_tasks:,} tasks")
    difference = [b["peak_mb"] - s["peak_mb"] for b, s in zip(big, small, strict=True)]
    print(
        f"{name}: peak RSS at {BIG_TASKS:,} tasks minus at {small_tasks:,}: "
        + ", ".join(f"{value:.0f} MB" for value in difference)
        + " ("
        + ", ".join(case for case, _, _ in PROBES)
        + ")"
    )


# --- part 4: sending through a fake Bot API behind PTB's rate limiter ---------------------


class FakeBotApi:
    """Answers getMe and sendMessage like the Bot API, with no limit; counts what it got."""

    def __init__(self) -> None:
        self.received: Counter[int] = Counter()
        self.message_ids: dict[int, list[int]] = {}
        self.other: Counter[str] = Counter()
        self._ids = count(1)
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real Bot API
            # Headers and body go out in two writes; with Nagle on, the body would wait
            # for the client's delayed ACK (40 ms a message), a cost of this fake alone.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(body).items()}
                method = self.path.rsplit("/", 1)[-1]
                answer = json.dumps({"ok": True, "result": api.answer(method, params)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": 123456789, "is_bot": True, "first_name": "督办", "username": "duban_bot"}
        if method != "sendMessage":
            with self._lock:
                self.other[method] += 1
            return True
        chat_id = int(params["chat_id"])
        with self._lock:
            message_id = next(self._ids)
            self.received[chat_id] += 1
            self.message_ids.setdefault(chat_id, []).append(message_id)
        return {
            "message_id": message_id,
            "date": int(NOW.timestamp()),
            "chat": {"id": chat_id, "type": "private", "first_name": "联络员"},
            "text": params.get("text", ""),
        }

    @contextmanager
    def running(self) -> Iterator[FakeBotApi]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


DIGEST_TEXT = "\n".join(
    [
        "📋 单位001 今日督办提醒（2026-10-20（周二））",
        "红灯 2 项，黄灯 3 项：",
        *(f"🔴 DB-000{i:04d} 农村人居环境整治第{i}批 · 逾期{i}天 · 进度40%" for i in range(1, 6)),
        "",
        "如有进展或困难，请及时报县督查室。",
    ]
)


async def _send_all(engine: Engine, fake: FakeBotApi, round_: int) -> tuple[float, int, int]:
    from bot.app import build_application

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url_of(engine),
        telegram_token=TOKEN,
        telegram_api_url=fake.url,
    )
    runtime = Runtime(settings, engine, make_session_factory(engine), lambda: NOW)
    first_chat = 5_000_000 + round_ * DIGESTS
    with unit_of_work(runtime.sessions) as session:
        enqueue(
            session,
            [
                Planned(f"d:{chat}:{TODAY}", chat, OutboxKind.DIGEST, DIGEST_TEXT, NOW)
                for chat in range(first_chat, first_chat + DIGESTS)
            ],
            now=NOW,
        )
    app = build_application(settings, runtime)
    async with app:
        started = time.perf_counter()
        passes = 0
        while True:
            outcome = await send_due(app.bot, runtime, now=NOW, limit=500)
            passes += 1
            if not (outcome.sent or outcome.failed or outcome.dead):
                break
        elapsed = time.perf_counter() - started
    return elapsed, passes, first_chat


def part_send(url: str | None) -> None:
    for round_ in (1, 2):
        with scratch_database(url) as engine, FakeBotApi().running() as fake:
            name = engine.dialect.name
            elapsed, passes, first_chat = asyncio.run(_send_all(engine, fake, round_))
            with Session(engine) as session:
                sent = dict(
                    session.execute(
                        select(OutboxMessage.chat_id, OutboxMessage.message_ids).where(
                            OutboxMessage.state == OutboxState.SENT
                        )
                    ).all()
                )
                waiting = session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.state != OutboxState.SENT)
                )
            chats = set(range(first_chat, first_chat + DIGESTS))
            total = sum(fake.received.values())
            doubled = sum(1 for n in fake.received.values() if n > 1)
            lost = len(chats - set(fake.received))
            matches = all(
                sent.get(chat) == str(ids[0]) for chat, ids in fake.message_ids.items()
            ) and set(sent) == set(fake.received)
            print(
                f"{name}: send round {round_}: {DIGESTS:,} digests in {elapsed:.1f} s "
                f"({passes} send_due passes) = {DIGESTS / elapsed:.1f} messages/s; the fake got "
                f"{total:,} messages for {len(fake.received):,} chats, {lost} lost, {doubled} "
                f"doubled; rows marked sent {len(sent):,}, not sent {waiting}; "
                f"message ids match the rows: {matches}"
            )
            assert total == DIGESTS and lost == 0 and doubled == 0 and matches and not waiting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--parts", default="plan,claim,send", help="plan,claim,send")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--no-digests", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe, digests=not args.no_digests)
        return
    parts = args.parts.split(",")
    if "plan" in parts:
        part_plan(args.url)
    if "claim" in parts:
        part_claim(args.url)
    if "send" in parts:
        part_send(args.url)


if __name__ == "__main__":
    main()
