"""Which sheet of a workbook holds the ledger, and what its header row says.

Headers are read by meaning (`bot.excel.columns`): line breaks and spaces inside
a header do not count, and a two-level header (责任单位 merged over 牵头单位 ·
配合单位) is read as one row. Rows above the header (the title, the date) are
skipped and named in a warning.

The ledger is the sheet named 督办台账 (as the template and the export name it)
if that sheet has a ledger header, else the first visible sheet that has one in
its first 10 rows. Hidden sheets are never read: offices hide old copies and
lookup lists there, and importing one by surprise would overwrite the ledger
with stale rows; a file whose only ledger sheet is hidden is refused, naming it.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bot.excel.columns import (
    COLUMN_ALIASES,
    READ_COLUMNS,
    REQUIRED_COLUMNS,
    SHARED_MEANINGS,
    TEMPLATE_COLUMNS,
    UNREAD_COLUMNS,
)
from bot.excel.headers import (
    HEADER_ROWS,
    WorkbookKind,
    column_label,
    fold_header,
    header_candidates,
    map_columns,
    merge_header_rows,
    sheets_in_order,
)

LEDGER_SHEET = "督办台账"


class LedgerFileError(Exception):
    """The file as a whole cannot be read (not xlsx, no header row, ambiguous columns)."""


class NotALedgerError(LedgerFileError):
    """No visible sheet has even a 事项 column in its header: some other workbook (a
    table sent as evidence), not a ledger with a header to correct."""


def _canonical(written: str) -> str:
    """The column a header means on its own (a shared header: its first meaning)."""
    folded = fold_header(written)  # 进度(%) and 进度（%）, 工作\n任务 and 工作任务 alike
    if folded in SHARED_MEANINGS:
        return SHARED_MEANINGS[folded][0]
    return COLUMN_ALIASES.get(folded, folded)


def meanings(written: list[str]) -> list[str]:
    """The column each header means in this header row: a shared header (责任单位,
    目标任务) takes its second meaning when another header already has the first."""
    folded = [fold_header(text) for text in written]
    plain = {
        _canonical(text)
        for text, fold in zip(written, folded, strict=True)
        if fold not in SHARED_MEANINGS
    }
    names = []
    for text, fold in zip(written, folded, strict=True):
        shared = SHARED_MEANINGS.get(fold)
        names.append(_canonical(text) if shared is None else shared[shared[0] in plain])
    return names


def _is_sub_header(top: list[str], sub: list[str]) -> bool:
    """Whether `sub` is the lower row of a two-level header: every cell it fills is a
    column's name, and at least one sits under a cell the row above leaves empty or
    under a group header (a data row never reads like that)."""
    filled = [index for index, text in enumerate(sub) if text]
    if not filled:
        return False
    known = READ_COLUMNS | UNREAD_COLUMNS
    if any(_canonical(sub[index]) not in known for index in filled):
        return False
    if sum(_canonical(text) in known for text in top) < 2:
        return False  # a title above a header is no header itself
    return any(index >= len(top) or not top[index] or top[index] != sub[index] for index in filled)


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
    row: int  # the header's last row: data starts below it
    columns: dict[str, int]  # column name → index, for the columns import reads
    ignored: list[tuple[str, int]]  # (header as written, index) of columns not imported
    other_ledgers: list[str]  # other visible sheets that also have a ledger header
    above: list[tuple[int, str]]  # (row, text) of the rows above the header: title, date

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
    found: tuple[Any, _Found] | None = None
    others: list[str] = []
    closest = list(REQUIRED_COLUMNS)  # what the nearest miss lacked, for the message
    for sheet in visible:
        header, missing = _header_row(sheet, path)
        if header is None:
            closest = min(closest, missing, key=len)
        elif found is None:
            found = (sheet, header)
        else:
            others.append(sheet.title)
    if found is None:
        hidden = [sheet for sheet in sheets if sheet.sheet_state != "visible"]
        hidden_ledgers = [s.title for s in hidden if _header_row(s, path)[0] is not None]
        message = _no_header_message(path, visible, hidden_ledgers, closest)
        unlike = closest == list(REQUIRED_COLUMNS) and not hidden_ledgers
        raise (NotALedgerError if unlike else LedgerFileError)(message)
    sheet, header = found
    return _header(sheet, header, others, path)


@dataclass(frozen=True)
class _Found:
    row: int  # the header's last row
    written: list[str]  # one header per column, two-level headers merged
    above: list[tuple[int, str]]


def _header_row(sheet: Any, path: Path) -> tuple[_Found | None, list[str]]:
    """(the header found, []) or (None, the required columns the nearest miss lacks)."""
    missing = list(REQUIRED_COLUMNS)
    with closing(header_candidates(sheet, path, LEDGER)) as candidates:
        rows = list(candidates)
    for position, (number, written) in enumerate(rows):
        last = number
        below = rows[position + 1][1] if position + 1 < len(rows) else []
        if _is_sub_header(written, below):
            written, last = merge_header_rows(written, below), number + 1
        names = set(meanings(written))
        if "事项" in names:
            missing = [name for name in REQUIRED_COLUMNS if name not in names]
            if not missing:
                above = [
                    (row, " ".join(text for text in cells if text))
                    for row, cells in rows[:position]
                    if any(cells)
                ]
                return _Found(last, written, above), []
    return None, missing


def _header(sheet: Any, found: _Found, others: list[str], path: Path) -> Header:
    row, written = found.row, found.written
    mapped = map_columns(written, LEDGER, meanings(written))
    if mapped.clashes:
        clashes = [_clash(name, headers) for name, headers in mapped.clashes]
        raise LedgerFileError(
            f"{path.name} 工作表“{sheet.title}”第 {row} 行的表头里，{'；'.join(clashes)}，"
            "无法确定以哪一列为准，未导入任何内容：请只保留其中一列（删除或改名其余的列）后再导入。"
        )
    return Header(sheet, row, mapped.columns, mapped.ignored, others, found.above)


def _clash(name: str, headers: list[tuple[str, int]]) -> str:
    """“牵头单位”（C 列）和“责任单位”（D 列）都表示“牵头单位”"""
    labels = [column_label(text, index) for text, index in headers]
    listed = "、".join(labels[:-1]) + "和" + labels[-1]
    return f"{listed}都表示“{name}”"


def _no_header_message(
    path: Path, visible: list[Any], hidden_ledgers: list[str], missing: list[str]
) -> str:
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
