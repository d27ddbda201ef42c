"""One ledger file → checked rows and row errors; nothing touches the database here."""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from bot.deadlines import DeadlineError, parse_deadline
from bot.excel.columns import (
    COLUMN_ALIASES,
    FOLDED_ALIASES,
    LIST_SEPARATORS,
    MILESTONE_DATE,
    MILESTONE_SEPARATORS,
    REQUIRED_COLUMNS,
    STANDING_DEADLINES,
    STATES_BY_LABEL,
    TEMPLATE_COLUMNS,
)
from bot.ledger import MilestoneInput
from bot.workcalendar import WorkCalendar
from db.models import Milestone, TaskState

# Written deadlines already in this form need no echo of how they were read.
FULL_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(\s+\d{1,2}:\d{2})?$")
MILESTONE_TITLE_LENGTH = Milestone.__table__.c.title.type.length


# The parser's range for written years; date cells are held to the same.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


class LedgerFileError(Exception):
    """The file as a whole cannot be read (not xlsx, no header row)."""


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}"


@dataclass
class LedgerRow:
    row: int
    code: str | None
    title: str
    lead_unit: str
    cooperating_units: list[str]
    lead_leader: str | None
    deadline: datetime | None
    milestones: list[MilestoneInput]
    details: str
    source: str | None = None
    state: TaskState | None = None
    percent: int | None = None
    needs_help: bool | None = None
    last_report: str | None = None
    last_report_at: datetime | None = None
    columns: frozenset[str] = frozenset()  # the columns the file has: absent ones change nothing
    deadline_text: str | None = None  # the words the deadline was read from, to echo back


# Characters that look like nothing but make two names differ.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[ \t\u3000]+")
EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"}


def _text(value: object) -> str:
    """A cell as clean text: no invisible characters, runs of spaces made one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).translate(_INVISIBLE)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.strip().splitlines())


def clean_text(value: object) -> str:
    """How a cell's text is compared with what is stored (public for the importer)."""
    return _text(value)


def _name(value: object) -> str:
    """A unit's or leader's name on one line. Full-width brackets stay: 县委办（县档案局）
    is how the unit is written everywhere, and folding it would make a second unit."""
    return _text(value).replace("\n", " ")


def _code(value: object) -> str:
    """A task code, full-width letters and digits folded: ＤＢ-０００３ is DB-0003."""
    return unicodedata.normalize("NFKC", _name(value)).upper()


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
    if isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime.combine(value, time())
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise DeadlineError(f"{moment.year}年不在{EARLIEST_YEAR}年至{LATEST_YEAR}年之间")
        if moment.time() == time() and not shows_clock:
            moment = datetime.combine(moment.date(), end_of_day)
        return moment.replace(tzinfo=zone)
    text = _text(value)
    if not text:
        raise DeadlineError("截止时间为空（没有期限请写“长期”）")
    if text in STANDING_DEADLINES:
        return None
    return parse_deadline(
        text, now.astimezone(zone), calendar=calendar, end_of_day=end_of_day, allow_past=True
    )


def _parse_milestones(text: str, **deadline_options: object) -> list[MilestoneInput]:
    """`2026-06-30 完成立项；9月30日 开工` → milestones; each part is `date title`."""
    milestones = []
    for part in MILESTONE_SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        # A numeric date may carry a clock time ("2026-06-30 18:00 完成立项").
        numeric = MILESTONE_DATE.match(part)
        if numeric and part[numeric.end() :].strip():
            pieces = [part[: numeric.end()], part[numeric.end() :]]
        else:
            pieces = part.split(maxsplit=1)
        if len(pieces) != 2:
            raise DeadlineError(f"节点“{part}”应写成“日期 节点名称”，如“2026-06-30 完成立项”")
        due = parse_ledger_deadline(pieces[0], **deadline_options)  # type: ignore[arg-type]
        if due is None:
            raise DeadlineError(f"节点“{part}”需要具体日期")
        title = pieces[1].strip()
        if len(title) > MILESTONE_TITLE_LENGTH:
            raise DeadlineError(f"节点名称超过 {MILESTONE_TITLE_LENGTH} 个字，请精简")
        milestones.append(MilestoneInput(title, due))
    return milestones


