"""The ledger as `.xlsx`: the template, import (all rows or nothing) and export.

Import reads the columns supervision offices already keep (编号 optional, 事项,
牵头单位, 配合单位, 包联领导, 截止时间, 节点, 备注) and, when present, the extra
columns that export writes (来源, 状态, 进度, 最近进展), so export → import
gives the same ledger. Every row is checked before anything is written; one
bad row means nothing is written and every error is reported with its row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zipfile import BadZipFile
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.deadlines import DeadlineError, calendar_warning, parse_deadline
from bot.ledger import (
    STATE_LABELS,
    LedgerError,
    MilestoneInput,
    change_task,
    create_task,
    get_or_create_unit,
    next_task_code,
)
from bot.lights import LIGHT_LABELS, light_of
from bot.workcalendar import WorkCalendar
from db.models import Person, ProgressReport, ReportChannel, Role, Task, TaskState, Unit

TEMPLATE_COLUMNS = ["编号", "事项", "牵头单位", "配合单位", "包联领导", "截止时间", "节点", "备注"]
EXPORT_COLUMNS = [
    *TEMPLATE_COLUMNS,
    "来源",
    "状态",
    "红黄绿灯",
    "进度",
    "需协调",
    "最近进展",
    "最近进展时间",
]
REQUIRED_COLUMNS = ("事项", "牵头单位", "截止时间")
# Other names the same columns go by in ledgers in the wild.
COLUMN_ALIASES = {
    "事项名称": "事项",
    "督办事项": "事项",
    "任务": "事项",
    "工作任务": "事项",
    "责任单位": "牵头单位",
    "牵头单位（部门）": "牵头单位",
    "完成时限": "截止时间",
    "截止日期": "截止时间",
    "时限": "截止时间",
    "序号编号": "编号",
    "具体要求": "备注",
    "工作要求": "备注",
    "完成情况": "最近进展",
    "进度（%）": "进度",
}
STANDING_DEADLINES = {"长期", "长期坚持", "持续推进", "常态化", "常态化推进", "持续"}
LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")
MILESTONE_SEPARATORS = re.compile(r"[\n；;]+")
# Where a milestone's date ends and its title begins ("2026-06-30 18:00 完成立项").
MILESTONE_DATE = re.compile(
    r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：]\s*\d{2})?"
)
STATES_BY_LABEL = {label: state for state, label in STATE_LABELS.items()} | {
    "进行中": TaskState.OPEN,
    "正在推进": TaskState.OPEN,
    "已退回": TaskState.OPEN,
    "已完成": TaskState.REPORTED_DONE,
    "已办结": TaskState.VERIFIED,
}


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


@dataclass
class ImportResult:
    """What an import did, or (with errors) why it wrote nothing."""

    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # saved, but worth a look
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    new_units: list[str] = field(default_factory=list)
    new_leaders: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def grouped_warnings(self) -> list[str]:
        """One line per distinct warning, naming all its rows: 第 2、5、8 行：…"""
        rows: dict[str, list[int]] = {}
        for warning in self.warnings:
            rows.setdefault(warning.message, []).append(warning.row)
        return [
            f"第 {'、'.join(map(str, numbers))} 行：{message}" for message, numbers in rows.items()
        ]


# --- reading cells -------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_ledger_deadline(
    value: object,
    *,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
) -> datetime | None:
    """A deadline cell: an Excel date, a written date, or 长期 (no deadline).

    Ledgers carry overdue items, so a date in the past is accepted here (it
    shows red); everything written goes through the Chinese parser.
    """
    if isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime.combine(value, time())
        if moment.time() == time():  # a date cell without a clock time
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
        milestones.append(MilestoneInput(pieces[1].strip(), due))
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
        rows = workbook.worksheets[0].iter_rows()
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
    finally:
        workbook.close()


def _open_workbook(path: Path) -> Workbook:
    if not path.is_file():
        raise LedgerFileError(f"找不到文件 {path}，请检查路径。")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        raise LedgerFileError(
            f"无法读取 {path.name}：请提供用 Excel 或 WPS 保存的 .xlsx 格式台账。"
        ) from error


def _find_header(rows: Iterator[tuple[Any, ...]], path: Path) -> tuple[int, dict[str, int]]:
    """The header row (within the first 10: ledgers often start with a title row)."""
    missing = list(REQUIRED_COLUMNS)
    for number, cells in enumerate(rows, start=1):
        names = [COLUMN_ALIASES.get(_text(c.value), _text(c.value)) for c in cells]
        if "事项" in names:
            columns = {name: index for index, name in reversed(list(enumerate(names))) if name}
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if not missing:
                return number, columns
            break
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

    def is_percent(self, name: str) -> bool:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return False
        return "%" in (getattr(self.cells[index], "number_format", None) or "")


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
    code = row.text("编号").upper() or None
    if code and code.isdigit():
        code = None  # a plain 序号 (1, 2, 3…) is not a task code
    title, lead_unit = row.text("事项"), row.text("牵头单位")
    if not title:
        problems.append("事项为空")
    if not lead_unit:
        problems.append("牵头单位为空")
    cooperating = list(
        dict.fromkeys(  # each unit once, in the order written
            name
            for name in LIST_SEPARATORS.split(row.text("配合单位"))
            if name and name != lead_unit
        )
    )
    for column, limit in MAX_LENGTHS.items():
        values = cooperating if column == "配合单位" else [row.text(column)]
        if any(len(value) > limit for value in values):
            problems.append(f"{column}超过 {limit} 个字，请精简")
    deadline: datetime | None = None
    try:
        deadline = parse_ledger_deadline(row.value("截止时间"), **options)
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
        percent = _read_percent(row.value("进度"), as_fraction=row.is_percent("进度"))
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
            lead_leader=row.text("包联领导") or None,
            deadline=deadline,
            milestones=milestones,
            details=row.text("备注"),
            source=row.text("来源") if row.has("来源") else None,
            state=state,
            percent=percent,
            needs_help=row.text("需协调") in ("是", "需协调") if row.has("需协调") else None,
            last_report=row.text("最近进展") or None,
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


# --- import ----------------------------------------------------------------------------


def import_ledger(
    session: Session,
    path: Path,
    *,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
) -> ImportResult:
    """Import a ledger file: every row checked first, then all written in one transaction."""
    rows, errors = read_ledger(path, now=now, zone=zone, calendar=calendar, end_of_day=end_of_day)
    result = ImportResult(errors=errors)
    if errors:
        return result
    for row in rows:
        warning = row.deadline and calendar_warning(row.deadline, now.astimezone(zone), calendar)
        if warning:
            result.warnings.append(RowError(row.row, warning))
    try:
        _apply_rows(session, rows, now=now, result=result)
        if result.errors:  # found only while writing: still all or nothing
            session.rollback()
            return ImportResult(errors=result.errors)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def _apply_rows(
    session: Session, rows: list[LedgerRow], *, now: datetime, result: ImportResult
) -> None:
    writer = _LedgerWriter(session, rows, now, result)
    for row in rows:
        try:
            writer.apply(row)
        except LedgerError as error:  # e.g. a code already taken outside this file
            result.errors.append(RowError(row.row, str(error)))


class _LedgerWriter:
    """Writes checked rows, looking units, leaders and existing tasks up once per import."""

    def __init__(
        self, session: Session, rows: list[LedgerRow], now: datetime, result: ImportResult
    ) -> None:
        self.session = session
        self.now = now
        self.result = result
        self.known_units = set(session.scalars(select(Unit.name)))
        self.leaders = {
            p.name: p for p in session.scalars(select(Person).where(Person.role == Role.LEADER))
        }
        # Codes the file names itself are never handed out to its rows without one.
        self.explicit_codes = {row.code for row in rows if row.code}
        self.existing = {
            task.code: task
            for task in session.scalars(
                select(Task)
                .where(Task.code.in_(self.explicit_codes))
                .options(selectinload(Task.cooperating_units), selectinload(Task.milestones))
            )
        }
        self.last_reports = _last_reports(session, [task.id for task in self.existing.values()])

    def unit(self, name: str) -> Unit:
        if name not in self.known_units:
            self.known_units.add(name)
            self.result.new_units.append(name)
        return get_or_create_unit(self.session, name)

    def leader(self, name: str | None) -> Person | None:
        if not name:
            return None
        if name not in self.leaders:
            self.leaders[name] = Person(name=name, role=Role.LEADER)
            self.session.add(self.leaders[name])
            self.result.new_leaders.append(name)
        return self.leaders[name]

    def apply(self, row: LedgerRow) -> None:
        session, now = self.session, self.now
        fields: dict[str, object] = {
            "title": row.title,
            "details": row.details,
            "source": row.source or "",
            "lead_unit": self.unit(row.lead_unit),
            "lead_leader": self.leader(row.lead_leader),
            "cooperating_units": [self.unit(name) for name in row.cooperating_units],
            "deadline": row.deadline,
            "milestones": row.milestones,
        }
        # What only an exported ledger carries; the template leaves these out.
        extra: dict[str, object] = {}
        if row.source is None:
            del fields["source"]  # a template without 来源 leaves the stored source alone
        if row.state is not None:
            extra["state"] = row.state.value
        if row.percent is not None:
            extra["percent"] = row.percent
        if row.needs_help is not None:
            extra["needs_help"] = row.needs_help
        task = self.existing.get(row.code) if row.code else None
        new_report = bool(row.last_report) and (
            task is None or row.last_report != self.last_reports.get(task.id)
        )
        if task is None:
            task = create_task(
                session,
                code=row.code or next_task_code(session, avoid=self.explicit_codes),
                now=now,
                allow_past_deadline=True,
                commit=False,
                **fields,  # type: ignore[arg-type]
            )
            # State and percent of an exported ledger: recorded as import events.
            change_task(session, task, now=now, note="导入", commit=False, **extra)
            self.result.created.append(task.code)
        else:
            changed = change_task(
                session, task, now=now, note="导入", commit=False, **fields, **extra
            )
            if changed or new_report:
                self.result.updated.append(task.code)
            else:
                self.result.unchanged += 1
        if new_report:
            session.add(
                ProgressReport(
                    task=task,
                    created_at=row.last_report_at or now,
                    text=row.last_report,
                    percent=row.percent,
                    needs_help=bool(row.needs_help),
                    channel=ReportChannel.IMPORT,
                )
            )


def _last_reports(session: Session, task_ids: Iterable[int]) -> dict[int, str]:
    """Each task's latest report text, in one query."""
    ids = list(task_ids)
    if not ids:
        return {}
    latest = (
        select(func.max(ProgressReport.id))
        .where(ProgressReport.task_id.in_(ids))
        .group_by(ProgressReport.task_id)
    )
    rows = session.execute(
        select(ProgressReport.task_id, ProgressReport.text).where(ProgressReport.id.in_(latest))
    )
    return {task_id: text for task_id, text in rows}


