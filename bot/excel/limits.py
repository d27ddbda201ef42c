"""Bounds on a workbook, checked before any parser sees it.

A hostile or broken .xlsx must cost seconds and megabytes, never minutes and
gigabytes: a few hundred kilobytes of zip can hold millions of rows or
gigabytes of whitespace, and openpyxl pads a stray cell in column XFD or row
1,000,000 into every row before it. So, before `load_workbook`:

1. the file's size and its first bytes (an old .xls, an encrypted workbook,
   a CSV or a truncated download each get their own message);
2. the zip's directory: the sum of the uncompressed sizes, its ratio to the
   compressed ones, the number of parts and of sheets;
3. each sheet and the shared strings, streamed through expat with nothing
   kept: rows, the highest row and column a cell names, each cell's length.
   The stream stops at the first limit passed, so a refusal is quick whatever
   the file holds.

The limits are settings (`DUBAN_FILE_*`, see `bot.settings`), set once at
start (`configure`); the defaults are far beyond any office's ledger.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.parsers import expat

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and the wrapper of encrypted .xlsx
ZIP = b"PK\x03\x04"
CHUNK = 1 << 20
SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
SHARED_STRINGS = "xl/sharedstrings.xml"
MEDIA = "xl/media/"
CELL_TEXT = {"v", "t", "f"}  # a value, a string's text, a formula


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_unzipped_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100  # uncompressed : compressed
    max_parts: int = 2_000
    max_sheets: int = 50
    max_rows: int = 20_000
    max_columns: int = 50
    max_cell_chars: int = 5_000
    max_part_bytes: int = 20 * 1024 * 1024  # one part openpyxl parses whole (styles, workbook)


_limits = FileLimits()


def configure(limits: FileLimits) -> None:
    """Set the limits every workbook read is checked against (done once at start)."""
    global _limits
    _limits = limits


def current() -> FileLimits:
    return _limits


class FileRejected(Exception):
    """A file refused before parsing; the message is one Chinese line saying why."""


def check_workbook(path: Path, noun: str, limits: FileLimits | None = None) -> None:
    """Refuse `path` unless it is a plain .xlsx within `limits`; read nothing else."""
    limits = limits or _limits
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileRejected(
            f"{path.name} 有 {_mb(size)}，超过上限 {_mb(limits.max_bytes)}"
            "（设置 DUBAN_FILE_MAX_MB），未读取。"
        )
    with path.open("rb") as file:
        head = file.read(len(OLE2))
        if head.startswith(OLE2):
            raise FileRejected(_ole2_message(path, file, noun))
        if not head.startswith(ZIP):
            raise FileRejected(_not_zip_message(path, head + file.read(2048), noun))
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, path.name, noun, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise FileRejected(
            f"{path.name} 不完整或已损坏（可能没有下载完），请重新保存{noun}后再发送。"
        ) from error


def _check_archive(archive: zipfile.ZipFile, name: str, noun: str, limits: FileLimits) -> None:
    parts = archive.infolist()
    if len(parts) > limits.max_parts:
        raise FileRejected(f"{name} 内部文件过多（{len(parts)} 个），不像{noun}，未读取。")
    unzipped = sum(part.file_size for part in parts)
    zipped = sum(part.compress_size for part in parts)
    if unzipped > limits.max_unzipped_bytes:
        raise FileRejected(
            f"{name} 解压后有 {_mb(unzipped)}，超过上限 {_mb(limits.max_unzipped_bytes)}"
            "（设置 DUBAN_FILE_MAX_UNZIPPED_MB），未读取。"
        )
    if unzipped > limits.max_ratio * max(zipped, 1) and unzipped > 1024 * 1024:
        raise FileRejected(
            f"{name} 的压缩比异常（解压后是压缩时的 {unzipped // max(zipped, 1)} 倍，"
            f"上限 {limits.max_ratio} 倍），可能含有大量空白或空行，未读取。"
        )
    names = {part.filename.lower(): part for part in parts}
    if "xl/workbook.xml" not in names:
        raise FileRejected(
            f"{name} 不是 .xlsx 工作簿（缺少工作簿内容），请用 Excel 或 WPS 另存为 .xlsx。"
        )
    sheets = [part for key, part in names.items() if SHEET.match(key)]
    if len(sheets) > limits.max_sheets:
        raise FileRejected(
            f"{name} 有 {len(sheets)} 个工作表，超过上限 {limits.max_sheets} 个"
            "（设置 DUBAN_FILE_MAX_SHEETS），未读取。"
        )
    for key, part in names.items():
        if key.startswith(MEDIA) or SHEET.match(key) or key == SHARED_STRINGS:
            continue
        if part.file_size > limits.max_part_bytes:
            raise FileRejected(
                f"{name} 中的 {part.filename} 过大（{_mb(part.file_size)}），未读取。"
            )
    for part in sheets:
        with archive.open(part) as stream:
            _scan(stream, f"{name}（{_sheet_label(part.filename)}）", limits, sheet=True)
    if SHARED_STRINGS in names:
        with archive.open(names[SHARED_STRINGS]) as stream:
            _scan(stream, name, limits, sheet=False)


def _scan(stream: IO[bytes], where: str, limits: FileLimits, *, sheet: bool) -> None:
    """Stream one part's XML; stop at the first limit passed."""
    scan = _SheetScan(where, limits, sheet=sheet)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.text
    parser.StartDoctypeDeclHandler = _no_doctype  # entities are how XML bombs expand
    parser.EntityDeclHandler = _no_doctype
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise FileRejected(
            f"{where} 已损坏或不完整，无法读取：请用 Excel 或 WPS 重新保存后再发送。"
        ) from error


