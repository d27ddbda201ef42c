"""Supervisors' holiday periods and make-up working days, stored as calendar overrides."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.workcalendar import CalendarOverride, WorkCalendar
from db.models import CalendarOverrideRow


def load_calendar(session: Session) -> WorkCalendar:
    """The official calendar with every override the supervisors saved."""
    rows = session.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.id))
    return WorkCalendar(
        CalendarOverride(row.name, row.first_day, row.last_day, row.is_workday) for row in rows
    )
