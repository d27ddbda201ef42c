"""What every entry point shares: settings, the database, the clock and the calendar.

The bot, the CLI, the demo and the tests each build one `Runtime`; services
receive plain values taken from it, so they stay free of globals.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar.overrides import load_calendar
from bot.calendar.workcalendar import WorkCalendar
from bot.core.access import COUNTY, Scope
from bot.core.transaction import unit_of_work
from bot.excel import limits
from bot.ledger.lights import yellow_cutoff
from bot.reports.summary import LedgerSummary, ledger_summary
from bot.settings import Settings
from db.migrate import upgrade
from db.models import utcnow
from db.session import make_engine, make_session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = utcnow

    def __post_init__(self) -> None:
        # Every workbook read while this runtime serves is held to the configured bounds.
        limits.configure(file_limits(self.settings))

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    def now(self) -> datetime:
        return self.clock()

    def transaction(self) -> AbstractContextManager[Session]:
        """One unit of work: commits once when the block ends, or rolls back."""
        return unit_of_work(self.sessions)

    def calendar(self, session: Session) -> WorkCalendar:
        return load_calendar(session)

    def yellow_until(self, session: Session, now: datetime) -> datetime:
        """Open tasks due by this moment are yellow."""
        return yellow_cutoff(now, self.calendar(session), self.settings.yellow_workdays, self.zone)

    def summary(
        self,
        session: Session,
        *,
        scope: Scope = COUNTY,
        now: datetime | None = None,
        overdue_limit: int = 50,
    ) -> LedgerSummary:
        now = now or self.now()
        return ledger_summary(
            session,
            now=now,
            yellow_until=self.yellow_until(session, now),
            stale_days=self.settings.stale_report_days,
            scope=scope,
            overdue_limit=overdue_limit,
        )

    def close(self) -> None:
        self.engine.dispose()


def file_limits(settings: Settings) -> limits.FileLimits:
    megabyte = 1024 * 1024
    return limits.FileLimits(
        max_bytes=settings.file_max_mb * megabyte,
        max_unzipped_bytes=settings.file_max_unzipped_mb * megabyte,
        max_ratio=settings.file_max_ratio,
        max_sheets=settings.file_max_sheets,
        max_rows=settings.file_max_rows,
        max_columns=settings.file_max_columns,
        max_cell_chars=settings.file_max_cell_chars,
    )


def open_runtime(
    settings: Settings, *, clock: Callable[[], datetime] = utcnow, migrate: bool = True
) -> Runtime:
    """Connect to the configured database and bring its schema up to date."""
    engine = make_engine(settings.database_url)
    if migrate:
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()  # no connection left open behind a refused start
            raise
    return Runtime(settings, engine, make_session_factory(engine), clock)
