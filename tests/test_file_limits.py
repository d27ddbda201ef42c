"""Files are bounded before parsing: each hostile or broken shape gets its own one-line
refusal and nothing is written (time and memory: benchmarks/bench_hostile_files.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks import hostile_files as shapes
from bot.excel import LedgerFileError, import_ledger
from bot.excel.limits import FileLimits, FileRejected, check_workbook, configure, current
from db.models import Task

SMALL = FileLimits(max_rows=100, max_columns=50, max_cell_chars=500, max_sheets=20)


@pytest.fixture
def small_limits():  # type: ignore[no-untyped-def]
    before = current()
    configure(SMALL)
    yield SMALL
    configure(before)


@pytest.mark.parametrize(
    ("build", "said"),
    [
        (lambda p: shapes.many_real_rows(p, rows_count=150), "超过 100 行（第 101 行仍有内容）"),
        (shapes.column_xfd, "第 2 行有第 16384 列的内容，超过上限 50 列"),
        (shapes.row_one_million, "超过 100 行（第 1000000 行仍有内容）"),
        (shapes.long_cell, "第 2 行单元格超过 500 个字"),
        (shapes.many_sheets, "有 300 个工作表，超过上限 20 个"),
        (lambda p: shapes.whitespace(p, gigabytes=0.05), "的压缩比异常"),
        (shapes.encrypted, "设置了打开密码（已加密）"),
        (shapes.old_xls, "是旧版 .xls 格式"),
        (shapes.csv_named_xlsx, "其实是 CSV 文本文件"),
        (shapes.truncated, "不完整或已损坏（可能没有下载完）"),
    ],
)
def test_each_shape_is_refused_in_one_line_saying_which_limit(tmp_path: Path, build, said) -> None:  # type: ignore[no-untyped-def]
    path = build(tmp_path / "台账.xlsx")
    with pytest.raises(FileRejected) as refused:
        check_workbook(path, "台账", SMALL)
    assert said in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = shapes.many_real_rows(tmp_path / "big.xlsx", rows_count=50)
    with pytest.raises(FileRejected, match=r"big\.xlsx 有 .* MB，超过上限 0\.0 MB"):
        check_workbook(path, "台账", FileLimits(max_bytes=10))


def test_an_over_limit_import_writes_nothing(session, tmp_path: Path, clock, small_limits) -> None:  # type: ignore[no-untyped-def]
    path = shapes.many_real_rows(tmp_path / "台账.xlsx", rows_count=150)
    with pytest.raises(LedgerFileError, match="超过 100 行"):
        import_ledger(session, path, now=clock(), zone=None, calendar=None, end_of_day=None)  # type: ignore[arg-type]
    assert session.scalar(select(func.count(Task.id))) == 0
