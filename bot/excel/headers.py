"""Reading a workbook up to its header row, and mapping the header's cells to columns.

Shared by the ledger (`bot.excel.sheets`) and the holiday roster
(`bot.duty.workbook`): both open the file read-only, look for their header in
the first `HEADER_ROWS` rows of the visible sheets (the sheet with the expected
name first), fold each header as written into a column name, and will not guess
between two columns that mean the same. What differs between them (their
columns, their words, the error they raise) is a `WorkbookKind`; deciding which
row is the header, and how a refusal is worded, stays with each reader.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Collection, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from bot.excel.limits import FileRejected, check_workbook
from bot.excel.text import cell_name

# Files often start with a title row or two (which may itself hold a column's word).
HEADER_ROWS = 10
# What a header may carry besides its words: spaces and line breaks typed to fit the
# column (工作\n任务, 牵 头 单 位), a required-field star.
_HEADER_NOISE = re.compile(r"[\s*＊※]+")


def fold_header(written: str) -> str:
    """A header as compared: full-width forms folded, no spaces, line breaks or stars."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", written))


def merge_header_rows(top: list[str], sub: list[str]) -> list[str]:
    """Two header rows as one: a column's own header under a merged group header wins
    (责任单位 over 牵头单位 · 配合单位); a header merged down both rows keeps its word."""
    width = max(len(top), len(sub))
    top, sub = top + [""] * (width - len(top)), sub + [""] * (width - len(sub))
    return [below or above for above, below in zip(top, sub, strict=True)]


@dataclass(frozen=True)
class WorkbookKind:
    """One kind of workbook the bot reads: its columns and how it speaks of the file."""

    noun: str  # what the file is, in the user's words: 台账, 值班表
    error: type[Exception]  # raised when the file as a whole cannot be read
    resave_advice: str  # what to do with a damaged file
    canonical: Callable[[str], str]  # a header as written → its column name
    read_columns: Collection[str]  # the column names this reader uses
    unread_columns: Collection[str]  # known, deliberately skipped, so not reported as ignored


@dataclass(frozen=True)
class HeaderColumns:
    """Where each column read is, what was left out, and which columns mean the same."""

    columns: dict[str, int]  # column name → index of its (first) cell
    ignored: list[tuple[str, int]]  # (header as written, index) of columns not read
    clashes: list[tuple[str, list[tuple[str, int]]]]  # (column name, its headers and indexes)


def open_workbook(path: Path, kind: WorkbookKind) -> Workbook:
    if path.is_dir():
        raise kind.error(f"{path} 是一个文件夹，不是文件：请给出文件夹里的 .xlsx 文件。")
    if not path.is_file():
        raise kind.error(f"找不到文件 {path}，请检查路径。")
    if not os.access(path, os.R_OK):
        raise kind.error(f"没有权限读取 {path.name}，请检查文件权限。")
    try:
        check_workbook(path, kind.noun)  # bounds first: nothing hostile reaches openpyxl
    except FileRejected as rejected:
        raise kind.error(str(rejected)) from None
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails in many ways on damaged or foreign files
        raise kind.error(
            f"无法读取 {path.name}：请提供用 Excel 或 WPS 保存的 .xlsx 格式{kind.noun}。"
        ) from error


def sheet_rows(
    sheet: Any, path: Path, kind: WorkbookKind
) -> Generator[tuple[Any, ...], None, None]:
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
            raise kind.error(
                f"{path.name} 已损坏或不完整，无法读取：{kind.resave_advice}"
            ) from error
        yield cells


def sheets_in_order(workbook: Workbook, preferred: str) -> list[Any]:
    """Every sheet, the one named `preferred` first, the rest in the workbook's order."""
    return sorted(workbook.worksheets, key=lambda sheet: sheet.title != preferred)


def header_candidates(
    sheet: Any, path: Path, kind: WorkbookKind
) -> Generator[tuple[int, list[str]], None, None]:
    """(row number, cells' text as written) for the rows a header may be in.

    Close it (`contextlib.closing`) when leaving early: that closes the sheet's
    reader at once rather than whenever the generator is collected.
    """
    rows = sheet_rows(sheet, path, kind)
    try:
        for number, cells in enumerate(rows, start=1):
            yield number, [cell_name(cell.value) for cell in cells]
            if number >= HEADER_ROWS:
                return
    finally:
        rows.close()


def column_label(written: str, index: int) -> str:
    """“责任单位”（D 列）: a header as the user sees it in Excel."""
    return f"“{written}”（{get_column_letter(index + 1)} 列）"


def map_columns(
    written: list[str], kind: WorkbookKind, names: list[str] | None = None
) -> HeaderColumns:
    """Each header cell as a column read, a column left out, or one of two meaning the same.

    `names` are the columns the headers mean when the reader has already decided
    (a header whose meaning depends on its neighbours); else `kind.canonical`'s.
    """
    positions: dict[str, list[int]] = {}
    ignored = []
    for index, text in enumerate(written):
        name = names[index] if names is not None else kind.canonical(text)
        if name in kind.read_columns:
            positions.setdefault(name, []).append(index)
        elif text and name not in kind.unread_columns:
            ignored.append((text, index))
    clashes = [
        (name, [(written[index], index) for index in indexes])
        for name, indexes in positions.items()
        if len(indexes) > 1
    ]
    columns = {name: indexes[0] for name, indexes in positions.items()}
    return HeaderColumns(columns, ignored, clashes)
