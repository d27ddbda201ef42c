"""What a ledger cell holds, as Excel and WPS store it: dates (cells, serial numbers,
text in any common form), milestones, percentages, formulas without a stored result."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from bot.calendar.deadlines import DeadlineError, parse_deadline
from bot.calendar.workcalendar import WorkCalendar
from bot.excel.columns import (
    MILESTONE_DATE,
    MILESTONE_DATE_AFTER,
    MILESTONE_SEPARATORS,
    MILESTONE_WRITTEN_DATE,
    STANDING_DEADLINES,
)
from bot.excel.text import cell_text
from bot.ledger.changes import MilestoneInput
from db.models import Milestone, varchar_length

MILESTONE_TITLE_LENGTH = varchar_length(Milestone.title)
# Excel's day numbers for 1900-01-01 and 2999-12-31: a number in this range in a date
# column is a date whose cell lost its date format (General, Number, Text).
SERIAL_DAYS = range(1, 401768 + 1)
SERIAL_TEXT = re.compile(r"^\d{5,6}(\.\d+)?$")


# The parser's range for written years; date cells are held to the same.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"}


def _serial_date(value: object) -> object:
    """46387 (or "46387") in a date column → the date it numbers; anything else as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and SERIAL_TEXT.match(value.strip()):
        value = float(value)
    if isinstance(value, int | float) and math.isfinite(value) and int(value) in SERIAL_DAYS:
        moment = from_excel(value)
        return moment if isinstance(moment, datetime) else value
    return value


def parse_ledger_deadline(
    value: object,
    *,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
    shows_clock: bool = False,
) -> datetime | None:
    """A deadline cell: an Excel date, a written date, or 长期 (no deadline).

    Ledgers carry overdue items, so a date in the past is accepted here (it
    shows red); everything written goes through the Chinese parser. A date
    cell whose format shows no clock time means the end of the working day;
    one that shows it (as the export writes) keeps it, midnight included.
    """
    if isinstance(value, time | timedelta):
        raise DeadlineError("截止时间只有时刻、没有日期，请写完整日期")
    value = _serial_date(value)
    if isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime.combine(value, time())
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise DeadlineError(f"{moment.year}年不在{EARLIEST_YEAR}年至{LATEST_YEAR}年之间")
        if moment.time() == time() and not shows_clock:
            moment = datetime.combine(moment.date(), end_of_day)
        return moment.replace(tzinfo=zone)
    text = cell_text(value)
    if not text:
        raise DeadlineError("截止时间为空（没有期限请写“长期”）")
    if text in STANDING_DEADLINES:
        return None
    return parse_deadline(
        text, now.astimezone(zone), calendar=calendar, end_of_day=end_of_day, allow_past=True
    )


def parse_milestones(text: str, **deadline_options: object) -> list[MilestoneInput]:
    """`2026-06-30 完成立项；9月30日 开工` → milestones; each part is a date and a title,
    spaced or run together (12月8日前完成摸排), or the date in brackets after the title
    (完成摸排（12月8日前）)."""
    milestones = []
    for part in MILESTONE_SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        due, title = _milestone(part, deadline_options)
        if len(title) > MILESTONE_TITLE_LENGTH:
            raise DeadlineError(f"节点名称超过 {MILESTONE_TITLE_LENGTH} 个字，请精简")
        milestones.append(MilestoneInput(title, due))
    return milestones


def _milestone(part: str, deadline_options: dict[str, object]) -> tuple[datetime, str]:
    """One milestone's date and title. Each way of writing it that fits is tried; when
    none reads, the error is the one about the date written first."""
    first_error: DeadlineError | None = None
    for written, title in _milestone_splits(part):
        try:
            due = parse_ledger_deadline(written, **deadline_options)  # type: ignore[arg-type]
        except DeadlineError as error:
            first_error = first_error or error
            continue
        if due is None:
            raise DeadlineError(f"节点“{part}”需要具体日期")
        return due, title
    if first_error is not None:
        raise first_error
    raise DeadlineError(
        f"节点“{part}”应写成“日期 节点名称”，如“2026-06-30 完成立项”或“12月8日前完成摸排”"
    )


def _milestone_splits(part: str) -> list[tuple[str, str]]:
    """(date as written, title) readings of one milestone, most likely first."""
    splits = []
    # A numeric date may carry a clock time ("2026-06-30 18:00 完成立项").
    for leading in (MILESTONE_DATE, MILESTONE_WRITTEN_DATE):
        found = leading.match(part)
        if found and found.group().strip() and part[found.end() :].strip():
            splits.append((part[: found.end()], part[found.end() :]))
    pieces = part.split(maxsplit=1)
    if len(pieces) == 2:
        splits.append((pieces[0], pieces[1]))
    after = MILESTONE_DATE_AFTER.match(part)
    if after:
        splits.append((after["date"], after["title"]))
    return [(written.strip(), title.strip()) for written, title in splits]


def read_percent(value: object, *, as_fraction: bool) -> int | None:
    """60, "60%", 0.6 in a percent-formatted cell → 60; None when it is not a percentage."""
    text = cell_text(value).rstrip("%％")
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if as_fraction and not cell_text(value).endswith(("%", "％")):
        number *= 100
    elif 0 < number < 1:
        number *= 100  # 0.6 typed into a plain cell
    percent = round(number)
    return percent if 0 <= percent <= 100 else None


def formulas_without_results(
    path: Path, sheet: str, cells: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """(row, column index) → the formula, for cells that came back empty because the
    file stores a formula but not its result (files written by programs, not by Excel).

    Read again only on this path, for the few cells that were empty where a value
    is required: the import itself reads stored results.
    """
    wanted = set(cells)
    if not wanted:
        return {}
    found: dict[tuple[int, int], str] = {}
    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        rows = workbook[sheet].iter_rows(
            min_row=min(row for row, _ in wanted), max_row=max(row for row, _ in wanted)
        )
        for cells_of_row in rows:
            for cell in cells_of_row:
                key = (getattr(cell, "row", 0), getattr(cell, "column", 0) - 1)
                value = getattr(cell, "value", None)
                if key in wanted and isinstance(value, str) and value.startswith("="):
                    found[key] = value
    finally:
        workbook.close()
    return found
