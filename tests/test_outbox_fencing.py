"""Several senders on one outbox, under faults, with the clock under control.

Each sender is its own bot (with its own recording request, and where the budget
matters its own clock and `SharedRateLimiter`) over the same database, as the bot
and `python -m bot send` are. A pause is simulated by moving the clock while a
request is in flight; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from telegram.ext import ExtBot
from telegram.request import RequestData

from bot.outbox.delivery import LEASE
from bot.outbox.pace import GROUP_GAP, PER_SECOND, SharedRateLimiter
from bot.outbox.rows import Planned, enqueue
from bot.runtime import Runtime
from db.models import OutboxKind, OutboxMessage, OutboxState
from jobs.outbox import Outcome, quiet_unparsable_answers, send_due
from tests.conftest import SHANGHAI, Clock
from tests.telegram_fakes import RecordingRequest, SentCall

MOMENT = datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI)  # a Tuesday morning
TOKEN = "123456789:" + "A" * 35


class Sender:
    """One sending process: its bot, what it sent (at what time on its clock)."""

    def __init__(
        self, runtime: Runtime, clock: Clock, first_id: int, *, budget: bool = False
    ) -> None:
        self.runtime, self.clock = runtime, clock
        self.request = _TimedRequest(clock)
        self.request._message_ids = itertools.count(first_id)
        limiter = None
        if budget:
            limiter = SharedRateLimiter(sleep=self._sleep)
            limiter.runtime = runtime
        self.bot = ExtBot(TOKEN, request=self.request, rate_limiter=limiter)
        quiet_unparsable_answers()  # as `build_application` does

    async def _sleep(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)  # this sender's time only
        await asyncio.sleep(0)

    async def start(self) -> Sender:
        await self.bot.initialize()
        return self

    async def send(self, limit: int = 200) -> Outcome:
        return await send_due(self.bot, self.runtime, now=self.clock(), limit=limit)

    def sent_to(self) -> list[int]:
        return [int(c.params["chat_id"]) for c in self.request.sent()]


class _TimedRequest(RecordingRequest):
    """Records when (on its sender's clock) each message went, and can run something
    while a request is in flight: a pause, another sender's pass, then an answer."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock
        self.times: list[datetime] = []
        self.during: dict[int, Callable[[], Awaitable[tuple[int, bytes] | None]]] = {}

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> tuple[int, bytes]:
        params = request_data.parameters if request_data else {}
        chat = params.get("chat_id")
        if chat is not None:
            self.times.append(self.clock())
            meanwhile = self.during.pop(int(chat), None)
            if meanwhile is not None:
                answer = await meanwhile()
                if answer is not None:  # the answer the request finally gets
                    self.calls.append(SentCall(url.rsplit("/", 1)[-1], params, answer[1]))
                    return answer
        return await super().do_request(url, method, request_data, **timeouts)


def notices(session, chats: list[int], moment: datetime = MOMENT) -> None:  # type: ignore[no-untyped-def]
    enqueue(
        session,
        [Planned(f"n:{chat}", chat, OutboxKind.NOTICE, f"通知 {chat}", moment) for chat in chats],
        now=moment,
    )
    session.commit()


def rows(session) -> dict[int, OutboxMessage]:  # type: ignore[no-untyped-def]
    session.rollback()
    return {row.chat_id: row for row in session.scalars(select(OutboxMessage))}


@pytest.fixture
async def two(settings, engine, sessions, clock):  # type: ignore[no-untyped-def]
    """Two senders on one clock (a pause is the clock jumping while one waits)."""
    clock.set(MOMENT)
    return [
        await Sender(Runtime(settings, engine, sessions, clock), clock, first_id).start()
        for first_id in (5000, 9000)
    ]


async def test_a_sender_past_its_lease_sends_nothing_more_and_writes_over_nothing(
    two, session, clock
) -> None:  # type: ignore[no-untyped-def]
    first, second = two
    notices(session, [71, 72, 73])

    async def paused() -> None:  # the first sender stops mid-send for longer than its lease
        clock.advance(seconds=LEASE.total_seconds() + 60)
        assert (await second.send()).sent == 3  # the second takes every row over

    first.request.during[71] = paused
    outcome = await first.send()
    # Telegram took the first sender's message, but the rows are the second's now.
    assert first.sent_to() == [71]
    assert (outcome.sent, outcome.lost) == (0, 1)
    assert sorted(second.sent_to()) == [71, 72, 73]
    held = rows(session)
    assert {chat: row.state for chat, row in held.items()} == dict.fromkeys(
        (71, 72, 73), OutboxState.SENT
    )
    ids = {int(c.params["chat_id"]): str(c.message_id) for c in second.request.sent()}
    assert {chat: row.message_ids for chat, row in held.items()} == ids  # the second's marks
    assert all(row.claim_token is None for row in held.values())


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (502, b'{"ok":false,"error_code":502,"description":"Bad Gateway"}'),
        (400, b'{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}'),
        (200, b"<html><body>502 Bad Gateway</body></html>"),
    ],
)
async def test_a_late_failure_after_another_senders_success_leaves_the_row_sent(
    two, session, clock, status, answer
) -> None:  # type: ignore[no-untyped-def]
    first, second = two
    notices(session, [81])

    async def timed_out_meanwhile() -> tuple[int, bytes]:
        clock.advance(seconds=LEASE.total_seconds() + 60)
        assert (await second.send()).sent == 1
        return status, answer

    first.request.during[81] = timed_out_meanwhile
    outcome = await first.send()
    assert (outcome.failed, outcome.dead, outcome.lost) == (0, 0, 1)
    (row,) = rows(session).values()
    assert (row.state, row.message_ids) == (
        OutboxState.SENT,
        str(second.request.sent()[0].message_id),
    )
    assert row.last_error is None


