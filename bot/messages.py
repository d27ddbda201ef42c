"""What the bot says, as plain values: text, buttons, a document.

Handlers return these and the outbox will store them; only the chat adapter
(`handlers.context` for Telegram) turns them into API calls, so another chat
channel can be added without touching the services or the handlers' logic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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


# A handler's answer: nothing, one message, or several in order. A bare string is one message.
Reply = str | Message | Sequence[Message] | None


def messages_of(reply: Reply) -> list[Message]:
    if reply is None:
        return []
    if isinstance(reply, str):
        return [Message(reply)]
    if isinstance(reply, Message):
        return [reply]
    return list(reply)


@dataclass(frozen=True)
class IncomingFile:
    """A file that came with the user's message (a photo or document as 佐证材料)."""

    kind: str  # photo | document
    file_id: str
    file_name: str | None = None
