"""One send budget for the bot, whatever the number of processes that send.

Telegram allows a bot about 30 messages a second overall and 20 a minute in a
group, and answers 429 with a `retry_after` when a chat gets too much. The bot
and every `python -m bot send` draw on the same budget, so it lives in the
database (`send_pace`): one row for the whole bot (chat 0) holding when its next
message may go, and a row per chat that must wait (a group's 3 s between
messages, or the end of a 429's wait). Taking a turn is one short unit of work
that locks the bot's row: the next free slot is handed out and pushed 1/30 s
later (a "virtual scheduling" bucket), so senders queue instead of bursting
together. A chat told to wait makes every sender wait: its message is put off
(`RetryAfter`) and the sender moves on to other chats.

`SharedRateLimiter` is PTB's rate-limiter seam: every message the bot sends,
outbox or reply, asks for its turn here.
"""

from __future__ import annotations

import asyncio
import logging
import math
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.core.transaction import unit_of_work
from db.models import SendPace

if TYPE_CHECKING:
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

BOT = 0  # the row of the whole bot (Telegram never uses 0 for a chat)
# Telegram allows about 30 a second; 28 leaves room for requests that arrive a few tens of
# milliseconds after their slot on a loaded machine (the soak saw 31–32 in one second at 30).
PER_SECOND = 28.0
GROUP_GAP = 3.0  # 20 messages a minute in a group or channel
HORIZON = 5.0  # a chat free within this is waited for; later, its message is put off


class ChatWaiting(RetryAfter):
    """This chat may not be sent to yet (a 429 another sender got, or a group's pace):
    raised before asking Telegram, handled like Telegram's own 429."""

    def __init__(self, chat_id: int, seconds: float) -> None:
        super().__init__(timedelta(seconds=math.ceil(seconds)))
        self.chat_id = chat_id


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _row(session: Session, chat_id: int, *, lock: bool) -> SendPace | None:
    query = select(SendPace).where(SendPace.chat_id == chat_id)
    return session.scalar(query.with_for_update() if lock else query)


def _bot_row(session: Session) -> SendPace:
    """The bot's row, locked until the unit of work ends: one sender at a time takes a turn."""
    row = _row(session, BOT, lock=True)
    if row is None:  # first use (or an emptied table): two senders may race to write it
        session.execute(
            _insert(session)(SendPace)
            .values(chat_id=BOT, next_at=0.0, waited_until=0.0)
            .on_conflict_do_nothing(index_elements=["chat_id"])
        )
        row = _row(session, BOT, lock=True)
    assert row is not None
    return row


def _push(session: Session, chat_id: int, next_at: float, waited_until: float = 0.0) -> None:
    """The chat's next message no sooner than `next_at` (never pulled earlier)."""
    statement = _insert(session)(SendPace).values(
        chat_id=chat_id, next_at=next_at, waited_until=waited_until
    )
    table = SendPace.__table__.c
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["chat_id"],
            set_={
                "next_at": _greatest(table.next_at, statement.excluded.next_at),
                "waited_until": _greatest(table.waited_until, statement.excluded.waited_until),
            },
        )
    )


def _greatest(a: Any, b: Any) -> Any:
    return case((a < b, b), else_=a)


def take_turn(sessions: sessionmaker[Session], chat_id: int | None, now: float) -> float:
    """When this message may go (`now` or a little later), its slot taken from the bot's
    budget and the chat's. Raises `ChatWaiting` when the chat is not free for a while."""
    with unit_of_work(sessions) as session:
        bot = _bot_row(session)
        chat = _row(session, chat_id, lock=False) if chat_id is not None else None
        chat_free = chat.next_at if chat is not None else now
        if chat_id is not None and chat_free > now + HORIZON:
            raise ChatWaiting(chat_id, chat_free - now)
        start = max(now, bot.next_at, chat_free)
        bot.next_at = start + 1 / PER_SECOND
        if chat_id is not None and chat_id < 0:  # groups and channels: 20 a minute
            _push(session, chat_id, start + GROUP_GAP)
    return start


def told_to_wait(sessions: sessionmaker[Session], chat_id: int, until: float) -> None:
    """Telegram answered 429 for this chat: no sender sends to it before `until`."""
    with unit_of_work(sessions) as session:
        _push(session, chat_id, until, until)


# Messages count against the budget; reading (getMe, getFile) and answering a button do not.
_COUNTED = ("send", "copy", "forward", "edit")


def _chat_of(data: dict[str, Any] | None) -> int | None:
    chat = (data or {}).get("chat_id")
    if isinstance(chat, int):
        return chat
    if isinstance(chat, str) and chat.lstrip("-").isdigit():
        return int(chat)
    return None


class SharedRateLimiter(BaseRateLimiter[None]):
    """PTB's rate limiter, with the budget in the database instead of in this process.

    Unlike PTB's AIORateLimiter it never sleeps out a 429 inside a send: the wait
    is stored with the chat and the error raised, so the outbox puts the message
    off and goes on with other chats (a sender asleep in a send would outlive its
    lease). It knows the database once the runtime is attached (`post_init`).
    """

    def __init__(self, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.runtime: Runtime | None = None
        self.sleep = sleep

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        runtime = self.runtime
        counted = endpoint.startswith(_COUNTED) and endpoint != "sendChatAction"
        if runtime is None or not counted:
            return await callback(*args, **kwargs)
        chat_id = _chat_of(data)
        now = runtime.now().timestamp()
        start = await asyncio.to_thread(take_turn, runtime.sessions, chat_id, now)
        if start > now:
            await self.sleep(start - now)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            if chat_id is not None:
                until = runtime.now().timestamp() + wait_seconds(error)
                await asyncio.to_thread(told_to_wait, runtime.sessions, chat_id, until)
            raise


def wait_seconds(error: RetryAfter) -> float:
    """A 429's wait in seconds (PTB 22 gives an int or a timedelta, and warns on reading it)."""
    with warnings.catch_warnings():  # PTB 22 warns that this becomes a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        delay = error.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
