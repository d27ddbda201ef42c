"""Thin Telegram handlers. Each area module has `register(app)`; the order is set here.

Group 0 holds commands, and files a feature takes by their look (a roster
.xlsx); each feature also registers, in the same call, its button actions,
reply kinds and interceptors with `handlers.dispatch`. The catch-all buttons,
replies and plain messages go in group 1, after them, so a command is never
swallowed by a catch-all text handler. Interceptors are asked in the order
the features register here (only duty has any).
"""

from __future__ import annotations

from telegram.ext import Application

from handlers import accounts, calendar, common, dispatch, duty, ledger, people, progress, reports

REPLIES_GROUP = 1


def register_all(app: Application) -> None:
    accounts.register(app)  # /start [CODE], /invite, /bind, /units
    people.register(app)  # /people, /invitations, /unbind; the bot removed from a group
    common.register(app)  # /help
    reports.register(app)  # /status, /digest, /export, /bulletin
    ledger.register(app)  # /tasks, /task, /overdue, /newtask, /verify, /return; card buttons
    calendar.register(app)  # /holiday
    duty.register(app)  # /duty, roster files; answers to duty prompts
    progress.register(app)  # replies that report progress, plain messages naming a task
    dispatch.register(app, group=REPLIES_GROUP)  # buttons, replies, plain messages
