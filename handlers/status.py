"""/status: the summary in the caller's scope."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.render import summary_text
from bot.summary import Scope
from db.models import Role
from handlers.context import NOT_BOUND, caller, runtime_of


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    with runtime.sessions() as session:
        person = caller(session, update, runtime)
        if person is None:
            await update.effective_message.reply_text(NOT_BOUND)
            return
        if person.role == Role.SUPERVISOR:
            scope = Scope()
        elif person.role == Role.LEADER:
            scope = Scope(leader_id=person.id)
        else:
            scope = Scope(unit_id=person.unit_id)
        text = summary_text(runtime.summary(session, scope=scope), runtime.zone)
    await update.effective_message.reply_text(text)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("status", status))
