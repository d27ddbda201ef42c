"""The one wrapper every handler goes through: a `Call` in, a `Reply` out.

`handler(policy)` turns a plain function `Call -> Reply` into a PTB callback.
The function runs in a worker thread (database work never blocks the event
loop) inside one unit of work: the caller is identified, the handler runs,
and the whole update commits once, or rolls back once on a refusal or a
crash. Handlers never see Telegram objects: `Call` carries the caller, the
chat, the replied-to message, any files and the arguments; `Reply` is plain
text, buttons or a document (`bot.core.messages`).

Each handler module states who it serves: `BOUND` (bound people only; anyone
else gets one short refusal and learns nothing) or `ANYONE` (`/start`, which
must reach people who are not bound yet).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyParameters,
    Update,
)
from telegram import Message as TelegramMessage
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.accounts.people import identify, reopen_private_chat
from bot.core.access import PRIVATE, Place, Refusal, answering_in
from bot.core.messages import (
    ChatMenu,
    IncomingFile,
    Message,
    Reply,
    messages_of,
    split_notices,
)
from bot.core.task_messages import remember
from bot.core.text import fit_message
from bot.core.transaction import WriteInReader, unit_of_work
from bot.outbox.notices import write_notices
from bot.runtime import Runtime
from db.models import ChatBinding, MessageKind, Person
from jobs.outbox import send_soon

logger = logging.getLogger(__name__)
NOT_BOUND = "您还没有绑定督办账号。请向县督查室索取邀请码，然后发送 /start 邀请码。"
CAPTION_LIMIT = 1024
FETCH_LIMIT = 10 * 1024 * 1024  # bytes of a file a handler reads (Bot API serves up to 20 MB)


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
    chat_title: str
    message_id: int | None
    reply_to_message_id: int | None  # the bot's message this one answers, if any
    text: str
    args: list[str]
    files: list[IncomingFile] = field(default_factory=list)
    button: str | None = None  # the pressed button's data
    bot_username: str | None = None  # for t.me deep links
    chat_admin: bool = False  # the caller administers the group (asked only when declared)
    bot_removed: bool = False  # a my_chat_member update: the bot was removed from the chat
    # The replied-to message's own text, and whether the bot wrote it: a reply to a
    # message the bot has no record of can still land by what it quotes.
    reply_to_text: str | None = None
    reply_to_bot: bool = False

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
    runtime: Runtime = context.bot_data["runtime"]
    return runtime


def _files_of(message: TelegramMessage | None) -> list[IncomingFile]:
    if message is None:
        return []
    files = []
    if message.photo:  # several sizes of one picture: keep the largest
        photo = message.photo[-1]
        files.append(IncomingFile("photo", photo.file_id, None, photo.file_size))
    if message.document is not None:
        document = message.document
        files.append(
            IncomingFile("document", document.file_id, document.file_name, document.file_size)
        )
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
        "user_name": _display_name(user.first_name, user.last_name) if user else "",
        "chat_id": chat.id if chat else (user.id if user else 0),
        "chat_type": chat.type if chat else "private",
        "chat_title": (chat.title or "") if chat else "",
        "message_id": message.message_id if message else None,
        "reply_to_message_id": replied.message_id if replied else None,
        "text": text,
        "args": list(context.args or []),
        "files": _files_of(message) if query is None else [],
        "button": query.data if query is not None else None,
        "bot_username": _username(context),
        "bot_removed": _bot_removed(update),
        "reply_to_text": (replied.text or replied.caption) if replied else None,
        "reply_to_bot": _from_bot(replied, context),
    }


def _from_bot(replied: TelegramMessage | None, context: ContextTypes.DEFAULT_TYPE) -> bool:
    if replied is None or replied.from_user is None:
        return False
    try:
        return replied.from_user.id == context.bot.id
    except RuntimeError:  # not initialised: any bot's message will do
        return replied.from_user.is_bot


def _bot_removed(update: Update) -> bool:
    change = update.my_chat_member
    return change is not None and change.new_chat_member.status in ("left", "kicked")


async def _is_chat_admin(context: ContextTypes.DEFAULT_TYPE, values: dict[str, object]) -> bool:
    """Whether the caller administers the group: asked of Telegram before the unit of work."""
    user_id, chat_id = values["user_id"], values["chat_id"]
    if values["chat_type"] == "private" or not isinstance(user_id, int):
        return False
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)  # type: ignore[arg-type]
    except TelegramError as error:
        logger.warning("chat administrators could not be asked: %s", error)
        return False
    return member.status in ("administrator", "creator")


_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·]+$")


def _display_name(first: str, last: str | None) -> str:
    """张 三 → 张三: Chinese names are written without a space between their parts."""
    if last and _CJK.match(first) and _CJK.match(last):
        return first + last
    return f"{first} {last}" if last else first


def _username(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    try:
        return context.bot.username
    except RuntimeError:  # not initialised (getMe not called yet)
        return None


def handler(
    policy: Policy,
    *,
    fetch: Callable[[IncomingFile], bool] | None = None,
    reads: bool = False,
    asks_admin: bool = False,
) -> Callable[
    [Callable[[Call], Reply]],
    Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]],
]:
    """Wrap `Call -> Reply` as a PTB callback serving `policy`'s audience.

    `fetch`: which of the message's files the handler reads; their bytes are
    downloaded first (up to `FETCH_LIMIT`), so no Telegram call runs inside the
    unit of work.

    `reads`: the handler only reads, so its unit of work begins as a reader and
    neither waits for nor holds the writer's place; if the update must write
    after all (an admin's first contact, a card's first buttons), it is done
    again as a writer.

    `asks_admin`: whether the caller administers the group is asked of Telegram
    first (`Call.chat_admin`), for what a group's own administrator may do.
    """

    def wrap(
        answer: Callable[[Call], Reply],
    ) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
        @functools.wraps(answer)
        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            runtime = runtime_of(context)
            values = _call_skeleton(update, context)
            if fetch is not None:
                values["files"] = [
                    await _fetched(context, file) if fetch(file) else file
                    for file in values["files"]  # type: ignore[attr-defined]
                ]
            if asks_admin:
                values["chat_admin"] = await _is_chat_admin(context, values)
            outputs, notices = await asyncio.to_thread(
                _work, runtime, policy, answer, values, reads
            )
            try:
                await _send(update, context, runtime, outputs)
            except (
                TelegramError
            ) as error:  # the work is saved; saying it failed would invite a repeat
                logger.warning(
                    "update %s: the answer could not be sent: %s", update.update_id, error
                )
            if notices:
                await _deliver_now(context, runtime, notices)
            raise ApplicationHandlerStop  # answered: no later handler group sees it

        return callback

    return wrap


async def _fetched(context: ContextTypes.DEFAULT_TYPE, file: IncomingFile) -> IncomingFile:
    """The file with its bytes, or as it was when it is too big or cannot be fetched."""
    if file.file_size is not None and file.file_size > FETCH_LIMIT:
        return file
    try:
        remote = await context.bot.get_file(file.file_id)
        content = bytes(await remote.download_as_bytearray())
    except TelegramError as error:
        logger.warning("a file could not be fetched: %s", error)
        return file
    return replace(file, content=content) if len(content) <= FETCH_LIMIT else file


def _work(
    runtime: Runtime,
    policy: Policy,
    answer: Callable[[Call], Reply],
    values: dict,
    reads: bool = False,
) -> tuple[list[Message | ChatMenu], list[int]]:
    """Identify, answer and commit in one unit of work; a refusal is the reply.

    Returns what to send the caller (deferred drawings built after the commit),
    and the outbox rows of the notices to other chats, written in the same unit
    of work as the change they report.
    """
    try:
        with unit_of_work(runtime.sessions, read_only=reads) as session:
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
                return messages_of(NOT_BOUND), []
            if person is not None and values["chat_type"] == "private":
                reopen_private_chat(session, person)
            with answering_in(_place(session, values)):
                reply = answer(Call(runtime, session, person, **values))
            to_caller, elsewhere = split_notices(reply)
            notices = write_notices(session, elsewhere, now=runtime.now()) if elsewhere else []
        return messages_of(to_caller), notices  # deferred drawings are built now, after the commit
    except WriteInReader as write:
        logger.info("%s, done again as a writer: %s", answer.__name__, write)
        return _work(runtime, policy, answer, values)
    except Refusal as refusal:  # rolled back: a refused action leaves nothing behind
        return messages_of(str(refusal)), []


def _place(session: Session, values: dict) -> Place:
    """Where the answer will be read: every access decision of the update holds for it."""
    if values["chat_type"] == "private":
        return PRIVATE
    unit_id = session.scalar(
        select(ChatBinding.unit_id).where(
            ChatBinding.chat_id == values["chat_id"], ChatBinding.disabled_at.is_(None)
        )
    )
    return Place(group=True, unit_id=unit_id)


async def _deliver_now(
    context: ContextTypes.DEFAULT_TYPE, runtime: Runtime, notices: list[int]
) -> None:
    """Send the notices at once; they are committed, so on any failure the scan sends them."""
    try:
        await send_soon(context.bot, runtime, notices)
    except Exception:
        logger.exception("notices %s wait for the next scan", notices)


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
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    runtime: Runtime,
    outputs: list[Message | ChatMenu],
) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()  # stops the button's spinner
    chat = update.effective_chat
    if chat is None:
        return
    # In a group, answer as a reply to the person's message so the thread stays readable.
    quote = None
    if chat.type != "private" and update.callback_query is None and update.effective_message:
        quote = ReplyParameters(
            update.effective_message.message_id, allow_sending_without_reply=True
        )
    sent_about: list[tuple[int, int, tuple[int | None, ...], str]] = []
    for output in outputs:
        if isinstance(output, ChatMenu):
            await context.bot.set_my_commands(
                [BotCommand(name, text) for name, text in output.commands],
                scope=BotCommandScopeChat(output.chat_id),
            )
            continue
        chat_id, replying = chat.id, quote
        if output.image is not None:
            sent = await context.bot.send_photo(
                chat_id,
                InputFile(output.image.content, filename=output.image.file_name),
                caption=fit_message(output.text, CAPTION_LIMIT) or None,
                reply_markup=_markup(output),
                reply_parameters=replying,
            )
        elif output.document is not None:
            sent = await context.bot.send_document(
                chat_id,
                InputFile(output.document.content, filename=output.document.file_name),
                caption=fit_message(output.text, CAPTION_LIMIT) or None,
                reply_markup=_markup(output),
                reply_parameters=replying,
            )
        else:
            sent = await context.bot.send_message(
                chat_id,
                fit_message(output.text),
                reply_markup=_markup(output),
                reply_parameters=replying,
            )
        if output.about or output.reply_kind:
            kind = output.reply_kind or MessageKind.CARD
            sent_about.append((chat_id, sent.message_id, output.about or (None,), kind))
        for file in output.resend:
            send_file = (
                context.bot.send_photo if file.kind == "photo" else context.bot.send_document
            )
            await send_file(chat_id, file.file_id)
    if sent_about:
        await asyncio.to_thread(_remember, runtime, sent_about)


def _remember(runtime: Runtime, sent: list[tuple[int, int, tuple[int | None, ...], str]]) -> None:
    """Map each sent task message to its tasks, so replies to it land there."""
    with unit_of_work(runtime.sessions) as session:
        for chat_id, message_id, task_ids, kind in sent:
            remember(
                session,
                chat_id=chat_id,
                message_id=message_id,
                task_ids=task_ids,
                kind=MessageKind(kind),
                now=runtime.now(),
            )
