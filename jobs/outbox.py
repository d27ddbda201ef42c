"""Sending: claim due outbox rows, send them, record each outcome at once.

A claim is a conditional UPDATE (PostgreSQL also skips rows another sender
has locked) that sets `sending` with a lease; a sender that dies leaves rows
whose lease runs out and are claimed again. Each message is marked sent with
its Telegram message id right after Telegram accepts it, so a crash repeats
at most the message in flight. Reminders for one chat claimed together are
merged into one message (each task a line, buttons per task).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, or_, select, update
from sqlalchemy.orm import Session
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.core.messages import Button
from bot.core.task_messages import remember
from bot.core.text import fit_message
from bot.core.timefmt import local_day
from bot.core.transaction import unit_of_work
from bot.duty.checks import check_key_of, mark_asked
from bot.outbox.rows import WAITING, buttons_of
from bot.runtime import Runtime
from db.models import ChatBinding, MessageKind, OutboxKind, OutboxMessage, OutboxState
from jobs.schedule import may_send_now

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claim older than this belongs to a sender that died
MAX_ATTEMPTS = 8
MERGE_LIMIT = 8  # tasks per merged reminder (three buttons each)
REPLY_HINT = "直接回复本消息即可报告进展，或按下方按钮。"
BLOCKED = "对方已屏蔽机器人或已移出群聊"
# Sent on days off and in quiet hours too: duty on a holiday is around the clock.
ANY_HOUR = (OutboxKind.DUTY_PROMPT, OutboxKind.DUTY_ALARM, OutboxKind.DUTY_SUMMARY)


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    chat_id: int
    kind: str
    task_id: int | None
    text: str
    buttons: tuple[tuple[Button, ...], ...]
    attempts: int


@dataclass
class Outgoing:
    """One Telegram message made of one or more claimed rows."""

    chat_id: int
    rows: list[Claimed]
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    task_ids: list[int] = field(default_factory=list)


def claim(runtime: Runtime, now: datetime, limit: int) -> list[Claimed]:
    """Take up to `limit` due rows for this sender, in one unit of work."""
    with unit_of_work(runtime.sessions) as session:
        settings = runtime.settings
        allowed = may_send_now(
            now,
            calendar=runtime.calendar(session),
            quiet=(settings.quiet_start, settings.quiet_end),
            zone=settings.zone,
        )
        due = or_(
            and_(OutboxMessage.state.in_(WAITING), OutboxMessage.next_try_at <= now),
            and_(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.claimed_until < now),
        )
        if not allowed:  # reminders and digests wait for working hours; duty prompts do not
            due = and_(due, OutboxMessage.kind.in_(ANY_HOUR))
        picked = session.execute(
            select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.chat_id)
            .where(due)
            .order_by(OutboxMessage.next_try_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not picked:
            return []
        ids = _whole_chats(session, picked, due, limit)
        rows = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), due)
            .values(
                state=OutboxState.SENDING,
                claimed_until=now + LEASE,
                attempts=OutboxMessage.attempts + 1,
            )
            .returning(
                OutboxMessage.id,
                OutboxMessage.key,
                OutboxMessage.chat_id,
                OutboxMessage.kind,
                OutboxMessage.task_id,
                OutboxMessage.text,
                OutboxMessage.buttons,
                OutboxMessage.attempts,
            )
            .execution_options(synchronize_session=False)
        ).all()
    claimed = []
    for row_id, key, chat_id, kind, task_id, text, buttons, attempts in rows:
        claimed.append(
            Claimed(row_id, key, chat_id, kind, task_id, text, buttons_of(buttons), attempts)
        )
    return sorted(claimed, key=lambda c: c.id)


def _whole_chats(session: Session, picked: list[Row[Any]], due: Any, limit: int) -> list[int]:
    """The picked rows with all of their chats' due reminders, so each chat's merge into
    one message; chat by chat until about `limit` more rows (at least one chat), the
    rest of the picked reminders left whole for the next claim.

    The due reminders are read through the (state, next_try_at) index, not each
    chat's history, and matched to the chats here.
    """
    chats = list(dict.fromkeys(row.chat_id for row in picked if row.kind == OutboxKind.REMINDER))
    if not chats:
        return [row.id for row in picked]
    wanted = set(chats)
    by_chat: dict[int, list[int]] = defaultdict(list)
    # No ORDER BY: SQLite would walk the whole table in id order to avoid a sort.
    for row in session.execute(
        select(OutboxMessage.id, OutboxMessage.chat_id)
        .where(due, OutboxMessage.kind == OutboxKind.REMINDER)
        .with_for_update(skip_locked=True)
    ):
        if row.chat_id in wanted:
            by_chat[row.chat_id].append(row.id)
    ids = [row.id for row in picked if row.kind != OutboxKind.REMINDER]
    for number, chat in enumerate(chats):
        if number and len(ids) + len(by_chat[chat]) > 2 * limit:
            break  # this chat and those after it: whole, in a later claim
        ids += by_chat[chat] or [r.id for r in picked if r.chat_id == chat]
    return list(dict.fromkeys(ids))


def compose(claimed: list[Claimed], runtime: Runtime, now: datetime) -> list[Outgoing]:
    """Messages to send: reminders merged per chat, everything else one row each."""
    reminders: dict[int, list[Claimed]] = defaultdict(list)
    outgoing: list[Outgoing] = []
    for row in claimed:
        if row.kind == OutboxKind.REMINDER:
            reminders[row.chat_id].append(row)
        else:
            task_ids = [row.task_id] if row.task_id else []
            outgoing.append(Outgoing(row.chat_id, [row], row.text, row.buttons, task_ids))
    header = f"⏰ 督办提醒（{local_day(now, runtime.zone)}）"
    for chat_id, rows in reminders.items():
        for start in range(0, len(rows), MERGE_LIMIT):
            batch = rows[start : start + MERGE_LIMIT]
            lines = [header, *(row.text for row in batch), "", REPLY_HINT]
            buttons = tuple(button_row for row in batch for button_row in row.buttons)
            task_ids = [row.task_id for row in batch if row.task_id]
            outgoing.append(Outgoing(chat_id, batch, "\n".join(lines), buttons, task_ids))
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
    claimed = await asyncio.to_thread(claim, runtime, now, limit)
    outcome = Outcome()
    for message in compose(claimed, runtime, now):
        if message.chat_id in outcome.blocked:  # refused a moment ago: not asked again
            ids = [row.id for row in message.rows]
            await asyncio.to_thread(_give_up, runtime, ids, BLOCKED)
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


async def _send_one(bot: Bot, runtime: Runtime, message: Outgoing, outcome: Outcome) -> None:
    ids = [row.id for row in message.rows]
    attempts = max(row.attempts for row in message.rows)
    try:
        if message.rows[0].kind == OutboxKind.BULLETIN:  # built now, from the ledger as it is
            name, content = await asyncio.to_thread(_bulletin, runtime, message.text)
            sent = await bot.send_document(
                message.chat_id,
                InputFile(content, filename=name),
                caption=f"本周督查通报（{message.text}）",
            )
        else:
            sent = await bot.send_message(
                message.chat_id, fit_message(message.text), reply_markup=_markup(message.buttons)
            )
    except RetryAfter as error:  # Telegram says wait: not the message's fault
        with warnings.catch_warnings():  # PTB 22 warns that this becomes a timedelta
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            delay = error.retry_after
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        await asyncio.to_thread(
            _retry, runtime, ids, seconds, f"429 RetryAfter {seconds:g}s", False
        )
        outcome.failed += len(ids)
    except ChatMigrated as error:  # a group became a supergroup: follow it and send again
        await asyncio.to_thread(_migrate, runtime, message.chat_id, error.new_chat_id)
        message.chat_id = error.new_chat_id
        await _send_one(bot, runtime, message, outcome)
    except Forbidden as error:  # blocked, kicked: mark the chat, give the rows up
        await asyncio.to_thread(_blocked, runtime, message.chat_id, ids, str(error))
        outcome.blocked.add(message.chat_id)
        outcome.dead += len(ids)
    except BadRequest as error:  # will not succeed by trying again (chat not found, …)
        await asyncio.to_thread(_give_up, runtime, ids, f"400 {error}")
        outcome.dead += len(ids)
    except NetworkError as error:  # network trouble or a 5xx: back off and try again
        if attempts >= MAX_ATTEMPTS:
            await asyncio.to_thread(_give_up, runtime, ids, f"{attempts} 次均失败：{error}")
            outcome.dead += len(ids)
        else:
            backoff = min(60 * 2 ** (attempts - 1), 3600)
            await asyncio.to_thread(_retry, runtime, ids, backoff, str(error), True)
            outcome.failed += len(ids)
    else:
        await asyncio.to_thread(_mark_sent, runtime, message, sent.message_id)
        outcome.sent += len(ids)


def _bulletin(runtime: Runtime, week: str) -> tuple[str, bytes]:
    from bot.reports.bulletin import IsoWeek
    from bot.reports.weekly import bulletin_file

    with unit_of_work(runtime.sessions) as session:  # the issue number is kept
        return bulletin_file(runtime, session, IsoWeek.parse(week))


def _rows(ids: list[int]):  # type: ignore[no-untyped-def]
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .execution_options(synchronize_session=False)
    )


def _mark_sent(runtime: Runtime, message: Outgoing, message_id: int) -> None:
    now = runtime.now()
    with unit_of_work(runtime.sessions) as session:
        session.execute(
            _rows([row.id for row in message.rows]).values(
                state=OutboxState.SENT,
                sent_at=now,
                message_ids=str(message_id),
                chat_id=message.chat_id,
                claimed_until=None,
                last_error=None,
            )
        )
        prompts = [row.key for row in message.rows if row.kind == OutboxKind.DUTY_PROMPT]
        if prompts:  # the answer window opens now, and a reply to this message answers
            mark_asked(
                session,
                check_keys=[check_key_of(key) for key in prompts],
                chat_id=message.chat_id,
                message_id=message_id,
                now=now,
            )
        if message.task_ids:
            kinds = {row.kind for row in message.rows}
            remember(
                session,
                chat_id=message.chat_id,
                message_id=message_id,
                task_ids=message.task_ids,
                kind=MessageKind.REMINDER if OutboxKind.REMINDER in kinds else MessageKind.CARD,
                now=now,
            )


def _retry(runtime: Runtime, ids: list[int], seconds: float, why: str, counts: bool) -> None:
    now = runtime.now()
    with unit_of_work(runtime.sessions) as session:
        values: dict[str, object] = {
            "state": OutboxState.FAILED,
            "next_try_at": now + timedelta(seconds=seconds),
            "claimed_until": None,
            "last_error": why[:500],
        }
        if not counts:  # being told to wait is not a failed attempt
            values["attempts"] = OutboxMessage.attempts - 1
        session.execute(_rows(ids).values(**values))


def _give_up(runtime: Runtime, ids: list[int], why: str) -> None:
    with unit_of_work(runtime.sessions) as session:
        session.execute(
            _rows(ids).values(state=OutboxState.DEAD, claimed_until=None, last_error=why[:500])
        )


def _blocked(runtime: Runtime, chat_id: int, ids: list[int], why: str) -> None:
    """The chat will not take messages: no more rows for it until it is bound again."""
    now = runtime.now()
    with unit_of_work(runtime.sessions) as session:
        session.execute(
            _rows(ids).values(
                state=OutboxState.DEAD, claimed_until=None, last_error=f"403 {why}"[:500]
            )
        )
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.state.in_(WAITING))
            .values(state=OutboxState.DEAD, last_error=BLOCKED)
            .execution_options(synchronize_session=False)
        )
        binding = session.scalar(select(ChatBinding).where(ChatBinding.chat_id == chat_id))
        if binding is None:
            binding = ChatBinding(chat_id=chat_id, created_at=now)
            session.add(binding)
        binding.disabled_at = now
    logger.warning("chat %s blocked the bot; its messages are given up", chat_id)


def _migrate(runtime: Runtime, old: int, new: int) -> None:
    """A group upgraded to a supergroup: its binding and its waiting rows follow it."""
    with unit_of_work(runtime.sessions) as session:
        binding = session.scalar(select(ChatBinding).where(ChatBinding.chat_id == old))
        if binding is not None:
            binding.chat_id = new
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.chat_id == old,
                OutboxMessage.state.in_([*WAITING, OutboxState.SENDING]),
            )
            .values(chat_id=new)
            .execution_options(synchronize_session=False)
        )