def read_ledger(
    path: Path,
    *,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
) -> tuple[list[LedgerRow], list[RowError]]:
    """Read and check every row; nothing touches the database here."""
    workbook = _open_workbook(path)
    try:
        return _read_rows(workbook, path, now, zone, calendar, end_of_day)
    finally:
        workbook.close()


def _sheet_rows(sheet: Any, path: Path) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows; a damaged sheet (cut-off download, broken XML) is a file error.

    Only openpyxl's reading is wrapped: an error in checking a row is a bug,
    not a damaged file, and must not be reported as one.
    """
    rows = sheet.iter_rows()
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as error:  # openpyxl has no single error type for damage
            raise LedgerFileError(
                f"{path.name} 已损坏或不完整，无法读取：请用 Excel 或 WPS 重新保存后再导入。"
            ) from error
        yield cells


def _read_rows(
    workbook: Workbook,
    path: Path,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
) -> tuple[list[LedgerRow], list[RowError]]:
    if not workbook.worksheets:
        raise LedgerFileError(f"{path.name} 里没有工作表。")
    sheet = _ledger_sheet(workbook)
    # A stale <dimension> (written by some tools) would hide rows from a read-only sheet.
    sheet.reset_dimensions()
    rows = _sheet_rows(sheet, path)
    header_row, columns = _find_header(rows, path)
    options = {"now": now, "zone": zone, "calendar": calendar, "end_of_day": end_of_day}
    parsed: list[LedgerRow] = []
    errors: list[RowError] = []
    seen_codes: dict[str, int] = {}
    for number, cells in enumerate(rows, start=header_row + 1):
        if all(_text(cell.value) == "" for cell in cells):
            continue
        row, problems = _read_row(number, _Cells(cells, columns), options)
        if row is not None and row.code:
            if row.code in seen_codes:
                problems.append(f"编号 {row.code} 与第 {seen_codes[row.code]} 行重复")
            seen_codes.setdefault(row.code, number)
        if problems:
            errors.extend(RowError(number, message) for message in problems)
        elif row is not None:
            parsed.append(row)
    return parsed, errors


def _open_workbook(path: Path) -> Workbook:
    if not path.is_file():
        raise LedgerFileError(f"找不到文件 {path}，请检查路径。")
    if not os.access(path, os.R_OK):
        raise LedgerFileError(f"没有权限读取 {path.name}，请检查文件权限。")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails in many ways on damaged files
        raise LedgerFileError(
            f"无法读取 {path.name}：请提供用 Excel 或 WPS 保存的 .xlsx 格式台账。"
        ) from error


def _ledger_sheet(workbook: Workbook) -> Any:
    """The first visible sheet (a hidden one is usually a lookup list), else the first."""
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    return (visible or workbook.worksheets)[0]


def _header_names(cells: tuple[Any, ...]) -> list[str]:
    names = []
    for cell in cells:
        name = _name(cell.value)
        folded = unicodedata.normalize("NFKC", name)  # 进度(%) and 进度（%） alike
        names.append(COLUMN_ALIASES.get(name) or FOLDED_ALIASES.get(folded) or name)
    return names


def _find_header(rows: Iterator[tuple[Any, ...]], path: Path) -> tuple[int, dict[str, int]]:
    """The header row (within the first 10: ledgers often start with a title row,
    which may itself read 督办事项)."""
    missing = list(REQUIRED_COLUMNS)
    for number, cells in enumerate(rows, start=1):
        names = _header_names(cells)
        if "事项" in names:
            columns = {name: index for index, name in reversed(list(enumerate(names))) if name}
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if not missing:
                return number, columns
        if number >= 10:
            break
    raise LedgerFileError(
        f"{path.name} 的前 10 行里找不到表头列：{'、'.join(missing)}。"
        f"请使用模板的列：{'、'.join(TEMPLATE_COLUMNS)}"
    )


class _Cells:
    """One data row, addressed by column name; absent columns read as empty."""

    def __init__(self, cells: tuple[Any, ...], columns: dict[str, int]) -> None:
        self.cells = cells
        self.columns = columns

    def has(self, name: str) -> bool:
        return name in self.columns

    def value(self, name: str) -> object:
        index = self.columns.get(name)
        return self.cells[index].value if index is not None and index < len(self.cells) else None

    def text(self, name: str) -> str:
        return _text(self.value(name))

    def number_format(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return ""
        return getattr(self.cells[index], "number_format", None) or ""


# Column widths in the database; a longer cell is a row error, not a crash on PostgreSQL.
MAX_LENGTHS = {
    "编号": 30,
    "事项": 300,
    "牵头单位": 100,
    "配合单位": 100,
    "包联领导": 50,
    "来源": 200,
}


def _read_row(
    number: int, row: _Cells, options: dict[str, Any]
) -> tuple[LedgerRow | None, list[str]]:
    problems: list[str] = []
    code = _code(row.value("编号")) or None
    if code and code.isdigit():
        code = None  # a plain 序号 (1, 2, 3…) is not a task code
    title, lead_unit = row.text("事项"), _name(row.value("牵头单位"))
    for column, value in (("事项", title), ("牵头单位", lead_unit)):
        if not value:
            problems.append(f"{column}为空（如用了合并单元格，请取消合并并逐行填写）")
    for column in ("事项", "牵头单位", "配合单位", "包联领导", "截止时间"):
        if row.text(column) in EXCEL_ERRORS:
            problems.append(f"{column}是错误值 {row.text(column)}，请改正公式或填写内容")
    cooperating = list(
        dict.fromkeys(  # each unit once, in the order written
            name
            for name in LIST_SEPARATORS.split(_name(row.value("配合单位")))
            if name and name != lead_unit
        )
    )
    named = {"编号": code or "", "牵头单位": lead_unit, "包联领导": _name(row.value("包联领导"))}
    for column, limit in MAX_LENGTHS.items():
        values = cooperating if column == "配合单位" else [named.get(column, row.text(column))]
        if any(len(value) > limit for value in values):
            problems.append(f"{column}超过 {limit} 个字，请精简")
    deadline: datetime | None = None
    try:
        deadline = parse_ledger_deadline(
            row.value("截止时间"), shows_clock="h" in row.number_format("截止时间"), **options
        )
    except DeadlineError as error:
        problems.append(f"截止时间无法识别：{_first_line(error)}")
    milestones: list[MilestoneInput] = []
    try:
        milestones = _parse_milestones(row.text("节点"), **options)
    except DeadlineError as error:
        problems.append(f"节点无法识别：{_first_line(error)}")
    state = None
    if row.text("状态"):
        state = STATES_BY_LABEL.get(row.text("状态"))
        if state is None:
            problems.append(f"状态“{row.text('状态')}”无法识别，应为 推进中 / 已报完成 / 已销号")
    percent = None
    if row.text("进度"):
        percent = _read_percent(row.value("进度"), as_fraction="%" in row.number_format("进度"))
        if percent is None:
            problems.append(f"进度“{row.text('进度')}”应为 0 到 100 的数")
    report_at = row.value("最近进展时间")
    return (
        LedgerRow(
            row=number,
            code=code,
            title=title,
            lead_unit=lead_unit,
            cooperating_units=cooperating,
            lead_leader=named["包联领导"] or None,
            deadline=deadline,
            milestones=milestones,
            details=row.text("备注"),
            source=row.text("来源") if row.has("来源") else None,
            state=state,
            percent=percent,
            needs_help=row.text("需协调") in ("是", "需协调") if row.has("需协调") else None,
            last_report=row.text("最近进展") or None,
            columns=frozenset(row.columns),
            deadline_text=(
                row.text("截止时间")
                if isinstance(row.value("截止时间"), str)
                and not FULL_DATE.match(row.text("截止时间"))
                else None
            ),
            last_report_at=(
                report_at.replace(tzinfo=options["zone"])
                if isinstance(report_at, datetime)
                else None
            ),
        ),
        problems,
    )


def _read_percent(value: object, *, as_fraction: bool) -> int | None:
    """60, "60%", 0.6 in a percent-formatted cell → 60; None when it is not a percentage."""
    text = _text(value).rstrip("%％")
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if as_fraction and not _text(value).endswith(("%", "％")):
        number *= 100
    elif 0 < number < 1:
        number *= 100  # 0.6 typed into a plain cell
    percent = round(number)
    return percent if 0 <= percent <= 100 else None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0]
