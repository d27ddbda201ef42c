"""Benchmark: the bot in chat, through the real Application (no network).

    python -m benchmarks.bench_chat                       # SQLite (temporary file)
    python -m benchmarks.bench_chat postgresql+psycopg://postgres@127.0.0.1/test

On the ledger of `bench_summary` (300 units, 100,000 tasks, 100,000 reports) it
times `/status` as a supervisor, a leader and a unit's member sees it (each a
real Update through `process_update`, recording request instead of Telegram),
then a burst of 1,000 progress replies from 300 different people, each a reply
to a card of one of their unit's tasks, and counts the reports that arrived.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from itertools import count

from sqlalchemy import func, insert, select

from benchmarks.bench_summary import NOW, TASKS, UNITS, build
from bot.app import build_application
from bot.runtime import Runtime
from bot.settings import Settings
from db.models import MessageKind, Person, ProgressReport, Role, Task, TaskMessage
from db.scratch import scratch_database
from db.session import make_session_factory
from tests.telegram_fakes import RecordingRequest, message_update

ADMIN = 1
MEMBER_IDS = range(10_000, 10_000 + UNITS)  # one liaison per unit
REPLIES = 1_000
PHRASES = ["完成60%，已完成选址", "卡在征地，需协调", "已完成七成", "本周完成招标", "进展顺利"]


def add_people_and_cards(engine) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """A bound liaison per unit and, for each, cards of its first ten open tasks.

    Returns (telegram user id, card message id) pairs to reply to.
    """
    with engine.begin() as connection:
        supervisor = {"name": "督查员", "role": Role.SUPERVISOR, "unit_id": None}
        liaisons = [
            {"name": f"联络员{unit}", "role": Role.MEMBER, "unit_id": unit}
            for unit in range(1, UNITS + 1)
        ]
        connection.execute(
            insert(Person),
            [
                {**person, "telegram_user_id": user, "active": True, "created_at": NOW}
                for person, user in zip([supervisor, *liaisons], [ADMIN, *MEMBER_IDS], strict=True)
            ],
        )
        rows = connection.execute(
            select(Task.id, Task.lead_unit_id).where(Task.state == "open").order_by(Task.id)
        ).all()
        per_unit: dict[int, list[int]] = {}
        for task_id, unit in rows:
            if len(per_unit.setdefault(unit, [])) < 10:
                per_unit[unit].append(task_id)
        message_ids = count(1)
        cards = []
        targets = []
        for unit, task_ids in per_unit.items():
            user = MEMBER_IDS[unit - 1]
            for task_id in task_ids:
                message_id = next(message_ids)
                cards.append(
                    {
                        "channel": "telegram",
                        "chat_id": user,
                        "message_id": message_id,
                        "task_id": task_id,
                        "kind": MessageKind.CARD,
                        "created_at": NOW,
                    }
                )
                targets.append((user, message_id))
        connection.execute(insert(TaskMessage), cards)
    return targets


async def run(engine) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(_env_file=None, database_url=str(engine.url), admins=(ADMIN,))  # type: ignore[call-arg]
    runtime = Runtime(settings, engine, make_session_factory(engine), lambda: NOW)
    request = RecordingRequest()
    app = build_application(settings, runtime, request=request)
    targets = add_people_and_cards(engine)
    async with app:
        leader_id = await _bind_a_leader(engine)
        for who, user in (("supervisor", ADMIN), ("leader", leader_id), ("member", MEMBER_IDS[0])):
            timings = []
            for _ in range(7):
                update = message_update(app.bot, user, "/status")
                started = time.perf_counter()
                await app.process_update(update)
                timings.append(time.perf_counter() - started)
            assert request.texts(user)[-1].startswith("📊 督办事项总览"), request.texts(user)[-1][
                :300
            ]
            print(
                f"{engine.dialect.name}: /status as {who}: median "
                f"{statistics.median(timings) * 1000:.0f} ms, min {min(timings) * 1000:.0f} ms, "
                f"max {max(timings) * 1000:.0f} ms over {len(timings)} runs"
            )

        with engine.connect() as connection:
            before = connection.scalar(select(func.count()).select_from(ProgressReport))
        rng = random.Random(7)
        cards: dict[int, list[int]] = {}
        for user, message_id in targets:
            cards.setdefault(user, []).append(message_id)
        everyone = sorted(cards)
        updates = []
        for number in range(REPLIES):  # every person replies, some more than once
            user = everyone[number % len(everyone)]
            card = rng.choice(cards[user])
            updates.append(message_update(app.bot, user, rng.choice(PHRASES), reply_to=card))
        people = len({update.effective_user.id for update in updates})
        started = time.perf_counter()
        for update in updates:
            await app.process_update(update)
        elapsed = time.perf_counter() - started
        with engine.connect() as connection:
            after = connection.scalar(select(func.count()).select_from(ProgressReport))
        print(
            f"{engine.dialect.name}: {REPLIES} replies from {people} people in {elapsed:.2f} s "
            f"= {REPLIES / elapsed:.0f} replies/s; reports recorded: {after - before}"
        )
        assert after - before == REPLIES, "a reply was lost"


async def _bind_a_leader(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        leader = connection.scalar(select(Person.id).where(Person.role == Role.LEADER).limit(1))
        connection.execute(
            Person.__table__.update().where(Person.id == leader).values(telegram_user_id=2)
        )
    return 2


def main(url: str | None) -> None:
    with scratch_database(url) as engine:
        started = time.perf_counter()
        build(engine)
        print(
            f"{engine.dialect.name}: built {UNITS} units, {TASKS} tasks in "
            f"{time.perf_counter() - started:.1f} s"
        )
        asyncio.run(run(engine))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
