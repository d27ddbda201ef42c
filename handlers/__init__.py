"""Thin Telegram handlers. Each area module has `register(app)`; the order is set here.

Group 0 holds commands and buttons; replies and plain messages go in group 1,
after them, so a command is never swallowed by a catch-all text handler.
"""

from __future__ import annotations

from telegram.ext import Application

from handlers import accounts, calendar, common, duty, ledger, replies, reports

REPLIES_GROUP = 1


def register_all(app: Application) -> None:
    accounts.register(app)  # /start [CODE], /invite, /bind, /units
    common.register(app)  # /help
    reports.register(app)  # /status, /digest, /export, /bulletin
    ledger.register(app)  # /tasks, /task, /overdue, /newtask, /verify, /return
    calendar.register(app)  # /holiday
    duty.register(app)  # /duty, roster files
    replies.register(app, group=REPLIES_GROUP)  # buttons, replies, plain messages
