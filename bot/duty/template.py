"""The blank roster template (`templates/roster_template.xlsx`), written from code."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.duty.workbook import ROSTER_COLUMNS, ROSTER_SHEET

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "templates" / "roster_template.xlsx"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
COLUMN_WIDTHS = {"单位": 22, "日期": 14, "开始": 10, "结束": 12, "岗位": 12, "姓名": 10, "电话": 18}
VALIDATED_ROWS = 5000  # rows under the header offered the two posts as a list
TEMPLATE_NOTES = [
    ("单位", "本单位报送时可不填；全县汇总表每行填单位全称（合并单元格也可以）"),
    ("日期", "班次开始的那一天：2026-10-01、10月1日、10.1 或 10/1"),
    ("开始", "如 08:00"),
    ("结束", "如 20:00；跨夜写 08:00（或 次日08:00），到当天结束写 24:00"),
    ("岗位", "带班领导 或 值班员（值班领导、值班人员 也可）"),
    ("姓名", "一行一人"),
    ("电话", "手机 11 位，或带区号的固定电话，如 0571-87654321"),
]
TEMPLATE_EXAMPLE = [
    ["县委办", "2026-10-01", "08:00", "20:00", "带班领导", "张三", "13800000000"],
    ["县委办", "2026-10-01", "20:00", "08:00", "带班领导", "李四", "13900000000"],
    ["县委办", "2026-10-01", "00:00", "24:00", "值班员", "王五", "0571-87654321"],
]
RULE = (
    "要求：从假期第一天 00:00 到最后一天 24:00，"
    "每个单位每一分钟都要有一名带班领导和一名值班员在岗。"
)


def write_roster_template(path: Path) -> None:
    """The empty roster sheet; how to fill it, with example rows, on a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook starts with one worksheet
    sheet.title = ROSTER_SHEET
    sheet.append(ROSTER_COLUMNS)
    for index, name in enumerate(ROSTER_COLUMNS, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = HEADER_FONT
        header.fill = HEADER_FILL
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = COLUMN_WIDTHS[name]
        # Text columns: Excel would turn 24:00 into 0:00 and 13800000000 into 1.38E+10.
        column.number_format = "@"
    posts = DataValidation(type="list", formula1='"带班领导,值班员"', allow_blank=True)
    posts.error = "岗位应为 带班领导 或 值班员"
    sheet.add_data_validation(posts)
    post_letter = get_column_letter(ROSTER_COLUMNS.index("岗位") + 1)
    posts.add(f"{post_letter}2:{post_letter}{VALIDATED_ROWS + 1}")
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "怎么填"])
    for column_name, how in TEMPLATE_NOTES:
        notes.append([column_name, how])
    notes.append([])
    notes.append([RULE])
    notes.append([])
    notes.append(["示例（复制到“值班表”中使用）"])
    notes.append(ROSTER_COLUMNS)
    for example in TEMPLATE_EXAMPLE:
        notes.append(example)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 70
    _save(workbook, path)


def _save(workbook: Workbook, path: Path) -> None:
    """Write next to the target, then swap: a failed write never leaves half a file."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".xlsx", delete=False) as handle:
        partial = Path(handle.name)
    try:
        workbook.save(partial)
        mask = os.umask(0)
        os.umask(mask)
        partial.chmod(0o666 & ~mask)  # the temporary file is private; a template is not
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
