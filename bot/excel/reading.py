"""One ledger file → checked rows and row errors; nothing touches the database here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.calendar.deadlines import DeadlineError
from bot.calendar.workcalendar import WorkCalendar
from bot.excel.cells import (
    EXCEL_ERRORS,
    formulas_without_results,
    parse_ledger_deadline,
    parse_milestones,
    read_percent,
)
from bot.excel.columns import DETAIL_PARTS, REPORT_PARTS, STATES_BY_LABEL
from bot.excel.headers import column_label, open_workbook, sheet_rows
from bot.excel.names import split_names
from bot.excel.sheets import LEDGER, Header, find_header
from bot.excel.text import cell_name, cell_text
from bot.ledger.changes import MilestoneInput
from db.models import TaskState

# Written deadlines already in this form need no echo of how they were read.
FULL_DATE = re.compile(
    r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{5,8})"
    r"([\sTt]\d{1,2}:\d{2}(:\d{2})?)?$"
)


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


def clean_text(value: object) -> str:
    """How a cell's text is compared with what is stored (public for the importer)."""
    return cell_text(value)


def _code(value: object) -> str:
    """A task code, full-width letters and digits folded: ＤＢ-０００３ is DB-0003."""
    return unicodedata.normalize("NFKC", cell_name(value)).upper()


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
    _name_formulas_without_results(errors, path, header)
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


# Problems that an empty cell causes; a formula whose result the file lacks reads empty.
EMPTY_PROBLEMS = {
    "事项": "事项为空",
    "牵头单位": "牵头单位为空",
    "截止时间": "截止时间无法识别：截止时间为空",
}


def _name_formulas_without_results(errors: list[RowError], path: Path, header: Header) -> None:
    """An empty required cell that holds a formula says so, instead of “为空”."""
    suspects = {
        (error.row, header.columns[column]): (position, column)
        for position, error in enumerate(errors)
        for column, start in EMPTY_PROBLEMS.items()
        if error.message.startswith(start) and column in header.columns
    }
    for cell, formula in formulas_without_results(path, header.title, suspects).items():
        position, column = suspects[cell]
        errors[position] = RowError(
            cell[0],
            f"{column}是公式“{_quoted(formula, 30)}”，文件里没有保存它的计算结果"
            "（程序生成的文件常这样）：请用 Excel 或 WPS 打开后保存一次再导入，或把公式改为数值",
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
    # One cell outside 事项 is a heading merged across the row; a lone 事项 is a task
    # whose other cells are missing, and its errors say so.
    heading = len(filled) == 1 and not row.text("事项")
    if unplaced and (heading or SECTION_HEADING.match(first)):
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
        milestones = parse_milestones(row.text("节点"), **options)
    except DeadlineError as error:
        problems.append(f"节点无法识别：{_first_line(error)}")
    state = None
    if row.text("状态"):
        state = STATES_BY_LABEL.get(row.text("状态"))
        if state is None:
            problems.append(f"状态“{row.text('状态')}”无法识别，应为 推进中 / 已报完成 / 已销号")
    percent = None
    if row.text("进度"):
        percent = read_percent(row.value("进度"), as_fraction="%" in row.number_format("进度"))
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


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0]
