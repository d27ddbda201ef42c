"""A roster as `.xlsx`: a unit's own file, or a county's with many units.

Columns: 单位, 日期, 开始, 结束, 岗位, 姓名, 电话 (a few other names offices use
are understood too; one 时段 column such as 08:00-20:00 may stand for 开始 and
结束). The sheet read is the visible one named 值班表, else the first visible
one with those headers in its first 10 rows. Dates and times may be real Excel
cells or text. An empty 单位 or 日期 takes the row above's (merged cells read
so); on a unit's own file an empty 单位 is that unit. A file that names no unit
at all (no 单位 column, or all of it empty) is one unit's, named after the file.
"""

from __future__ import annotations

import math
import re
import unicodedata
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from openpyxl.utils.datetime import from_excel

from bot.calendar.workcalendar import HolidayPeriod
from bot.duty.roster import (
    CLOCK_RANGE,
    MINUTES_PER_DAY,
    POST_PATTERN,
    POST_WORDS,
    WHOLE_SUBMISSION,
    ClockTime,
    DayResolver,
    DutyShift,
    LineError,
    Post,
    RosterFileError,
    RosterReading,
    clock_from_text,
    clock_range,
    normalise,
    outside_period,
    read_day_text,
    shift_times,
)
from bot.excel.headers import (
    HEADER_ROWS,
    WorkbookKind,
    column_label,
    header_candidates,
    map_columns,
    open_workbook,
    sheet_rows,
    sheets_in_order,
)
from bot.excel.text import cell_name, cell_text

ROSTER_SHEET = "值班表"
ROSTER_COLUMNS = ["单位", "日期", "开始", "结束", "岗位", "姓名", "电话"]
RANGE_COLUMN = "时段"  # one cell for 开始 and 结束: 08:00-20:00
COLUMN_ALIASES = {
    "单位名称": "单位",
    "值班单位": "单位",
    "责任单位": "单位",
    "值班日期": "日期",
    "开始时间": "开始",
    "起始时间": "开始",
    "接班时间": "开始",
    "上岗时间": "开始",
    "结束时间": "结束",
    "截止时间": "结束",
    "交班时间": "结束",
    "下岗时间": "结束",
    "时间": RANGE_COLUMN,
    "值班时间": RANGE_COLUMN,
    "值班时段": RANGE_COLUMN,
    "起止时间": RANGE_COLUMN,
    "值班岗位": "岗位",
    "职责": "岗位",
    "类别": "岗位",
    "值班人": "姓名",
    "值班人姓名": "姓名",
    "人员姓名": "姓名",
    "联系电话": "电话",
    "手机": "电话",
    "手机号": "电话",
    "手机号码": "电话",
    "电话号码": "电话",
    "联系方式": "电话",
}
KNOWN_COLUMNS = frozenset(ROSTER_COLUMNS) | {RANGE_COLUMN}
REQUIRED_COLUMNS = ("日期", "岗位", "姓名", "电话")
UNREAD_COLUMNS = frozenset({"序号", "备注", "职务"})
# openpyxl gives a time typed past 24 h (24:00 in an h:mm cell) as a day after this.
EXCEL_CLOCK_EPOCH = datetime(1899, 12, 31)


@dataclass(frozen=True)
class _Header:
    sheet: Any
    row: int
    columns: dict[str, int]
    ignored: list[str]


def read_roster_xlsx(
    path: Path,
    *,
    period: HolidayPeriod | None,
    unit: str | None = None,
    today: date | None = None,
) -> RosterReading:
    """Read every row; any bad row means no shift is accepted.

    `unit` given: a unit's own file (单位 may be empty, and must be that unit
    where written). `unit` None: a county's file, each row naming its unit (or
    taking the row above's); if no row names one, the file is one unit's and the
    unit is the file's name without `.xlsx`. Raises `RosterFileError` when the
    file as a whole cannot be read.
    """
    workbook = open_workbook(path, ROSTER)
    try:
        header = _find_header(workbook, path)
        reader = _RowReader(header.columns, DayResolver(period, today), unit)
        shifts: list[DutyShift] = []
        errors: list[LineError] = []
        rows = islice(sheet_rows(header.sheet, path, ROSTER), header.row, None)
        for number, cells in enumerate(rows, start=header.row + 1):
            values = [cell.value for cell in cells]
            if all(cell_text(value) == "" for value in values):
                continue
            shift, problems = reader.read(number, values)
            if shift is not None and period is not None:
                outside = outside_period(shift, period)
                if outside:
                    problems.append(outside)
            if problems:
                errors.append(LineError(number, "；".join(problems)))
            elif shift is not None:
                shifts.append(shift)
    finally:
        workbook.close()
    if reader.unitless_rows:
        if reader.named_a_unit:  # a county's file: the rows before the first unit lack one
            errors += [LineError(number, "单位为空") for number in reader.unitless_rows]
            errors.sort(key=lambda error: error.line)
        else:  # no row names a unit: the file is one unit's
            shifts = [replace(shift, unit=path.stem) for shift in shifts]
    if not shifts and not errors:
        empty = f"{path.name} 的工作表“{header.sheet.title}”里没有值班班次。"
        errors.append(LineError(WHOLE_SUBMISSION, empty))
    notes = []
    if header.ignored:
        notes.append(f"表头中的{'、'.join(header.ignored)}不是值班表的列，未读取")
    return RosterReading(
        shifts=[] if errors else shifts,
        errors=errors,
        sheet=str(header.sheet.title),
        notes=notes,
    )


