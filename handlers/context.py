"""What every handler needs: the runtime, one session, and the person behind the update.

`for_bound_people` turns a plain function `Call -> reply text` into a PTB
callback. The function runs in a worker thread with its own session, so
database work never blocks the event loop, and it never sees Telegram
objects: only the caller, the command's arguments and the runtime. A
`LedgerError` is answered with its own Chinese text; a long reply is cut to
Telegram's limit. Anyone not bound gets the same short refusal and learns
nothing else.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot.ledger import LedgerError
from bot.people import identify
from bot.render import fit_message
from bot.runtime import Runtime
from db.models import Person

NOT_BOUND = "您还没有绑定督办账号。请向县督查室索取邀请码，然后发送 /start 邀请码。"


@dataclass
class Call:
    """One command from a bound person, with a session open for its duration."""

    runtime: Runtime
    session: Session
    person: Person
    args: list[str]


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.bot_data["runtime"]


def for_bound_people(
    handler: Callable[[Call], str],
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    @functools.wraps(handler)
    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        runtime = runtime_of(context)
        user = update.effective_user
        args = list(context.args or [])

        def work() -> str:
            if user is None:
                return NOT_BOUND
            with runtime.sessions() as session:
                person = identify(
                    session, user.id, admins=runtime.settings.admins, display_name=user.full_name
                )
                if person is None:
                    return NOT_BOUND
                try:
                    return handler(Call(runtime, session, person, args))
                except LedgerError as refusal:  # a refused action explains itself
                    session.rollback()
                    return str(refusal)

        reply = await asyncio.to_thread(work)
        if update.effective_message is not None:
            await update.effective_message.reply_text(fit_message(reply))

    return callback
