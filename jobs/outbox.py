"""The sender: claim due outbox rows, compose them into messages, send, record each outcome.

A pass claims no more than it can send in half its lease at the pace this
process has been sending (`fits_in_lease`); before each message it re-checks
and renews its claim on that message's rows, and what is not sent by half the
lease is released at once for any sender, so no row is left leased by a slow
or paused process. Every Telegram answer has a place: a 429 puts the chat's
rows off (and, through `bot.outbox.pace`, every sender's); 403 gives the chat
up; 400 gives the message up; anything else (a network error, a 5xx, an answer
that is not JSON) is retried with backoff. One warning line each, no traceback.

It knows no feature. What differs by kind (merging one chat's rows, a document
built when sent, what happens once a message is sent, which kinds go out at any
hour) is registered by the features in `bot.outbox.kinds`; every change of a
row's state is in `bot.outbox.delivery`. This module only talks to Telegram and
maps its answers to outcomes.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram import Message as TelegramMessage
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.core.messages import Button
from bot.core.text import fit_message
from bot.core.transaction import unit_of_work
from bot.outbox import delivery
from bot.outbox.delivery import BLOCKED, LEASE
from bot.outbox.kinds import Claimed, Merge, Outgoing, hooks_of, merge_of
from bot.outbox.pace import PER_SECOND, ChatWaiting, wait_seconds
from bot.runtime import Runtime
from jobs.schedule import may_send_now

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SOON_LIMIT = 50  # notices a handler asks to deliver at once
BACKOFF = 60  # seconds before the first retry of a failed send; doubled each time, to an hour
PASS_SHARE = 0.5  # a pass plans to be done within this share of its lease
# Seconds a message has taken in this process's recent passes (waits for the budget,
# slow answers), by runtime: how many rows the next pass can take.
_seconds_per_message: dict[int, float] = {}


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
    released: int = 0  # claimed but not tried in time: given back at once for any sender
    lost: int = 0  # taken by another sender meanwhile: this one's outcome was not recorded
    blocked: set[int] = field(default_factory=set)  # chats that refused the bot this pass

    def __bool__(self) -> bool:
        return bool(self.sent or self.failed or self.dead or self.released or self.lost)


def fits_in_lease(runtime: Runtime, limit: int) -> int:
    """How many rows a pass may claim: what it can send within its share of the lease."""
    per_message = _seconds_per_message.get(id(runtime), 1 / PER_SECOND)
    return max(1, min(limit, int(LEASE.total_seconds() * PASS_SHARE / per_message)))


def log_pass(outcome: Outcome, planned: int = 0) -> None:
    """The pass's one line in the log, when it did anything."""
    if planned or outcome:
        logger.info(
            "outbox: %d planned, %d sent, %d to retry, %d given up, %d released, %d lost",
            planned,
            outcome.sent,
            outcome.failed,
            outcome.dead,
            outcome.released,
            outcome.lost,
        )


async def send_due(
    bot: Bot, runtime: Runtime, *, now: datetime | None = None, limit: int = 200
) -> Outcome:
    """One sending pass: claim what fits, send each message, mark each at once."""
    now = now or runtime.now()
    claimed = await asyncio.to_thread(claim, runtime, now, fits_in_lease(runtime, limit), None)
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
    if not claimed:
        return outcome
    deadline = now + LEASE * PASS_SHARE
    done: set[int] = set()
    tried = 0
    try:
        for message in compose(claimed, runtime, now):
            if runtime.now() >= deadline:  # the rest goes back now, not when the lease ends
                break
            if message.chat_id in outcome.blocked:  # refused a moment ago: not asked again
                done |= {row.id for row in message.rows}
                outcome.dead += await asyncio.to_thread(
                    delivery.give_up, runtime, message.rows, BLOCKED
                )
            elif await asyncio.to_thread(delivery.renew, runtime, message.rows):
                # From here the message may reach Telegram: never released, even if
                # the pass is cut short (its lease covers a crash).
                done |= {row.id for row in message.rows}
                tried += 1
                await _send_one(bot, runtime, message, outcome)
            else:  # another sender has some of them: it sends the message, not this one
                outcome.lost += len(message.rows)  # those still ours are released below
    finally:
        rest = [row for row in claimed if row.id not in done]
        outcome.released += await asyncio.to_thread(delivery.release, runtime, rest)
        if rest:
            logger.info("outbox: %d claimed rows not tried this pass, released", len(rest))
        _remember_pace(runtime, now, tried)
    return outcome


def _remember_pace(runtime: Runtime, started: datetime, tried: int) -> None:
    if not tried:
        return
    measured = (runtime.now() - started).total_seconds() / tried
    before = _seconds_per_message.get(id(runtime), measured)
    _seconds_per_message[id(runtime)] = max(1 / PER_SECOND, (before + measured) / 2)


