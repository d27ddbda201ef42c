"""Benchmark: a supervisor's /status with its chart, and progress replies beside it.

    python -m benchmarks.bench_status                       # SQLite (temporary file)
    python -m benchmarks.bench_status postgresql+psycopg://postgres@127.0.0.1/test
    python -m benchmarks.bench_status --parts status        # or mixed; default both
    python -m benchmarks.bench_status --replies 1000 --rate 40 --rounds 2

On the ledger of `bench_summary` (300 units, 100,000 tasks, 100,000 reports),
with the liaisons and cards of `bench_chat`, real Updates go through
`Application.process_update` with the recording request (no network).

status: /status as a supervisor, the summary text and the chart, timed from
the update to the last message sent: the first (the chart drawn), then with
the ledger unchanged (the chart from the cache), then with the cache emptied
before each (the chart drawn every time).

mixed: `--replies` progress replies arrive at `--rate` a second, each handled
as soon as it arrives (as PTB does with concurrent updates, or as two
processes on one database would), while three supervisors take turns asking
for /status once a second. Each reply's latency is from its arrival to its
answer. It runs with readers beginning as readers, then with every unit of
work beginning IMMEDIATE (`make_session_factory(readers_queue=True)`, the
behaviour before), `--rounds` times each, alternating.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import time

from sqlalchemy import Engine, func, insert, select
from telegram import Update
from telegram.ext import Application

from benchmarks.bench_chat import ADMIN, PHRASES, add_people_and_cards
from benchmarks.bench_summary import NOW, TASKS, UNITS, build
from bot.app import build_application
from bot.reports import charts
from bot.runtime import Runtime
from bot.settings import Settings
from db.models import Person, ProgressReport, Role
from db.scratch import scratch_database
from db.session import make_session_factory
from tests.telegram_fakes import RecordingRequest, message_update

SUPERVISORS = (ADMIN, 3, 4)  # bench_chat binds ADMIN; two more take turns with it
STATUS_RUNS = 15
# Message ids the fake Telegram gives, shared by every application of a run: the
# bot records which task each sent message is about, once per (chat, message id).
MESSAGE_IDS = itertools.count(5000)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _application(engine: Engine, *, readers_queue: bool) -> tuple[Application, RecordingRequest]:
    settings = Settings(_env_file=None, database_url=str(engine.url), admins=(ADMIN,))  # type: ignore[call-arg]
    sessions = make_session_factory(engine, readers_queue=readers_queue)
    runtime = Runtime(settings, engine, sessions, lambda: NOW)
    request = RecordingRequest(_message_ids=MESSAGE_IDS)
    return build_application(settings, runtime, request=request), request


async def _timed(app: Application, update: Update) -> float:
    started = time.perf_counter()
    await app.process_update(update)
    return time.perf_counter() - started


async def measure_status(engine: Engine) -> None:
    app, request = _application(engine, readers_queue=False)
    async with app:

        async def status() -> float:
            return await _timed(app, message_update(app.bot, ADMIN, "/status"))

        charts._drawn.cache_clear()
        first = await status()
        cached = [await status() for _ in range(STATUS_RUNS)]
        drawn = []
        for _ in range(STATUS_RUNS):
            charts._drawn.cache_clear()
            drawn.append(await status())
    sent = request.sent(ADMIN)
    assert sent[-2].params["text"].startswith("📊 督办事项总览"), sent[-2].params["text"][:200]
    assert sent[-1].method == "sendPhoto"
    name = engine.dialect.name
    print(f"{name}: /status as a supervisor, first (chart drawn): {_ms(first)}")
    for label, timings in (("chart cached", cached), ("chart drawn each time", drawn)):
        print(
            f"{name}: /status, {label}: median {_ms(statistics.median(timings))}, "
            f"min {_ms(min(timings))}, max {_ms(max(timings))} over {len(timings)} runs"
        )


async def _mixed_round(
    engine: Engine,
    targets: list[tuple[int, int]],
    *,
    readers_queue: bool,
    replies: int,
    rate: float,
) -> tuple[list[float], list[float]]:
    """(reply latencies, /status latencies) of one run."""
    app, _ = _application(engine, readers_queue=readers_queue)
    rng = random.Random(11)
    async with app:
        await app.process_update(message_update(app.bot, ADMIN, "/status"))  # imports, chart
        start = time.perf_counter() + 0.2
        seconds = int(replies / rate) + 1

        async def at(moment: float, update: Update, into: list[float]) -> None:
            await asyncio.sleep(max(0.0, moment - time.perf_counter()))
            arrived = time.perf_counter()
            await app.process_update(update)
            into.append(time.perf_counter() - arrived)

        reply_times: list[float] = []
        status_times: list[float] = []
        jobs = []
        for number in range(replies):
            user, card = targets[rng.randrange(len(targets))]
            update = message_update(app.bot, user, rng.choice(PHRASES), reply_to=card)
            jobs.append(at(start + number / rate, update, reply_times))
        for second in range(seconds):
            supervisor = SUPERVISORS[second % len(SUPERVISORS)]
            update = message_update(app.bot, supervisor, "/status")
            jobs.append(at(start + second + 0.5, update, status_times))
        await asyncio.gather(*jobs)
    return reply_times, status_times


async def measure_mixed(
    engine: Engine, targets: list[tuple[int, int]], *, replies: int, rate: float, rounds: int
) -> None:
    with engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(ProgressReport)) or 0
    results: dict[bool, list[list[float]]] = {False: [], True: []}
    for _ in range(rounds):
        for readers_queue in (False, True):
            reply_times, status_times = await _mixed_round(
                engine, targets, readers_queue=readers_queue, replies=replies, rate=rate
            )
            results[readers_queue].append(reply_times)
            mode = "every unit of work IMMEDIATE" if readers_queue else "readers as readers"
            print(
                f"{engine.dialect.name}: {replies} replies at {rate:g}/s with /status every "
                f"second, {mode}: replies p50 {_ms(_percentile(reply_times, 0.5))}, "
                f"p95 {_ms(_percentile(reply_times, 0.95))}, "
                f"p99 {_ms(_percentile(reply_times, 0.99))}, max {_ms(max(reply_times))}; "
                f"/status median {_ms(statistics.median(status_times))} "
                f"({len(status_times)} asked)"
            )
    with engine.connect() as connection:
        after = connection.scalar(select(func.count()).select_from(ProgressReport)) or 0
    assert after - before == replies * rounds * 2, "a reply was lost"
    readers = statistics.median(_percentile(t, 0.95) for t in results[False])
    queued = statistics.median(_percentile(t, 0.95) for t in results[True])
    print(
        f"{engine.dialect.name}: replies' p95, IMMEDIATE / readers: "
        f"{_ms(queued)} / {_ms(readers)} = {queued / readers:.1f}x"
    )


def add_people(engine: Engine) -> list[tuple[int, int]]:
    """The liaisons and cards of `bench_chat`, and two more supervisors; returns
    (liaison, card message id) pairs to reply to."""
    targets = add_people_and_cards(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(Person),
            [
                {
                    "name": f"督查员{user}",
                    "role": Role.SUPERVISOR,
                    "telegram_user_id": user,
                    "active": True,
                    "created_at": NOW,
                }
                for user in SUPERVISORS[1:]
            ],
        )
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="a PostgreSQL server URL; SQLite if absent")
    parser.add_argument("--parts", default="status,mixed")
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=40.0, help="replies a second")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    with scratch_database(args.url) as engine:
        started = time.perf_counter()
        build(engine)
        targets = add_people(engine)
        print(
            f"{engine.dialect.name}: built {UNITS} units, {TASKS} tasks in "
            f"{time.perf_counter() - started:.1f} s"
        )
        if "status" in parts:
            asyncio.run(measure_status(engine))
        if "mixed" in parts:
            asyncio.run(
                measure_mixed(
                    engine, targets, replies=args.replies, rate=args.rate, rounds=args.rounds
                )
            )


if __name__ == "__main__":
    main()