async def test_a_pass_out_of_time_releases_what_it_has_not_tried(two, session, clock) -> None:  # type: ignore[no-untyped-def]
    first, second = two
    notices(session, [91, 92, 93])

    async def slow() -> None:  # the answer takes more than half the lease
        clock.advance(seconds=LEASE.total_seconds() / 2 + 1)

    first.request.during[91] = slow
    outcome = await first.send()
    assert (outcome.sent, outcome.released) == (1, 2)
    waiting = rows(session)
    assert [(waiting[c].state, waiting[c].attempts, waiting[c].claim_token) for c in (92, 93)] == [
        (OutboxState.PENDING, 0, None)
    ] * 2
    # Due at once for any sender, long before the first one's lease would have run out.
    assert (await second.send()).sent == 2 and sorted(second.sent_to()) == [92, 93]


async def test_a_non_json_answer_is_retried_with_backoff_and_the_pass_goes_on(
    two, session, clock, caplog
) -> None:  # type: ignore[no-untyped-def]
    first, _ = two
    notices(session, [61, 62, 63])

    async def proxy_page() -> tuple[int, bytes]:
        return 200, b"<html><head><title>Error</title></head><body>nginx</body></html>"

    first.request.during[61] = proxy_page
    with caplog.at_level(logging.INFO):
        outcome = await first.send()
    assert (outcome.sent, outcome.failed, outcome.released) == (2, 1, 0)
    held = rows(session)
    assert held[61].state == OutboxState.FAILED and held[61].attempts == 1
    assert held[61].next_try_at >= MOMENT + timedelta(seconds=60)
    assert "Invalid server response" in (held[61].last_error or "")
    assert not [r for r in held.values() if r.state == OutboxState.SENDING]
    assert not [r for r in caplog.records if r.exc_info]  # no traceback for a handled case
    (warning,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "chat 61" in warning.getMessage() and "retry in 60 s" in warning.getMessage()
    # Retried when its backoff is over, and sent.
    clock.advance(seconds=61)
    assert (await first.send()).sent == 1 and first.sent_to()[-1] == 61


@pytest.fixture
async def paced(settings, engine, sessions):  # type: ignore[no-untyped-def]
    """Two senders with the shared budget, each with its own clock (as two processes):
    a sender's clock moves only while it waits for its turn."""
    made = []
    for first_id in (5000, 9000):
        clock = Clock(MOMENT)
        runtime = Runtime(settings, engine, sessions, clock)
        made.append(await Sender(runtime, clock, first_id, budget=True).start())
    return made


def _most_in_one_second(times: list[datetime]) -> int:
    ordered = sorted(times)
    return max(
        sum(1 for t in ordered[i:] if t < start + timedelta(seconds=1) - timedelta(milliseconds=1))
        for i, start in enumerate(ordered)
    )


async def test_two_senders_together_stay_within_one_budget(paced, session) -> None:  # type: ignore[no-untyped-def]
    first, second = paced
    chats = list(range(1000, 1120))
    notices(session, chats)

    async def drain(sender: Sender) -> None:
        while await sender.send(limit=10):
            pass

    await asyncio.gather(drain(first), drain(second))
    assert sorted(first.sent_to() + second.sent_to()) == chats  # each once
    assert first.sent_to() and second.sent_to()  # both worked
    times = first.request.times + second.request.times
    assert _most_in_one_second(times) <= PER_SECOND
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(ordered)]
    assert min(gaps) >= 1 / PER_SECOND - 1e-3
    span = (max(times) - min(times)).total_seconds()
    assert span >= (len(chats) - 1) / PER_SECOND - 1e-3


