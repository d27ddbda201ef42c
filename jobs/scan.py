"""The one repeating job: plan what is due, then send what is due.

Runs every `DUBAN_SCAN_INTERVAL` seconds on PTB's JobQueue (APScheduler).
Nothing else is scheduled in memory: every reminder, escalation and digest
is an outbox row, so a restart loses and repeats nothing.

Planning knows no feature: each feature adds its planners here (`add_planner`,
from its `jobs/<domain>.register`), and a pass runs them in one unit of work,
in the order `jobs.register_all` sets, each with the same `PlanningPass`. A
planner writes only rows whose keys are new, so every pass may run them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram.ext import ContextTypes

from bot.accounts.binding import unit_chats
from bot.calendar.workcalendar import WorkCalendar
from bot.core.transaction import unit_of_work
from bot.runtime import Runtime
from bot.settings import Settings
from db.models import ChatBinding
from jobs.outbox import Outcome, log_pass, send_due

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class PlanningPass:
    """One planning pass: the clock, the settings, and what several planners read, read once."""

    session: Session
    now: datetime
    settings: Settings
    calendar: WorkCalendar
    yellow_until: datetime
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def blocked(self) -> set[int]:
        """Chats that refused the bot: nothing is planned for them."""
        return self.once("blocked chats", lambda: _blocked(self.session))

    @property
    def unit_chats(self) -> dict[int, list[int]]:
        """Where each unit is written to (its work group, else its members); not to change."""
        return self.once("unit chats", lambda: unit_chats(self.session, self.blocked))

    def once(self, name: str, read: Callable[[], T]) -> T:
        """`read()` the first time a planner of this pass asks for `name`, then the same
        value (the county's summary serves the day's snapshot and the digests)."""
        if name not in self._shared:
            self._shared[name] = read()
        value: T = self._shared[name]
        return value


Planner = Callable[[PlanningPass], int]  # writes what is due now; returns outbox rows written


@dataclass(frozen=True)
class _Entry:
    plan: Planner
    days_off: bool


_planners: dict[str, _Entry] = {}


def add_planner(name: str, plan: Planner, *, days_off: bool = False) -> None:
    """Run `plan` in every pass; on days off too when `days_off` (on duty, a holiday is
    when it matters), else only on working days. The same again changes nothing."""
    entry = _Entry(plan, days_off)
    known = _planners.get(name)
    if known is not None and known != entry:
        raise ValueError(f"planner {name!r} is registered twice")
    _planners[name] = entry


def order_planners(names: tuple[str, ...]) -> None:
    """Run the named planners in this order, any others after them as they were added."""
    unknown = [name for name in names if name not in _planners]
    if unknown:
        raise ValueError(f"no planner named {', '.join(unknown)}")
    ordered = {name: _planners[name] for name in names}
    ordered.update(_planners)
    _planners.clear()
    _planners.update(ordered)


def planners() -> list[str]:
    """The planners' names in the order a pass runs them."""
    return list(_planners)


def plan_now(runtime: Runtime, now: datetime) -> int:
    """One planning pass in its own unit of work; returns outbox rows written."""
    if not _planners:  # a test or `python -m bot send` that did not build the app
        from jobs import register_all

        register_all()
    with unit_of_work(runtime.sessions) as session:
        calendar = runtime.calendar(session)
        step = PlanningPass(
            session,
            now=now,
            settings=runtime.settings,
            calendar=calendar,
            yellow_until=runtime.yellow_until(session, now),
        )
        workday = calendar.is_workday(step.today)
        # No reminders on a day off: their points move to the next working day.
        return sum(entry.plan(step) for entry in _planners.values() if workday or entry.days_off)


def _blocked(session: Session) -> set[int]:
    return set(
        session.scalars(select(ChatBinding.chat_id).where(ChatBinding.disabled_at.is_not(None)))
    )


async def scan(context: ContextTypes.DEFAULT_TYPE) -> Outcome:
    runtime: Runtime = context.bot_data["runtime"]
    now = runtime.now()
    planned = await asyncio.to_thread(plan_now, runtime, now)
    outcome = await send_due(context.bot, runtime, now=now)
    log_pass(outcome, planned)
    return outcome
