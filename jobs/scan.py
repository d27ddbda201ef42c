"""The one repeating job: plan what is due, then send what is due.

Runs every `DUBAN_SCAN_INTERVAL` seconds on PTB's JobQueue (APScheduler).
Nothing else is scheduled in memory: every reminder, escalation and digest
is an outbox row, so a restart loses and repeats nothing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram.ext import ContextTypes

from bot.core.transaction import unit_of_work
from bot.runtime import Runtime
from jobs.outbox import Outcome, send_due
from jobs.planning import plan

logger = logging.getLogger(__name__)


def plan_now(runtime: Runtime, now: datetime) -> int:
    """One planning pass in its own unit of work."""
    with unit_of_work(runtime.sessions) as session:
        return plan(
            session,
            now=now,
            settings=runtime.settings,
            calendar=runtime.calendar(session),
            yellow_until=runtime.yellow_until(session, now),
        )


async def scan(context: ContextTypes.DEFAULT_TYPE) -> Outcome:
    runtime: Runtime = context.bot_data["runtime"]
    now = runtime.now()
    planned = await asyncio.to_thread(plan_now, runtime, now)
    outcome = await send_due(context.bot, runtime, now=now)
    if planned or outcome.sent or outcome.failed or outcome.dead:
        logger.info(
            "outbox: %d planned, %d sent, %d to retry, %d given up",
            planned,
            outcome.sent,
            outcome.failed,
            outcome.dead,
        )
    return outcome
