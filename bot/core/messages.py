"""What the bot says, as plain values: text, buttons, a document.

Handlers return these and the outbox will store them; only the chat adapter
(`handlers.context` for Telegram) turns them into API calls, so another chat
channel can be added without touching the services or the handlers' logic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IncomingFile:
    """A file that came with the user's message (a photo or document as 佐证材料)."""

    kind: str  # photo | document
    file_id: str
    file_name: str | None = None
    file_size: int | None = None
    # The bytes, for a handler that reads the file (a roster .xlsx); fetched on the
    # event loop before the unit of work. None when not asked for, too big or not fetched.
    content: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Button:
    """A button under a message; `data` is an opaque reference the server resolves."""

    label: str
    data: str


@dataclass(frozen=True)
class Document:
    file_name: str
    content: bytes


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    document: Document | None = None  # sent with `text` as its caption
    image: Document | None = None  # a picture (PNG), sent with `text` as its caption
    about: tuple[int, ...] = ()  # task ids: a reply to this message reports on them
    reply_kind: str | None = None  # what a reply means, if not a report (db.models.MessageKind)
    resend: tuple[IncomingFile, ...] = ()  # files (evidence) sent again by their ids
    # Another chat than the caller's (e.g. the supervisors): written to the outbox as a
    # notice in the same unit of work, then sent by the one sender (text and buttons only).
    to_chat: int | None = None
    # A notice's own key (e.g. one supervisor's copy of a request), so a later change can
    # find it; `edits`: the key of an earlier notice this one rewrites in place (its chat,
    # its message), instead of a new message.
    key: str | None = None
    edits: str | None = None


@dataclass(frozen=True)
class ChatMenu:
    """The command menu one chat should show (setMyCommands scoped to that chat)."""

    chat_id: int
    commands: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Deferred:
    """A message built after the unit of work ends: a chart, a .docx, a .xlsx.

    `build` closes over plain values read inside the transaction, never its
    session (or opens a reader of its own), so the handler's unit of work is
    over, its connection and lock released, while the file is drawn.
    """

    build: Callable[[], Message]


# A handler's answer: nothing, one message, or several in order. A bare string is one message.
Reply = str | Message | ChatMenu | Deferred | Sequence[Message | ChatMenu | Deferred] | None


def messages_of(reply: Reply) -> list[Message | ChatMenu]:
    """The messages to send, deferred ones built (call it after the unit of work)."""
    if reply is None:
        return []
    if isinstance(reply, str):
        return [Message(reply)]
    if isinstance(reply, Message | ChatMenu | Deferred):
        reply = [reply]
    return [item.build() if isinstance(item, Deferred) else item for item in reply]


def split_notices(reply: Reply) -> tuple[list[Message | ChatMenu | Deferred], list[Message]]:
    """What goes to the caller (deferred ones not built yet), and the messages for other
    chats (`to_chat`), which the wrapper writes to the outbox."""
    if reply is None:
        return [], []
    if isinstance(reply, str):
        return [Message(reply)], []
    items = [reply] if isinstance(reply, Message | ChatMenu | Deferred) else list(reply)
    elsewhere = [i for i in items if isinstance(i, Message) and i.to_chat is not None]
    return [i for i in items if not (isinstance(i, Message) and i.to_chat is not None)], elsewhere