def _markup(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


class NotSentYet(Exception):
    """An edit whose message is not sent yet (or still in flight): tried again later."""


async def _edit(bot: Bot, runtime: Runtime, message: Outgoing, edit_of: int) -> int:
    """Rewrite the message an earlier row was sent as; its buttons go unless given again."""
    target = await asyncio.to_thread(delivery.sent_message, runtime, edit_of)
    if target is None:
        raise NotSentYet(f"row {edit_of} has no sent message yet")
    chat_id, message_id = target
    edited = await bot.edit_message_text(
        fit_message(message.text),
        chat_id=chat_id,
        message_id=message_id,
        reply_markup=_markup(message.buttons),
    )
    return edited.message_id if isinstance(edited, TelegramMessage) else message_id


async def _deliver(bot: Bot, runtime: Runtime, message: Outgoing) -> int:
    """Send (or edit) the message; returns its Telegram message id."""
    edit_of = message.rows[0].edit_of
    if edit_of is not None:
        return await _edit(bot, runtime, message, edit_of)
    build = hooks_of(message.rows[0].kind).document
    if build is not None:  # built now, from the ledger as it is
        document, caption = await asyncio.to_thread(build, runtime, message.rows[0])
        sent = await bot.send_document(
            message.chat_id,
            InputFile(document.content, filename=document.file_name),
            caption=caption,
            reply_markup=_markup(message.buttons),
        )
        return sent.message_id
    sent = await bot.send_message(
        message.chat_id, fit_message(message.text), reply_markup=_markup(message.buttons)
    )
    return sent.message_id


def _said(error: BaseException) -> str:
    """The error in one short line (a proxy's HTML page can be kilobytes)."""
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:200] + "…"


async def _send_one(bot: Bot, runtime: Runtime, message: Outgoing, outcome: Outcome) -> None:
    rows, chat = message.rows, message.chat_id
    count = len(rows)
    try:
        sent = await _deliver(bot, runtime, message)
    except NotSentYet as error:  # the message to edit is in flight or waiting: later
        await _back_off(runtime, message, outcome, str(error))
    except ChatWaiting as error:  # the chat's wait, known from another sender or its pace
        seconds = wait_seconds(error)
        held = await asyncio.to_thread(
            delivery.retry, runtime, rows, seconds, f"等待 {seconds:g} 秒（限速）", counts=False
        )
        outcome.failed += held
        outcome.lost += count - held
    except RetryAfter as error:  # Telegram says wait: not the message's fault
        seconds = wait_seconds(error)
        logger.warning("outbox: chat %s told to wait %g s (429); its rows wait too", chat, seconds)
        why = f"429 RetryAfter {seconds:g}s"
        held = await asyncio.to_thread(delivery.retry, runtime, rows, seconds, why, counts=False)
        outcome.failed += held
        outcome.lost += count - held
    except ChatMigrated as error:  # a group became a supergroup: follow it and send again
        await asyncio.to_thread(delivery.migrated, runtime, chat, error.new_chat_id)
        message.chat_id = error.new_chat_id
        await _send_one(bot, runtime, message, outcome)
    except Forbidden as error:  # blocked, kicked: mark the chat, give the rows up
        held = await asyncio.to_thread(delivery.blocked, runtime, chat, rows, str(error))
        outcome.blocked.add(chat)
        outcome.dead += held
        outcome.lost += count - held
    except BadRequest as error:  # will not succeed by trying again (chat not found, …)
        logger.warning("outbox: chat %s refused the message (%s); given up", chat, _said(error))
        held = await asyncio.to_thread(delivery.give_up, runtime, rows, f"400 {error}")
        outcome.dead += held
        outcome.lost += count - held
    except TelegramError as error:  # network, a 5xx, an answer that is not JSON: try again
        await _back_off(runtime, message, outcome, _said(error))
    except Exception as error:  # a bug (a document that fails to build): kept for a look
        logger.exception("outbox: a message to chat %s failed", chat)
        await _back_off(runtime, message, outcome, _said(error))
    else:
        held = await asyncio.to_thread(delivery.mark_sent, runtime, message, sent)
        outcome.sent += held
        outcome.lost += count - held


async def _back_off(runtime: Runtime, message: Outgoing, outcome: Outcome, why: str) -> None:
    """Try again later, twice as late each time; give up after MAX_ATTEMPTS."""
    rows, chat = message.rows, message.chat_id
    attempts = max(row.attempts for row in rows)
    if attempts >= MAX_ATTEMPTS:
        logger.warning("outbox: chat %s: %s; given up after %d attempts", chat, why, attempts)
        held = await asyncio.to_thread(
            delivery.give_up, runtime, rows, f"{attempts} 次均失败：{why}"
        )
        outcome.dead += held
        outcome.lost += len(rows) - held
        return
    backoff = min(BACKOFF * 2 ** (attempts - 1), 3600)
    logger.warning("outbox: chat %s: %s; retry in %d s", chat, why, backoff)
    held = await asyncio.to_thread(delivery.retry, runtime, rows, backoff, why, counts=True)
    outcome.failed += held
    outcome.lost += len(rows) - held


class _UnparsableAnswer(logging.Filter):
    """PTB logs a traceback for every answer that is not JSON (a proxy's HTML page) before
    raising the error the sender retries and logs in one line: the traceback is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Can not load invalid JSON data")


def quiet_unparsable_answers() -> None:
    target = logging.getLogger("telegram.request.BaseRequest")
    if not any(isinstance(f, _UnparsableAnswer) for f in target.filters):
        target.addFilter(_UnparsableAnswer())
