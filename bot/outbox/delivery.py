"""A row's life after it is written: claimed under a lease, then sent, retried or given up.

Every change of an outbox row's state after planning happens here, each in its
own short unit of work, so the sender (`jobs.outbox`) only talks to Telegram.
A claim is a conditional UPDATE (PostgreSQL also skips rows another sender has
locked) that sets `sending` with a lease and a fresh claim token; a sender that
dies leaves rows whose lease runs out and are claimed again.

Fencing: every later change of a claimed row (sent, retry, given up, released,
renewed) is an UPDATE conditional on the row still being `sending` under this
claim's token. A sender that was paused past its lease (a long GC, a swapped
VM, SIGSTOP) and lost its rows to another therefore writes nothing over the
other's outcome: its write matches no row, and it logs what it dropped. A late
failure can never turn a `sent` row back, and a late success never runs a
kind's follow-up twice.

A message is marked sent with its Telegram message id right after Telegram
accepts it, so a crash repeats at most the message in flight.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, and_, case, or_, select, update
from sqlalchemy.orm import Session

from bot.core.task_messages import remember
from bot.core.transaction import unit_of_work
from bot.outbox.kinds import Claimed, Outgoing, any_hour_kinds, hooks_of, merging_kinds
from bot.outbox.rows import WAITING, buttons_of
from db.models import ChatBinding, MessageKind, OutboxMessage, OutboxState

if TYPE_CHECKING:
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claim older than this belongs to a sender that died
BLOCKED = "对方已屏蔽机器人或已移出群聊"


def _due(now: datetime, *, any_time_only: bool) -> ColumnElement[bool]:
    due = or_(
        and_(OutboxMessage.state.in_(WAITING), OutboxMessage.next_try_at <= now),
        and_(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.claimed_until < now),
    )
    if any_time_only:  # reminders and digests wait for working hours; duty prompts do not
        due = and_(due, OutboxMessage.kind.in_(any_hour_kinds()))
    return due


def claim(
    runtime: Runtime,
    now: datetime,
    limit: int,
    *,
    working_hours: bool,
    ids: Sequence[int] | None = None,
) -> list[Claimed]:
    """Take up to `limit` due rows (or the due ones among `ids`) in one unit of work,
    under one fresh token."""
    token = secrets.token_hex(16)
    with unit_of_work(runtime.sessions) as session:
        due = _due(now, any_time_only=not working_hours)
        if ids is not None:
            due = and_(due, OutboxMessage.id.in_(list(ids)))
        picked = session.execute(
            select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.chat_id)
            .where(due)
            .order_by(OutboxMessage.next_try_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not picked:
            return []
        chosen = (
            _whole_chats(session, picked, due, limit) if ids is None else [r.id for r in picked]
        )
        rows = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chosen), due)
            .values(
                state=OutboxState.SENDING,
                claimed_until=now + LEASE,
                claim_token=token,
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
                OutboxMessage.reply_kind,
                OutboxMessage.duty_check_id,
                OutboxMessage.edit_of_id,
            )
            .execution_options(synchronize_session=False)
        ).all()
    claimed = [
        Claimed(
            row.id,
            row.key,
            row.chat_id,
            row.kind,
            row.task_id,
            row.text,
            buttons_of(row.buttons),
            row.attempts,
            row.reply_kind,
            row.duty_check_id,
            token=token,
            edit_of=row.edit_of_id,
        )
        for row in rows
    ]
    return sorted(claimed, key=lambda c: c.id)


def _whole_chats(
    session: Session, picked: Sequence[Row[int, str, int]], due: Any, limit: int
) -> list[int]:
    """The picked rows with all of their chats' due rows of merging kinds, so each chat's
    merge into one message; chat by chat until about `limit` more rows (at least one
    chat), the rest of the picked ones left whole for the next claim.

    The due rows are read through the (state, next_try_at) index, not each chat's
    history, and matched to the chats here.
    """
    merging = set(merging_kinds())
    chats = list(dict.fromkeys(row.chat_id for row in picked if row.kind in merging))
    if not chats:
        return [row.id for row in picked]
    wanted = set(chats)
    by_chat: dict[int, list[int]] = defaultdict(list)
    # No ORDER BY: SQLite would walk the whole table in id order to avoid a sort.
    # Only the picked chats' rows are read and locked: locking every due row of a merging
    # kind (the whole morning's digests) would leave a second sender nothing to claim.
    for row in session.execute(
        select(OutboxMessage.id, OutboxMessage.chat_id)
        .where(due, OutboxMessage.kind.in_(merging), OutboxMessage.chat_id.in_(chats))
        .with_for_update(skip_locked=True)
    ):
        if row.chat_id in wanted:
            by_chat[row.chat_id].append(row.id)
    ids = [row.id for row in picked if row.kind not in merging]
    for number, chat in enumerate(chats):
        if number and len(ids) + len(by_chat[chat]) > 2 * limit:
            break  # this chat and those after it: whole, in a later claim
        ids += by_chat[chat] or [r.id for r in picked if r.chat_id == chat]
    return list(dict.fromkeys(ids))


def _held(ids: list[int], token: str) -> Any:
    """An UPDATE of those of `ids` this claim still holds; the ids it changed come back."""
    return (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.state == OutboxState.SENDING,
            OutboxMessage.claim_token == token,
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )


def _dropped(what: str, ids: list[int], held: Sequence[int]) -> None:
    lost = sorted(set(ids) - set(held))
    if lost:
        logger.warning("outbox rows %s are no longer this sender's: %s not recorded", lost, what)


def _token(rows: Sequence[Claimed]) -> str:
    return rows[0].token


def renew(runtime: Runtime, rows: Sequence[Claimed]) -> bool:
    """Just before a send: are these rows still ours? If so, their lease starts again,
    so the send has a whole lease however long the pass has run."""
    ids = [row.id for row in rows]
    now = runtime.now()
    with unit_of_work(runtime.sessions) as session:
        held = session.scalars(_held(ids, _token(rows)).values(claimed_until=now + LEASE)).all()
    _dropped("nothing sent", ids, held)
    return len(held) == len(ids)


def release(runtime: Runtime, rows: Sequence[Claimed]) -> int:
    """Give back rows claimed and not tried, due at once for any sender; the claim's
    attempt is taken back. Rows already recorded or taken by another are left alone."""
    if not rows:
        return 0
    with unit_of_work(runtime.sessions) as session:
        held = session.scalars(
            _held([row.id for row in rows], _token(rows)).values(
                state=case(
                    (OutboxMessage.attempts > 1, OutboxState.FAILED), else_=OutboxState.PENDING
                ),
                next_try_at=runtime.now(),
                attempts=OutboxMessage.attempts - 1,
                claimed_until=None,
                claim_token=None,
            )
        ).all()
    return len(held)


def mark_sent(runtime: Runtime, message: Outgoing, message_id: int) -> int:
    """Telegram took the message: the rows are sent, a reply to it lands on its tasks,
    and each kind's follow-up (a duty check's answer window opens) happens now.

    Only for the rows this claim still holds; returns how many it held."""
    now = runtime.now()
    ids = [row.id for row in message.rows]
    with unit_of_work(runtime.sessions) as session:
        held = set(
            session.scalars(
                _held(ids, _token(message.rows)).values(
                    state=OutboxState.SENT,
                    sent_at=now,
                    message_ids=str(message_id),
                    chat_id=message.chat_id,
                    claimed_until=None,
                    claim_token=None,
                    last_error=None,
                )
            ).all()
        )
        rows = [row for row in message.rows if row.id in held]
        if rows and message.task_ids:
            first = rows[0]
            kind = message.reply_kind or first.reply_kind or hooks_of(first.kind).reply_kind
            remember(
                session,
                chat_id=message.chat_id,
                message_id=message_id,
                task_ids=message.task_ids,
                kind=MessageKind(kind),
                now=now,
            )
        by_kind: dict[str, list[Claimed]] = defaultdict(list)
        for row in rows:
            by_kind[row.kind].append(row)
        for kind, kind_rows in by_kind.items():
            after_sent = hooks_of(kind).after_sent
            if after_sent is not None:
                after_sent(session, kind_rows, message.chat_id, message_id, now)
    _dropped(f"sent as message {message_id}", ids, list(held))
    return len(held)


def sent_message(runtime: Runtime, row_id: int) -> tuple[int, int] | None:
    """The chat and Telegram message id an earlier row was sent as, if it was sent."""
    with unit_of_work(runtime.sessions, read_only=True) as session:
        row = session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.message_ids).where(
                OutboxMessage.id == row_id, OutboxMessage.state == OutboxState.SENT
            )
        ).first()
    if row is None or not row.message_ids:
        return None
    return row.chat_id, int(row.message_ids.split(",")[0])


def retry(
    runtime: Runtime, rows: Sequence[Claimed], seconds: float, why: str, *, counts: bool
) -> int:
    """Try again after `seconds`; being told to wait (429) is not a failed attempt."""
    now = runtime.now()
    ids = [row.id for row in rows]
    values: dict[str, object] = {
        "state": OutboxState.FAILED,
        "next_try_at": now + timedelta(seconds=seconds),
        "claimed_until": None,
        "claim_token": None,
        "last_error": why[:500],
    }
    if not counts:
        values["attempts"] = OutboxMessage.attempts - 1
    with unit_of_work(runtime.sessions) as session:
        held = session.scalars(_held(ids, _token(rows)).values(**values)).all()
    _dropped(f"the retry ({why[:80]})", ids, held)
    return len(held)


def give_up(runtime: Runtime, rows: Sequence[Claimed], why: str) -> int:
    ids = [row.id for row in rows]
    with unit_of_work(runtime.sessions) as session:
        held = session.scalars(
            _held(ids, _token(rows)).values(
                state=OutboxState.DEAD, claimed_until=None, claim_token=None, last_error=why[:500]
            )
        ).all()
    _dropped(f"giving up ({why[:80]})", ids, held)
    return len(held)


def blocked(runtime: Runtime, chat_id: int, rows: Sequence[Claimed], why: str) -> int:
    """The chat will not take messages: no more rows for it until it is bound again.
    Returns how many of `rows` this claim still held."""
    now = runtime.now()
    ids = [row.id for row in rows]
    with unit_of_work(runtime.sessions) as session:
        held = session.scalars(
            _held(ids, _token(rows)).values(
                state=OutboxState.DEAD,
                claimed_until=None,
                claim_token=None,
                last_error=f"403 {why}"[:500],
            )
        ).all()
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
    _dropped("the 403", ids, held)
    logger.warning("chat %s blocked the bot; its messages are given up", chat_id)
    return len(held)


def migrated(runtime: Runtime, old: int, new: int) -> None:
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
