"""Thin Telegram handlers. Each area module has `register(app)`; the order is set here.

Group 0 holds commands; later groups (free-text replies, buttons) go after
them so a command is never swallowed by a catch-all text handler.
"""

from __future__ import annotations

from telegram.ext import Application

from handlers import common, holiday, status


def register_all(app: Application) -> None:
    common.register(app)  # /start, /help
    status.register(app)  # /status
    holiday.register(app)  # /holiday
