"""Which sheet of a workbook holds the ledger, and what its header row says.

The ledger is the sheet named 督办台账 (as the template and the export name it)
if that sheet has a ledger header, else the first visible sheet that has one in
its first 10 rows. Hidden sheets are never read: offices hide old copies and
lookup lists there, and importing one by surprise would overwrite the ledger
with stale rows; a file whose only ledger sheet is hidden is refused, naming it.
"""

from __future__ import annotations

import unicodedata
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bot.excel.columns import (
    COLUMN_ALIASES,
    FOLDED_ALIASES,
    READ_COLUMNS,
    REQUIRED_COLUMNS,
    TEMPLATE_COLUMNS,
    UNREAD_COLUMNS,
)
from bot.excel.headers import (
    HEADER_ROWS,
    WorkbookKind,
    column_label,
    header_candidates,
    map_columns,
    sheets_in_order,
)

LEDGER_SHEET = "督办台账"


class LedgerFileError(Exception):
    """The file as a whole cannot be read (not xlsx, no header row, ambiguous columns)."""


def _canonical(written: str) -> str:
    folded = unicodedata.normalize("NFKC", written)  # 进度(%) and 进度（%） alike
    return COLUMN_ALIASES.get(written) or FOLDED_ALIASES.get(folded) or written


LEDGER = WorkbookKind(
    noun="台账",
    error=LedgerFileError,
    resave_advice="请用 Excel 或 WPS 重新保存后再导入。",
    canonical=_canonical,
    read_columns=READ_COLUMNS,
    unread_columns=UNREAD_COLUMNS,
)


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


def find_header(workbook: Workbook, path: Path) -> Header:
    """The ledger sheet and its header row; refuses a file without one, or with two
    columns that mean the same (which one to believe is the user's call, not ours)."""
    if not workbook.worksheets:
        raise LedgerFileError(f"{path.name} 里没有工作表。")
    sheets = sheets_in_order(workbook, LEDGER_SHEET)
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


def _header_row(sheet: Any, path: Path) -> tuple[int | None, list[str], list[str]]:
    """(row number, headers as written, []) or (None, [], the required columns missing)."""
    missing = list(REQUIRED_COLUMNS)
    with closing(header_candidates(sheet, path, LEDGER)) as rows:
        for number, written in rows:
            names = {_canonical(name) for name in written}
            if "事项" in names:
                missing = [name for name in REQUIRED_COLUMNS if name not in names]
                if not missing:
                    return number, written, []
    return None, [], missing


def _header(sheet: Any, row: int, written: list[str], others: list[str], path: Path) -> Header:
    mapped = map_columns(written, LEDGER)
    if mapped.clashes:
        clashes = [_clash(name, headers) for name, headers in mapped.clashes]
        raise LedgerFileError(
            f"{path.name} 工作表“{sheet.title}”第 {row} 行的表头里，{'；'.join(clashes)}，"
            "无法确定以哪一列为准，未导入任何内容：请只保留其中一列（删除或改名其余的列）后再导入。"
        )
    return Header(sheet, row, mapped.columns, mapped.ignored, others)


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
