"""Thin Telegram handlers. Each area module has `register(app)`; the order is set here.

Group 0 holds commands, and files a feature takes by their look (a roster
.xlsx); each feature also registers, in the same call, its button actions,
reply kinds and interceptors with `handlers.dispatch`. The catch-all buttons,
replies and plain messages go in group 1, after them, so a command is never
swallowed by a catch-all text handler. Interceptors are asked in the order
the features register here (office's 批示, then duty's answers).
"""

from __future__ import annotations

from telegram.ext import Application

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
    progress,
    reports,
)

REPLIES_GROUP = 1


def register_all(app: Application) -> None:
    accounts.register(app)  # /start [CODE], /invite, /bind, /units
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