def _canonical(written: str) -> str:
    folded = unicodedata.normalize("NFKC", written).replace(" ", "")
    return COLUMN_ALIASES.get(folded, folded)


ROSTER = WorkbookKind(
    noun="值班表",
    error=RosterFileError,
    resave_advice="请用 Excel 或 WPS 重新保存。",
    canonical=_canonical,
    read_columns=KNOWN_COLUMNS,
    unread_columns=UNREAD_COLUMNS,
)


def _missing(names: set[str]) -> list[str]:
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if not {"开始", "结束"} <= names and RANGE_COLUMN not in names:
        missing[1:1] = [name for name in ("开始", "结束") if name not in names]
    return missing


def _find_header(workbook: Any, path: Path) -> _Header:
    visible = [
        sheet for sheet in sheets_in_order(workbook, ROSTER_SHEET) if sheet.sheet_state == "visible"
    ]
    closest = list(ROSTER_COLUMNS[1:])
    for sheet in visible:
        with closing(header_candidates(sheet, path, ROSTER)) as rows:
            for number, written in rows:
                names = {_canonical(text) for text in written if text}
                missing = _missing(names)
                if not missing:
                    return _header(sheet, number, written, path)
                if "姓名" in names or "日期" in names:
                    closest = min(closest, missing, key=len)
    if not visible:
        raise RosterFileError(f"{path.name} 里没有可见的工作表。")
    raise RosterFileError(
        f"{path.name} 的前 {HEADER_ROWS} 行里找不到值班表的表头（缺{'、'.join(closest)}）。"
        f"请使用模板的列：{'、'.join(ROSTER_COLUMNS)}"
        "（空白模板：python -m bot roster template FILE.xlsx）"
    )


def _header(sheet: Any, row: int, written: list[str], path: Path) -> _Header:
    mapped = map_columns(written, ROSTER)
    if mapped.clashes:
        clashes = [
            "和".join(column_label(text, index) for text, index in headers) + f"都表示“{name}”"
            for name, headers in mapped.clashes
        ]
        raise RosterFileError(
            f"{path.name} 工作表“{sheet.title}”第 {row} 行的表头里，{'；'.join(clashes)}，"
            "无法确定以哪一列为准：请只保留其中一列。"
        )
    ignored = [column_label(text, index) for text, index in mapped.ignored]
    return _Header(sheet, row, mapped.columns, ignored)


class _RowReader:
    """Turns one row's cells into a shift, carrying 单位 and 日期 down from the row above."""

    def __init__(
        self, columns: dict[str, int], resolver: DayResolver, own_unit: str | None
    ) -> None:
        self.columns = columns
        self.resolver = resolver
        self.own_unit = own_unit
        self.unit_above: str | None = own_unit
        self.named_a_unit = False
        self.unitless_rows: list[int] = []  # rows with no unit, written or above
        self.day_above: date | None = None
        self.day_above_unread = False  # the rows under a bad date are not blamed for it

    def value(self, values: list[Any], name: str) -> Any:
        index = self.columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    def read(self, number: int, values: list[Any]) -> tuple[DutyShift | None, list[str]]:
        problems: list[str] = []
        unit = self._unit(number, cell_name(self.value(values, "单位")), problems)
        day = self._day(self.value(values, "日期"), problems)
        times = self._times(values, day, problems)
        post_text = normalise(cell_text(self.value(values, "岗位")))
        post = _post(post_text)
        if post is None:
            problems.append(
                f"岗位“{post_text}”应为 带班领导 或 值班员" if post_text else "岗位为空"
            )
        name = cell_name(self.value(values, "姓名"))
        if not name:
            problems.append("姓名为空")
        phone = normalise(_phone_text(self.value(values, "电话")))
        if problems or unit is None or day is None or times is None or post is None:
            return None, problems
        start, end = times
        return DutyShift(unit, start, end, post, name, phone, number), []

    def _unit(self, number: int, written: str, problems: list[str]) -> str | None:
        if not written:
            if self.unit_above is None:
                self.unitless_rows.append(number)  # decided once the whole file is read
                return ""
            return self.unit_above
        self.named_a_unit = True
        if self.own_unit is not None and written != self.own_unit:
            problems.append(f"单位“{written}”不是本单位（{self.own_unit}）")
            return None
        self.unit_above = written
        return written

    def _day(self, value: Any, problems: list[str]) -> date | None:
        if cell_text(value) == "":
            if self.day_above is None and not self.day_above_unread:
                problems.append("日期为空")
            return self.day_above
        day = _day_cell(value, self.resolver)
        self.day_above_unread = isinstance(day, str)
        if isinstance(day, str):
            problems.append(day)
            self.day_above = None
            return None
        self.day_above = day
        return day

    def _times(
        self, values: list[Any], day: date | None, problems: list[str]
    ) -> tuple[datetime, datetime] | None:
        start_value, end_value = self.value(values, "开始"), self.value(values, "结束")
        span_text = cell_text(self.value(values, RANGE_COLUMN))
        start: ClockTime | str
        end: ClockTime | str
        whole = _one_cell_span(cell_text(start_value), cell_text(end_value))
        if whole is not None:  # 全天 (or 08:00-20:00) typed into 开始, 结束 left blank or 全天
            span_text = whole
        if whole is None and (cell_text(start_value) or cell_text(end_value) or not span_text):
            start = _clock_cell(start_value, day, "开始")
            end = _clock_cell(end_value, day, "结束")
        else:
            match = CLOCK_RANGE.fullmatch(normalise(span_text))
            times = clock_range(match) if match else f"时段“{span_text}”应写成 08:00-20:00 这样"
            if isinstance(times, str):
                problems.append(times)
                return None
            start, end = times
        for clock in (start, end):
            if isinstance(clock, str):
                problems.append(clock)
        if day is None or isinstance(start, str) or isinstance(end, str):
            return None
        span = shift_times(day, start, end)
        if isinstance(span, str):
            problems.append(span)
            return None
        return span


