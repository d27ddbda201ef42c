"""Hostile and broken .xlsx shapes, built small and fast, for the limits test and benchmark."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheets><sheet name="台账" sheetId="1" r:id="rId1" xmlns:r="x"/>'
    "</sheets></workbook>"
)
HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = "</sheetData></worksheet>"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(path: Path, sheets: dict[str, Callable[[], Iterator[str]]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        for name, pieces in sheets.items():
            with archive.open(f"xl/worksheets/{name}.xml", "w", force_zip64=True) as part:
                buffer: list[str] = []
                held = 0
                for piece in pieces():
                    buffer.append(piece)
                    held += len(piece)
                    if held >= 1 << 20:  # written a megabyte at a time: the builder stays small
                        part.write("".join(buffer).encode())
                        buffer.clear()
                        held = 0
                part.write("".join(buffer).encode())
    return path


def _header() -> str:
    return '<row r="1">' + _cell("A1", "序号") + _cell("B1", "事项") + "</row>"


def four_million_rows(path: Path) -> Path:
    def rows() -> Iterator[str]:
        yield HEAD + _header()
        for n in range(2, 4_000_002):
            yield f'<row r="{n}"/>'
        yield TAIL

    return _workbook(path, {"sheet1": rows})


def whitespace(path: Path, gigabytes: float = 2.0) -> Path:
    def padded() -> Iterator[str]:
        yield HEAD + _header()
        block = " " * (1 << 20)
        for _ in range(int(gigabytes * 1024)):
            yield block
        yield TAIL

    return _workbook(path, {"sheet1": padded})


def column_xfd(path: Path) -> Path:
    def rows() -> Iterator[str]:
        yield HEAD + _header()
        for n in range(2, 200):
            yield f'<row r="{n}">' + _cell(f"A{n}", "x") + _cell(f"XFD{n}", "y") + "</row>"
        yield TAIL

    return _workbook(path, {"sheet1": rows})


def row_one_million(path: Path) -> Path:
    def rows() -> Iterator[str]:
        yield HEAD + _header() + '<row r="1000000">' + _cell("A1000000", "x") + "</row>" + TAIL

    return _workbook(path, {"sheet1": rows})


def many_real_rows(path: Path, rows_count: int = 30_000) -> Path:
    def rows() -> Iterator[str]:
        yield HEAD + _header()
        for n in range(2, rows_count + 2):
            yield f'<row r="{n}">' + _cell(f"A{n}", str(n)) + _cell(f"B{n}", f"事项{n}") + "</row>"
        yield TAIL

    return _workbook(path, {"sheet1": rows})


def long_cell(path: Path) -> Path:
    import random

    text = "".join(random.choice("改厕修路建站督办") for _ in range(1_000_000))

    def rows() -> Iterator[str]:
        yield HEAD + _header() + '<row r="2">' + _cell("A2", text) + "</row>" + TAIL

    return _workbook(path, {"sheet1": rows})


def many_sheets(path: Path) -> Path:
    def small() -> Iterator[str]:
        yield HEAD + _header() + TAIL

    return _workbook(path, {f"sheet{n}": small for n in range(1, 301)})


def encrypted(path: Path) -> Path:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000
    path.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + b"\0" * 5000)
    return path


def old_xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8000)
    return path


def csv_named_xlsx(path: Path) -> Path:
    path.write_text("序号,事项,牵头单位\n1,农村改厕,城关镇\n", encoding="utf-8")
    return path


def truncated(path: Path) -> Path:
    many_real_rows(path, rows_count=100)
    path.write_bytes(path.read_bytes()[:-300])
    return path


SHAPES: dict[str, Callable[[Path], Path]] = {
    "4,000,000 empty rows": four_million_rows,
    "2 GB of whitespace": whitespace,
    "cells in column XFD": column_xfd,
    "a cell in row 1,000,000": row_one_million,
    "30,000 real rows": many_real_rows,
    "a 1,000,000-character cell": long_cell,
    "300 sheets": many_sheets,
    "encrypted workbook": encrypted,
    "old .xls": old_xls,
    "CSV named .xlsx": csv_named_xlsx,
    "truncated download": truncated,
}
