"""Thin Telegram handlers. Each area module has `register(app)`; the order is set here.

Group 0 holds commands, and files a feature takes by their look (a roster
.xlsx); each feature also registers, in the same call, its button actions,
reply kinds and interceptors with `handlers.dispatch`. The catch-all buttons,
replies and plain messages go in group 1, after them, so a command is never
swallowed by a catch-all text handler. Interceptors are asked in the order
the features register here (office's 批示, then duty's answers).
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.core.flood import NOTICE, FloodGate, Verdict
from handlers import (
    accounts,
    calendar,
    common,
    dispatch,
    duty,
    extensions,
    ledger,
    ledger_files,
    office,
    people,
    progress,
    reports,
)

REPLIES_GROUP = 1
FLOOD_GROUP = -100  # before everything (a group of its own): a flood reaches no handler


async def flood_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One notice to a person over the per-minute limit, then silence until it passes."""
    user, chat = update.effective_user, update.effective_chat
    runtime = context.bot_data.get("runtime")
    if user is None or runtime is None:
        return
    gate = context.bot_data.get("flood")
    if gate is None:
        gate = context.bot_data["flood"] = FloodGate(runtime.settings.flood_per_minute)
    now = runtime.now()
    verdict = gate.admit(user.id, now)
    if verdict == Verdict.PASS:
        return
    if verdict == Verdict.WARN:
        gate.forget_idle(now)
        if chat is not None:  # a courtesy: ignoring the flood is what matters
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(chat.id, NOTICE)
    raise ApplicationHandlerStop


def register_all(app: Application) -> None:
    app.add_handler(TypeHandler(Update, flood_guard), group=FLOOD_GROUP)
    accounts.register(app)  # /start [CODE], /invite, /bind, /units
    people.register(app)  # /people, /invitations, /unbind; the bot removed from a group
    common.register(app)  # /help
    reports.register(app)  # /status, /digest, /export, /bulletin
    ledger.register(app)  # /tasks, /task, /overdue, /newtask, /verify, /return; card buttons
    extensions.register(app)  # 申请延期 and its 批准 · 驳回, /redate
    office.register(app)  # 签收, /pending; a leader's reply is a 批示 (an interceptor)
    calendar.register(app)  # /holiday
    duty.register(app)  # /duty, roster files; answers to duty prompts
    ledger_files.register(app)  # the office's ledger .xlsx in chat (after the rosters)
    progress.register(app)  # replies that report progress, plain messages naming a task
    dispatch.register(app, group=REPLIES_GROUP)  # buttons, replies, plain messages
