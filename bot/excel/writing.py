"""The ledger template and the export, styled the way offices read them."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.core.access import COUNTY, Scope
from bot.excel.columns import EXPORT_COLUMNS, TEMPLATE_COLUMNS
from bot.ledger.lights import LIGHT_LABELS, light_of
from bot.ledger.states import STATE_LABELS
from db.models import Task
from db.queries import latest_reports

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LIGHT_FILLS = {
    "红灯": PatternFill("solid", fgColor="F8CBAD"),
    "黄灯": PatternFill("solid", fgColor="FFE699"),
    "绿灯": PatternFill("solid", fgColor="C6EFCE"),
}
DATE_FORMAT = "yyyy-mm-dd hh:mm"
# "2026-12-31 18:00" is 16 characters: narrower date columns show #### in Excel and WPS.
DATE_WIDTH = 18
COLUMN_WIDTHS = {
    "事项": 40,
    "备注": 40,
    "节点": 36,
    "最近进展": 40,
    "配合单位": 24,
    "截止时间": DATE_WIDTH,
    "最近进展时间": DATE_WIDTH,
}


def _new_sheet(columns: list[str]) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook starts with one plain worksheet
    sheet.title = "督办台账"
    sheet.append(columns)
    for index, name in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = HEADER_FONT
        header.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(name, 14)
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
    ("节点", "可不填，每行一个“日期 节点名称”，如“2026-06-30 完成立项”或“12月8日前完成摸排”"),
    ("备注", "具体要求、工作目标等"),
]


def _safe(value: object) -> object:
    """No control characters in text: openpyxl refuses to write them."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _save(workbook: Workbook, path: Path) -> None:
    """Write next to the target, then swap: a failed export never leaves half a file."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".xlsx", delete=False) as handle:
        partial = Path(handle.name)
    try:
        workbook.save(partial)
        # The temporary file is private (0600); the export should be as readable as any file.
        partial.chmod(0o666 & ~_umask())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
    _save(workbook, path)


def export_ledger(
    session: Session,
    path: Path,
    *,
    now: datetime,
    zone: ZoneInfo,
    yellow_until: datetime,
    scope: Scope = COUNTY,
) -> int:
    """Write the tasks in `scope` (all of them by default: the office's own export) with
    state, light, percent and last report; returns the row count."""
    tasks = session.scalars(
        select(Task)
        .where(scope.tasks())
        .options(
            selectinload(Task.lead_unit),
            selectinload(Task.lead_leader),
            selectinload(Task.cooperating_units),
            selectinload(Task.milestones),
        )
        .order_by(Task.code)
    ).all()
    # Every report at once for the whole county; a narrower scope asks for its tasks only.
    reports = latest_reports(session, None if scope.county else [task.id for task in tasks])
    workbook, sheet = _new_sheet(EXPORT_COLUMNS)

    def local(moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.astimezone(zone).replace(tzinfo=None)

    column = {name: index for index, name in enumerate(EXPORT_COLUMNS, start=1)}
    for row, task in enumerate(tasks, start=2):  # row 1 is the header
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
            "状态": STATE_LABELS[task.state],
            "红黄绿灯": LIGHT_LABELS[light] if light else "",
            "进度": task.percent,
            "需协调": "是" if task.needs_help else "",
            "最近进展": report_text or "",
            "最近进展时间": local(report_at),
        }
        cells = [_safe(values[name]) for name in EXPORT_COLUMNS]
        sheet.append(cells)
        for index, value in enumerate(cells, start=1):
            # A title like "=SUM(...)" is text here; it must not run as a formula in Excel.
            # (By index: sheet[row] would measure the whole sheet each time.)
            if isinstance(value, str) and value.startswith("="):
                sheet.cell(row=row, column=index).data_type = "s"
        for name in ("截止时间", "最近进展时间"):
            sheet.cell(row=row, column=column[name]).number_format = DATE_FORMAT
        if light:
            sheet.cell(row=row, column=column["红黄绿灯"]).fill = LIGHT_FILLS[LIGHT_LABELS[light]]
        for name in ("事项", "节点", "备注", "最近进展"):
            sheet.cell(row=row, column=column[name]).alignment = Alignment(wrap_text=True)
    _save(workbook, path)
    return len(tasks)