# --- export and template -------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LIGHT_FILLS = {
    "红灯": PatternFill("solid", fgColor="F8CBAD"),
    "黄灯": PatternFill("solid", fgColor="FFE699"),
    "绿灯": PatternFill("solid", fgColor="C6EFCE"),
}
COLUMN_WIDTHS = {"事项": 40, "备注": 40, "节点": 36, "最近进展": 40, "配合单位": 24}
DATE_FORMAT = "yyyy-mm-dd hh:mm"


def _new_sheet(columns: list[str]) -> tuple[Workbook, object]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "督办台账"
    sheet.append(columns)
    for index, name in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = HEADER_FONT
        header.fill = HEADER_FILL
        letter = header.column_letter
        sheet.column_dimensions[letter].width = COLUMN_WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    return workbook, sheet


TEMPLATE_EXAMPLE = [
    "",
    "引进亿元以上项目3个",
    "县商务局",
    "县发改局、县自然资源局",
    "王建国",
    "2026-12-31",
    "2026-06-30 签约1个\n2026-09-30 签约2个",
    "全年目标3个，按季度报送进展",
]
TEMPLATE_NOTES = [
    ("编号", "可不填，导入时自动生成 DB-0001 这样的编号；填了已有编号则更新该事项"),
    ("事项", "必填，一句话写清任务和目标"),
    ("牵头单位", "必填，单位全称；系统里没有的单位会自动新建"),
    ("配合单位", "可不填，多个单位用顿号或逗号隔开"),
    ("包联领导", "可不填，填姓名"),
    ("截止时间", "必填：日期（2026-06-30、6月30日）或“长期”；已过期的事项也可导入，显示红灯"),
    ("节点", "可不填，每行一个“日期 节点名称”，如“2026-06-30 完成立项”"),
    ("备注", "具体要求、工作目标等"),
]


