"""Which sheet of a workbook holds the ledger, and what its header row says.

The ledger is the sheet named 督办台账 (as the template and the export name it)
if that sheet has a ledger header, else the first visible sheet that has one in
its first 10 rows. Hidden sheets are never read: offices hide old copies and
lookup lists there, and importing one by surprise would overwrite the ledger
with stale rows; a file whose only ledger sheet is hidden is refused, naming it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bot.excel.columns import (
    COLUMN_ALIASES,
    FOLDED_ALIASES,
    READ_COLUMNS,
    REQUIRED_COLUMNS,
    TEMPLATE_COLUMNS,
    UNREAD_COLUMNS,
)
from bot.excel.text import cell_name

LEDGER_SHEET = "督办台账"
HEADER_ROWS = 10  # ledgers often start with a title row or two, which may itself read 督办事项


class LedgerFileError(Exception):
    """The file as a whole cannot be read (not xlsx, no header row, ambiguous columns)."""


@dataclass(frozen=True)
class Header:
    """The ledger sheet's header row: where each column read is, and what is left out."""

    sheet: Any  # the worksheet
    row: int
    columns: dict[str, int]  # column name → index, for the columns import reads
    ignored: list[tuple[str, int]]  # (header as written, index) of columns not imported
    other_ledgers: list[str]  # other visible sheets that also have a ledger header

    @property
    def title(self) -> str:
        return str(self.sheet.title)


def sheet_rows(sheet: Any, path: Path) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows; a damaged sheet (cut-off download, broken XML) is a file error.

    Only openpyxl's reading is wrapped: an error in checking a row is a bug,
    not a damaged file, and must not be reported as one.
    """
    # A stale <dimension> (written by some tools) would hide rows from a read-only sheet.
    sheet.reset_dimensions()
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


def column_label(written: str, index: int) -> str:
    """“责任单位”（D 列）: a header as the user sees it in Excel."""
    return f"“{written}”（{get_column_letter(index + 1)} 列）"


def find_header(workbook: Workbook, path: Path) -> Header:
    """The ledger sheet and its header row; refuses a file without one, or with two
    columns that mean the same (which one to believe is the user's call, not ours)."""
    if not workbook.worksheets:
        raise LedgerFileError(f"{path.name} 里没有工作表。")
    # sorted() is stable: 督办台账 first, the rest in the workbook's order.
    sheets = sorted(workbook.worksheets, key=lambda sheet: sheet.title != LEDGER_SHEET)
    visible = [sheet for sheet in sheets if sheet.sheet_state == "visible"]
    found: tuple[Any, int, list[str]] | None = None
    others: list[str] = []
    closest = list(REQUIRED_COLUMNS)  # what the nearest miss lacked, for the message
    for sheet in visible:
        row, written, missing = _header_row(sheet, path)
        if row is None:
            closest = min(closest, missing, key=len)
        elif found is None:
            found = (sheet, row, written)
        else:
            others.append(sheet.title)
    if found is None:
        raise LedgerFileError(_no_header_message(path, visible, sheets, closest))
    sheet, row, written = found
    return _header(sheet, row, written, others, path)


def _canonical(written: str) -> str:
    folded = unicodedata.normalize("NFKC", written)  # 进度(%) and 进度（%） alike
    return COLUMN_ALIASES.get(written) or FOLDED_ALIASES.get(folded) or written


def _header_row(sheet: Any, path: Path) -> tuple[int | None, list[str], list[str]]:
    """(row number, headers as written, []) or (None, [], the required columns missing)."""
    missing = list(REQUIRED_COLUMNS)
    rows = sheet_rows(sheet, path)
    try:
        for number, cells in enumerate(rows, start=1):
            written = [cell_name(cell.value) for cell in cells]
            names = {_canonical(name) for name in written}
            if "事项" in names:
                missing = [name for name in REQUIRED_COLUMNS if name not in names]
                if not missing:
                    return number, written, []
            if number >= HEADER_ROWS:
                break
    finally:
        rows.close()
    return None, [], missing


def _header(sheet: Any, row: int, written: list[str], others: list[str], path: Path) -> Header:
    positions: dict[str, list[int]] = {}
    ignored = []
    for index, text in enumerate(written):
        name = _canonical(text)
        if name in READ_COLUMNS:
            positions.setdefault(name, []).append(index)
        elif text and name not in UNREAD_COLUMNS:
            ignored.append((text, index))
    clashes = [
        _clash(name, [(written[i], i) for i in indexes])
        for name, indexes in positions.items()
        if len(indexes) > 1
    ]
    if clashes:
        raise LedgerFileError(
            f"{path.name} 工作表“{sheet.title}”第 {row} 行的表头里，{'；'.join(clashes)}，"
            "无法确定以哪一列为准，未导入任何内容：请只保留其中一列（删除或改名其余的列）后再导入。"
        )
    columns = {name: indexes[0] for name, indexes in positions.items()}
    return Header(sheet, row, columns, ignored, others)


def _clash(name: str, headers: list[tuple[str, int]]) -> str:
    """“牵头单位”（C 列）和“责任单位”（D 列）都表示“牵头单位”"""
    labels = [column_label(text, index) for text, index in headers]
    listed = "、".join(labels[:-1]) + "和" + labels[-1]
    return f"{listed}都表示“{name}”"


def _no_header_message(
    path: Path, visible: list[Any], sheets: list[Any], missing: list[str]
) -> str:
    hidden = [sheet for sheet in sheets if sheet.sheet_state != "visible"]
    hidden_ledgers = [sheet.title for sheet in hidden if _header_row(sheet, path)[0] is not None]
    if hidden_ledgers:
        names = "、".join(f"“{title}”" for title in hidden_ledgers)
        return (
            f"{path.name} 里只有隐藏的工作表{names}有台账表头。隐藏的表不导入"
            "（常是旧表或下拉选项表）：如要导入，请在 Excel 或 WPS 中取消隐藏后再导入。"
        )
    where = f"{path.name} 的前 {HEADER_ROWS} 行里"
    if len(visible) > 1:
        titles = "、".join(f"“{sheet.title}”" for sheet in visible)
        where = f"{path.name} 的 {len(visible)} 个工作表（{titles}）前 {HEADER_ROWS} 行里都"
    return (
        f"{where}找不到表头列：{'、'.join(missing)}。请使用模板的列：{'、'.join(TEMPLATE_COLUMNS)}"
    )
