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
    tasks_verified_in_week,
    week_before,
    write_bulletin,
)
from bot.reports.snapshots import issue_number, take_issue_number
from bot.runtime import Runtime


def bulletin_file(
    runtime: Runtime, session: Session, week: IsoWeek | None = None, *, take: bool = False
) -> tuple[str, bytes]:
    """(file name, .docx bytes) of `week`'s bulletin (the running week by default).

    `take`: the bulletin is being sent, and takes its issue number; otherwise it is a
    preview showing the number it would have. A past week is dated on its bulletin day.
    """
    zone = runtime.zone
    this_week = IsoWeek.of(runtime.now(), zone)
    week = week or this_week
    summary = bulletin_summary(runtime, session, week)
    number = (take_issue_number if take else issue_number)(session, str(week))
    issued_on = None
    if week < this_week:
        calendar = runtime.calendar(session)
        issued_on = bulletin_day(week, runtime.settings.bulletin_weekday, calendar)
    target = io.BytesIO()
    write_bulletin(
        target,
        summary=summary,
        last_week=week_before(runtime, session, summary),
        issue_number=number,
        week=week,
        verified_this_week=tasks_verified_in_week(session, week, zone=zone),
        zone=zone,
        county_name=runtime.settings.county_name,
        issued_on=issued_on,
    )
    return f"督查通报_{week.year}年第{number}期.docx", target.getvalue()


def bulletin_day(week: IsoWeek, weekday: int, calendar: WorkCalendar) -> date:
    """The day the week's bulletin goes out: `weekday` (1 = Monday … 5 = Friday), or the
    last working day before it when that day is off."""
    day = date.fromisocalendar(week.year, week.week, weekday)
    return day if calendar.is_workday(day) else calendar.previous_workday(day)


def bulletin_document(runtime: Runtime, row: Claimed) -> tuple[Document, str]:
    """The outbox's bulletin row (its text is the ISO week) as the .docx sent, and its caption.

    Built when sent, as its week stood; the issue number was taken when it was planned.
    A week's bulletin sent after its week (the bot was down) says so.
    """
    week = IsoWeek.parse(row.text)
    with unit_of_work(runtime.sessions) as session:
        name, content = bulletin_file(runtime, session, week, take=True)
    if week < IsoWeek.of(runtime.now(), runtime.zone):
        return Document(name, content), f"督查通报（{row.text}，补发）"
    return Document(name, content), f"本周督查通报（{row.text}）"