def write_template(path: Path) -> None:
    """The empty ledger template; how to fill it, with an example row, on a second sheet."""
    workbook, _ = _new_sheet(TEMPLATE_COLUMNS)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "怎么填"])
    for row in TEMPLATE_NOTES:
        notes.append(list(row))
    notes.append([])
    notes.append(["示例（复制到“督办台账”表中使用）"])
    notes.append(TEMPLATE_COLUMNS)
    notes.append(TEMPLATE_EXAMPLE)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 70
    workbook.save(path)


def export_ledger(
    session: Session,
    path: Path,
    *,
    now: datetime,
    zone: ZoneInfo,
    yellow_until: datetime,
) -> int:
    """Write the whole ledger with state, light, percent and last report; returns the row count."""
    tasks = session.scalars(
        select(Task)
        .options(
            selectinload(Task.lead_unit),
            selectinload(Task.lead_leader),
            selectinload(Task.cooperating_units),
            selectinload(Task.milestones),
        )
        .order_by(Task.code)
    ).all()
    reports = _last_report_rows(session)
    workbook, sheet = _new_sheet(EXPORT_COLUMNS)

    def local(moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.astimezone(zone).replace(tzinfo=None)

    column = {name: index for index, name in enumerate(EXPORT_COLUMNS, start=1)}
    for task in tasks:
        light = light_of(task.state, task.deadline, now, yellow_until)
        report_text, report_at = reports.get(task.id, (None, None))
        values = {
            "编号": task.code,
            "事项": task.title,
            "牵头单位": task.lead_unit.name,
            "配合单位": "、".join(unit.name for unit in task.cooperating_units),
            "包联领导": task.lead_leader.name if task.lead_leader else "",
            "截止时间": local(task.deadline) or "长期",
            "节点": "\n".join(
                f"{m.due_at.astimezone(zone):%Y-%m-%d %H:%M} {m.title}" for m in task.milestones
            ),
            "备注": task.details,
            "来源": task.source,
            "状态": STATE_LABELS[TaskState(task.state)],
            "红黄绿灯": LIGHT_LABELS[light] if light else "",
            "进度": task.percent,
            "需协调": "是" if task.needs_help else "",
            "最近进展": report_text or "",
            "最近进展时间": local(report_at),
        }
        sheet.append([values[name] for name in EXPORT_COLUMNS])
        row = sheet.max_row
        for name in ("截止时间", "最近进展时间"):
            sheet.cell(row=row, column=column[name]).number_format = DATE_FORMAT
        if light:
            sheet.cell(row=row, column=column["红黄绿灯"]).fill = LIGHT_FILLS[LIGHT_LABELS[light]]
        for name in ("事项", "节点", "备注", "最近进展"):
            sheet.cell(row=row, column=column[name]).alignment = Alignment(wrap_text=True)
    workbook.save(path)
    return len(tasks)


def _last_report_rows(session: Session) -> dict[int, tuple[str, datetime]]:
    latest = select(func.max(ProgressReport.id)).group_by(ProgressReport.task_id)
    rows = session.execute(
        select(ProgressReport.task_id, ProgressReport.text, ProgressReport.created_at).where(
            ProgressReport.id.in_(latest)
        )
    )
    return {task_id: (text, at) for task_id, text, at in rows}
