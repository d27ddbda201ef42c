"""Roster files: a unit's own and a county's, real Excel cells or text, errors by row."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.calendar.workcalendar import HolidayPeriod
from bot.duty import (
    ROSTER_COLUMNS,
    TEMPLATE_PATH,
    Post,
    RosterFileError,
    read_roster_xlsx,
    write_roster_template,
)

NATIONAL_DAY = HolidayPeriod("国庆节", date(2026, 10, 1), date(2026, 10, 8))


def workbook_with(path: Path, rows: list[list[object]], header: list[str] = ROSTER_COLUMNS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "值班表"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def spans(reading):  # type: ignore[no-untyped-def]
    return [
        (shift.line, shift.unit, shift.post, shift.name, shift.start, shift.end, shift.phone)
        for shift in reading.shifts
    ]


def test_a_units_own_file_with_text_cells(tmp_path) -> None:
    path = workbook_with(
        tmp_path / "县委办.xlsx",
        [
            ["", "10月1日", "08:00", "20:00", "带班领导", "张三", "13800000000"],
            ["", "10.1", "20:00", "次日08:00", "值班领导", "李四", "13900000000"],
            ["县委办", "2026-10-01", "00:00", "24:00", "值班人员", "王五", "0571-87654321"],
        ],
    )
    reading = read_roster_xlsx(path, period=NATIONAL_DAY, unit="县委办")
    assert reading.errors == [] and reading.sheet == "值班表"
    assert spans(reading) == [
        (
            2,
            "县委办",
            Post.LEADER,
            "张三",
            datetime(2026, 10, 1, 8),
            datetime(2026, 10, 1, 20),
            "13800000000",
        ),
        (
            3,
            "县委办",
            Post.LEADER,
            "李四",
            datetime(2026, 10, 1, 20),
            datetime(2026, 10, 2, 8),
            "13900000000",
        ),
        (
            4,
            "县委办",
            Post.OFFICER,
            "王五",
            datetime(2026, 10, 1),
            datetime(2026, 10, 2),
            "0571-87654321",
        ),
    ]


def test_real_date_and_time_cells(tmp_path) -> None:
    path = tmp_path / "cells.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ROSTER_COLUMNS)
    sheet.append(
        ["县委办", datetime(2026, 10, 2), time(8), time(20), "带班领导", "张三", 13800000000]
    )
    # 24:00 typed into an h:mm cell: openpyxl reads 1900-01-01 00:00; [h]:mm gives a timedelta.
    sheet.append(["县委办", date(2026, 10, 2), time(20), 1.0, "带班领导", "李四", "13900000000"])
    sheet["D3"].number_format = "h:mm"
    sheet.append(
        ["县委办", date(2026, 10, 2), 0.0, timedelta(days=1), "值班员", "王五", "0571-87654321"]
    )
    sheet["C4"].number_format = "h:mm"
    sheet["D4"].number_format = "[h]:mm"
    # A full date and time ending the next morning; 08:00 stored as 0.33333 reads 07:59:59.997.
    sheet.append(
        [
            "县委办",
            date(2026, 10, 3),
            0.3333333,
            datetime(2026, 10, 4, 8),
            "值班员",
            "赵六",
            13600000000.0,
        ]
    )
    sheet["C5"].number_format = "h:mm"
    workbook.save(path)
    reading = read_roster_xlsx(path, period=NATIONAL_DAY)
    assert reading.errors == []
    assert [(shift.start, shift.end, shift.phone) for shift in reading.shifts] == [
        (datetime(2026, 10, 2, 8), datetime(2026, 10, 2, 20), "13800000000"),
        (datetime(2026, 10, 2, 20), datetime(2026, 10, 3), "13900000000"),
        (datetime(2026, 10, 2), datetime(2026, 10, 3), "0571-87654321"),
        (datetime(2026, 10, 3, 8), datetime(2026, 10, 4, 8), "13600000000"),
    ]


def test_a_county_file_with_merged_units_and_days(tmp_path) -> None:
    path = tmp_path / "全县.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "说明"
    sheet.append(["请各单位于9月28日前报送"])
    roster = workbook.create_sheet("国庆值班")
    roster.append(["全县国庆值班表"])
    roster.append(["序号", "单位名称", "值班日期", "值班时间", "岗位", "姓名", "联系电话", "备注"])
    roster.append([1, "县委办", "10月1日", "08:00-20:00", "带班领导", "张三", "13800000000", ""])
    roster.append([2, None, None, "20:00-08:00", "带班领导", "李四", "13900000000", ""])
    roster.append([3, "县公安局", "10月1日", "全天", "值班员", "王五", "13700000000", "警务室"])
    roster.merge_cells("B3:B4")
    roster.merge_cells("C3:C4")
    workbook.save(path)
    reading = read_roster_xlsx(path, period=NATIONAL_DAY)
    assert reading.errors == [] and reading.sheet == "国庆值班"
    assert reading.units == ["县委办", "县公安局"]
    assert [(shift.line, shift.unit, shift.start, shift.end) for shift in reading.shifts] == [
        (3, "县委办", datetime(2026, 10, 1, 8), datetime(2026, 10, 1, 20)),
        (4, "县委办", datetime(2026, 10, 1, 20), datetime(2026, 10, 2, 8)),
        (5, "县公安局", datetime(2026, 10, 1), datetime(2026, 10, 2)),
    ]


def test_bad_rows_are_named_by_row_and_nothing_is_accepted(tmp_path) -> None:
    path = workbook_with(
        tmp_path / "bad.xlsx",
        [
            ["县委办", "10月1日", "08:00", "20:00", "带班领导", "张三", "13800000000"],
            ["", "10月1日", "08:00", "20:00", "带班领导", "张三", "13800000000"],
            ["县委办", "10月40日", "08:00", "20:00", "值班员", "李四", "13900000000"],
            ["县委办", "10月2日", "8点", "", "值班员", "李四", "13900000000"],
            ["县委办", "10月2日", "08:00", "20:00", "司机", "李四", "13900000000"],
            ["县委办", "10月2日", "08:00", "20:00", "值班员", "", "13900000000"],
            ["县委办", "10月20日", "08:00", "20:00", "值班员", "李四", "13900000000"],
            ["县委办", "10月2日", "08:00", "27:00", "值班员", "李四", "13900000000"],
        ],
    )
    reading = read_roster_xlsx(path, period=NATIONAL_DAY, unit="县政府办")
    assert reading.shifts == []
    assert [str(error) for error in reading.errors] == [
        "第 2 行：单位“县委办”不是本单位（县政府办）",
        "第 4 行：单位“县委办”不是本单位（县政府办）；没有10月40日这一天",
        "第 5 行：单位“县委办”不是本单位（县政府办）；结束时间为空",
        "第 6 行：单位“县委办”不是本单位（县政府办）；岗位“司机”应为 带班领导 或 值班员",
        "第 7 行：单位“县委办”不是本单位（县政府办）；姓名为空",
        "第 8 行：单位“县委办”不是本单位（县政府办）",
        "第 9 行：单位“县委办”不是本单位（县政府办）；"
        "时间“27:00”不存在（应在 00:00 至 24:00 之间）",
    ]
    county = read_roster_xlsx(path, period=NATIONAL_DAY)
    assert [str(error) for error in county.errors] == [
        "第 4 行：没有10月40日这一天",
        "第 5 行：结束时间为空",
        "第 6 行：岗位“司机”应为 带班领导 或 值班员",
        "第 7 行：姓名为空",
        "第 8 行：10月20日的班次不在假期（10月1日至10月8日）内",
        "第 9 行：时间“27:00”不存在（应在 00:00 至 24:00 之间）",
    ]


def test_a_file_naming_no_unit_is_the_units_named_after_it(tmp_path) -> None:
    row = ["", "10月1日", "08:00", "20:00", "带班领导（主班）", "张三", "13800000000"]
    reading = read_roster_xlsx(workbook_with(tmp_path / "县委办.xlsx", [row]), period=NATIONAL_DAY)
    assert reading.units == ["县委办"] and reading.shifts[0].post is Post.LEADER
    mixed = workbook_with(tmp_path / "全县.xlsx", [row, ["县公安局", *row[1:]]])
    assert [str(error) for error in read_roster_xlsx(mixed, period=NATIONAL_DAY).errors] == [
        "第 2 行：单位为空"
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: None, "找不到文件"),
        (
            lambda path: path.write_text("not a workbook"),
            "roster.xlsx 不是 .xlsx 文件，请用 Excel 或 WPS",
        ),
        (
            lambda path: workbook_with(path, [], header=["单位", "日期", "姓名", "电话"]),
            "roster.xlsx 的前 10 行里找不到值班表的表头（缺岗位、开始、结束）",
        ),
        (
            lambda path: workbook_with(path, [], header=[*ROSTER_COLUMNS, "手机"]),
            "“电话”（G 列）和“手机”（H 列）都表示“电话”",
        ),
    ],
)
def test_an_unreadable_file_is_one_error(tmp_path, make, message) -> None:
    path = tmp_path / "roster.xlsx"
    make(path)
    with pytest.raises(RosterFileError, match=message):
        read_roster_xlsx(path, period=NATIONAL_DAY)


def test_the_shipped_template_is_what_the_code_writes(tmp_path) -> None:
    written = tmp_path / "template.xlsx"
    write_roster_template(written)
    shipped, fresh = load_workbook(TEMPLATE_PATH), load_workbook(written)
    assert shipped.sheetnames == fresh.sheetnames == ["值班表", "填写说明"]
    for name in shipped.sheetnames:
        assert [[cell.value for cell in row] for row in shipped[name].iter_rows()] == [
            [cell.value for cell in row] for row in fresh[name].iter_rows()
        ]
    assert [cell.value for cell in fresh["值班表"][1]] == ROSTER_COLUMNS
    assert fresh["值班表"].column_dimensions["G"].number_format == "@"  # phones stay text


def test_the_templates_example_rows_read_back(tmp_path) -> None:
    notes = load_workbook(TEMPLATE_PATH)["填写说明"]
    rows = [[cell.value for cell in row] for row in notes.iter_rows()]
    example = rows[rows.index(ROSTER_COLUMNS) + 1 :]
    reading = read_roster_xlsx(
        workbook_with(tmp_path / "example.xlsx", example), period=NATIONAL_DAY
    )
    assert reading.errors == [] and len(reading.shifts) == 3
