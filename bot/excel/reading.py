"""One ledger file → checked rows and row errors; nothing touches the database here."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.calendar.deadlines import DeadlineError, parse_deadline
from bot.calendar.workcalendar import WorkCalendar
from bot.excel.columns import (
    DETAIL_PARTS,
    MILESTONE_DATE,
    MILESTONE_SEPARATORS,
    REPORT_PARTS,
    STANDING_DEADLINES,
    STATES_BY_LABEL,
)
from bot.excel.headers import column_label, open_workbook, sheet_rows
from bot.excel.names import split_names
from bot.excel.sheets import LEDGER, Header, find_header
from bot.excel.text import cell_name, cell_text
from bot.ledger.changes import MilestoneInput
from db.models import Milestone, TaskState, varchar_length

# Written deadlines already in this form need no echo of how they were read.
FULL_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(\s+\d{1,2}:\d{2})?$")
MILESTONE_TITLE_LENGTH = varchar_length(Milestone.title)


# The parser's range for written years; date cells are held to the same.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


# The row of a message about the file as a whole rather than one of its rows.
WHOLE_FILE = 0


@dataclass
class RowError:
    row: int  # WHOLE_FILE for the file as a whole
    message: str

    def __str__(self) -> str:
        return self.message if self.row == WHOLE_FILE else f"第 {self.row} 行：{self.message}"


@dataclass
class LedgerRow:
    row: int
    code: str | None
    title: str
    lead_unit: str  # the first unit the 牵头单位 cell names; the others cooperate
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
    notes: list[str] = field(default_factory=list)  # how the row was read, worth a look


EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"}


def clean_text(value: object) -> str:
    """How a cell's text is compared with what is stored (public for the importer)."""
    return cell_text(value)


def _code(value: object) -> str:
    """A task code, full-width letters and digits folded: ＤＢ-０００３ is DB-0003."""
    return unicodedata.normalize("NFKC", cell_name(value)).upper()


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
    text = cell_text(value)
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


@dataclass
class LedgerSheet:
    """One file's ledger sheet, read and checked: its rows, or the errors that stop them."""

    sheet: str  # the sheet's name, to say which one was read
    rows: list[LedgerRow]
    errors: list[RowError]
    ignored_columns: list[str]  # headers as written that are not ledger columns
    warnings: list[RowError]  # about the file rather than a row's values


def read_ledger(
    path: Path,
    *,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
) -> LedgerSheet:
    """Read and check every row; nothing touches the database here."""
    workbook = open_workbook(path, LEDGER)
    try:
        header = find_header(workbook, path)
        options = {"now": now, "zone": zone, "calendar": calendar, "end_of_day": end_of_day}
        rows, errors, skipped_below = _read_rows(header, path, options)
    finally:
        workbook.close()
    warnings = []
    skipped = [*header.above, *skipped_below]
    if skipped:
        listed = "；".join(f"第 {row} 行“{_quoted(text)}”" for row, text in skipped[:5])
        more = f" 等共 {len(skipped)} 行" if len(skipped) > 5 else ""
        warnings.append(
            RowError(WHOLE_FILE, f"标题、日期、说明等不是事项的行已跳过：{listed}{more}")
        )
    for row in rows:
        warnings.extend(RowError(row.row, note) for note in row.notes)
    if header.ignored:
        labels = "、".join(column_label(text, index) for text, index in header.ignored)
        warnings.append(RowError(header.row, f"表头中的{labels}不是台账的列，已忽略，未导入"))
    if header.other_ledgers:
        others = "、".join(f"“{title}”" for title in header.other_ledgers)
        warnings.append(
            RowError(
                WHOLE_FILE,
                f"只导入了工作表“{header.title}”；工作表{others}也有台账表头，未导入"
                "（一次导入一个工作表：请把它另存为单独的文件再导入）",
            )
        )
    return LedgerSheet(
        sheet=header.title,
        rows=rows,
        errors=errors,
        ignored_columns=[text for text, _ in header.ignored],
        warnings=warnings,
    )


def _read_rows(
    header: Header, path: Path, options: dict[str, Any]
) -> tuple[list[LedgerRow], list[RowError], list[tuple[int, str]]]:
    parsed: list[LedgerRow] = []
    errors: list[RowError] = []
    skipped: list[tuple[int, str]] = []
    seen_codes: dict[str, int] = {}
    rows = islice(sheet_rows(header.sheet, path, LEDGER), header.row, None)  # under the header
    for number, cells in enumerate(rows, start=header.row + 1):
        if all(cell_text(cell.value) == "" for cell in cells):
            continue
        addressed = _Cells(cells, header.columns)
        note = _not_a_task(addressed)
        if note is not None:
            skipped.append((number, note))
            continue
        row, problems = _read_row(number, addressed, options)
        if row is not None and row.code:
            if row.code in seen_codes:
                problems.append(f"编号 {row.code} 与第 {seen_codes[row.code]} 行重复")
            seen_codes.setdefault(row.code, number)
        if problems:
            errors.extend(RowError(number, message) for message in problems)
        elif row is not None:
            parsed.append(row)
    return parsed, errors, skipped


