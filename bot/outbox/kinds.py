"""What differs between kinds of outbox rows, registered by the feature that writes them.

The sender (`jobs.outbox`) claims, composes, sends and marks rows without knowing
any feature. What a kind needs beyond "send this text with these buttons" is a
hook its feature registers here (from its `jobs/<domain>.register()`): whether it
may go out on days off and in quiet hours, how one chat's rows merge into one
message, a document built when the row is sent, what a reply to the sent message
means, and what else changes once Telegram has taken it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core.messages import Button, Document
from db.models import MessageKind, OutboxKind

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True)
class Claimed:
    """An outbox row a sender holds under its lease."""

    id: int
    key: str
    chat_id: int
    kind: str
    task_id: int | None
    text: str
    buttons: tuple[tuple[Button, ...], ...]
    attempts: int
    reply_kind: str | None = None
    duty_check_id: int | None = None
    token: str = ""  # the claim it was taken under; every later change of the row needs it
    edit_of: int | None = None  # an EDIT row: the row whose sent message it rewrites


@dataclass
class Outgoing:
    """One message made of one or more claimed rows."""

    chat_id: int
    rows: list[Claimed]
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    task_ids: list[int] = field(default_factory=list)
    reply_kind: MessageKind | None = None  # what a reply means, when not the first row's kind's

    @classmethod
    def single(cls, row: Claimed) -> Outgoing:
        # An edit rewrites a message whose tasks are already remembered.
        task_ids = [row.task_id] if row.task_id and row.edit_of is None else []
        return cls(row.chat_id, [row], row.text, row.buttons, task_ids)


# One chat's claimed rows of a kind → the messages to send, given the moment and zone.
Merge = Callable[[list[Claimed], datetime, ZoneInfo], list[Outgoing]]
# The row → the file to send (built when sent, from the ledger as it is then) and its caption.
BuildDocument = Callable[["Runtime", Claimed], tuple[Document, str]]
# Inside the unit of work that marks the message sent: (session, rows, chat, message id, now).
AfterSent = Callable[[Session, list[Claimed], int, int, datetime], None]


@dataclass(frozen=True)
class KindHooks:
    any_hour: bool = False  # sent on days off and in quiet hours too
    merge: Merge | None = None  # one chat's rows claimed together become fewer messages
    # Kinds of one family merge with each other: one chat's rows of all of them claimed
    # together become the family's message(s) (the morning: digest, reminders, chases,
    # escalations), by the merge registered for the family (`register_family`).
    family: str | None = None
    document: BuildDocument | None = None
    after_sent: AfterSent | None = None
    reply_kind: MessageKind = MessageKind.CARD  # what a reply to the message means


PLAIN = KindHooks()
# A notice answers what someone just did (a request, a decision): sent at once, any hour,
# as the direct message it replaces was.
# An edit corrects one of those (a decided request's other copies), so it goes out alike.
_KINDS: dict[str, KindHooks] = {
    OutboxKind.NOTICE: KindHooks(any_hour=True),
    OutboxKind.EDIT: KindHooks(any_hour=True),
}


_FAMILIES: dict[str, Merge] = {}
# The working morning's family: a chat's digest, reminders, chases and escalations.
MORNING = "morning"


def register_kind(kind: str, hooks: KindHooks) -> None:
    """Called by a feature's `register()`; registering again replaces (tests rebuild apps)."""
    _KINDS[kind] = hooks


def register_family(family: str, merge: Merge) -> None:
    """How one chat's rows of the kinds in `family` become messages (the feature that owns
    the family registers it; the kinds join with `KindHooks.family`)."""
    _FAMILIES[family] = merge


def merge_of(kind: str, *, families: bool = True) -> tuple[str, Merge] | None:
    """The group a kind's rows merge in (its family, else the kind itself) and the merge;
    `families` off: each kind by itself (the setting `morning_message` off)."""
    hooks = hooks_of(kind)
    if families and hooks.family is not None and hooks.family in _FAMILIES:
        return hooks.family, _FAMILIES[hooks.family]
    return (kind, hooks.merge) if hooks.merge is not None else None


def hooks_of(kind: str) -> KindHooks:
    return _KINDS.get(kind, PLAIN)


def any_hour_kinds() -> list[str]:
    return sorted(kind for kind, hooks in _KINDS.items() if hooks.any_hour)


def merging_kinds() -> list[str]:
    return sorted(kind for kind in _KINDS if merge_of(kind) is not None)