async def test_a_group_gets_a_message_every_three_seconds_whoever_sends(paced, session) -> None:  # type: ignore[no-untyped-def]
    first, second = paced
    group = -100_200
    enqueue(
        session,
        [Planned(f"g:{n}", group, OutboxKind.NOTICE, f"通知 {n}", MOMENT) for n in range(2)],
        now=MOMENT,
    )
    session.commit()
    await first.send(limit=1)
    await second.send(limit=1)
    (one,), (two,) = first.request.times, second.request.times
    assert (two - one).total_seconds() >= GROUP_GAP


async def test_a_429_on_one_sender_makes_the_other_wait_for_that_chat(paced, session) -> None:  # type: ignore[no-untyped-def]
    first, second = paced
    chat = 4242
    notices(session, [chat])
    first.request.fail(chat, 429, "Too Many Requests: retry after 30", retry_after=30)
    assert (await first.send()).failed == 1
    # Another row for the chat, due now, on the other sender five seconds later.
    enqueue(session, [Planned("n:again", chat, OutboxKind.NOTICE, "再次通知", MOMENT)], now=MOMENT)
    session.commit()
    second.clock.advance(seconds=5)
    outcome = await second.send()
    assert outcome.sent == 0 and second.sent_to() == []
    assert second.request.times == []  # Telegram was not even asked
    assert {row.next_try_at for row in rows_of(session, chat)} == {MOMENT + timedelta(seconds=30)}
    second.clock.set(MOMENT + timedelta(seconds=31))
    assert (await second.send()).sent == 2
    assert all(t >= MOMENT + timedelta(seconds=30) for t in second.request.times)


def rows_of(session, chat: int) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    session.rollback()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat)))


async def test_while_another_sender_holds_the_rows_a_late_outcome_changes_nothing(
    two, session, clock
) -> None:  # type: ignore[no-untyped-def]
    from bot.outbox import delivery
    from bot.outbox.kinds import Outgoing
    from jobs.outbox import claim

    first, second = two
    notices(session, [51])
    (mine,) = claim(first.runtime, MOMENT, 10)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    (theirs,) = claim(second.runtime, clock(), 10)  # in flight at the second sender
    assert mine.token != theirs.token
    late = Outgoing.single(mine)
    assert delivery.mark_sent(first.runtime, late, 777) == 0
    assert delivery.retry(first.runtime, [mine], 60, "timed out", counts=True) == 0
    assert delivery.give_up(first.runtime, [mine], "400") == 0
    assert delivery.release(first.runtime, [mine]) == 0
    assert not delivery.renew(first.runtime, [mine])
    row = rows(session)[51]
    assert (row.state, row.claim_token, row.message_ids) == (
        OutboxState.SENDING,
        theirs.token,
        None,
    )
    assert delivery.mark_sent(second.runtime, Outgoing.single(theirs), 888) == 1
    assert rows(session)[51].message_ids == "888"


def test_the_bot_and_each_sender_send_through_the_shared_budget(settings, runtime) -> None:  # type: ignore[no-untyped-def]
    from bot.app import build_application

    limiter = build_application(settings, runtime).bot.rate_limiter
    assert isinstance(limiter, SharedRateLimiter) and limiter.runtime is runtime
