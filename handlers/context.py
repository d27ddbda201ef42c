"""The one wrapper every handler goes through: a `Call` in, a `Reply` out.

`handler(policy)` turns a plain function `Call -> Reply` into a PTB callback.
The function runs in a worker thread (database work never blocks the event
loop) inside one unit of work: the caller is identified, the handler runs,
and the whole update commits once, or rolls back once on a refusal or a
crash. Handlers never see Telegram objects: `Call` carries the caller, the
chat, the replied-to message, any files and the arguments; `Reply` is plain
text, buttons or a document (`bot.messages`).

Each handler module states who it serves: `BOUND` (bound people only; anyone
else gets one short refusal and learns nothing) or `ANYONE` (`/start`, which
must reach people who are not bound yet).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram import Message as TelegramMessage
from telegram.ext import ContextTypes

from bot.access import Refusal
from bot.messages import IncomingFile, Message, Reply, messages_of
from bot.people import identify
from bot.render import fit_message
from bot.runtime import Runtime
from bot.transaction import unit_of_work
from db.models import Person

NOT_BOUND = "您还没有绑定督办账号。请向县督查室索取邀请码，然后发送 /start 邀请码。"
CAPTION_LIMIT = 1024


class Policy(StrEnum):
    BOUND = "bound"  # bound people only
    ANYONE = "anyone"  # strangers too: the handler decides what they may learn


BOUND = Policy.BOUND
ANYONE = Policy.ANYONE


@dataclass
class Call:
    """One update, with a session open for its duration."""

    runtime: Runtime
    session: Session
    person: Person | None  # None: not bound (only under the ANYONE policy)
    user_id: int | None
    user_name: str
    chat_id: int
    chat_type: str  # private | group | supergroup | channel
    message_id: int | None
    reply_to_message_id: int | None  # the bot's message this one answers, if any
    text: str
    args: list[str]
    files: list[IncomingFile] = field(default_factory=list)
    button: str | None = None  # the pressed button's data

    @property
    def caller(self) -> Person:
        """The bound person (always set under the BOUND policy)."""
        assert self.person is not None, "handler needs the BOUND policy"
        return self.person

    @property
    def in_group(self) -> bool:
        return self.chat_type in ("group", "supergroup")

    def now(self) -> datetime:
        return self.runtime.now()


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.bot_data["runtime"]


def _files_of(message: TelegramMessage | None) -> list[IncomingFile]:
    if message is None:
        return []
    files = []
    if message.photo:  # several sizes of one picture: keep the largest
        files.append(IncomingFile("photo", message.photo[-1].file_id))
    if message.document is not None:
        files.append(IncomingFile("document", message.document.file_id, message.document.file_name))
    return files


def _call_skeleton(update: Update, context: ContextTypes.DEFAULT_TYPE) -> dict[str, object]:
    """The plain values of `update` a handler may use, read on the event loop."""
    user, chat = update.effective_user, update.effective_chat
    message = update.effective_message
    query = update.callback_query
    replied = message.reply_to_message if message is not None and query is None else None
    text = (message.text or message.caption or "") if message is not None and not query else ""
    return {
        "user_id": user.id if user else None,
        "user_name": user.full_name if user else "",
        "chat_id": chat.id if chat else (user.id if user else 0),
        "chat_type": chat.type if chat else "private",
        "message_id": message.message_id if message else None,
        "reply_to_message_id": replied.message_id if replied else None,
        "text": text,
        "args": list(context.args or []),
        "files": _files_of(message) if query is None else [],
        "button": query.data if query is not None else None,
    }


def handler(
    policy: Policy,
) -> Callable[
    [Callable[[Call], Reply]], Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
]:
    """Wrap `Call -> Reply` as a PTB callback serving `policy`'s audience."""

    def wrap(
        answer: Callable[[Call], Reply],
    ) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
        @functools.wraps(answer)
        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            runtime = runtime_of(context)
            values = _call_skeleton(update, context)
            reply = await asyncio.to_thread(_work, runtime, policy, answer, values)
            await _send(update, context, messages_of(reply))

        return callback

    return wrap


def _work(runtime: Runtime, policy: Policy, answer: Callable[[Call], Reply], values: dict) -> Reply:
    """Identify, answer and commit in one unit of work; a refusal is the reply."""
    try:
        with unit_of_work(runtime.sessions) as session:
            user_id = values["user_id"]
            person = None
            if isinstance(user_id, int):
                person = identify(
                    session,
                    user_id,
                    admins=runtime.settings.admins,
                    display_name=str(values["user_name"]),
                )
            if person is None and policy == BOUND:
                return NOT_BOUND
            return answer(Call(runtime, session, person, **values))  # type: ignore[arg-type]
    except Refusal as refusal:  # rolled back: a refused action leaves nothing behind
        return str(refusal)


def _markup(message: Message) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.label, callback_data=button.data) for button in row]
            for row in message.buttons
        ]
    )


async def _send(
    update: Update, context: ContextTypes.DEFAULT_TYPE, messages: list[Message]
) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()  # stops the button's spinner
    chat = update.effective_chat
    if chat is None:
        return
    for message in messages:
        if message.document is not None:
            await context.bot.send_document(
                chat.id,
                InputFile(message.document.content, filename=message.document.file_name),
                caption=fit_message(message.text, CAPTION_LIMIT) or None,
                reply_markup=_markup(message),
            )
        else:
            await context.bot.send_message(
                chat.id, fit_message(message.text), reply_markup=_markup(message)
            )