# How a row that is no task begins: notes under the table, the filler's name, totals.
NOTE_STARTS = re.compile(
    r"^(注|备注[:：]|说明|填表|填报|制表|审核|审批|签发|联系人|联系电话|合计|小计|总计|附件)"
)
# A section heading inside the table: 一、经济发展类（5项）, （二）民生实事.
SECTION_HEADING = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


def _not_a_task(row: _Cells) -> str | None:
    """The text of a row that is a note, a total or a section heading, not a task; else None.

    Such rows name no lead unit and no deadline, or begin as notes do; a row
    with a task and a unit is always read (and its errors reported).
    """
    texts = [cell_text(cell.value) for cell in row.cells]
    filled = [text for text in texts if text]
    if not filled:
        return None
    first = filled[0].replace(" ", "")
    if NOTE_STARTS.match(first):
        return " ".join(filled)
    has_task = bool(row.text("事项")) and bool(row.text("牵头单位"))
    if has_task:
        return None
    unplaced = not row.text("牵头单位") and not row.text("截止时间")
    if unplaced and (len(filled) == 1 or SECTION_HEADING.match(first)):
        return " ".join(filled)
    return None


def _quoted(text: str, longest: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= longest else text[:longest] + "…"


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
        return cell_text(self.value(name))

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
    notes: list[str] = []
    title = row.text("事项")
    leads = split_names(row.text("牵头单位"))
    lead_unit = leads[0] if leads else ""
    for column, value in (("事项", title), ("牵头单位", lead_unit)):
        if not value:
            problems.append(f"{column}为空（如用了合并单元格，请取消合并并逐行填写）")
    for column in ("事项", "牵头单位", "配合单位", "包联领导", "截止时间"):
        if row.text(column) in EXCEL_ERRORS:
            problems.append(f"{column}是错误值 {row.text(column)}，请改正公式或填写内容")
    if len(leads) > 1:
        notes.append(MANY_LEADS)
    cooperating = [  # each unit once, in the order written
        name
        for name in dict.fromkeys([*leads[1:], *split_names(row.text("配合单位"))])
        if name != lead_unit
    ]
    leaders = split_names(row.text("包联领导"))
    named = {
        "编号": code or "",
        "牵头单位": lead_unit,
        "包联领导": leaders[0] if leaders else "",
    }
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
            details=_details(row, leaders[1:], notes),
            source=row.text("来源") if row.has("来源") else None,
            state=state,
            percent=percent,
            needs_help=row.text("需协调") in ("是", "需协调") if row.has("需协调") else None,
            last_report=_report(row),
            columns=_columns_read(row, extra_leaders=len(leaders) > 1),
            notes=notes,
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


MANY_LEADS = "牵头单位写了多个：以第一个为牵头单位（接收提醒、报送进展），其余列为配合单位"
MANY_LEADERS = "包联领导写了多位：以第一位为包联领导（接收逾期提醒），其余记入备注"


def _details(row: _Cells, other_leaders: list[str], notes: list[str]) -> str:
    """备注, then the columns kept beside it (目标任务, 时间节点, 责任人) under their names."""
    lines = [row.text("备注")] if row.text("备注") else []
    lines += [f"{name}：{row.text(name)}" for name in DETAIL_PARTS if row.text(name)]
    if other_leaders:
        notes.append(MANY_LEADERS)
        lines.append(f"其他包联领导：{'、'.join(other_leaders)}")
    return "\n".join(lines)


def _report(row: _Cells) -> str | None:
    """最近进展 with 存在问题 and 下步打算, as one report: how the work stands."""
    lines = [row.text("最近进展")] if row.text("最近进展") else []
    lines += [f"{name}：{row.text(name)}" for name in REPORT_PARTS if row.text(name)]
    return "\n".join(lines) or None


def _columns_read(row: _Cells, *, extra_leaders: bool) -> frozenset[str]:
    """The task's columns the file sets (those it lacks change nothing on re-import)."""
    columns = set(row.columns)
    if columns & set(DETAIL_PARTS) or extra_leaders:
        columns.add("备注")
    if columns & set(REPORT_PARTS):
        columns.add("最近进展")
    return frozenset(columns)


def _read_percent(value: object, *, as_fraction: bool) -> int | None:
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


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0]