def _one_cell_span(start: str, end: str) -> str | None:
    """The text of a whole span typed into one of the two time cells, as pasted rosters
    allow: 全天 in 开始 (结束 blank or 全天 too), or 08:00-20:00 in one cell."""
    texts = {normalise(text) for text in (start, end) if text}
    if len(texts) != 1:
        return None
    (text,) = texts
    match = CLOCK_RANGE.fullmatch(text)
    if match is None or (start and end and not match["whole"]):
        return None
    return text


def _post(text: str) -> Post | None:
    """带班领导, or a cell naming exactly one post (带班领导（主班）); else None."""
    posts = {POST_WORDS[word] for word in re.findall(POST_PATTERN, text)}
    return posts.pop() if len(posts) == 1 else None


def _phone_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13800000000 typed into a number cell
    return cell_text(value).replace("\n", "、")


def _day_cell(value: Any, resolver: DayResolver) -> date | str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not 1900 < value.year <= 2999:
            return f"日期“{value.isoformat()}”不对"
        return value
    if isinstance(value, time | timedelta):
        return "日期格里是时间，请填日期"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or not 1 <= value < 400_000:
            return f"日期“{cell_text(value)}”不对"
        serial = from_excel(value)  # a date cell formatted as a plain number
        return serial.date() if isinstance(serial, datetime) else f"日期“{cell_text(value)}”不对"
    return read_day_text(cell_text(value), resolver)


def _clock_cell(value: Any, day: date | None, column: str) -> ClockTime | str:
    """A time cell: an Excel time, a full date and time, a fraction of a day, or text."""
    if value is None or cell_text(value) == "":
        return f"{column}时间为空"
    if isinstance(value, time):
        return _minutes(value.hour * 3600 + value.minute * 60 + value.second, value, column)
    if isinstance(value, timedelta):
        return _minutes(value.total_seconds(), value, column)
    if isinstance(value, datetime):
        if value.year <= 1900:  # a time past 24 h in an h:mm cell
            return _minutes((value - EXCEL_CLOCK_EPOCH).total_seconds(), value, column)
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        if day is None or value.date() == day:
            return _minutes(seconds, value, column)
        if value.date() == day + timedelta(days=1):
            clock = _minutes(seconds, value, column)
            return ClockTime(clock.minute, next_day=True) if isinstance(clock, ClockTime) else clock
        return f"{column}时间“{value:%Y-%m-%d %H:%M}”不在日期 {day.isoformat()} 当天或次日"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 <= value <= 1 and not (isinstance(value, int) and value == 1):
            return _minutes(value * 86400, value, column)  # a fraction of a day
        if isinstance(value, int) or float(value).is_integer():
            return clock_from_text(f"{int(value)}:00")  # 8 → 08:00
        return f"{column}时间“{cell_text(value)}”看不懂，请写成 08:00 这样"
    return clock_from_text(cell_text(value))


def _minutes(seconds: float, value: Any, column: str) -> ClockTime | str:
    """Rounded to the minute: Excel stores 08:00 as a fraction that reads 07:59:59.997."""
    minute = math.floor(seconds / 60 + 0.5)
    if not 0 <= minute <= MINUTES_PER_DAY:
        return f"{column}时间“{cell_text(value)}”超出 00:00 至 24:00"
    return ClockTime(minute)
