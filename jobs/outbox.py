"""The sender: claim due outbox rows, compose them into messages, send, record each outcome.

It knows no feature. What differs by kind (merging one chat's rows, a document
built when sent, what happens once a message is sent, which kinds go out at any
hour) is registered by the features in `bot.outbox.kinds`; every change of a
row's state is in `bot.outbox.delivery`. This module only talks to Telegram and
maps its answers to outcomes.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram import Message as TelegramMessage
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.core.messages import Button
from bot.core.text import fit_message
from bot.core.transaction import unit_of_work
from bot.outbox import delivery
from bot.outbox.delivery import BLOCKED
from bot.outbox.kinds import Claimed, Merge, Outgoing, hooks_of, merge_of
from bot.runtime import Runtime
from jobs.schedule import may_send_now

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SOON_LIMIT = 50  # notices a handler asks to deliver at once


def compose(claimed: list[Claimed], runtime: Runtime, now: datetime) -> list[Outgoing]:
    """Messages to send: each merging kind's (or family's) rows merged per chat, every
    other row alone."""
    merged: dict[tuple[str, int], list[Claimed]] = defaultdict(list)
    merges: dict[str, Merge] = {}
    outgoing: list[Outgoing] = []
    for row in claimed:
        group = merge_of(row.kind, families=runtime.settings.morning_message)
        if group is None:
            outgoing.append(Outgoing.single(row))
            continue
        name, merges[name] = group
        merged[(name, row.chat_id)].append(row)
    for (name, _), rows in merged.items():
        outgoing += merges[name](rows, now, runtime.zone)
    return outgoing


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    blocked: set[int] = field(default_factory=set)  # chats that refused the bot this pass


async def send_due(
    bot: Bot, runtime: Runtime, *, now: datetime | None = None, limit: int = 200
) -> Outcome:
    """One sending pass: claim, send each message, mark each at once."""
    now = now or runtime.now()
    claimed = await asyncio.to_thread(claim, runtime, now, limit, None)
    return await _send_all(bot, runtime, claimed, now)


async def send_soon(bot: Bot, runtime: Runtime, ids: Sequence[int]) -> Outcome:
    """Deliver rows just written (a handler's notices) without waiting for the next scan.

    Only those rows, and only if still due: a scan that took them meanwhile wins.
    """
    now = runtime.now()
    claimed = await asyncio.to_thread(claim, runtime, now, SOON_LIMIT, list(ids))
    return await _send_all(bot, runtime, claimed, now)


def claim(
    runtime: Runtime, now: datetime, limit: int, ids: list[int] | None = None
) -> list[Claimed]:
    """Due rows for this sender; outside working hours only the kinds sent at any hour."""
    with unit_of_work(runtime.sessions) as session:
        settings = runtime.settings
        working_hours = may_send_now(
            now,
            calendar=runtime.calendar(session),
            quiet=(settings.quiet_start, settings.quiet_end),
            zone=settings.zone,
        )
    return delivery.claim(runtime, now, limit, working_hours=working_hours, ids=ids)


async def _send_all(bot: Bot, runtime: Runtime, claimed: list[Claimed], now: datetime) -> Outcome:
    outcome = Outcome()
    for message in compose(claimed, runtime, now):
        if message.chat_id in outcome.blocked:  # refused a moment ago: not asked again
            ids = [row.id for row in message.rows]
            await asyncio.to_thread(delivery.give_up, runtime, ids, BLOCKED)
            outcome.dead += len(ids)
            continue
        await _send_one(bot, runtime, message, outcome)
    return outcome


def _markup(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


async def _deliver(bot: Bot, runtime: Runtime, message: Outgoing) -> TelegramMessage:
    build = hooks_of(message.rows[0].kind).document
    if build is not None:  # built now, from the ledger as it is
        document, caption = await asyncio.to_thread(build, runtime, message.rows[0])
        return await bot.send_document(
            message.chat_id,
            InputFile(document.content, filename=document.file_name),
            caption=caption,
            reply_markup=_markup(message.buttons),
        )
    return await bot.send_message(
        message.chat_id, fit_message(message.text), reply_markup=_markup(message.buttons)
    )


async def _send_one(bot: Bot, runtime: Runtime, message: Outgoing, outcome: Outcome) -> None:
    ids = [row.id for row in message.rows]
    attempts = max(row.attempts for row in message.rows)
    try:
        sent = await _deliver(bot, runtime, message)
    except RetryAfter as error:  # Telegram says wait: not the message's fault
        with warnings.catch_warnings():  # PTB 22 warns that this becomes a timedelta
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            delay = error.retry_after
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        await asyncio.to_thread(
            delivery.retry, runtime, ids, seconds, f"429 RetryAfter {seconds:g}s", counts=False
        )
        outcome.failed += len(ids)
    except ChatMigrated as error:  # a group became a supergroup: follow it and send again
        await asyncio.to_thread(delivery.migrated, runtime, message.chat_id, error.new_chat_id)
        message.chat_id = error.new_chat_id
        await _send_one(bot, runtime, message, outcome)
    except Forbidden as error:  # blocked, kicked: mark the chat, give the rows up
        await asyncio.to_thread(delivery.blocked, runtime, message.chat_id, ids, str(error))
        outcome.blocked.add(message.chat_id)
        outcome.dead += len(ids)
    except BadRequest as error:  # will not succeed by trying again (chat not found, …)
        await asyncio.to_thread(delivery.give_up, runtime, ids, f"400 {error}")
        outcome.dead += len(ids)
    except NetworkError as error:  # network trouble or a 5xx: back off and try again
        if attempts >= MAX_ATTEMPTS:
            await asyncio.to_thread(delivery.give_up, runtime, ids, f"{attempts} 次均失败：{error}")
            outcome.dead += len(ids)
        else:
            backoff = min(60 * 2 ** (attempts - 1), 3600)
            await asyncio.to_thread(delivery.retry, runtime, ids, backoff, str(error), counts=True)
            outcome.failed += len(ids)
    else:
        await asyncio.to_thread(delivery.mark_sent, runtime, message, sent.message_id)
        outcome.sent += len(ids)
