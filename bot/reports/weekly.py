"""The weekly bulletin as one file, for `/bulletin`, `python -m bot bulletin` and the Friday send.

Glue over `bot.reports.bulletin`: the week's figures, last week's snapshot, the issue
number (kept per week), the week's verified tasks and the chart, written to
bytes. The caller owns the transaction (the issue number is stored in it).
"""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy.orm import Session

from bot.calendar.workcalendar import WorkCalendar
from bot.core.messages import Document
from bot.core.transaction import unit_of_work
from bot.outbox.kinds import Claimed
from bot.reports.bulletin import (
    IsoWeek,
    bulletin_summary,
    last_week_summary,
    tasks_verified_in_week,
    write_bulletin,
)
from bot.reports.snapshots import bulletin_number
from bot.runtime import Runtime


def bulletin_file(
    runtime: Runtime, session: Session, week: IsoWeek | None = None
) -> tuple[str, bytes]:
    """(file name, .docx bytes) of `week`'s bulletin (the running week by default)."""
    zone = runtime.zone
    week = week or IsoWeek.of(runtime.now(), zone)
    summary = bulletin_summary(runtime, session, week)
    number = bulletin_number(session, str(week))
    target = io.BytesIO()
    write_bulletin(
        target,
        summary=summary,
        last_week=last_week_summary(session, summary, zone),
        issue_number=number,
        week=week,
        verified_this_week=tasks_verified_in_week(session, week, zone=zone),
        zone=zone,
        county_name=runtime.settings.county_name,
    )
    return f"督查通报_{week.year}年第{number}期.docx", target.getvalue()


def bulletin_day(week: IsoWeek, weekday: int, calendar: WorkCalendar) -> date:
    """The day the week's bulletin goes out: `weekday` (1 = Monday … 5 = Friday), or the
    last working day before it when that day is off."""
    day = date.fromisocalendar(week.year, week.week, weekday)
    return day if calendar.is_workday(day) else calendar.previous_workday(day)


def bulletin_document(runtime: Runtime, row: Claimed) -> tuple[Document, str]:
    """The outbox's bulletin row (its text is the ISO week) as the .docx sent, and its caption.

    Built when sent, from the ledger as it is then; the issue number is kept.
    """
    with unit_of_work(runtime.sessions) as session:
        name, content = bulletin_file(runtime, session, IsoWeek.parse(row.text))
    return Document(name, content), f"本周督查通报（{row.text}）"
