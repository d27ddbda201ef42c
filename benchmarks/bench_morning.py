"""Benchmark: unsolicited messages per chat per working day, and a morning's planning time,
over a simulated month of the 300-unit county, with and without the morning message.

    python -m benchmarks.bench_morning                     # SQLite (a temporary file)
    python -m benchmarks.bench_morning postgresql+psycopg://postgres@127.0.0.1/test
    python -m benchmarks.bench_morning --days 5            # a shorter month

The ledger is `benchmarks.bench_outbox.build`'s: 300 units with one bound liaison each,
40 lead leaders, 100,000 open tasks (6 % overdue on 2026-10-20, the rest due within 120
days). Here the 40 leaders and two supervisors are bound too, so escalations and the
office's digest are sent. For each working day from 2026-11-02 to 2026-11-30 the clock
is set to 09:00 (after the 08:30 digest and the old 09:00 reminders), one planning pass
runs (`jobs.scan.plan_now`, timed), then every due row is claimed and composed as the
sender would (`jobs.outbox.claim`, `compose`); each composed message counts for its
chat, and the rows are marked sent. Tasks are not reported on meanwhile, so overdue
tasks pile up as in a county that never answers: the worst case for the morning.

Both modes run on the same ledger, one after the other, each from an empty outbox:
`DUBAN_MORNING_MESSAGE=true` (one message a chat a morning) and `false` (the digest,
the reminders at 09:00 and one escalation per overdue task, as before).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import Engine, delete, insert, update

from benchmarks.bench_outbox import LEADERS, OPEN_TASKS, ZONE, build, runtime_for
from bot.outbox.delivery import claim as claim_rows
from bot.runtime import Runtime
from db.models import ButtonRef, OutboxMessage, OutboxState, Person, Role
from db.scratch import scratch_database
from jobs.outbox import compose
from jobs.scan import plan_now

LEADER_IDS = 20_000  # leader n (person id n + 1) is Telegram user LEADER_IDS + n
SUPERVISORS = (30_001, 30_002)


def bind_everyone(engine: Engine) -> None:
    with engine.begin() as connection:
        for n in range(LEADERS):
            connection.execute(
                update(Person)
                .where(Person.name == f"领导{n}")
                .values(telegram_user_id=LEADER_IDS + n)
            )
        connection.execute(
            insert(Person),
            [
                {
                    "name": f"督查员{chat}",
                    "role": Role.SUPERVISOR,
                    "active": True,
                    "telegram_user_id": chat,
                }
                for chat in SUPERVISORS
            ],
        )


def working_days(runtime: Runtime, first: date, last: date) -> list[date]:
    with runtime.sessions() as session:
        calendar = runtime.calendar(session)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return [day for day in days if calendar.is_workday(day)]


def morning(runtime: Runtime, day: date) -> tuple[float, Counter[int]]:
    """Plan at 09:00, then claim and compose everything due: messages per chat."""
    now = datetime.combine(day, clock(9), tzinfo=ZONE)
    runtime.clock = lambda: now
    started = time.perf_counter()
    plan_now(runtime, now)
    planning = time.perf_counter() - started
    per_chat: Counter[int] = Counter()
    while claimed := claim_rows(runtime, now, 5_000, working_hours=True):
        for message in compose(claimed, runtime, now):
            per_chat[message.chat_id] += 1
        with runtime.sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row.id for row in claimed]))
                .values(state=OutboxState.SENT, sent_at=now, claimed_until=None)
            )
    return planning, per_chat


def month(engine: Engine, *, morning_message: bool, days: list[date]) -> dict[str, Any]:
    with engine.begin() as connection:  # each mode from an empty outbox and button table
        connection.execute(delete(OutboxMessage))
        connection.execute(delete(ButtonRef))
    runtime = runtime_for(engine, morning_message=morning_message)
    plans: list[float] = []
    counts: list[int] = []  # one value per chat and working day it heard from the bot
    for day in days:
        planning, per_chat = morning(runtime, day)
        plans.append(planning)
        counts += per_chat.values()
    counts.sort()
    return {
        "chat-days": len(counts),
        "mean": statistics.fmean(counts),
        "p95": counts[int(0.95 * (len(counts) - 1))],
        "max": counts[-1],
        "plan median": statistics.median(plans[1:] or plans),  # the first plan writes buttons
        "plan max": max(plans),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--days", type=int, default=0, help="only the first N working days")
    args = parser.parse_args()
    with scratch_database(args.url) as engine:
        started = time.perf_counter()
        build(engine, open_tasks=OPEN_TASKS)
        bind_everyone(engine)
        name = engine.dialect.name
        print(f"{name}: built {OPEN_TASKS:,} open tasks in {time.perf_counter() - started:.1f} s")
        days = working_days(runtime_for(engine), date(2026, 11, 2), date(2026, 11, 30))
        days = days[: args.days] if args.days else days
        for mode in (True, False):
            figures = month(engine, morning_message=mode, days=days)
            label = "morning message" if mode else "separate (before)"
            print(
                f"{name}: {label:18} {len(days)} working days, {figures['chat-days']:,} chat-days: "
                f"messages per chat per day mean {figures['mean']:.2f}, p95 {figures['p95']}, "
                f"max {figures['max']}; planning a morning median "
                f"{figures['plan median'] * 1000:.0f} ms (max {figures['plan max'] * 1000:.0f} ms)"
            )


if __name__ == "__main__":
    main()
