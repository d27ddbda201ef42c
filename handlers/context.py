"""What every handler needs: the runtime, and the person behind the update."""

from __future__ import annotations

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot.people import identify
from bot.runtime import Runtime
from db.models import Person

NOT_BOUND = "您还没有绑定督办账号。请向县督查室索取邀请码，然后发送 /start 邀请码。"


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.bot_data["runtime"]


def caller(session: Session, update: Update, runtime: Runtime) -> Person | None:
    user = update.effective_user
    if user is None:
        return None
    return identify(session, user.id, admins=runtime.settings.admins, display_name=user.full_name)
