"""What every handler needs: the runtime, one session, and the person behind the update.

`for_bound_people` wraps a handler so that it runs only for someone bound to
duban; anyone else gets the same short refusal and learns nothing else.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot.people import identify
from bot.runtime import Runtime
from db.models import Person

NOT_BOUND = "您还没有绑定督办账号。请向县督查室索取邀请码，然后发送 /start 邀请码。"


@dataclass
class Call:
    """One command from a bound person, with a session open for its duration."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    runtime: Runtime
    session: Session
    person: Person

    @property
    def args(self) -> list[str]:
        return list(self.context.args or [])

    async def reply(self, text: str) -> None:
        message = self.update.effective_message
        assert message is not None
        await message.reply_text(text)


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.bot_data["runtime"]


def for_bound_people(
    handler: Callable[[Call], Awaitable[None]],
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    @functools.wraps(handler)
    async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        runtime = runtime_of(context)
        user = update.effective_user
        with runtime.sessions() as session:
            person = (
                identify(
                    session, user.id, admins=runtime.settings.admins, display_name=user.full_name
                )
                if user is not None
                else None
            )
            if person is None:
                if update.effective_message is not None:
                    await update.effective_message.reply_text(NOT_BOUND)
                return
            await handler(Call(update, context, runtime, session, person))

    return checked