def _no_doctype(*_: object) -> None:
    raise FileRejected("文件中含有 XML 实体声明，不是 Excel 或 WPS 保存的 .xlsx，未读取。")


class _SheetScan:
    """Counts as expat reads, keeping nothing of the content."""

    def __init__(self, where: str, limits: FileLimits, *, sheet: bool) -> None:
        self.where, self.limits, self.sheet = where, limits, sheet
        self.rows = 0
        self.row_number = 0
        self.column = 0
        self.strings = 0
        self.in_text = False
        self.text_length = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        if name == "row":
            self.rows += 1
            written = attributes.get("r")
            self.row_number = int(written) if written and written.isdigit() else self.row_number + 1
            self.column = 0
            if self.rows > self.limits.max_rows or self.row_number > self.limits.max_rows:
                raise FileRejected(
                    f"{self.where} 超过 {self.limits.max_rows} 行"
                    f"（第 {self.row_number} 行仍有内容），请分成几个文件"
                    "（设置 DUBAN_FILE_MAX_ROWS），未读取。"
                )
        elif name == "c":
            reference = attributes.get("r")
            self.column = _column_index(reference) if reference else self.column + 1
            if self.column > self.limits.max_columns:
                raise FileRejected(
                    f"{self.where} 第 {self.row_number} 行有第 {self.column} 列的内容，"
                    f"超过上限 {self.limits.max_columns} 列"
                    "（设置 DUBAN_FILE_MAX_COLUMNS），未读取。"
                )
        elif name == "si" and not self.sheet:
            self.strings += 1
            if self.strings > self.limits.max_rows * self.limits.max_columns:
                raise FileRejected(f"{self.where} 的文字单元格过多，超过行数和列数的上限，未读取。")
        elif name in CELL_TEXT:
            self.in_text, self.text_length = True, 0

    def end(self, tag: str) -> None:
        if tag.rpartition(":")[2] in CELL_TEXT:
            self.in_text = False

    def text(self, data: str) -> None:
        if not self.in_text:
            return
        self.text_length += len(data)
        if self.text_length > self.limits.max_cell_chars:
            where = f"第 {self.row_number} 行" if self.sheet else "有"
            raise FileRejected(
                f"{self.where} {where}单元格超过 {self.limits.max_cell_chars} 个字"
                "（设置 DUBAN_FILE_MAX_CELL_CHARS），未读取。"
            )


def _column_index(reference: str) -> int:
    """ "AB12" → 28; the letters only (at most 3 in Excel; more is refused as too wide)."""
    index = 0
    for character in reference:
        if not ("A" <= character <= "Z"):
            break
        index = index * 26 + ord(character) - 64
        if index > 1_000_000:
            break
    return index


def _sheet_label(part_name: str) -> str:
    return part_name.rsplit("/", 1)[-1].removesuffix(".xml")


def _ole2_message(path: Path, file: IO[bytes], noun: str) -> str:
    """An OLE2 file is an old .xls, or an .xlsx with an opening password (MS-OFFCRYPTO)."""
    file.seek(0)
    marker = "EncryptedPackage".encode("utf-16-le")
    window = b""
    while chunk := file.read(CHUNK):
        window = window[-len(marker) :] + chunk
        if marker in window:
            return (
                f"{path.name} 设置了打开密码（已加密），机器人无法读取。"
                f"请在 Excel 或 WPS 中取消密码，另存为 .xlsx 后再发送{noun}。"
            )
    return f"{path.name} 是旧版 .xls 格式。请在 Excel 或 WPS 中“另存为” .xlsx 格式后再发送{noun}。"


def _not_zip_message(path: Path, head: bytes, noun: str) -> str:
    if not head:
        return f"{path.name} 是空文件，请重新保存{noun}后再发送。"
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is not None and ("," in text or "\t" in text or "\n" in text):
        return (
            f"{path.name} 其实是 CSV 文本文件（只是扩展名写成了 .xlsx）。"
            f"请用 Excel 或 WPS 打开后“另存为” .xlsx 格式的{noun}再发送。"
        )
    return f"{path.name} 不是 .xlsx 文件，请用 Excel 或 WPS 保存为 .xlsx 格式的{noun}后再发送。"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
